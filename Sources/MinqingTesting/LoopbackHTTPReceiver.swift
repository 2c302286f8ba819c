import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 (SwiftNIO) that records what it receives and answers by path:
///
/// - `/echo` or `/echo/NNN` — status NNN (default 200), body = the request body, request Content-Type echoed.
/// - `/status/NNN` — status NNN with a small JSON body.
/// - `/big/N` — 200 with N bytes of "x".
/// - `/stall` — reads the request, never answers.
/// - `/hold` or `/hold/NNN` — answers 200 (or NNN) only after `releaseHeld()`.
/// - `/close` — closes the connection without answering.
///
/// With a `responder`, every request is answered by it instead (stand-ins for robots and county systems that
/// fail, throttle, stall or answer with vendor error bodies).
///
/// Tests wait on its events (`waitUntil`) instead of sleeping.
public final class LoopbackHTTPReceiver: Sendable {
    public struct RecordedRequest: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        public var connection: Int

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    public struct Snapshot: Sendable {
        public var requests: [RecordedRequest]
        public var connectionsOpened: Int
        public var connectionsClosed: Int
        public var held: Int
    }

    /// How a programmable receiver answers one request.
    public enum Answer: Sendable {
        case respond(status: Int, headers: [(String, String)] = [], body: String)
        /// Read the request and never answer (the client's timeout fires).
        case stall
        /// Close the connection without answering.
        case close

        public static func json(_ body: String, status: Int = 200) -> Answer { .respond(status: status, body: body) }
    }

    public typealias Responder = @Sendable (RecordedRequest) -> Answer

    let responder: Responder?

    private struct State {
        var snapshot = Snapshot(requests: [], connectionsOpened: 0, connectionsClosed: 0, held: 0)
        var heldPromises: [EventLoopPromise<Void>] = []
        var waiters: [(condition: @Sendable (Snapshot) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())
    private let channel = Mutex<Channel?>(nil)
    private let boundPort = Atomic<Int>(0)

    public var port: Int { boundPort.load(ordering: .acquiring) }

    private init(responder: Responder?) { self.responder = responder }

    public static func start(responder: Responder? = nil) async throws -> LoopbackHTTPReceiver {
        let receiver = LoopbackHTTPReceiver(responder: responder)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let number = receiver.connectionOpened()
                channel.closeFuture.whenComplete { _ in receiver.connectionClosed() }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(receiver: receiver, connection: number))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        receiver.boundPort.store(channel.localAddress?.port ?? 0, ordering: .releasing)
        receiver.channel.withLock { $0 = channel }
        return receiver
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    public func stop() async {
        releaseHeld()
        let channel = self.channel.withLock { $0 }
        try? await channel?.close()
    }

    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// Suspends until `condition` holds for the receiver's state.
    public func waitUntil(_ condition: @escaping @Sendable (Snapshot) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let satisfied = state.withLock { state in
                if condition(state.snapshot) { return true }
                state.waiters.append((condition, continuation))
                return false
            }
            if satisfied { continuation.resume() }
        }
    }

    /// Answers every request currently waiting on `/hold`.
    public func releaseHeld() {
        let promises = state.withLock { state in
            defer { state.heldPromises.removeAll() }
            return state.heldPromises
        }
        for promise in promises { promise.succeed() }
    }

    // MARK: Events from the handlers

    private func update(_ change: (inout State) -> Void) {
        let ready = state.withLock { state in
            change(&state)
            let snapshot = state.snapshot
            let ready = state.waiters.filter { $0.condition(snapshot) }.map(\.continuation)
            state.waiters.removeAll { $0.condition(snapshot) }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    fileprivate func connectionOpened() -> Int {
        var number = 0
        update { state in
            state.snapshot.connectionsOpened += 1
            number = state.snapshot.connectionsOpened
        }
        return number
    }

    fileprivate func connectionClosed() { update { $0.snapshot.connectionsClosed += 1 } }

    fileprivate func record(_ request: RecordedRequest) { update { $0.snapshot.requests.append(request) } }

    fileprivate func hold(_ promise: EventLoopPromise<Void>) {
        update { state in
            state.heldPromises.append(promise)
            state.snapshot.held += 1
        }
    }
}

private final class Handler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let receiver: LoopbackHTTPReceiver
    private let connection: Int
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(receiver: LoopbackHTTPReceiver, connection: Int) {
        self.receiver = receiver
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body += buffer.readableBytesView
        case .end:
            guard let head else { return }
            self.head = nil
            let request = LoopbackHTTPReceiver.RecordedRequest(
                method: head.method.rawValue, uri: head.uri,
                headers: head.headers.map { ($0.name, $0.value) }, body: body, connection: connection)
            receiver.record(request)
            if let responder = receiver.responder {
                switch responder(request) {
                case .respond(let status, let headers, let text):
                    respond(context: context, head: head, status: status, body: Array(text.utf8), extraHeaders: headers)
                case .stall:
                    break
                case .close:
                    context.close(promise: nil)
                }
                return
            }
            route(head, context: context)
        }
    }

    private func route(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let parts = head.uri.split(separator: "/").map(String.init)
        switch parts.first ?? "" {
        case "echo":
            let status = parts.count > 1 ? Int(parts[1]) ?? 200 : 200
            let type = head.headers.first(name: "content-type") ?? "application/octet-stream"
            respond(context: context, head: head, status: status, body: body, contentType: type)
        case "status":
            let status = parts.count > 1 ? Int(parts[1]) ?? 200 : 200
            respond(context: context, head: head, status: status, body: Array(#"{"status":\#(status)}"#.utf8))
        case "big":
            let size = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            respond(context: context, head: head, status: 200, body: [UInt8](repeating: UInt8(ascii: "x"), count: size))
        case "stall":
            break
        case "close":
            context.close(promise: nil)
        case "hold":
            let status = parts.count > 1 ? Int(parts[1]) ?? 200 : 200
            let promise = context.eventLoop.makePromise(of: Void.self)
            promise.futureResult.assumeIsolated().whenSuccess {
                self.respond(context: context, head: head, status: status, body: Array(#"{"released":true}"#.utf8))
            }
            receiver.hold(promise)
        default:
            respond(context: context, head: head, status: 200, body: Array(#"{"ok":true}"#.utf8))
        }
    }

    private func respond(
        context: ChannelHandlerContext, head: HTTPRequestHead, status: Int, body: [UInt8],
        contentType: String = "application/json; charset=utf-8", extraHeaders: [(String, String)] = []
    ) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "X-Receiver", value: "loopback")
        let response = HTTPResponseHead(version: head.version, status: .init(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
