extension MailParser {
    /// Bounds that keep parsing cheap and predictable on hostile or broken input.
    public struct Limits: Sendable, Equatable {
        /// Attachments with more decoded bytes than this are still listed (name, type, size, sha256) but are
        /// flagged ``MailAttachment/tooLarge`` and carry no data.
        public var maxAttachmentBytes: Int
        /// Multipart levels deeper than this are skipped with a warning (the top-level body is depth 0).
        public var maxNestingDepth: Int
        /// MIME entities beyond this count are skipped with a warning.
        public var maxParts: Int

        /// - Parameters:
        ///   - maxAttachmentBytes: default 25 MiB, above what QQ Mail and 163 send as ordinary attachments.
        ///   - maxNestingDepth: default 20; real clients rarely nest beyond 4.
        ///   - maxParts: default 1,000 entities per message.
        public init(maxAttachmentBytes: Int = 25 * 1024 * 1024, maxNestingDepth: Int = 20, maxParts: Int = 1_000) {
            self.maxAttachmentBytes = maxAttachmentBytes
            self.maxNestingDepth = maxNestingDepth
            self.maxParts = maxParts
        }
    }
}
