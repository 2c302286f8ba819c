/// 快: `urgent` means life or property safety is at stake (火灾, 溺水, 坍塌 …).
public enum Priority: String, Sendable, Codable, CaseIterable, Hashable {
    case normal
    case urgent

    public var displayName: String { self == .urgent ? "紧急" : "一般" }
}

/// 一般 / 重大. A `major` case goes to the principal leader.
public enum Severity: String, Sendable, Codable, CaseIterable, Hashable {
    case general
    case major

    public var displayName: String { self == .major ? "重大" : "一般" }
}

/// 小事不出村、大事不出乡: the level that owns the case.
public enum CaseLevel: String, Sendable, Codable, CaseIterable, Hashable {
    case village
    case township
    case county

    public var displayName: String {
        switch self {
        case .village: "村（社区）"
        case .township: "乡镇"
        case .county: "县级"
        }
    }
}

/// The four 到位 of a reply. The statute's formal wording (信访工作条例 art. 32) maps onto them.
public enum Outcome: String, Sendable, Codable, CaseIterable, Hashable {
    /// 合理诉求解决到位 (予以支持)
    case resolved
    /// 要求过高教育到位 (解释说明)
    case explained
    /// 无理纠缠稳定到位 (不予支持)
    case stabilised
    /// 触犯法律处置到位
    case referredToLaw = "referred_to_law"

    public var displayName: String {
        switch self {
        case .resolved: "合理诉求解决到位"
        case .explained: "要求过高教育到位"
        case .stabilised: "无理纠缠稳定到位"
        case .referredToLaw: "触犯法律处置到位"
        }
    }

    /// The statute's formal reply wording (信访工作条例 art. 32).
    public var statutoryWording: String {
        switch self {
        case .resolved: "予以支持"
        case .explained: "解释说明"
        case .stabilised, .referredToLaw: "不予支持"
        }
    }
}

/// The complainant's answer at the follow-up call (回访), see docs/domain/call-records.md#satisfaction-and-rates.
public enum Satisfaction: String, Sendable, Codable, CaseIterable, Hashable {
    case satisfied
    case basicallySatisfied = "basically_satisfied"
    case unsatisfied
    case notEvaluated = "not_evaluated"

    public var displayName: String {
        switch self {
        case .satisfied: "满意"
        case .basicallySatisfied: "基本满意"
        case .unsatisfied: "不满意"
        case .notEvaluated: "未评价"
        }
    }
}

/// Something a clerk must look at; never a reason to refuse a citizen's message.
public enum CaseFlag: String, Sendable, Codable, CaseIterable, Hashable {
    case unknownVillage = "unknown_village"
    case unknownCategory = "unknown_category"
    case invalidPhone = "invalid_phone"
    case invalidIDNumber = "invalid_id_number"
    case missingSubject = "missing_subject"
    /// The adapter could not read the message (broken MIME, too large to fetch); the raw message is attached.
    case unreadableMessage = "unreadable_message"
    /// The routed deadline falls in a year without a holiday calendar file: counted on weekends only.
    case deadlineUnreliable = "deadline_unreliable"
    /// A letter whose sender wrote a name but no address (`From: 张三`): the name is kept, no e-mail reply possible.
    case senderWithoutAddress = "sender_without_address"

    public var displayName: String {
        switch self {
        case .unknownVillage: "村（社区）不在名录中，请核实"
        case .unknownCategory: "类别不在目录中，请核实"
        case .invalidPhone: "电话号码格式不对，请核实"
        case .invalidIDNumber: "身份证号校验不通过，请核实"
        case .missingSubject: "来信未写标题，已取正文开头"
        case .unreadableMessage: "来信无法正常解析，原件已作为附件保存，请打开附件人工阅读并补录"
        case .deadlineUnreliable: "办理期限所在年份的节假日安排未配置，期限仅按双休日推算：请添加该年的节假日文件后核对期限"
        case .senderWithoutAddress: "来信只有署名、没有邮箱地址，无法邮件答复：请从正文中找联系方式并核实"
        }
    }
}
