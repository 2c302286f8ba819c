import CCurl
import Foundation

/// The hub's one client for HTTP(S), SMTP and IMAP, built on libcurl's multi interface.
///
/// Contract:
/// - One dedicated thread drives every transfer of this client through one multi handle, so
///   many requests run at once without a thread each, and connections are kept in the multi
///   handle's cache and reused by later requests to the same host.
/// - `Configuration.maxHostConnections` caps simultaneous connections per host; extra
///   transfers wait in curl's queue. A transfer's total timeout includes that wait.
/// - All methods may be called from any task, concurrently.
/// - A cancelled task's transfer is removed from the multi handle and the call throws
///   `CurlError` with kind `.cancelled`.
/// - Call `shutdown(_:)` before dropping the client. After `beginShutdown`, new calls throw
///   `.shutdown`. A client released without shutdown aborts its transfers and ends its thread.
public final class CurlClient: Sendable {
    public struct Configuration: Sendable {
        /// CURLMOPT_MAX_HOST_CONNECTIONS (0 = unlimited).
        public var maxHostConnections: Int
        /// CURLMOPT_MAX_TOTAL_CONNECTIONS (0 = unlimited).
        public var maxTotalConnections: Int
        /// CURLMOPT_MAXCONNECTS, the size of the idle connection cache; nil keeps curl's default.
        public var connectionCacheSize: Int?
        /// HTTP response bodies beyond this many bytes are counted but not kept.
        public var maxResponseBodyBytes: Int
        /// IMAP messages and command responses beyond this many bytes fail with `.tooLarge`.
        public var maxMailBytes: Int
        public var userAgent: String

        public init(
            maxHostConnections: Int = 8,
            maxTotalConnections: Int = 0,
            connectionCacheSize: Int? = nil,
            maxResponseBodyBytes: Int = 64 * 1024,
            maxMailBytes: Int = 32 * 1024 * 1024,
            userAgent: String = "MinqingHub (libcurl)"
        ) {
            self.maxHostConnections = maxHostConnections
            self.maxTotalConnections = maxTotalConnections
            self.connectionCacheSize = connectionCacheSize
            self.maxResponseBodyBytes = maxResponseBodyBytes
            self.maxMailBytes = maxMailBytes
            self.userAgent = userAgent
        }
    }

    public let configuration: Configuration
    private let inbox: Inbox

    /// Starts the transfer thread. Fails only if libcurl cannot be initialised.
    public init(configuration: Configuration = .init()) throws(CurlError) {
        try CurlGlobal.ensureInitialized()
        guard let multi = TransferLoop.makeMultiHandle(configuration) else {
            throw CurlError(kind: .other, message: "curl_multi_init failed")
        }
        let inbox = Inbox(multi: multi)
        self.configuration = configuration
        self.inbox = inbox
        let owned = MultiHandOff(multi: multi)
        let thread = Thread {
            TransferLoop(multi: owned.multi, inbox: inbox).run()
        }
        thread.name = "minqing-curl"
        thread.start()
    }

    deinit {
        inbox.requestShutdown(.abortInFlight)
    }

    /// Stops accepting work and returns at once; `mode` says what happens to transfers in flight.
    public func beginShutdown(_ mode: ShutdownMode = .abortInFlight) {
        inbox.requestShutdown(mode)
    }

    /// Stops the client and waits until its thread has exited. Safe to call more than once.
    /// With `.abortInFlight`, running calls throw `.shutdown`; with `.finishInFlight` they
    /// complete normally (each bounded by its own timeout) before this returns.
    public func shutdown(_ mode: ShutdownMode = .abortInFlight) async {
        inbox.requestShutdown(mode)
        await inbox.join()
    }

    /// Runs one transfer: `setup` configures the easy handle on the loop thread.
    func perform(url: String, _ setup: @escaping TransferSetup) async -> TransferOutcome {
        let inbox = self.inbox
        let id = inbox.register()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<TransferOutcome, Never>) in
                inbox.submit(TransferJob(id: id, url: url, setup: setup, continuation: continuation))
            }
        } onCancel: {
            inbox.cancel(id)
        }
    }
}

/// TLS settings for one transfer.
public struct TLSOptions: Sendable, Equatable {
    /// Verify the server certificate and host name (CURLOPT_SSL_VERIFYPEER/VERIFYHOST). Keep true outside tests.
    public var verifyPeer: Bool
    /// A PEM bundle of trusted CAs (CURLOPT_CAINFO); nil uses the system store.
    public var caFile: String?

    public init(verifyPeer: Bool = true, caFile: String? = nil) {
        self.verifyPeer = verifyPeer
        self.caFile = caFile
    }

    func apply(to transfer: Transfer) throws(CurlError) {
        try transfer.set(CURLOPT_SSL_VERIFYPEER, verifyPeer)
        try transfer.set(CURLOPT_SSL_VERIFYHOST, verifyPeer ? 2 : 0)
        if let caFile { try transfer.set(CURLOPT_CAINFO, caFile) }
    }
}

/// Moves the freshly made multi handle into the thread that will own it.
private struct MultiHandOff: @unchecked Sendable {
    let multi: UnsafeMutableRawPointer
}

private enum CurlGlobal {
    /// curl_global_init is not thread-safe; a Swift static is initialised exactly once.
    static let initResult: CURLcode = mq_global_init()

    static func ensureInitialized() throws(CurlError) {
        let code = initResult
        guard code == CURLE_OK else {
            throw CurlError(
                kind: .other, code: Int(code.rawValue),
                message: "curl_global_init failed: \(String(cString: curl_easy_strerror(code)))")
        }
    }
}
