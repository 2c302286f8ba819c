import Foundation

/// An SMS from the gateway (短信).
public struct SMSMessage: Sendable, Hashable {
    public var messageID: String
    public var from: String
    public var text: String
    public var receivedAt: Date?
    public var raw: Data

    public init(messageID: String, from: String, text: String, receivedAt: Date?, raw: Data = Data()) {
        self.messageID = messageID
        self.from = from
        self.text = text
        self.receivedAt = receivedAt
        self.raw = raw
    }
}

/// A work order passed down from the city 12345 platform (工单).
public struct WorkOrder: Sendable, Hashable {
    /// 工单号.
    public var number: String
    /// 诉求内容.
    public var content: String
    /// 诉求人.
    public var name: String?
    public var phone: String?
    public var address: String?
    /// 分类.
    public var category: String?
    /// 办理时限: the platform's deadline, kept as the case's deadline.
    public var deadline: Date?
    /// 派单时间.
    public var dispatchedAt: Date?
    public var raw: Data

    public init(
        number: String, content: String, name: String? = nil, phone: String? = nil, address: String? = nil,
        category: String? = nil, deadline: Date? = nil, dispatchedAt: Date? = nil, raw: Data = Data()
    ) {
        self.number = number
        self.content = content
        self.name = name
        self.phone = phone
        self.address = address
        self.category = category
        self.deadline = deadline
        self.dispatchedAt = dispatchedAt
        self.raw = raw
    }

    /// The source reference of the work order's case: `12345:<工单号>`.
    public var sourceRef: String { WorkOrder.sourceRefPrefix + number }
    public static let sourceRefPrefix = "12345:"
}

/// What became of one call.
public struct CallOutcome: Sendable, Hashable {
    public var callID: String
    public var result: CallResult
    /// The case the call opened or joined.
    public var caseID: CaseID?
    /// `notes`, `callback` or `folded`.
    public var role: String?
    /// True when this report stored the call's message (a new case or a fold); false for a redelivery.
    public var stored: Bool
    /// Call-back cases this report closed (empty when they were closed already).
    public var closed: [CaseID]
    public var reason: String
}

import MinqingCore
