import Foundation

/// A MIME charset label resolved to the decoder that real-world mail needs.
///
/// Every GB-family label (gb2312, gbk, gb18030, cp936, euc-cn, x-gbk, …) maps to GB18030, a superset: mail
/// labelled gb2312 routinely holds GBK-only characters such as 镕 or 堃 (docs/domain/mail.md#charsets).
enum Charset: Equatable, Sendable {
    case utf8
    case ascii
    case gb18030
    /// Another encoding that Foundation decodes (Big5, ISO-8859-x, windows-125x, UTF-16).
    case foundation(String.Encoding)
    /// `unknown-8bit`, `x-unknown` or no label at all: guessed (UTF-8, then GB18030).
    case unknown8bit
    /// A label this decoder does not know; decoded by guessing, with a warning.
    case unsupported(label: String)

    /// GB18030 through CoreFoundation's encoding number (kCFStringEncodingGB_18030_2000 = 0x0632).
    /// The GBK and GB2312 raw values return nil on Linux and EUC-CN garbles GBK-only characters (docs/domain/mail.md#charsets).
    static let gb18030Encoding = String.Encoding(rawValue: 0x8000_0632)

    init(label rawLabel: String?) {
        guard let rawLabel else {
            self = .unknown8bit
            return
        }
        var label = rawLabel.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\"'")))
            .lowercased()
        // RFC 2231 language suffix inside encoded-words: =?utf-8*zh-cn?B?...?=
        if let star = label.firstIndex(of: "*") { label = String(label[..<star]) }
        switch label {
        case "":
            self = .unknown8bit
        case "utf-8", "utf8", "x-utf-8", "unicode-1-1-utf-8":
            self = .utf8
        case "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "csascii", "us":
            self = .ascii
        case "gb2312", "gbk", "gb18030", "cp936", "euc-cn", "x-gbk", "x-euc-cn", "gb_2312-80", "gb_2312",
             "csgb2312", "cseuccn", "windows-936", "ms936", "x-cp936", "chinese", "iso-ir-58", "gb18030-2000",
             "gb18030-2005", "csgb18030", "x-mac-chinesesimp":
            self = .gb18030
        case "unknown-8bit", "x-unknown", "unknown", "8bit", "x-user-defined", "default":
            self = .unknown8bit
        default:
            if let encoding = Self.foundationEncoding(for: label) {
                self = .foundation(encoding)
            } else {
                self = .unsupported(label: label)
            }
        }
    }

    /// Labels for the non-GB encodings that Foundation on Linux decodes, as NSStringEncoding values
    /// (`0x8000_0000 | CFStringEncoding` where Foundation has no named constant).
    private static func foundationEncoding(for label: String) -> String.Encoding? {
        switch label {
        case "big5", "big-5", "cn-big5", "csbig5", "x-x-big5", "big5-hkscs", "x-big5", "cp950", "windows-950":
            return String.Encoding(rawValue: 0x8000_0A03)
        case "utf-16", "utf16": return .utf16
        case "utf-16le": return .utf16LittleEndian
        case "utf-16be": return .utf16BigEndian
        default:
            break
        }
        if let part = isoPart(of: label) {
            switch part {
            case 1: return .isoLatin1
            case 2: return .isoLatin2
            case 3...11, 13...15: return String.Encoding(rawValue: 0x8000_0200 | UInt(part))
            default: return nil
            }
        }
        if let page = windowsCodePage(of: label) {
            switch page {
            case 1250: return .windowsCP1250
            case 1251: return .windowsCP1251
            case 1252: return .windowsCP1252
            case 1253: return .windowsCP1253
            case 1254: return .windowsCP1254
            case 1255...1258: return String.Encoding(rawValue: 0x8000_0500 | UInt(page - 1250))
            default: return nil
            }
        }
        switch label {
        case "latin1", "l1", "cp819", "iso-ir-100": return .isoLatin1
        case "latin2", "l2": return .isoLatin2
        case "latin9", "l9": return String.Encoding(rawValue: 0x8000_020F)
        default: return nil
        }
    }

    /// `iso-8859-5`, `iso8859-5`, `iso_8859-5`, `iso_8859-5:1988` → 5.
    private static func isoPart(of label: String) -> Int? {
        for prefix in ["iso-8859-", "iso8859-", "iso_8859-", "iso8859_", "iso-8859_"] where label.hasPrefix(prefix) {
            let rest = label.dropFirst(prefix.count).prefix { $0.isNumber }
            return Int(rest)
        }
        return nil
    }

    /// `windows-1251`, `cp1251`, `x-cp1251`, `win-1251` → 1251.
    private static func windowsCodePage(of label: String) -> Int? {
        for prefix in ["windows-", "cp", "x-cp", "win-", "cp-"] where label.hasPrefix(prefix) {
            if let page = Int(label.dropFirst(prefix.count)), (1250...1258).contains(page) { return page }
        }
        return nil
    }
}
