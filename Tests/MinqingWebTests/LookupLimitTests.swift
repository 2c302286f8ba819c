import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import MinqingCore
import MinqingHTTP
import MinqingTesting
import Testing
import WebFormAdapter

@Suite("Status look-up limits")
struct LookupLimitTests {
    func lookup(_ client: some TestClientProtocol, _ id: String, _ code: String, forwardedFor: String) async throws -> TestResponse {
        var headers = formHeaders
        headers[HTTPField.Name("X-Forwarded-For")!] = forwardedFor
        return try await client.execute(uri: "/status", method: .post, headers: headers, body: urlEncoded([("case_id", id), ("code", code)]))
    }

    /// A case from the public form, with its lookup code.
    func formCase(_ hub: TestHub, ip: String = "10.0.0.1") async throws -> (id: String, code: String) {
        try await hub.value { client in
            let receipt = String(buffer: try await hub.submitForm(client, change: ["phone": "1391111\(Int.random(in: 1000...9999))"], ip: ip).body)
            return (firstMatch(#"id="case-id">([^<]+)<"#, in: receipt) ?? "", firstMatch(#"id="lookup-code">(\d{8})<"#, in: receipt) ?? "")
        }
    }

    @Test("wrong codes for one case from many addresses are cut off with 429 after 10 an hour — the right code too — and the limit outlives a restart")
    func perCase() async throws {
        let hub = try TestHub()
        let (id, code) = try await formCase(hub)
        let (otherID, otherCode) = try await formCase(hub, ip: "10.0.0.2")
        try await hub.test { client in
            for n in 1...10 {
                let r = try await lookup(client, id, String(format: "%08d", n), forwardedFor: "198.51.100.\(n)")
                #expect(r.status == .notFound, "guess \(n)")
            }
            let cut = try await lookup(client, id, "00000099", forwardedFor: "198.51.100.77")
            #expect(cut.status == .tooManyRequests)
            #expect(String(buffer: cut.body).contains("输错次数过多"))
            #expect(try await lookup(client, id, code, forwardedFor: "192.0.2.200").status == .tooManyRequests,
                    "the right code does not get past the limit either")
            #expect(try await lookup(client, otherID, otherCode, forwardedFor: "198.51.100.1").status == .ok, "another case is untouched")
        }
        let restarted = try TestHub(path: hub.path)
        restarted.clock.set(hub.clock.now())
        try await restarted.test { client in
            let r = try await lookup(client, id, code, forwardedFor: "192.0.2.201")
            #expect(r.status == .tooManyRequests, "the count is in the store")
        }
        restarted.clock.advance(by: 3601)
        try await restarted.test { client in
            let r = try await lookup(client, id, code, forwardedFor: "192.0.2.202")
            #expect(r.status == .ok, "an hour later the citizen gets in")
        }
    }

    @Test("successful look-ups do not use up the case's allowance")
    func successesDoNotCount() async throws {
        let hub = try TestHub()
        let (id, code) = try await formCase(hub)
        try await hub.test { client in
            for n in 1...15 {
                let r = try await lookup(client, id, code, forwardedFor: "198.51.100.\(n)")
                #expect(r.status == .ok)
            }
        }
    }

    @Test("one address guessing across many cases is cut off after 20 failures; forged entries left of the proxy's do not help")
    func perAddress() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            for n in 1...20 {
                // A client writing a fresh address into X-Forwarded-For each time: the proxy appends the real one.
                let r = try await lookup(client, String(format: "MQ-20261122-%04d", n), "12345678", forwardedFor: "10.\(n).0.1, 203.0.113.50")
                #expect(r.status == .notFound, "guess \(n)")
            }
            let cut = try await lookup(client, "MQ-20261122-0100", "12345678", forwardedFor: "10.99.0.1, 203.0.113.50")
            #expect(cut.status == .tooManyRequests)
            #expect(try await lookup(client, "MQ-20261122-0100", "12345678", forwardedFor: "203.0.113.51").status == .notFound,
                    "another address is not affected")
        }
    }

    @Test("parallel wrong guesses for one case cannot slip under the limit")
    func parallelGuesses() async throws {
        let hub = try TestHub()
        let (id, _) = try await formCase(hub)
        let statuses = try await hub.value { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for n in 1...30 {
                    group.addTask { try await lookup(client, id, String(format: "%08d", n), forwardedFor: "198.51.100.\(n)").status }
                }
                var all: [HTTPResponse.Status] = []
                for try await s in group { all.append(s) }
                return all
            }
        }
        #expect(statuses.filter { $0 == .notFound }.count == 10)
        #expect(statuses.filter { $0 == .tooManyRequests }.count == 20)
    }

    @Test("rating a reply quotes the same credential and is limited the same way")
    func ratingLimited() async throws {
        let hub = try TestHub()
        let (id, _) = try await formCase(hub)
        try await hub.test { client in
            for n in 1...10 {
                var headers = formHeaders
                headers[HTTPField.Name("X-Forwarded-For")!] = "198.51.100.\(n)"
                let r = try await client.execute(uri: "/status/rate", method: .post, headers: headers,
                                                 body: urlEncoded([("case_id", id), ("code", String(format: "%08d", n)), ("satisfaction", "satisfied")]))
                #expect(r.status == .notFound)
            }
            var headers = formHeaders
            headers[HTTPField.Name("X-Forwarded-For")!] = "198.51.100.200"
            let cut = try await client.execute(uri: "/status/rate", method: .post, headers: headers,
                                               body: urlEncoded([("case_id", id), ("code", "00000000"), ("satisfaction", "satisfied")]))
            #expect(cut.status == .tooManyRequests)
        }
    }
}

