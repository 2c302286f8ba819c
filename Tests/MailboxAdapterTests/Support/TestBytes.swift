import Foundation

/// Byte helpers for building test messages.
enum TestBytes {
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)
    static let big5 = String.Encoding(rawValue: 0x8000_0A03)

    /// A message from header and body lines joined with CRLF.
    static func mail(_ lines: String...) -> Data {
        Data(lines.joined(separator: "\r\n").utf8)
    }

    /// Concatenates text (UTF-8) and raw byte pieces.
    static func join(_ pieces: [Piece]) -> Data {
        var data = Data()
        for piece in pieces {
            switch piece {
            case .text(let text): data.append(contentsOf: Array(text.utf8))
            case .bytes(let bytes): data.append(contentsOf: bytes)
            }
        }
        return data
    }

    enum Piece {
        case text(String)
        case bytes([UInt8])
    }
}

extension String {
    /// The GBK/GB18030 bytes of this string.
    var gbk: [UInt8] { Array(data(using: TestBytes.gb18030)!) }
    var big5: [UInt8] { Array(data(using: TestBytes.big5)!) }
    var utf8Bytes: [UInt8] { Array(utf8) }
}

extension Array where Element == UInt8 {
    var base64: String { Data(self).base64EncodedString() }
}

extension ArraySlice where Element == UInt8 {
    var base64: String { Data(self).base64EncodedString() }
}
