/// Time limits of the 信访工作条例 (in force 2022-05-01), as named constants with the article they come from.
///
/// "日" limits are calendar days and "工作日" limits working days; how they are counted is documented on
/// `WorkCalendar.deadline(from:adding:)`. Local rules (12345 hotlines etc.) are configured, not listed here.
public struct StatutoryLimit: Hashable, Sendable, CustomStringConvertible {
    /// What the limit is for, in Chinese.
    public let name: String
    /// The article, e.g. 第二十二条.
    public let article: String
    public let span: DeadlineSpan

    public init(name: String, article: String, span: DeadlineSpan) {
        self.name = name
        self.article = article
        self.span = span
    }

    /// `受理告知：15日（信访工作条例第二十三条）`.
    public var description: String { "\(name)：\(span)（信访工作条例\(article)）" }

    /// Art. 22: the 信访 department registers a matter and forwards or assigns it (登记, 转送/交办) within 15 days.
    public static let registrationAndForwarding = StatutoryLimit(
        name: "登记并转送、交办", article: "第二十二条", span: .calendarDays(15))

    /// Art. 23: written notice to the complainant whether the matter is accepted (受理告知), when not given on the
    /// spot, and for a 转送/交办 matter inside the organ's remit: within 15 days.
    public static let acceptanceNotice = StatutoryLimit(
        name: "书面告知是否受理", article: "第二十三条", span: .calendarDays(15))

    /// Art. 23: an organ that receives a 转送/交办 matter outside its remit raises an objection with reasons
    /// within 5 working days.
    public static let objectionOutsideRemit = StatutoryLimit(
        name: "不属于本机关职权范围的提出异议", article: "第二十三条", span: .workingDays(5))

    /// Art. 34: a 申诉求决 matter is handled (办结) within 60 days from acceptance (受理).
    public static let handling = StatutoryLimit(
        name: "办理期限（自受理之日起）", article: "第三十四条", span: .calendarDays(60))

    /// Art. 34: the handling limit may be extended by at most 30 days, approved by the organ's head, the reason
    /// told to the complainant. Compute the new deadline from the original one.
    public static let maximumExtension = StatutoryLimit(
        name: "延长办理期限（最多）", article: "第三十四条", span: .calendarDays(30))

    /// Art. 35: a complainant may request a review (复查) within 30 days of receiving the reply.
    public static let reviewRequest = StatutoryLimit(
        name: "请求复查", article: "第三十五条", span: .calendarDays(30))

    /// Art. 35: the reviewing organ gives its review opinion within 30 days of receiving the request.
    public static let reviewOpinion = StatutoryLimit(
        name: "提出复查意见", article: "第三十五条", span: .calendarDays(30))

    /// Art. 36: a complainant may request a re-check (复核) within 30 days of receiving the review opinion.
    public static let recheckRequest = StatutoryLimit(
        name: "请求复核", article: "第三十六条", span: .calendarDays(30))

    /// Art. 36: the re-checking organ gives its opinion within 30 days (hearing time not counted).
    public static let recheckOpinion = StatutoryLimit(
        name: "提出复核意见（听证时间不计入）", article: "第三十六条", span: .calendarDays(30))

    /// All limits above, in the order of the regulation.
    public static let all: [StatutoryLimit] = [
        registrationAndForwarding, acceptanceNotice, objectionOutsideRemit, handling, maximumExtension,
        reviewRequest, reviewOpinion, recheckRequest, recheckOpinion,
    ]
}
