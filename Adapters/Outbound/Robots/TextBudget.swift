
/// Keeps a message within a vendor's byte limit (WeCom markdown 4,096 bytes, text 2,048; Feishu 20 KB):
/// cut at a character boundary and end with a visible notice and the link, never a rejected message.
public enum TextBudget {
    public static let notice = "…（已截断，详见系统）"

    /// `text` if its UTF-8 form fits in `maxBytes`; otherwise the longest prefix that fits together with the notice
    /// and `link` (on its own line).
    public static func fit(_ text: String, maxBytes: Int, link: String?) -> String {
        guard text.utf8.count > maxBytes else { return text }
        let tail = notice + (link.map { "\n" + $0 } ?? "")
        let room = maxBytes - tail.utf8.count
        guard room > 0 else { return prefix(tail, bytes: maxBytes) }
        return prefix(text, bytes: room) + tail
    }

    /// The longest prefix of whole characters whose UTF-8 form has at most `bytes` bytes.
    static func prefix(_ text: String, bytes: Int) -> String {
        var kept = ""
        var used = 0
        for ch in text {
            let size = String(ch).utf8.count
            if used + size > bytes { break }
            kept.append(ch)
            used += size
        }
        return kept
    }
}
