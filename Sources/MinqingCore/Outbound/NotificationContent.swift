/// A notification's text, composed once from its template and shaped by each target for its vendor.
///
/// `markdown` uses the subset every robot renders: `**bold**`, `[text](url)` links, `> ` quotes, one item per line.
public struct NotificationContent: Sendable, Hashable {
    /// One line: the e-mail subject, the markdown title, the first line of a text message.
    public var title: String
    public var markdown: String
    /// Where the people can read the whole case.
    public var link: String?

    public init(title: String, markdown: String, link: String? = nil) {
        self.title = title
        self.markdown = markdown
        self.link = link
    }

    /// The same text without markdown: bold marks dropped, links written as `text（url）`, quote marks removed.
    public var plainText: String { MarkdownLite.plain(markdown) }

    /// The same text as an HTML fragment (escaped; bold, links and line breaks kept).
    public var html: String { MarkdownLite.html(markdown) }
}
