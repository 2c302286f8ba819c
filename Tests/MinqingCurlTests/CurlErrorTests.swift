import CCurl
import MinqingTesting
import Testing
@testable import MinqingCurl

@Suite("Error classification")
struct CurlErrorTests {
    @Test("curl result codes map to the kinds callers branch on")
    func kinds() {
        let expected: [(CURLcode, CurlError.Kind)] = [
            (CURLE_OPERATION_TIMEDOUT, .timeout),
            (CURLE_COULDNT_RESOLVE_HOST, .couldNotResolve),
            (CURLE_COULDNT_CONNECT, .couldNotConnect),
            (CURLE_SSL_CONNECT_ERROR, .tls),
            (CURLE_PEER_FAILED_VERIFICATION, .tls),
            (CURLE_USE_SSL_FAILED, .tls),
            (CURLE_LOGIN_DENIED, .loginDenied),
            (CURLE_QUOTE_ERROR, .remoteRejected),
            (CURLE_REMOTE_FILE_NOT_FOUND, .notFound),
            (CURLE_GOT_NOTHING, .connectionLost),
            (CURLE_RECV_ERROR, .connectionLost),
            (CURLE_URL_MALFORMAT, .invalidRequest),
            (CURLE_UNSUPPORTED_PROTOCOL, .invalidRequest),
            (CURLE_OUT_OF_MEMORY, .other),
        ]
        for (code, kind) in expected {
            #expect(CurlError.Kind(curlCode: code) == kind, "CURLcode \(code.rawValue)")
        }
    }

    @Test("the description names the kind, curl's text, the code, the server's reply and the URL")
    func description() {
        let error = CurlError(
            kind: .remoteRejected, code: 55, message: "RCPT failed: 550", url: "smtp://127.0.0.1:2525",
            serverResponse: "550 5.1.1 No such user here", responseCode: 550)
        #expect(error.description
            == #"remoteRejected: RCPT failed: 550 (curl 55); server said "550 5.1.1 No such user here" — smtp://127.0.0.1:2525"#)
    }
}
