import CCurl

/// The one thread that owns the multi handle and every easy handle.
///
/// Each turn: take queued commands (add / cancel / shutdown), let curl do all the work it can
/// (`curl_multi_perform`), hand finished transfers back, then block in `curl_multi_poll` until a
/// socket is ready, one of curl's own timers is due, or another thread calls `curl_multi_wakeup`.
/// There is no fixed-delay polling: the poll timeout below only bounds an idle wait and curl
/// shortens it to its next timer by itself.
final class TransferLoop {
    private let multi: UnsafeMutableRawPointer
    private let inbox: Inbox
    private var transfers: [UInt64: Transfer] = [:]
    private var shutdownMode: ShutdownMode?

    /// Takes ownership of `multi`; frees it when `run()` returns.
    init(multi: UnsafeMutableRawPointer, inbox: Inbox) {
        self.multi = multi
        self.inbox = inbox
    }

    /// Creates and configures a multi handle. Any thread.
    static func makeMultiHandle(_ configuration: CurlClient.Configuration) -> UnsafeMutableRawPointer? {
        guard let multi = curl_multi_init() else { return nil }
        _ = mq_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(0, configuration.maxHostConnections))
        _ = mq_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(0, configuration.maxTotalConnections))
        if let cache = configuration.connectionCacheSize {
            _ = mq_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, cache))
        }
        return multi
    }

    func run() {
        while true {
            for command in inbox.takeCommands() { handle(command) }
            if shutdownMode == .abortInFlight { abortAll() }
            if shutdownMode != nil, transfers.isEmpty { break }

            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            collectFinished()

            var ready: Int32 = 0
            _ = curl_multi_poll(multi, nil, 0, 60_000, &ready)
        }
        let (leftover, joinWaiters) = inbox.close()
        for case .add(let job) in leftover { job.continuation.resume(returning: .failure(.shutdown(job.url))) }
        curl_multi_cleanup(multi)
        for waiter in joinWaiters { waiter.resume() }
    }

    private func handle(_ command: Inbox.Command) {
        switch command {
        case .add(let job):
            start(job)
        case .cancel(let id):
            guard let transfer = transfers.removeValue(forKey: id) else { return }
            curl_multi_remove_handle(multi, transfer.handle)
            transfer.finish(.failure(.cancelled(transfer.url)))
            inbox.forget([id])
        case .shutdown(let mode):
            if shutdownMode != .abortInFlight { shutdownMode = mode }
        }
    }

    private func start(_ job: TransferJob) {
        guard let transfer = Transfer(job: job) else {
            job.continuation.resume(returning: .failure(.invalid("curl_easy_init failed (out of memory)", url: job.url)))
            inbox.forget([job.id])
            return
        }
        do throws(CurlError) {
            try job.setup(transfer)
        } catch {
            transfer.finish(.failure(error))
            inbox.forget([job.id])
            return
        }
        let code = curl_multi_add_handle(multi, transfer.handle)
        guard code == CURLM_OK else {
            let message = String(cString: curl_multi_strerror(code))
            transfer.finish(.failure(CurlError(kind: .other, code: Int(code.rawValue), message: message, url: job.url)))
            inbox.forget([job.id])
            return
        }
        transfers[job.id] = transfer
    }

    private func collectFinished() {
        var finishedIDs: [UInt64] = []
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            var userdata: UnsafeMutableRawPointer? = nil
            _ = withUnsafeMutablePointer(to: &userdata) { mq_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, $0) }
            curl_multi_remove_handle(multi, easy)
            guard let userdata else { continue }
            let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
            transfer.complete(code)
            transfers[transfer.id] = nil
            finishedIDs.append(transfer.id)
        }
        inbox.forget(finishedIDs)
    }

    private func abortAll() {
        for transfer in transfers.values {
            curl_multi_remove_handle(multi, transfer.handle)
            transfer.finish(.failure(.shutdown(transfer.url)))
        }
        inbox.forget(Array(transfers.keys))
        transfers.removeAll()
    }
}
