import Foundation

/// libFuzzer target: the web form parser. The first line of the input is the multipart boundary (an empty first
/// line means `application/x-www-form-urlencoded`); the rest is the body. Built by scripts/fuzz.sh with
/// Sources/MinqingHTTP/FormBody.swift.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForm(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let boundary = String(decoding: bytes[..<newline], as: UTF8.self)
    let body = Data(bytes[min(newline + 1, bytes.count)...])
    let type = boundary.isEmpty ? "application/x-www-form-urlencoded" : "multipart/form-data; boundary=\(boundary)"
    if let form = try? FormBody.parse(body, contentType: type) {
        precondition(form.fields.count + form.files.count <= body.count + 1)
    }
    return 0
}
