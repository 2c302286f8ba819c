/// A make-up working day (调休上班): a weekend day on which offices work because a holiday borrowed a weekday.
public struct MakeUpWorkday: Hashable, Sendable {
    public let date: CivilDay
    /// Free text for people, e.g. 春节调休.
    public let note: String

    public init(date: CivilDay, note: String = "") {
        self.date = date
        self.note = note
    }
}
