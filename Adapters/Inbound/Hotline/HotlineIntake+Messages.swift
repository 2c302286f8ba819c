import Foundation
import MinqingCore
import MinqingStore

/// The hub's answer to a 12345 work order.
public struct WorkOrderReceipt: Sendable, Hashable {
    public var receipt: IntakeReceipt
    /// The case's deadline (the work order's 办理时限) when it could be set.
    public var deadline: Date?
    /// What a clerk should know (in Chinese), e.g. a deadline that had already passed.
    public var warnings: [String]
}

extension HotlineIntake {
    /// An SMS: a follow-up on the sender's newest open case, or a new case linked to the sender's earlier ones.
    public func takeSMS(_ sms: SMSMessage) async throws -> IntakeReceipt {
        let phone = PhoneNumber.normalised(sms.from)
        let key = phone.isEmpty ? "sms:" + sms.messageID : phone
        return try await withLocks([key]) {
        let earlier = phone.isEmpty ? [] : try await ledger.cases(withPhone: phone, limit: Self.repeatLinks)
        let open = earlier.first { $0.status.isOpen }
        let message = InboundMessage(
            channel: .hotline, sourceRef: Self.smsRefPrefix + sms.messageID, receivedAt: sms.receivedAt,
            complainant: Complainant(phone: sms.from.nonEmpty), subject: "短信：" + CaseFactory.derivedSubject(from: sms.text),
            body: sms.text, raw: sms.raw, rawContentType: "application/json", followUpOf: open?.id,
            repeatOf: earlier.map(\.id))
        return try await intake.submit(message)
        }
    }

    /// A 12345 work order: a case with the 工单号 as source reference, accepted and assigned to the staff on duty
    /// with the work order's deadline.
    public func takeWorkOrder(_ order: WorkOrder) async throws -> WorkOrderReceipt {
        let phone = PhoneNumber.normalised(order.phone ?? "")
        let earlier = phone.isEmpty ? [] : try await ledger.caseIDs(withPhone: phone, limit: Self.repeatLinks)
        var body = order.content
        if let address = order.address?.nonEmpty { body += "\n\n地址：\(address)" }
        let message = InboundMessage(
            channel: .hotline, sourceRef: order.sourceRef, receivedAt: order.dispatchedAt,
            complainant: Complainant(name: order.name, phone: order.phone), category: order.category,
            subject: "12345工单 \(order.number)：" + CaseFactory.derivedSubject(from: order.content),
            body: body, raw: order.raw, rawContentType: "application/json", repeatOf: earlier)
        let receipt = try await intake.submit(message)
        var warnings: [String] = []
        guard var record = try await store.fetchCase(receipt.caseID) else {
            return WorkOrderReceipt(receipt: receipt, deadline: nil, warnings: [])
        }
        let now = clock.now()
        if record.status == .received {
            record = try await store.apply(.accept(note: "12345 平台派单，自动受理"), to: record.id, actor: Self.actor,
                                           expectedVersion: record.version, at: now)
        }
        if record.status == .accepted {
            if let deadline = order.deadline, deadline > now {
                let (leader, staff) = duty.onDuty(for: record.id, at: now)
                record = try await store.apply(.assign(Assignment(leader: leader, staff: staff, deadline: deadline)),
                                               to: record.id, actor: Self.actor, expectedVersion: record.version, at: now)
            } else if let deadline = order.deadline, receipt.created {
                let text = "工单办理时限 \(HubTime.iso(deadline, in: timeZone)) 在派单到达时已过：请立即办理，并向 12345 平台说明情况或申请延期"
                warnings.append(text)
                record = try await store.apply(.note(text: text), to: record.id, actor: Self.actor, expectedVersion: nil, at: now)
            }
        }
        return WorkOrderReceipt(receipt: IntakeReceipt(caseID: receipt.caseID, status: record.status, created: receipt.created,
                                                       followUp: receipt.followUp),
                                deadline: record.deadline, warnings: warnings)
    }

    /// Keeps a bad row or request for a clerk; never throws past the caller's own error.
    public func keepRejected(_ input: RejectedInput) async {
        do {
            try await ledger.keepRejected(input)
        } catch {
            logger.error("could not keep rejected input", metadata: ["source": "\(input.source)", "error": "\(error)"])
        }
    }
}
