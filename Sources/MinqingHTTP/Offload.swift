import NIOPosix

/// Where CPU-heavy or blocking work goes (multipart and image processing, CSV export, bcrypt, large queries'
/// post-processing): NIO's shared blocking thread pool, so it never holds an event loop, one of the few threads of
/// Swift's cooperative pool, or an actor every request needs. A slow request then cannot make `/healthz` slow.
public enum Offload {
    /// Runs `work` on `NIOThreadPool.singleton` and returns its result (or rethrows its error).
    /// Throws `CancellationError` when the pool is shutting down.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    /// Below this many input bytes, work is cheaper than the hop to the pool and runs where it is.
    public static let inlineBytes = 64 << 10

    /// Runs `work` (whose cost grows with `bytes` of input, e.g. decoding a request body) inline when the input is
    /// small, else on the pool as `run` does.
    public static func run<T: Sendable>(bytes: Int, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        bytes < inlineBytes ? try work() : try await run(work)
    }
}
