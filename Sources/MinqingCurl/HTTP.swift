import CCurl

public struct HTTPHeader: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name): \(value)" }
}

/// One HTTP(S) request. Only `http` and `https` URLs are accepted, and redirects are not followed
/// unless asked for, so a configured webhook URL cannot make the hub read files or speak other protocols.
public struct HTTPRequestSpec: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"
    }

    public var method: Method
    public var url: String
    /// Sent as given. Names and values must not contain control characters (CR, LF, …); an empty value sends an empty header.
    /// Set `Content-Type` yourself: without it curl labels a body `application/x-www-form-urlencoded`.
    public var headers: [HTTPHeader]
    /// Request body; curl copies it (CURLOPT_COPYPOSTFIELDS). Must be empty for GET.
    public var body: [UInt8]
    /// Time allowed to connect (TCP + TLS).
    public var connectTimeout: Duration
    /// Time allowed for the whole transfer, counted from submission (including any wait for a free connection).
    public var timeout: Duration
    public var followRedirects: Bool
    public var tls: TLSOptions
    /// Overrides `CurlClient.Configuration.maxResponseBodyBytes` for this request.
    public var maxResponseBodyBytes: Int?

    public init(
        method: Method = .get, url: String, headers: [HTTPHeader] = [], body: [UInt8] = [],
        connectTimeout: Duration = .seconds(5), timeout: Duration = .seconds(30),
        followRedirects: Bool = false, tls: TLSOptions = .init(), maxResponseBodyBytes: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.followRedirects = followRedirects
        self.tls = tls
        self.maxResponseBodyBytes = maxResponseBodyBytes
    }

    /// A POST of a UTF-8 JSON text.
    public static func postJSON(
        _ url: String, json: String, headers: [HTTPHeader] = [], timeout: Duration = .seconds(30)
    ) -> HTTPRequestSpec {
        HTTPRequestSpec(
            method: .post, url: url, headers: [HTTPHeader("Content-Type", "application/json; charset=utf-8")] + headers,
            body: Array(json.utf8), timeout: timeout)
    }
}

/// A response that arrived, whatever its status. Transport failures throw `CurlError` instead.
public struct HTTPResult: Sendable {
    public var status: Int
    /// Headers of the final response (after any 100 Continue or followed redirect), in arrival order.
    public var headers: [HTTPHeader]
    /// The first `maxResponseBodyBytes` of the body.
    public var body: [UInt8]
    /// How many body bytes the server sent in all; larger than `body.count` when truncated.
    public var bodyBytesReceived: Int
    /// CURLINFO_TOTAL_TIME_T.
    public var totalTime: Duration
    /// Connections this request opened (0 when it reused a cached one).
    public var newConnections: Int

    public var bodyTruncated: Bool { bodyBytesReceived > body.count }
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

extension CurlClient {
    /// Sends one HTTP request and returns the response, or throws a transport failure.
    /// Non-2xx statuses are results, not errors.
    public func send(_ request: HTTPRequestSpec) async throws(CurlError) -> HTTPResult {
        let lines = try HTTPRequestSpec.headerLines(request.headers, url: request.url)
        if request.method == .get, !request.body.isEmpty {
            throw .invalid("a GET request cannot carry a body", url: request.url)
        }
        let limit = request.maxResponseBodyBytes ?? configuration.maxResponseBodyBytes
        let userAgent = configuration.userAgent
        let outcome = await perform(url: request.url) { transfer throws(CurlError) in
            try transfer.set(CURLOPT_PROTOCOLS_STR, "http,https")
            try transfer.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            try transfer.set(CURLOPT_FOLLOWLOCATION, request.followRedirects)
            try transfer.set(CURLOPT_MAXREDIRS, 5)
            try transfer.set(CURLOPT_USERAGENT, userAgent)
            try transfer.set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds: request.connectTimeout)
            try transfer.set(CURLOPT_TIMEOUT_MS, milliseconds: request.timeout)
            try transfer.set(CURLOPT_TCP_KEEPALIVE, true)
            try request.tls.apply(to: transfer)
            switch request.method {
            case .get:
                try transfer.set(CURLOPT_HTTPGET, true)
            case .post:
                try transfer.setPostBody(request.body)
            case .put, .patch, .delete:
                try transfer.set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
                if !request.body.isEmpty || request.method != .delete { try transfer.setPostBody(request.body) }
            }
            try transfer.set(CURLOPT_HTTPHEADER, list: lines)
            transfer.collectBody(limit: limit, overflow: .truncate)
            transfer.keepOnlyFinalHeaderBlock()
        }
        let result = try outcome.get()
        return HTTPResult(
            status: result.responseCode, headers: HTTPRequestSpec.parseHeaders(result.headerLines),
            body: result.body, bodyBytesReceived: result.bodyBytesReceived, totalTime: result.totalTime,
            newConnections: result.newConnections)
    }
}

extension HTTPRequestSpec {
    /// curl's header-list syntax: "Name: value"; "Name;" sends an empty value. "Expect:" (empty) stops
    /// curl from adding `Expect: 100-continue`, unless the caller set Expect.
    static func headerLines(_ headers: [HTTPHeader], url: String) throws(CurlError) -> [String] {
        var lines: [String] = []
        for header in headers {
            guard !header.name.isEmpty, !header.name.hasControlCharacters,
                !header.name.contains(":"), !header.value.hasControlCharacters
            else {
                throw .invalid("invalid header \(String(reflecting: header.name))", url: url)
            }
            lines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        if !headers.contains(where: { $0.name.lowercased() == "expect" }) { lines.append("Expect:") }
        return lines
    }

    /// Drops the status line and splits "Name: value" lines.
    static func parseHeaders(_ lines: [String]) -> [HTTPHeader] {
        lines.compactMap { line in
            guard !line.hasPrefix("HTTP/"), let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            return HTTPHeader(String(line[..<colon]), String(value))
        }
    }
}
