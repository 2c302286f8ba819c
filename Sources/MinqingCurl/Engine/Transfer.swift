import CCurl

/// What a completed transfer produced, protocol-neutral. Protocol layers (HTTP, SMTP, IMAP) interpret it.
struct TransferResult: Sendable {
    /// CURLINFO_RESPONSE_CODE: HTTP status, last SMTP reply code, 0 for IMAP.
    var responseCode: Int
    /// Header-callback lines without CR/LF: HTTP headers of the final response (status line first),
    /// or every response line of an SMTP/IMAP conversation.
    var headerLines: [String]
    /// The first `bodyLimit` bytes of the body.
    var body: [UInt8]
    /// All body bytes the server sent, kept or not.
    var bodyBytesReceived: Int
    var totalTime: Duration
    /// CURLINFO_NUM_CONNECTS: connections this transfer had to open (0 when it reused one).
    var newConnections: Int

    var bodyTruncated: Bool { bodyBytesReceived > body.count }
}

/// What to do when a body grows past its limit.
enum BodyOverflow {
    /// Keep the first bytes, count the rest, finish normally.
    case truncate
    /// Abort the transfer with `CurlError.Kind.tooLarge`.
    case fail
}

/// One easy handle and everything that must live exactly as long as it: header lists, the upload
/// buffer, the error buffer, the collected response. Owned by the loop thread; never leaves it.
///
/// libcurl's callbacks reach this object through the userdata pointer (`Unmanaged`, unretained:
/// the loop's table holds the strong reference until the handle is cleaned up).
final class Transfer {
    let id: UInt64
    let url: String
    let handle: UnsafeMutableRawPointer
    private let continuation: CheckedContinuation<TransferOutcome, Never>
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var finished = false

    fileprivate(set) var headerLines: [String] = []
    fileprivate var resetHeadersOnStatusLine = false
    fileprivate var body: [UInt8] = []
    fileprivate var bodyBytesReceived = 0
    fileprivate var bodyLimit = 64 * 1024
    fileprivate var overflow = BodyOverflow.truncate
    fileprivate var overflowed = false
    fileprivate var upload: [UInt8] = []
    fileprivate var uploadOffset = 0

