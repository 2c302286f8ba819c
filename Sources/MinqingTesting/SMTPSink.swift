import Foundation

/// A real SMTP server (Python aiosmtpd) on 127.0.0.1 that stores each message it accepts as two files:
/// `NNNN.eml` (the exact DATA bytes, dot-unstuffed) and `NNNN.json` (envelope sender and recipients).
/// Recipients at `@refused.test` are refused with 550. It binds port 0 and prints `READY <port>`, so the test waits for that line instead of polling.
public final class SMTPSink: Sendable {
    public struct Received: Sendable {
        public var from: String
        public var recipients: [String]
        public var data: [UInt8]
    }

    public let port: Int
    public let directory: URL
    private let child: ChildProcess

    private init(port: Int, directory: URL, child: ChildProcess) {
        self.port = port
        self.directory = directory
        self.child = child
    }

    /// With `login`, the server advertises AUTH (over plain text, loopback only) and requires it.
    public static func start(login: (user: String, password: String)? = nil) async throws -> SMTPSink {
        let directory = try Peers.temporaryDirectory("smtp")
        let script = directory.appendingPathComponent("smtp_sink.py")
        try Data(pythonScript.utf8).write(to: script)
        let mail = directory.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: mail, withIntermediateDirectories: true)
        var arguments = [script.path, mail.path]
        if let login { arguments += [login.user, login.password] }
        let child = try ChildProcess(Peers.python3 ?? "/usr/bin/python3", arguments)
        let ready = try await child.waitForLine(startingWith: "READY ")
        guard let port = Int(ready.dropFirst("READY ".count)) else {
            throw ChildProcess.Failure(description: "SMTP sink printed \(ready)")
        }
        return SMTPSink(port: port, directory: mail, child: child)
    }

    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// The messages accepted so far, in arrival order.
    public func received() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let json = try Data(contentsOf: directory.appendingPathComponent(name))
            let envelope = try JSONDecoder().decode([String: Envelope].self, from: json)
            let data = try Data(contentsOf: directory.appendingPathComponent(name.replacingOccurrences(of: ".json", with: ".eml")))
            return Received(from: envelope["from"]?.text ?? "", recipients: envelope["to"]?.list ?? [], data: Array(data))
        }
    }

    public func stop() async {
        await child.stop()
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }

    private enum Envelope: Decodable {
        case text(String), list([String])
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .text(text) } else { self = .list(try container.decode([String].self)) }
        }
        var text: String? { if case .text(let text) = self { text } else { nil } }
        var list: [String]? { if case .list(let list) = self { list } else { nil } }
    }

    private static let pythonScript = #"""
    import asyncio, json, os, sys
    from aiosmtpd.smtp import SMTP, AuthResult

    out = sys.argv[1]
    login = (sys.argv[2].encode(), sys.argv[3].encode()) if len(sys.argv) > 3 else None

    class Store:
        def __init__(self):
            self.count = 0

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.endswith("@refused.test"):
                return "550 5.1.1 No such user here"
            envelope.rcpt_tos.append(address)
            return "250 2.1.5 Ok"

        async def handle_DATA(self, server, session, envelope):
            self.count += 1
            base = os.path.join(out, "%04d" % self.count)
            with open(base + ".eml", "wb") as f:
                f.write(envelope.original_content)
            with open(base + ".json.tmp", "w") as f:
                json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
            os.rename(base + ".json.tmp", base + ".json")
            return "250 2.0.0 Ok: stored as %04d" % self.count

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == login
        return AuthResult(success=ok, handled=False)

    async def main():
        store = Store()
        def make():
            if login:
                return SMTP(store, hostname="sink.test", authenticator=authenticate,
                            auth_required=True, auth_require_tls=False)
            return SMTP(store, hostname="sink.test")
        loop = asyncio.get_running_loop()
        # Exit when the test process goes away (its end of our stdin closes).
        loop.add_reader(0, lambda: os.read(0, 4096) or os._exit(0))
        server = await loop.create_server(make, "127.0.0.1", 0)
        print("READY", server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())
    """#
}
