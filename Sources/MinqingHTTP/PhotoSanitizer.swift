import Foundation

/// Checks that an uploaded photo is a JPEG or PNG (by its bytes, not its name) and removes its EXIF block — which
/// carries the GPS position — unless the citizen chose to keep the location.
///
/// JPEG: every APP1 `Exif` segment before the scan is dropped. PNG: `eXIf` chunks are dropped.
public enum PhotoSanitizer {
    public enum Kind: String, Sendable { case jpeg = "image/jpeg", png = "image/png" }

    public struct Rejection: Error, Sendable, Equatable { public let reason: String }

    public static func kind(of data: Data) -> Kind? {
        let b = [UInt8](data.prefix(8))
        if b.count >= 3, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF { return .jpeg }
        if b == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        return nil
    }

    /// The photo to store and its content type.
    public static func sanitize(_ data: Data, keepLocation: Bool) throws(Rejection) -> (Data, Kind) {
        guard let kind = kind(of: data) else {
            throw Rejection(reason: "只能上传 JPG 或 PNG 格式的照片")
        }
        if keepLocation { return (data, kind) }
        switch kind {
        case .jpeg: return (try stripJPEG(data), kind)
        case .png: return (try stripPNG(data), kind)
        }
    }

    static func stripJPEG(_ data: Data) throws(Rejection) -> Data {
        let b = [UInt8](data)
        var out: [UInt8] = [0xFF, 0xD8]
        var i = 2
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { throw Rejection(reason: "照片文件已损坏，请换一张") }
            let marker = b[i + 1]
            if marker == 0xDA || marker == 0xD9 {  // start of scan / end of image: the rest is image data
                out.append(contentsOf: b[i...])
                return Data(out)
            }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 2, i + 2 + length <= b.count else { throw Rejection(reason: "照片文件已损坏，请换一张") }
            let segment = b[i..<(i + 2 + length)]
            let isExif = marker == 0xE1 && b[(i + 4)...].starts(with: Array("Exif".utf8))
            if !isExif { out.append(contentsOf: segment) }
            i += 2 + length
        }
        throw Rejection(reason: "照片文件不完整，请换一张")
    }

    static func stripPNG(_ data: Data) throws(Rejection) -> Data {
        let b = [UInt8](data)
        var out = Array(b[0..<8])
        var i = 8
        while i + 12 <= b.count {
            let length = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 0, i + 12 + length <= b.count else { throw Rejection(reason: "照片文件已损坏，请换一张") }
            let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
            if type != "eXIf" { out.append(contentsOf: b[i..<(i + 12 + length)]) }
            i += 12 + length
            if type == "IEND" { return Data(out) }
        }
        throw Rejection(reason: "照片文件不完整，请换一张")
    }
}
