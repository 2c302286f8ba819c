import Foundation
import Logging
import MinqingConfig
import MinqingCore
import MinqingStore

extension HotlineIntake {
    /// The hotline as configured in `hotline:` (duty list, call-back deadline, fold window, work calendar).
    public convenience init(
        settings: HotlineSettings, intake: any MessageIntake, store: any CaseLedger & OutboxLedger & HotlineLedger,
        clock: any WallClock = SystemClock(), timeZone: TimeZone = HubTime.shanghai,
        logger: Logger = Logger(label: "minqing.hotline")
    ) {
        let (policy, duty) = Self.rules(settings, timeZone: timeZone)
        self.init(intake: intake, store: store, ledger: store, policy: policy, duty: duty, clock: clock,
                  timeZone: timeZone, logger: logger)
    }

    /// Takes the duty list, call-back deadline, fold window and calendar of a reloaded `hotline:`.
    public func reconfigure(settings: HotlineSettings) {
        let (policy, duty) = Self.rules(settings, timeZone: timeZone)
        reconfigure(policy: policy, duty: duty)
    }

    static func rules(_ settings: HotlineSettings, timeZone: TimeZone) -> (CallbackPolicy, RotatingDuty) {
        let duty = RotatingDuty(
            leader: settings.duty.leader, staff: settings.duty.staff,
            rotation: settings.duty.rotation == .daily ? .daily : .perCase, timeZone: timeZone)
        let policy = CallbackPolicy(
            deadlineWorkingHours: settings.callbackWorkingHours, foldWindow: settings.foldWindow,
            calendar: settings.calendar)
        return (policy, duty)
    }
}

extension AsteriskCDRFormat {
    public init(settings: HotlineSettings.Asterisk) {
        self.init(optionalColumns: settings.optionalColumns, timeZone: settings.timeZone)
    }
}
