import Foundation
import MinqingCore

extension StoredMessage {
    /// A raw message as a store read it back, for stores in other modules (PostgreSQL). (The synthesized
    /// memberwise initializer is internal; a public one in the declaration would replace this.)
    public init(channel: Channel, sourceRef: String, caseID: CaseID, registeredAt: Date, contentType: String, bytes raw: Data) {
        self.channel = channel
        self.sourceRef = sourceRef
        self.caseID = caseID
        self.registeredAt = registeredAt
        self.contentType = contentType
        self.raw = raw
    }
}
