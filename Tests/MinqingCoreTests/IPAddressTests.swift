import MinqingCore
import Testing

@Suite("IP addresses and ranges")
struct IPAddressTests {
    @Test("IPv4 and IPv6 text is parsed; host names, out-of-range parts and junk are not addresses", arguments: [
        ("203.0.113.7", "203.0.113.7"), (" 10.0.0.1 ", "10.0.0.1"), ("::1", "0:0:0:0:0:0:0:1"), ("[2001:db8::1]", "2001:db8:0:0:0:0:0:1"),
        ("::ffff:10.1.2.3", "10.1.2.3"), ("fe80::1%eth0", "fe80:0:0:0:0:0:0:1"),
    ])
    func parses(_ text: String, _ shown: String) throws {
        #expect(try #require(IPAddress(text)).description == shown)
    }

    @Test("not addresses", arguments: ["", "proxy.local", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01234.1.1.1", "1::2::3", ":::", "12345::", "+1::", "::-1",
                                       String(repeating: "1:", count: 40), "１.２.３.４"])
    func rejects(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("ranges contain what they should", arguments: [
        ("10.0.0.0/8", "10.200.3.4", true), ("10.0.0.0/8", "11.0.0.1", false), ("192.168.1.10", "192.168.1.10", true),
        ("192.168.1.10", "192.168.1.11", false), ("fd00::/8", "fd12::1", true), ("fd00::/8", "fe80::1", false),
        ("127.0.0.0/8", "::ffff:127.0.0.1", true), ("0.0.0.0/0", "8.8.8.8", true), ("10.0.0.0/8", "::1", false),
    ])
    func contains(_ range: String, _ address: String, _ inside: Bool) throws {
        #expect(try #require(IPAddressRange(range)).contains(try #require(IPAddress(address))) == inside)
    }

    @Test("a prefix longer than the address family allows is no range", arguments: ["10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/+8"])
    func badRanges(_ text: String) {
        #expect(IPAddressRange(text) == nil)
    }

    @Test("loopback is 127.0.0.0/8 and ::1 only")
    func loopback() {
        #expect(IPAddress("127.8.9.1")!.isLoopback)
        #expect(IPAddress("::1")!.isLoopback)
        #expect(!IPAddress("10.0.0.1")!.isLoopback)
        #expect(!IPAddress("::2")!.isLoopback)
    }
}
