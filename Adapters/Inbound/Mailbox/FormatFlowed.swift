/// Undoes `format=flowed` (RFC 3676), as Thunderbird and some webmails send text/plain.
///
/// A line ending in a space is soft-broken and joins the next line of the same quote depth; with `delsp=yes` that
/// space is removed. Space-stuffing is undone. The signature separator `-- ` is never joined.
enum FormatFlowed {
    static func unflow(_ text: String, deleteSpace: Bool) -> String {
        var output: [String] = []
        var pending: String?
        var pendingDepth = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            var depth = 0
            while line.first == ">" {
                depth += 1
                line = line.dropFirst()
            }
            if line.first == " " { line = line.dropFirst() }  // space-stuffing
            let prefix = String(repeating: ">", count: depth) + (depth > 0 ? " " : "")
            let isSoft = line.last == " " && line != "-- "
            var content = String(line)
            if isSoft, deleteSpace { content.removeLast() }

            if pending != nil, pendingDepth == depth {
                pending?.append(content)  // in place: a long paragraph must not be copied per line
            } else {
                if let current = pending { output.append(current) }
                pending = prefix + content
                pendingDepth = depth
            }
            if !isSoft {
                output.append(pending!)
                pending = nil
            }
        }
        if let current = pending { output.append(current) }
        return output.joined(separator: "\n")
    }
}
