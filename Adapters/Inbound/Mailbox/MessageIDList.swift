import Foundation

/// Message ids of `Message-ID`, `In-Reply-To` and `References`, without angle brackets.
enum MessageIDList {
    /// The `<…>` ids in order; when there are none, the blank-separated words (some clients omit the brackets).
    static func parse(_ raw: ArraySlice<UInt8>) -> [String] {
        let text = String(decoding: raw, as: UTF8.self)
        var ids: [String] = []
        var remainder = Substring(text)
        while let open = remainder.firstIndex(of: "<") {
            let afterOpen = remainder.index(after: open)
            guard let close = remainder[afterOpen...].firstIndex(of: ">") else { break }
            let id = remainder[afterOpen..<close].filter { !$0.isWhitespace }
            if !id.isEmpty { ids.append(id) }
            remainder = remainder[remainder.index(after: close)...]
        }
        if ids.isEmpty {
            ids = text.split(whereSeparator: { $0.isWhitespace || $0 == "," })
                .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "<>")) }
                .filter { !$0.isEmpty }
        }
        return ids
    }
}
