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
/// - `/hold` — answers 200 only after `releaseHeld()`.
/// - `/close` — closes the connection without answering.
///
/// Tests wait on its events (`waitUntil`) instead of sleeping.
final class LoopbackHTTPReceiver: Sendable {
    struct RecordedRequest: Sendable {
        var method: String
        var uri: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        var connection: Int

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    struct Snapshot: Sendable {
        var requests: [RecordedRequest]
        var connectionsOpened: Int
        var connectionsClosed: Int
        var held: Int
    }

    private struct State {
        var snapshot = Snapshot(requests: [], connectionsOpened: 0, connectionsClosed: 0, held: 0)
        var heldPromises: [EventLoopPromise<Void>] = []
        var waiters: [(condition: @Sendable (Snapshot) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())
    private let channel = Mutex<Channel?>(nil)
    private let boundPort = Atomic<Int>(0)

    var port: Int { boundPort.load(ordering: .acquiring) }

    private init() {}

    static func start() async throws -> LoopbackHTTPReceiver {
        let receiver = LoopbackHTTPReceiver()
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

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() async {
        releaseHeld()
        let channel = self.channel.withLock { $0 }
        try? await channel?.close()
    }

    var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// Suspends until `condition` holds for the receiver's state.
    func waitUntil(_ condition: @escaping @Sendable (Snapshot) -> Bool) async {
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
    func releaseHeld() {
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
            receiver.record(.init(
                method: head.method.rawValue, uri: head.uri,
                headers: head.headers.map { ($0.name, $0.value) }, body: body, connection: connection))
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
            let promise = context.eventLoop.makePromise(of: Void.self)
            promise.futureResult.assumeIsolated().whenSuccess {
                self.respond(context: context, head: head, status: 200, body: Array(#"{"released":true}"#.utf8))
            }
            receiver.hold(promise)
        default:
            respond(context: context, head: head, status: 200, body: Array(#"{"ok":true}"#.utf8))
        }
    }

    private func respond(
        context: ChannelHandlerContext, head: HTTPRequestHead, status: Int, body: [UInt8],
        contentType: String = "application/json; charset=utf-8"
    ) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "X-Receiver", value: "loopback")
        let response = HTTPResponseHead(version: head.version, status: .init(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
