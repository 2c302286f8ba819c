import Foundation
import MinqingCore

/// What one poll did.
public struct PollReport: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public var uid: UInt32
        public var sourceRef: String
        public var receipt: IntakeReceipt
        public var unreadable: Bool
    }

    public var mailbox: String
    public var uidValidity: UInt32
    /// True when the folder's UIDVALIDITY differed from the stored cursor's and the folder was read again from UID 1.
    public var rescanned: Bool
    /// Every message stored or recognised as already stored, in UID order.
    public var items: [Item] = []
    /// UIDs the server no longer had when fetched (expunged by another client meanwhile).
    public var vanished: [UInt32] = []
    /// Messages whose disposition (move/flag) failed; they stay where they are and are retried on the next poll (move).
    public var dispositionFailures: Int = 0
    public var lastUID: UInt32

    public var created: Int { items.filter { $0.receipt.created && !$0.receipt.followUp }.count }
    public var followUps: Int { items.filter { $0.receipt.created && $0.receipt.followUp }.count }
    public var redelivered: Int { items.filter { !$0.receipt.created }.count }
}

/// How a mailbox is doing, for `/readyz`, the console and logs.
public struct MailboxHealth: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case starting
        case healthy
        case failing(MailboxFailure)
    }

    public var mailbox: String
    public var state: State
    public var consecutiveFailures: Int
    public var lastSuccess: Date?
    public var nextAttempt: Date?

    /// Nil when healthy (or not yet polled); otherwise what a clerk should do.
    public var problem: String? {
        guard case .failing(let failure) = state else { return nil }
        var text = "\(failure.description)（已连续失败 \(consecutiveFailures) 次"
        if let next = nextAttempt { text += "，\(HubTime.iso(next)) 自动重试" }
        return text + "）"
    }
}
