import Foundation
import Hummingbird

/// The console's stylesheet, served by the hub (no CDN).
enum ConsoleAssets {
    static func response(named name: String) -> Response? {
        guard !name.contains("/"), !name.hasPrefix("."),
              let url = Bundle.module.resourceURL?.appendingPathComponent("Assets").appendingPathComponent(name),
              let data = try? Data(contentsOf: url) else { return nil }
        let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
