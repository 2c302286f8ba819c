import Foundation

/// Chooses the file name shown for an attachment.
enum AttachmentName {
    /// The decoded name reduced to its last path component (senders leak `C:\Users\…\` and `../`), control
    /// characters removed; else `<subject>.eml` for an enclosed message; else `unnamed-N.ext`.
    static func resolve(_ raw: String?, contentType: String, messageSubject: String?, ordinal: Int) -> String {
        if let raw {
            let lastComponent = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
            let cleaned = String(lastComponent.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }
                .map(Character.init)).trimmingCharacters(in: .whitespaces)
            if !cleaned.isEmpty, cleaned != ".", cleaned != ".." { return cleaned }
        }
        if let messageSubject {
            let safe = messageSubject.map { $0 == "/" || $0 == "\\" ? "_" : $0 }
            let stem = String(safe).trimmingCharacters(in: .whitespaces)
            return (stem.isEmpty ? "forwarded-message" : stem) + ".eml"
        }
        return "unnamed-\(ordinal)" + (extensions[contentType].map { "." + $0 } ?? "")
    }

    private static let extensions: [String: String] = [
        "image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/gif": "gif", "image/bmp": "bmp",
        "image/webp": "webp", "application/pdf": "pdf", "text/plain": "txt", "text/html": "html",
        "text/calendar": "ics", "message/rfc822": "eml", "application/zip": "zip", "audio/amr": "amr",
        "audio/mpeg": "mp3", "video/mp4": "mp4", "application/msword": "doc", "application/vnd.ms-excel": "xls",
    ]
}