@Suite("Client address behind trusted proxies")
struct ClientAddressTests {
    let loopback = IPAddressRange.loopback
    func resolve(_ peer: String?, _ xff: String, trusted: [String] = ["127.0.0.1/8", "::1"]) -> String {
        ClientAddress.resolve(peer: peer.flatMap { IPAddress($0) }, forwardedFor: xff,
                              trustedProxies: trusted.compactMap { IPAddressRange($0) }).key
    }

    @Test("the client is the rightmost X-Forwarded-For entry that is not a trusted proxy")
    func rightmostUntrusted() {
        #expect(resolve("127.0.0.1", "198.51.100.7") == "198.51.100.7")
        #expect(resolve("127.0.0.1", "1.2.3.4, 198.51.100.7") == "198.51.100.7", "the left entry was written by the client")
        #expect(resolve("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.5", trusted: ["10.0.0.0/8"]) == "198.51.100.7")
        #expect(resolve("10.0.0.2", "10.0.0.9, 10.0.0.5", trusted: ["10.0.0.0/8"]) == "10.0.0.9", "all trusted: the leftmost")
        #expect(resolve("::1", "2001:db8::7") == "2001:db8:0:0:0:0:0:7")
        #expect(resolve("127.0.0.1", "not-an-address, 198.51.100.7") == "198.51.100.7")
        #expect(resolve("127.0.0.1", "198.51.100.7, garbage").hasPrefix("forwarded:"), "a name where an address belongs is no address")
    }

    @Test("X-Forwarded-For from a peer that is not a trusted proxy is ignored")
    func untrustedPeer() {
        #expect(resolve("203.0.113.9", "127.0.0.1") == "203.0.113.9")
        #expect(resolve("127.0.0.1", "198.51.100.7", trusted: []) == "127.0.0.1")
        #expect(resolve(nil, "198.51.100.7") == "unknown")
    }

    @Test("loopback means the client, not only its proxy, is this machine")
    func loopbackOrigin() {
        let origin = { (peer: String, xff: String) in
            ClientAddress.resolve(peer: IPAddress(peer), forwardedFor: xff, trustedProxies: IPAddressRange.loopback).isLoopback
        }
        #expect(origin("127.0.0.1", ""))
        #expect(origin("::1", ""))
        #expect(!origin("127.0.0.1", "198.51.100.7"))
        #expect(!origin("127.0.0.1", "127.0.0.1, 198.51.100.7"))
        #expect(!origin("198.51.100.7", ""))
    }
}
