import Crypto
import Testing
@testable import MailboxAdapter

struct SHA256Tests {
    @Test("attachment hashes are lower-case hex SHA-256, as sha256sum prints them")
    func hexFormat() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
