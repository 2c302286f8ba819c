import CCurl

/// What SELECT or EXAMINE reports about a folder: the cursor a mailbox poller persists.
public struct IMAPFolderStatus: Sendable, Equatable {
    /// If this changes, every UID previously seen in the folder is meaningless.
    public var uidValidity: UInt32
    /// The UID the next message delivered to the folder will get (at least).
    public var uidNext: UInt32
    /// Number of messages in the folder.
    public var messageCount: Int
}

/// The IMAP primitives the mailbox poller needs, on one account, over a shared `CurlClient`.
///
/// Contract:
/// - Folder names are given as plain Unicode ("INBOX", "已处理"); encoding (modified UTF-7),
///   quoting and URL escaping are done here.
/// - Connections are cached and reused between calls; curl remembers which folder a cached
///   connection has selected and selects again when a call names another one. `examine` uses a
///   connection that is closed afterwards, so its read-only selection never leaks into later calls.
/// - Fetching a message marks it `\Seen` on the server (curl fetches `BODY[]`): decide what is
///   new from the durable UIDVALIDITY + UID cursor, not from flags.
/// - A custom command's result is read from the untagged lines only (curl returns no literals for them).
public struct IMAPClient: Sendable {
    public let curl: CurlClient
    public let account: MailEndpoint

    public init(curl: CurlClient, account: MailEndpoint) {
        self.curl = curl
        self.account = account
    }

    /// SELECT `folder` (read-write) and report its UIDVALIDITY, UIDNEXT and message count.
    public func select(_ folder: String) async throws(CurlError) -> IMAPFolderStatus {
        try await status(folder, verb: "SELECT", forbidReuse: false)
    }

    /// EXAMINE `folder` (read-only: nothing about the folder changes) and report its status.
    public func examine(_ folder: String) async throws(CurlError) -> IMAPFolderStatus {
        try await status(folder, verb: "EXAMINE", forbidReuse: true)
    }

    /// `UID SEARCH UID first:*` in `folder`: the UIDs of messages with UID ≥ `first`, ascending.
    /// (IMAP answers `n:*` with the highest UID even when it is below n; such UIDs are dropped.)
    public func searchUIDs(in folder: String, from first: UInt32) async throws(CurlError) -> [UInt32] {
        let lines = try await command("UID SEARCH UID \(max(1, first)):*", in: folder)
        return IMAPSyntax.searchResults(from: lines).filter { $0 >= first }.sorted()
    }

    /// The UIDs ≥ `first` that are not `\Seen`, ascending (a poller that must leave mail as it found it asks first,
    /// since fetching a message marks it seen).
    public func searchUnseenUIDs(in folder: String, from first: UInt32) async throws(CurlError) -> [UInt32] {
        let lines = try await command("UID SEARCH UID \(max(1, first)):* UNSEEN", in: folder)
        return IMAPSyntax.searchResults(from: lines).filter { $0 >= first }.sorted()
    }

    /// The raw bytes (RFC 5322, CRLF) of the message with this UID. With `uidValidity`, fails with
    /// `.notFound` instead of fetching if the folder's UIDVALIDITY has changed. A UID that does not
    /// exist (any more) also gives `.notFound`. Larger than `Configuration.maxMailBytes` gives `.tooLarge`.
    public func fetchMessage(uid: UInt32, in folder: String, uidValidity: UInt32? = nil) async throws(CurlError) -> [UInt8] {
        var path = IMAPSyntax.urlSegment(IMAPSyntax.encodeFolderName(folder))
        if let uidValidity { path += ";UIDVALIDITY=\(uidValidity)" }
        path += "/;UID=\(uid)"
        return try await run(path: path, customRequest: nil).body
    }

    /// `UID STORE uid +FLAGS.SILENT (flags)`, e.g. `["\\Seen", "$MinqingRegistered"]`.
    public func addFlags(_ flags: [String], uid: UInt32, in folder: String) async throws(CurlError) {
        guard !flags.isEmpty, flags.allSatisfy(IMAPSyntax.isValidFlag) else {
            throw .invalid("invalid IMAP flags \(flags)", url: account.url)
        }
        _ = try await command("UID STORE \(uid) +FLAGS.SILENT (\(flags.joined(separator: " ")))", in: folder)
    }

