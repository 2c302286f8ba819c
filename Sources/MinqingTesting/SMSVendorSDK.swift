import Foundation

/// The SMS vendors' own Python SDKs (PyPI `tencentcloud-sdk-python-common`, `alibabacloud-openapi-util`), which
/// `scripts/test.sh` installs into `.build/sms-sdk`, for recomputing the signature of a captured request.
/// With CI=true a missing SDK fails the test that needs it; otherwise the test is skipped with the hint.
public enum SMSVendorSDK {
    /// `MINQING_SMS_SDK_PYTHON`, else `.build/sms-sdk/bin/python3` under the repository.
    public static let python: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [ProcessInfo.processInfo.environment["MINQING_SMS_SDK_PYTHON"],
                          root.appendingPathComponent(".build/sms-sdk/bin/python3").path].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) && canImportSDKs($0) }
    }()

    public static let hint = "the SMS signature tests need the vendors' SDKs: scripts/test.sh installs them "
        + "(python3 -m venv .build/sms-sdk && .build/sms-sdk/bin/pip install tencentcloud-sdk-python-common alibabacloud-openapi-util)"

    /// Use as `.enabled(if:)`: false only when missing outside CI.
    public static var runnable: Bool { python != nil || Peers.isCI }

    private static func canImportSDKs(_ python: String) -> Bool {
        (try? run(python, ["-c", "import tencentcloud.common.sign, alibabacloud_openapi_util.client"]).status) == 0
    }

    public enum Vendor: String, Sendable { case tencent, aliyun }

    /// Runs `script` (the verifier fixture) on one captured request; returns its output and whether it printed OK.
    public static func verify(
        script: URL, vendor: Vendor, method: String, uri: String, headers: [(name: String, value: String)], body: [UInt8],
        secretID: String, secretKey: String
    ) throws -> (ok: Bool, output: String) {
        guard let python else { return (false, hint) }
        let input: [String: Any] = [
            "vendor": vendor.rawValue, "method": method, "uri": uri, "headers": headers.map { [$0.name, $0.value] },
            "body_base64": Data(body).base64EncodedString(), "secret_id": secretID, "secret_key": secretKey,
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-sms-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: input).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try run(python, [script.path, file.path])
        return (status == 0 && output.hasPrefix("OK"), output)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
