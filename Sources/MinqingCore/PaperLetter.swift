import Foundation

/// A paper letter from the physical 民情信箱, typed in by a clerk, with its scanned pages.
///
/// `number` is the registration number written on the envelope (登记号); it is the letter's key, so registering
/// the same letter twice (a re-run import, a double click) returns the first case.
public struct PaperLetter: Sendable, Hashable {
    public var number: String
    public var receivedAt: Date?
    public var name: String?
    public var phone: String?
    public var idNumber: String?
    public var village: String?
    public var category: String?
    public var subject: String?
    public var body: String
    public var scans: [InboundAttachment]

    public init(
        number: String, receivedAt: Date? = nil, name: String? = nil, phone: String? = nil, idNumber: String? = nil,
        village: String? = nil, category: String? = nil, subject: String? = nil, body: String,
        scans: [InboundAttachment] = []
    ) {
        self.number = number
        self.receivedAt = receivedAt
        self.name = name
        self.phone = phone
        self.idNumber = idNumber
        self.village = village
        self.category = category
        self.subject = subject
        self.body = body
        self.scans = scans
    }

    public static func sourceRef(number: String) -> String { "letter:" + number }

    /// The inbound message of this letter; `raw` is what the clerk submitted (JSON body, CSV row).
    public func message(raw: Data, rawContentType: String) -> InboundMessage {
        InboundMessage(
            channel: .mailbox, sourceRef: Self.sourceRef(number: number), receivedAt: receivedAt,
            complainant: Complainant(name: name, phone: phone, idNumber: idNumber),
            village: village, category: category, subject: subject, body: body, attachments: scans,
            raw: raw, rawContentType: rawContentType)
    }
}
