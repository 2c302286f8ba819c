import CCurl

/// Why a transfer failed. Every failure of `CurlClient` is one of these; nothing else is thrown.
///
/// `kind` is what callers branch on (retry or not); `message` is curl's own error text
/// (for example "Failed to connect to 127.0.0.1 port 9 after 0 ms: Connection refused"),
/// `code` the raw `CURLcode` (0 when the failure did not come from curl), and `serverResponse`
/// the last line the SMTP or IMAP server sent, when there was one.
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The connect timeout or the total timeout ran out (`CURLE_OPERATION_TIMEDOUT`).
        case timeout
        /// The host name could not be resolved.
        case couldNotResolve
        /// The TCP connection was refused or could not be made.
        case couldNotConnect
        /// TLS failed: handshake, certificate verification, or a required STARTTLS the server did not offer.
        case tls
        /// The server refused the username/password.
        case loginDenied
        /// The server answered but said no: an SMTP 4xx/5xx reply, an IMAP NO/BAD, a folder that cannot be selected.
        case remoteRejected
        /// The server has no such message (IMAP fetch of a UID that does not exist, or a changed UIDVALIDITY).
        case notFound
        /// The response was larger than the configured limit, in a transfer where truncation is not allowed.
        case tooLarge
        /// The connection broke mid-transfer, or the server sent something curl could not understand.
        case connectionLost
        /// The request itself was unusable (malformed URL, unsupported scheme, a header containing CR/LF, …).
        case invalidRequest
        /// The calling task was cancelled; the transfer was removed from the multi handle.
        case cancelled
        /// The client was shut down before or while the transfer ran.
        case shutdown
        /// Anything else curl reported.
        case other
    }

    public var kind: Kind
    /// The raw `CURLcode`, or 0 for failures found by this library (cancelled, shutdown, invalid input).
    public var code: Int
    /// Human-readable detail: curl's error buffer, or `curl_easy_strerror` when the buffer is empty.
    public var message: String
    /// The URL of the transfer (credentials are never put in URLs by this library).
    public var url: String
    /// The last line the server sent (SMTP/IMAP), useful in logs: "550 5.1.1 No such user", "A004 NO [ALREADYEXISTS] …".
    public var serverResponse: String?
    /// The last protocol response code (HTTP status, SMTP reply code), when curl recorded one.
    public var responseCode: Int?

    public init(
        kind: Kind, code: Int = 0, message: String, url: String = "",
        serverResponse: String? = nil, responseCode: Int? = nil
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.url = url
        self.serverResponse = serverResponse
        self.responseCode = responseCode
    }

    public var description: String {
        var text = "\(kind.rawValue): \(message)"
        if code != 0 { text += " (curl \(code))" }
        if let serverResponse, !serverResponse.isEmpty { text += "; server said \"\(serverResponse)\"" }
        if !url.isEmpty { text += " — \(url)" }
        return text
    }
}

extension CurlError.Kind {
    /// Classifies a `CURLcode` without protocol context.
    init(curlCode code: CURLcode) {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .couldNotResolve
        case CURLE_COULDNT_CONNECT:
            self = .couldNotConnect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE,
            CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_SSL_CLIENTCERT:
            self = .tls
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR:
            self = .loginDenied
        case CURLE_QUOTE_ERROR, CURLE_REMOTE_ACCESS_DENIED, CURLE_UPLOAD_FAILED:
            self = .remoteRejected
        case CURLE_REMOTE_FILE_NOT_FOUND:
            self = .notFound
        case CURLE_FILESIZE_EXCEEDED:
            self = .tooLarge
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
            CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            self = .connectionLost
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT,
            CURLE_UNKNOWN_OPTION, CURLE_NOT_BUILT_IN:
            self = .invalidRequest
        default:
            self = .other
        }
    }
}

extension CurlError {
    static func cancelled(_ url: String) -> CurlError {
        CurlError(kind: .cancelled, message: "the calling task was cancelled", url: url)
    }

    static func shutdown(_ url: String) -> CurlError {
        CurlError(kind: .shutdown, message: "the curl client has been shut down", url: url)
    }

    static func invalid(_ message: String, url: String = "") -> CurlError {
        CurlError(kind: .invalidRequest, message: message, url: url)
    }
}
