import Foundation
import Logging
import Metrics
import MinqingCore
import MinqingCurl
import MinqingStore
import ServiceLifecycle

/// Polls one IMAP folder and turns each new message into a case (or a follow-up of one).
///
/// Contract:
/// - What is new is decided by the durable cursor (UIDVALIDITY + last UID) in the store, never by `\Seen`.
///   The cursor advances only after every message up to it has been accepted by the intake (is durable).
/// - Then the disposition runs (move / flag / leave); mail is never deleted. With `move`, a message at or below
///   the cursor still in the folder (the hub stopped between storing and moving it) is moved on the next poll.
/// - Messages are keyed by Message-ID (see `MailSourceRef`), so a redelivery or a re-scan is a no-op.
///   A UIDVALIDITY change resets the cursor to the new validity and reads the folder from UID 1.
/// - A message that cannot be read or fetched becomes a flagged case; it never blocks the folder.
/// - A failed poll (connection, login, folder, store) is retried after `MailboxBackoff`; `health` says why.
public actor MailboxPoller: Service {
    public nonisolated let settings: MailboxPollerSettings
    private let imap: IMAPClient
    private let intake: any MessageIntake
    private let store: any CaseLedger & ChannelCursors
    private let mapper: MailIntakeMapper
    private let clock: any WallClock
    private let sleeper: any Sleeper
    private let logger: Logger
    private let metrics: MailboxMetrics
    private var currentHealth: MailboxHealth
    private var processedFolderReady = false
    private let events: AsyncStream<Result<PollReport, MailboxFailure>>.Continuation
    /// Every poll's outcome, in order (tests wait on it instead of sleeping).
    public nonisolated let outcomes: AsyncStream<Result<PollReport, MailboxFailure>>

    public init(
        settings: MailboxPollerSettings, imap: IMAPClient, intake: any MessageIntake, store: any CaseLedger & ChannelCursors,
        mapper: MailIntakeMapper = .init(), clock: any WallClock = SystemClock(), sleeper: any Sleeper = TaskSleeper(),
        logger: Logger = Logger(label: "minqing.mailbox"), metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.settings = settings
        self.imap = imap
        self.intake = intake
        self.store = store
        self.mapper = mapper
        self.clock = clock
        self.sleeper = sleeper
        var logger = logger
        logger[metadataKey: "mailbox.name"] = "\(settings.name)"
        self.logger = logger
        self.metrics = MailboxMetrics(mailbox: settings.name, factory: metrics)
        currentHealth = MailboxHealth(mailbox: settings.name, state: .starting, consecutiveFailures: 0)
        (outcomes, events) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(64))
    }

    public var health: MailboxHealth { currentHealth }

    /// Polls until the service group shuts down (or the task is cancelled).
    public func run() async throws {
        defer { events.finish() }
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    let delay = await self.pollRecordingHealth()
                    try await self.sleeper.sleep(seconds: delay)
                }
            }
        } catch is CancellationError {
            logger.info("mailbox poller stopped")
        }
    }

    /// One poll with health, metrics and logs updated; returns the seconds to wait before the next one.
    @discardableResult
    public func pollRecordingHealth() async -> TimeInterval {
        do {
            let report = try await pollOnce()
            currentHealth.state = .healthy
            currentHealth.consecutiveFailures = 0
            currentHealth.lastSuccess = clock.now()
            currentHealth.nextAttempt = clock.now().addingTimeInterval(settings.interval)
            metrics.up(true, failures: 0)
            events.yield(.success(report))
            return settings.interval
        } catch {
            // Stopping is not a failure of the mailbox: leave health as it was.
            if Task.isCancelled || error is CancellationError || (error as? CurlError)?.kind == .cancelled { return 0 }
            let failure = MailboxFailure.from(error, mailbox: settings.name, folder: settings.folder)
            currentHealth.consecutiveFailures += 1
            currentHealth.state = .failing(failure)
            let delay = settings.backoff.delay(afterFailures: currentHealth.consecutiveFailures, kind: failure.kind)
            currentHealth.nextAttempt = clock.now().addingTimeInterval(delay)
            metrics.pollFailed(failure.kind, consecutive: currentHealth.consecutiveFailures)
            logger.warning("mailbox poll failed", metadata: [
                "error": "\(error)", "failure.kind": "\(failure.kind.rawValue)",
                "poll.failures": "\(currentHealth.consecutiveFailures)", "retry.seconds": "\(delay)",
            ])
            events.yield(.failure(failure))
            return delay
        }
    }

    /// Reads everything new in the folder once. Throws on connection, login, folder or store failures; what was
    /// stored before the failure stays stored and the cursor says so.
    public func pollOnce() async throws -> PollReport {
        let status = try await imap.select(settings.folder)
        var cursor = try await store.mailboxCursor(settings.name)
        var rescanned = false
        if cursor?.uidValidity != status.uidValidity {
            if let old = cursor {
                rescanned = true
                metrics.rescans.increment()
                logger.warning("UIDVALIDITY changed: re-scanning the folder, deduplicated by Message-ID", metadata: [
                    "imap.uidvalidity.old": "\(old.uidValidity)", "imap.uidvalidity.new": "\(status.uidValidity)",
                ])
            }
            let fresh = MailboxCursor(mailbox: settings.name, uidValidity: status.uidValidity, lastUID: 0)
            try await store.saveMailboxCursor(fresh, at: clock.now())
            cursor = fresh
        }
        var report = PollReport(
            mailbox: settings.name, uidValidity: status.uidValidity, rescanned: rescanned, lastUID: cursor!.lastUID)

        let isMove: Bool
        if case .move(let destination) = settings.disposition {
            isMove = true
            if !processedFolderReady {
                try await imap.createFolder(destination)
                processedFolderReady = true
            }
        } else {
            isMove = false
        }
        // With move, everything still in the folder is either new or left over from an interrupted move.
        let uids = try await imap.searchUIDs(in: settings.folder, from: isMove ? 1 : report.lastUID &+ 1)
        for uid in uids where uid <= report.lastUID {
            if await !dispose(uid: uid, wasUnseen: false) { report.dispositionFailures += 1 }
        }
        let fresh = uids.filter { $0 > report.lastUID }
        var start = 0
        while start < fresh.count {
            let batch = Array(fresh[start..<min(start + settings.batchSize, fresh.count)])
            start += batch.count
            try await ingest(batch, uidValidity: status.uidValidity, into: &report)
        }
        return report
    }

    // MARK: One batch

    private enum Fetched: Sendable {
        case message(InboundMessage, hints: MailThreadHints)
        case vanished
    }

    private func ingest(_ batch: [UInt32], uidValidity: UInt32, into report: inout PollReport) async throws {
        // Fetching marks a message \Seen; to leave mail as it was, remember which were unread and restore that.
        var unseen: Set<UInt32> = []
        if case .leave = settings.disposition, let first = batch.min() {
            unseen = Set(try await imap.searchUnseenUIDs(in: settings.folder, from: first))
        }
        var fetched = try await fetchAll(batch, uidValidity: uidValidity)
        var rawInBatch: [String: Data] = [:]
        for (index, item) in fetched.enumerated() {
            guard case .message(var message, let hints) = item else { continue }
            if let earlier = rawInBatch[message.sourceRef], earlier != message.raw {
                message.sourceRef = MailSourceRef.forMail(messageID: nil, raw: message.raw)
            } else {
                message.sourceRef = try await distinctSourceRef(for: message)
            }
            rawInBatch[message.sourceRef] = message.raw
            fetched[index] = .message(message, hints: hints)
        }
        let receipts = try await withThrowingTaskGroup(of: (Int, IntakeReceipt?).self) { group in
            for (index, item) in fetched.enumerated() {
                guard case .message(var message, let hints) = item else { continue }
                message.followUpOf = try await resolveThread(hints, sourceRef: message.sourceRef)
                let ready = message
                group.addTask { [intake] in (index, try await intake.submit(ready)) }
            }
            var receipts = [IntakeReceipt?](repeating: nil, count: fetched.count)
            for try await (index, receipt) in group { receipts[index] = receipt }
            return receipts
        }
        // Every message of the batch is durable: the cursor may pass it.
        let last = batch.max()!
        try await store.saveMailboxCursor(MailboxCursor(mailbox: settings.name, uidValidity: uidValidity, lastUID: last), at: clock.now())
        report.lastUID = last
        for (index, uid) in batch.enumerated() {
            guard case .message(let message, _) = fetched[index], let receipt = receipts[index] else {
                report.vanished.append(uid)
                continue
            }
            let unreadable = message.flags.contains(.unreadableMessage)
            report.items.append(.init(uid: uid, sourceRef: message.sourceRef, receipt: receipt, unreadable: unreadable))
            metrics.stored(receipt, unreadable: unreadable)
            logger.info("mail registered", metadata: [
                "imap.uid": "\(uid)", "case.id": "\(receipt.caseID)", "source.ref": "\(message.sourceRef)",
                "intake.created": "\(receipt.created)", "intake.follow_up": "\(receipt.followUp)",
            ])
            if await !dispose(uid: uid, wasUnseen: unseen.contains(uid)) { report.dispositionFailures += 1 }
        }
    }

    /// Fetches one after the other, on the connection that just selected the folder and searched it: a second
    /// cached connection may hold an older view of the folder in which the newest UIDs do not exist yet.
    /// A UID that cannot be fetched counts as vanished only if a fresh search no longer lists it; otherwise the
    /// poll fails (and is retried) rather than letting the cursor pass a message that was never stored.
    private func fetchAll(_ batch: [UInt32], uidValidity: UInt32) async throws -> [Fetched] {
        var results: [Fetched] = []
        for uid in batch {
            results.append(try await fetch(uid, uidValidity: uidValidity, retry: true))
        }
        return results
    }

    private func fetch(_ uid: UInt32, uidValidity: UInt32, retry: Bool) async throws -> Fetched {
        for attempt in 0..<2 {
            let failure: CurlError
            do {
                let bytes = try await imap.fetchMessage(uid: uid, in: settings.folder, uidValidity: uidValidity)
                let (message, mail) = mapper.message(from: Data(bytes))
                return .message(message, hints: MailThreadHints(mail: mail))
            } catch {
                failure = error
            }
            switch failure.kind {
            case .tooLarge:
                let message = Self.tooLargeMessage(uid: uid, uidValidity: uidValidity, mailbox: settings.name, folder: settings.folder)
                return .message(message, hints: MailThreadHints(mail: ParsedMail()))
            case .notFound:
                let listed = try await imap.searchUIDs(in: settings.folder, from: uid).first == uid
                if !listed { return .vanished }
                if attempt == 1 || !retry {
                    throw MailboxFailure(kind: .other, description: "邮箱 \(settings.name) 中 UID \(uid) 的邮件列得出却取不到，稍后自动重试；如反复出现请检查邮箱服务器")
                }
            default:
                throw failure
            }
        }
        return .vanished  // not reached: the second attempt returns or throws
    }

    /// A message too large to download still gets a case, so a clerk looks at it in the mail client.
    static func tooLargeMessage(uid: UInt32, uidValidity: UInt32, mailbox: String, folder: String) -> InboundMessage {
        InboundMessage(
            channel: .mailbox, sourceRef: "imap:\(mailbox)/\(uidValidity)/\(uid)", subject: "超大邮件（未下载）",
            body: "【系统提示】邮箱 \(mailbox) 文件夹「\(folder)」中 UID 为 \(uid) 的邮件超过下载大小上限，未能登记内容。请登录邮箱查看原邮件并人工补录。",
            raw: Data(), rawContentType: "text/plain", flags: [.unreadableMessage])
    }

    /// The message's key, unless another message with different bytes already holds its Message-ID (some clients
    /// reuse ids): then its content hash, so that second message is stored too instead of being taken for a
    /// redelivery. The same bytes seen again keep the Message-ID key (a true redelivery, a re-scan).
    private func distinctSourceRef(for message: InboundMessage) async throws -> String {
        guard message.sourceRef.hasPrefix(MailSourceRef.messageIDPrefix),
              let stored = try await store.inboundMessage(channel: .mailbox, sourceRef: message.sourceRef),
              stored.raw != message.raw
        else { return message.sourceRef }
        logger.warning("a different message reuses a stored Message-ID; keyed by its content instead", metadata: [
            "source.ref": "\(message.sourceRef)", "case.id": "\(stored.caseID)",
        ])
        return MailSourceRef.forMail(messageID: nil, raw: message.raw)
    }

    /// The case this message continues: a reply to the hub's mail or a `[MQ-…]` subject, else a reply to an
    /// earlier stored e-mail. Nil for a new matter.
    private func resolveThread(_ hints: MailThreadHints, sourceRef: String) async throws -> CaseID? {
        if let named = hints.namedCase { return named }
        for id in hints.referencedIDs {
            guard let ref = MailSourceRef.forMessageID(id), ref != sourceRef else { continue }
            if let stored = try await store.inboundMessage(channel: .mailbox, sourceRef: ref) { return stored.caseID }
        }
        return nil
    }

    /// Applies the disposition; false (logged, counted) when the server refused. Never deletes.
    private func dispose(uid: UInt32, wasUnseen: Bool) async -> Bool {
        do {
            switch settings.disposition {
            case .move(let destination):
                try await imap.move(uid: uid, from: settings.folder, to: destination)
            case .flag(let keyword):
                try await imap.addFlags([keyword], uid: uid, in: settings.folder)
            case .leave:
                if wasUnseen { try await imap.removeFlags(["\\Seen"], uid: uid, in: settings.folder) }
            }
            return true
        } catch {
            if case .move = settings.disposition { processedFolderReady = false }
            metrics.dispositionFailures.increment()
            logger.warning("mail disposition failed; the message stays in its folder", metadata: [
                "imap.uid": "\(uid)", "error": "\(error)",
            ])
            return false
        }
    }
}
