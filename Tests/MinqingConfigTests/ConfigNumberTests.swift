import Foundation
import MinqingConfig
import Testing

/// Config numbers go through the checked conversion: an overflowing size or a non-finite duration is a diagnostic
/// naming the key, never a trap at start-up.
@Suite("Config numbers")
struct ConfigNumberTests {
    @Test("a size that overflows when multiplied (99999999999GB) is reported with its key, not a trap",
          arguments: ["99999999999GB", "9223372036854775807KB", "-5MB", "1e300"])
    func overflowingSize(_ size: String) throws {
        let scratch = try ScratchConfig()
        defer { scratch.remove() }
        try scratch.write("minqing.yaml", """
        office:
          name: 测试镇
        server:
          max_body_bytes: \(size)
        """)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: scratch.dir, environment: [:]) }
        #expect(error?.description.contains("server.max_body_bytes") == true, "\(error?.description ?? "")")
    }
}
