import MinqingTesting
import Testing
@testable import MinqingCurl

@Suite("IMAP text helpers")
struct IMAPSyntaxTests {
    @Test("folder names are encoded in modified UTF-7 (RFC 3501 examples and Chinese)")
    func modifiedUTF7() {
        #expect(IMAPSyntax.encodeFolderName("INBOX") == "INBOX")
        #expect(IMAPSyntax.encodeFolderName("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-")
        #expect(IMAPSyntax.encodeFolderName("已处理") == "&XfJZBHQG-")
        #expect(IMAPSyntax.encodeFolderName("A&B") == "A&-B")
        #expect(IMAPSyntax.encodeFolderName("民情 2026") == "&bBFgxQ- 2026")
    }

    @Test("quoting and URL escaping keep folder names in one token")
    func quoting() {
        #expect(IMAPSyntax.quoted(#"a "b" \c"#) == #""a \"b\" \\c""#)
        #expect(IMAPSyntax.urlSegment("&XfJZBHQG-") == "%26XfJZBHQG-")
        #expect(IMAPSyntax.urlSegment("a b/c;d") == "a%20b%2Fc%3Bd")
    }

    @Test("SELECT and SEARCH responses are parsed from untagged lines")
    func parsing() {
        let select = IMAPSyntax.lines(Array("""
            * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r
            * 3 EXISTS\r
            * 0 RECENT\r
            * OK [UIDVALIDITY 1795388273] UIDs valid\r
            * OK [UIDNEXT 4] Predicted next UID\r

            """.utf8))
        let status = IMAPSyntax.folderStatus(from: select)
        #expect(status.uidValidity == 1_795_388_273)
        #expect(status.uidNext == 4)
        #expect(status.exists == 3)
        #expect(IMAPSyntax.searchResults(from: ["* SEARCH 2 3 10", "* 4 EXISTS", "* SEARCH"]) == [2, 3, 10])
    }

    @Test("flags must be single atoms")
    func flags() {
        #expect(IMAPSyntax.isValidFlag("\\Seen"))
        #expect(IMAPSyntax.isValidFlag("$MinqingRegistered"))
        #expect(!IMAPSyntax.isValidFlag("\\Seen) (\\Deleted"))
        #expect(!IMAPSyntax.isValidFlag("a\r\nA1 LOGOUT"))
        #expect(!IMAPSyntax.isValidFlag(""))
    }
}