    /// Creates the easy handle with the settings every transfer shares. Returns nil only if curl is out of memory.
    init?(job: TransferJob) {
        guard let handle = curl_easy_init() else { return nil }
        self.id = job.id
        self.url = job.url
        self.handle = handle
        self.continuation = job.continuation
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = mq_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = mq_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = mq_easy_setopt_pointer(handle, CURLOPT_PRIVATE, me)
        _ = mq_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, me)
        _ = mq_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, transferWriteCallback)
        _ = mq_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, me)
        _ = mq_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, transferHeaderCallback)
        _ = mq_easy_setopt_string(handle, CURLOPT_URL, url)
    }

    deinit {
        // Never leave a task suspended forever, whatever path dropped this transfer.
        if !finished {
            continuation.resume(returning: .failure(CurlError(kind: .other, message: "transfer dropped unfinished", url: url)))
        }
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    // MARK: Setup helpers (loop thread)

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(mq_easy_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws(CurlError) {
        try set(option, value ? 1 : 0)
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(mq_easy_setopt_string(handle, option, value), option)
    }

    func set(_ option: CURLoption, milliseconds duration: Duration) throws(CurlError) {
        let (seconds, attoseconds) = duration.components
        let ms = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        try set(option, Int(clamping: ms))
    }

    /// Sets a string-list option (headers, recipients). The list lives until the handle is freed.
    func set(_ option: CURLoption, list items: [String]) throws(CurlError) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for item in items {
            guard let grown = curl_slist_append(list, item) else {
                if let list { curl_slist_free_all(list) }
                throw .invalid("out of memory building a curl list", url: url)
            }
            list = grown
        }
        guard let list else { return }
        lists.append(list)
        try check(mq_easy_setopt_slist(handle, option, list), option)
    }

    /// Sends `bytes` as the request body; curl copies them (CURLOPT_COPYPOSTFIELDS).
    func setPostBody(_ bytes: [UInt8]) throws(CurlError) {
        try check(mq_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)), CURLOPT_POSTFIELDSIZE_LARGE)
        // An empty body still needs a non-null pointer, or curl would read the body from stdin.
        let code = bytes.isEmpty
            ? mq_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
            : bytes.withUnsafeBytes { mq_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress!)) }
        try check(code, CURLOPT_COPYPOSTFIELDS)
    }

    /// Uploads `bytes` through the read callback (SMTP DATA, IMAP APPEND).
    func setUpload(_ bytes: [UInt8]) throws(CurlError) {
        upload = bytes
        uploadOffset = 0
        try set(CURLOPT_UPLOAD, true)
        try check(mq_easy_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(bytes.count)), CURLOPT_INFILESIZE_LARGE)
        try check(mq_easy_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(self).toOpaque()), CURLOPT_READDATA)
        try check(mq_easy_setopt_data_callback(handle, CURLOPT_READFUNCTION, transferReadCallback), CURLOPT_READFUNCTION)
    }

    func collectBody(limit: Int, overflow: BodyOverflow) {
        bodyLimit = max(0, limit)
        self.overflow = overflow
    }

    /// For HTTP: forget earlier header blocks (100 Continue, redirects) when a new status line arrives.
    func keepOnlyFinalHeaderBlock() {
        resetHeadersOnStatusLine = true
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlError) {
        guard code != CURLE_OK else { return }
        throw CurlError(
            kind: .invalidRequest, code: Int(code.rawValue),
            message: "curl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))", url: url)
    }

    // MARK: Completion (loop thread)

    /// Resumes the waiting task with the transfer's outcome. Call once, after removing the handle from the multi.
    func complete(_ code: CURLcode) {
        if code == CURLE_OK {
            finish(.success(result()))
        } else {
            finish(.failure(error(for: code)))
        }
    }

    func finish(_ outcome: TransferOutcome) {
        guard !finished else { return }
        finished = true
        continuation.resume(returning: outcome)
    }

    private func result() -> TransferResult {
        var status = 0
        _ = mq_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var micros: curl_off_t = 0
        _ = mq_easy_getinfo_off_t(handle, CURLINFO_TOTAL_TIME_T, &micros)
        var connects = 0
        _ = mq_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        return TransferResult(
            responseCode: status, headerLines: headerLines, body: body, bodyBytesReceived: bodyBytesReceived,
            totalTime: .microseconds(Int64(micros)), newConnections: connects)
    }

    /// The server line that explains a failure. curl says goodbye after an error (SMTP "221 Bye",
    /// IMAP "A005 OK Logout completed"), so the last line is rarely it: take the last SMTP line with
    /// the failing reply code, or the last IMAP NO/BAD, else the last line.
    private func serverResponse(code: Int) -> String? {
        if code > 0 {
            let prefix = String(code)
            return headerLines.last { $0.hasPrefix(prefix + " ") || $0.hasPrefix(prefix + "-") } ?? headerLines.last
        }
        let refusal = headerLines.last { line in
            let words = line.split(separator: " ", maxSplits: 2)
            return words.count >= 2 && (words[1] == "NO" || words[1] == "BAD")
        }
        return refusal ?? headerLines.last
    }

    private func error(for code: CURLcode) -> CurlError {
        var status = 0
        _ = mq_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var kind = CurlError.Kind(curlCode: code)
        var message = String(cString: errorBuffer)
        if overflowed {
            kind = .tooLarge
            message = "response larger than the limit of \(bodyLimit) bytes"
        }
        if message.isEmpty { message = String(cString: curl_easy_strerror(code)) }
        return CurlError(
            kind: kind, code: Int(code.rawValue), message: message, url: url,
            serverResponse: serverResponse(code: status), responseCode: status == 0 ? nil : status)
    }
}

// MARK: C callbacks (non-capturing; state through userdata)

private func transferWriteCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return length }
    let room = transfer.bodyLimit - transfer.body.count
    if length > room, transfer.overflow == .fail {
        transfer.overflowed = true
        return 0
    }
    transfer.bodyBytesReceived += length
    if room > 0 {
        let kept = min(room, length)
        data.withMemoryRebound(to: UInt8.self, capacity: kept) { bytes in
            transfer.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: kept))
        }
    }
    return length
}

private func transferHeaderCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return length }
    var bytes = UnsafeRawBufferPointer(start: data, count: length)[...]
    while let last = bytes.last, last == 0x0A || last == 0x0D { bytes = bytes.dropLast() }
    let line = String(decoding: bytes, as: UTF8.self)
    if transfer.resetHeadersOnStatusLine, line.hasPrefix("HTTP/") {
        transfer.headerLines.removeAll(keepingCapacity: true)
    }
    if !line.isEmpty, transfer.headerLines.count < 10_000 {
        transfer.headerLines.append(line)
    }
    return length
}

private func transferReadCallback(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata, let buffer else { return Int(CURL_READFUNC_ABORT) }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = min(size * count, transfer.upload.count - transfer.uploadOffset)
    guard length > 0 else { return 0 }
    transfer.upload.withUnsafeBytes { source in
        UnsafeMutableRawPointer(buffer).copyMemory(
            from: source.baseAddress! + transfer.uploadOffset, byteCount: length)
    }
    transfer.uploadOffset += length
    return length
}