    /// `UID STORE uid -FLAGS.SILENT (flags)`.
    public func removeFlags(_ flags: [String], uid: UInt32, in folder: String) async throws(CurlError) {
        guard !flags.isEmpty, flags.allSatisfy(IMAPSyntax.isValidFlag) else {
            throw .invalid("invalid IMAP flags \(flags)", url: account.url)
        }
        _ = try await command("UID STORE \(uid) -FLAGS.SILENT (\(flags.joined(separator: " ")))", in: folder)
    }

    /// `UID MOVE` (RFC 6851) of one message to `destination`, which must exist.
    public func move(uid: UInt32, from folder: String, to destination: String) async throws(CurlError) {
        _ = try await command("UID MOVE \(uid) \(Self.folderArgument(destination))", in: folder)
    }

    /// `UID COPY` of one message to `destination`, which must exist.
    public func copy(uid: UInt32, from folder: String, to destination: String) async throws(CurlError) {
        _ = try await command("UID COPY \(uid) \(Self.folderArgument(destination))", in: folder)
    }

    /// `CREATE folder`. With `ignoreExisting`, a server answer of `[ALREADYEXISTS]` counts as success.
    public func createFolder(_ folder: String, ignoreExisting: Bool = true) async throws(CurlError) {
        do {
            _ = try await command("CREATE \(Self.folderArgument(folder))", in: nil)
        } catch {
            if ignoreExisting, error.kind == .remoteRejected,
                error.serverResponse?.uppercased().contains("[ALREADYEXISTS]") == true
            {
                return
            }
            throw error
        }
    }

    // MARK: Plumbing

    static func folderArgument(_ folder: String) -> String {
        IMAPSyntax.quoted(IMAPSyntax.encodeFolderName(folder))
    }

    private func status(_ folder: String, verb: String, forbidReuse: Bool) async throws(CurlError) -> IMAPFolderStatus {
        // SELECT: the URL names the folder, so curl's own SELECT and ours agree on a reused connection.
        // EXAMINE: no folder in the URL; the connection is closed afterwards (see type comment).
        let path = forbidReuse ? "" : IMAPSyntax.urlSegment(IMAPSyntax.encodeFolderName(folder))
        let result = try await run(
            path: path, customRequest: "\(verb) \(Self.folderArgument(folder))", forbidReuse: forbidReuse)
        let parsed = IMAPSyntax.folderStatus(from: IMAPSyntax.lines(result.body))
        guard let uidValidity = parsed.uidValidity, let uidNext = parsed.uidNext else {
            throw CurlError(
                kind: .remoteRejected, message: "\(verb) reply lacked UIDVALIDITY or UIDNEXT",
                url: account.url, serverResponse: result.headerLines.last)
        }
        return IMAPFolderStatus(uidValidity: uidValidity, uidNext: uidNext, messageCount: parsed.exists ?? 0)
    }

    /// Runs a custom command with `folder` selected first (nil: no folder); returns its untagged lines.
    private func command(_ text: String, in folder: String?) async throws(CurlError) -> [String] {
        let path = folder.map { IMAPSyntax.urlSegment(IMAPSyntax.encodeFolderName($0)) } ?? ""
        return IMAPSyntax.lines(try await run(path: path, customRequest: text).body)
    }

    private func run(path: String, customRequest: String?, forbidReuse: Bool = false) async throws(CurlError) -> TransferResult {
        let url = try account.base(for: .imap) + "/" + path
        let account = self.account
        let limit = curl.configuration.maxMailBytes
        let outcome = await curl.perform(url: url) { transfer throws(CurlError) in
            try account.apply(to: transfer, protocols: "imap,imaps")
            if let customRequest { try transfer.set(CURLOPT_CUSTOMREQUEST, customRequest) }
            if forbidReuse { try transfer.set(CURLOPT_FORBID_REUSE, true) }
            transfer.collectBody(limit: limit, overflow: .fail)
        }
        switch outcome {
        case .success(let result):
            return result
        case .failure(var error):
            // curl 7.x reports a failed SELECT as CURLE_LOGIN_DENIED ("Select failed").
            if error.kind == .loginDenied, error.message.contains("Select failed") { error.kind = .remoteRejected }
            throw error
        }
    }
}
