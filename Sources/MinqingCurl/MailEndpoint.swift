import CCurl

/// Where and how to reach an SMTP or IMAP server.
///
/// TLS modes: `smtps://` / `imaps://` is implicit TLS; `startTLS: true` with `smtp://` / `imap://`
/// requires STARTTLS (the transfer fails with `.tls` if the server does not offer it);
/// `startTLS: false` with a plain scheme sends everything, the password too, in clear text —
/// only for loopback test servers.
public struct MailEndpoint: Sendable, Equatable {
    enum MailProtocol: Sendable { case smtp, imap }

    /// `smtp://host:port`, `smtps://host:port`, `imap://host:port` or `imaps://host:port` (no path).
    /// For SMTP a path sets the EHLO name: `smtp://relay.example:587/hub.example`.
    public var url: String
    public var startTLS: Bool
    public var username: String?
    public var password: String?
    public var tls: TLSOptions
    public var connectTimeout: Duration
    /// The whole conversation, login included.
    public var timeout: Duration

    public init(
        url: String, startTLS: Bool = false, username: String? = nil, password: String? = nil,
        tls: TLSOptions = .init(), connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60)
    ) {
        self.url = url
        self.startTLS = startTLS
        self.username = username
        self.password = password
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// The URL without a trailing slash, checked against the protocol's two schemes.
    func base(for proto: MailProtocol) throws(CurlError) -> String {
        let schemes = proto == .smtp ? ["smtp://", "smtps://"] : ["imap://", "imaps://"]
        guard schemes.contains(where: { url.lowercased().hasPrefix($0) }) else {
            throw .invalid("expected a URL starting with \(schemes.joined(separator: " or "))", url: url)
        }
        guard !url.hasControlCharacters, !url.contains("@") else {
            throw .invalid("put credentials in username/password, not in the URL", url: url)
        }
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// Options shared by SMTP and IMAP transfers.
    func apply(to transfer: Transfer, protocols: String) throws(CurlError) {
        try transfer.set(CURLOPT_PROTOCOLS_STR, protocols)
        try transfer.set(CURLOPT_USE_SSL, Int(startTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_NONE.rawValue))
        if let username { try transfer.set(CURLOPT_USERNAME, username) }
        if let password { try transfer.set(CURLOPT_PASSWORD, password) }
        try transfer.set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds: connectTimeout)
        try transfer.set(CURLOPT_TIMEOUT_MS, milliseconds: timeout)
        try tls.apply(to: transfer)
    }
}

extension StringProtocol {
    /// True if any byte is an ASCII control character (CR, LF, NUL, …): such text must never reach a protocol line.
    /// (Checked on bytes: "\r\n" is one `Character`, so character comparisons miss it.)
    var hasControlCharacters: Bool { utf8.contains { $0 < 0x20 || $0 == 0x7F } }
}
