import Foundation
import Logging
import MinqingCore
import MinqingRouting
import MinqingStore
import ServiceLifecycle

/// Runs the scheduled jobs (`JobPlanner`): reminders before deadlines, overdue notices to the leader and the
/// principal leaders, forwarding to the county, market-day alerts and the daily digest. A `Service` in the hub's
/// `ServiceGroup`, on an injected clock.
///
/// Durable: each job's notifications are written with its key (`CaseStore.enqueueScheduled`), at most once per
/// key and target, and a forward is the case's own `escalate` transition, legal once; jobs stay due until they are
/// no longer useful. So a restart — even a long one — neither repeats nor misses a job.
public final class Scheduler: Service {
    private let store: any CaseLedger & ScheduleLedger
    private let planner: JobPlanner
    private let context: ScheduleContext
    private let clock: any SleepingClock
    private let signal: ChangeSignal
    private let maxSleep: TimeInterval
    private let settle: TimeInterval
    private let logger: Logger
    private let observer: @Sendable ([DueJob]) -> Void
    private let onIdle: @Sendable (Date) -> Void

    /// - Parameters:
    ///   - signal: woken after case changes (the store's `LedgerSettings.caseSignal`), so new deadlines are seen at once.
    ///   - maxSleep: the longest the scheduler sleeps without looking (a safety net; jobs are computed exactly).
    ///   - settle: after a case change wakes it, how long it lets further changes gather before looking. A pass
    ///     reads every open case, so under steady intake (a commit every few milliseconds) it looks at most once
    ///     per `settle` instead of once per commit; a job due meanwhile still runs at its time. 0: at once.
    ///   - observer: called with the jobs of each pass that did something.
    ///   - onIdle: called after every pass with the time it will sleep until (tests wait on it).
    public init(
        store: any CaseLedger & ScheduleLedger, planner: JobPlanner, context: ScheduleContext, clock: any SleepingClock,
        signal: ChangeSignal, maxSleep: TimeInterval = 3600, settle: TimeInterval = 0, logger: Logger = Logger(label: "minqing.scheduler"),
        observer: @escaping @Sendable ([DueJob]) -> Void = { _ in }, onIdle: @escaping @Sendable (Date) -> Void = { _ in }
    ) {
        self.onIdle = onIdle
        self.store = store
        self.planner = planner
        self.context = context
        self.clock = clock
        self.signal = signal
        self.maxSleep = maxSleep
        self.settle = settle
        self.logger = logger
        self.observer = observer
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { try await self.loop() }
    }

    private func loop() async throws {
        while !Task.isCancelled {
            let now = clock.now()
            var wake = now.addingTimeInterval(maxSleep)
            do {
                let cases = try await openCases()
                let done = try await runDue(at: now, cases: cases)
                if !done.isEmpty { observer(done) }
                if let next = planner.nextDue(after: now, cases: cases) { wake = min(wake, next) }
            } catch {
                logger.error("scheduled jobs failed", metadata: ["error": "\(error)"])
                wake = min(wake, now.addingTimeInterval(60))
            }
            onIdle(wake)
            await signal.wait(until: wake, on: clock)
            // Woken by a change before `settle` has passed: let more changes gather (but not past a job's time).
            let gathered = min(now.addingTimeInterval(settle), wake)
            if clock.now() < gathered {
                do { try await clock.sleep(until: gathered) } catch { return }
            }
        }
    }

    /// Runs every job due at `now` that has not been written yet; returns the jobs that did something.
    @discardableResult
    public func runDue(at now: Date, cases: [CaseRecord]) async throws -> [DueJob] {
        let jobs = planner.due(at: now, cases: cases)
        guard !jobs.isEmpty else { return [] }
        let written = try await store.scheduledJobKeys(since: now.addingTimeInterval(-400 * 86_400))
        var done: [DueJob] = []
        var items: [ScheduledNotification] = []
        for job in jobs where !written.contains(job.key) {
            switch job.action {
            case .forward(let id, let office, _):
                do {
                    _ = try await store.apply(
                        .escalate(to: office, reason: "超期未办结，按督办规则自动转县级办理"), to: id,
                        actor: "scheduler", expectedVersion: nil, at: now)
                    done.append(job)
                    logger.notice("case forwarded to the county", metadata: ["case.id": "\(id)", "office": "\(office)"])
                } catch let error as TransitionError {
                    logger.warning("case cannot be forwarded yet", metadata: ["case.id": "\(id)", "error": "\(error)"])
                }
            case .remind, .overdue, .followUpDue:
                guard let id = job.caseID, let event = job.event else { continue }
                items += job.targets.map {
                    ScheduledNotification(jobKey: job.key, caseID: id, target: $0, event: event.rawValue, recipients: job.recipients)
                }
                done.append(job)
            case .marketDuty, .digest:
                var closed = 0
                if case .digest(let day) = job.action { closed = try await closedCount(on: day) }
                guard let event = job.event, let json = context.json(for: job, cases: cases, closedToday: closed, now: now)
                else { continue }
                items += job.targets.map {
                    ScheduledNotification(jobKey: job.key, caseID: nil, target: $0, event: event.rawValue,
                                          recipients: job.recipients, context: json)
                }
                done.append(job)
            }
        }
        if !items.isEmpty {
            let written = try await store.enqueueScheduled(items, at: now)
            logger.notice("scheduled notifications written", metadata: [
                "jobs": "\(Set(items.map(\.jobKey)).sorted().joined(separator: ","))", "notifications": "\(written)"])
        }
        return done
    }

    /// Cases closed (办结) on `day`, by their last change.
    private func closedCount(on day: CivilDay) async throws -> Int {
        try await cases(in: [.closed]).filter { context.calendar.day(of: $0.updatedAt) == day }.count
    }

    private func openCases() async throws -> [CaseRecord] {
        try await cases(in: CaseStatus.allCases.filter(\.isOpen))
    }

    /// Every case in one of `statuses`, page by page.
    private func cases(in statuses: [CaseStatus]) async throws -> [CaseRecord] {
        var query = CaseQuery()
        query.statuses = statuses
        query.limit = CaseQuery.maxLimit
        var all: [CaseRecord] = []
        while true {
            let page = try await store.searchCases(query)
            all += page.items
            guard let next = page.nextCursor else { return all }
            query.cursor = next
        }
    }
}
