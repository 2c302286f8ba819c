/// When market-day alerts and the daily digest go out (`alerts:` in `schedules.yaml`).
public struct AlertSettings: Sendable, Hashable {
    /// The evening before a market day (default 18:00).
    public var eveningBefore: ClockTime
    /// The morning of a market day (default 07:00).
    public var morningOf: ClockTime
    /// Targets of the market-day alerts (the duty leader is the recipient).
    public var marketTargets: [String]
    /// The daily digest's time (default 17:30) and targets; no targets means no digest.
    public var digestAt: ClockTime
    public var digestTargets: [String]
    /// Send the digest only during sensitive periods (otherwise every working day).
    public var digestOnlyInSensitivePeriods: Bool

    public init(
        eveningBefore: ClockTime = ClockTime(hour: 18)!, morningOf: ClockTime = ClockTime(hour: 7)!,
        marketTargets: [String] = [], digestAt: ClockTime = ClockTime(hour: 17, minute: 30)!,
        digestTargets: [String] = [], digestOnlyInSensitivePeriods: Bool = false
    ) {
        self.eveningBefore = eveningBefore
        self.morningOf = morningOf
        self.marketTargets = marketTargets
        self.digestAt = digestAt
        self.digestTargets = digestTargets
        self.digestOnlyInSensitivePeriods = digestOnlyInSensitivePeriods
    }
}
