import MinqingTesting
import Testing
@testable import MinqingCurl

@Suite("HTTP over the multi interface")
struct HTTPTransferTests {
    @Test("headers and a Chinese UTF-8 JSON body arrive intact; status, headers and body come back")
    func roundTrip() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient()
        let json = #"{"标题":"村道路灯不亮","内容":"王家村三组的路灯坏了两周，晚上看不见路。","电话":"138****5678"}"#
        var request = HTTPRequestSpec.postJSON(
            receiver.url("/echo/201"), json: json,
            headers: [HTTPHeader("X-Minqing-Delivery", "MQ-20261122-0042#3"), HTTPHeader("X-Empty", "")])
        request.timeout = .seconds(10)

        let result = try await client.send(request)

        #expect(result.status == 201)
        #expect(result.body == Array(json.utf8))
        #expect(result.bodyText == json)
        #expect(result.header("x-receiver") == "loopback")
        #expect(result.header("Content-Type") == "application/json; charset=utf-8")
        #expect(!result.bodyTruncated)
        #expect(result.totalTime > .zero)
        #expect(result.newConnections == 1)
        let seen = try #require(receiver.snapshot.requests.first)
        #expect(seen.method == "POST")
        #expect(seen.uri == "/echo/201")
        #expect(seen.body == Array(json.utf8))
        #expect(seen.header("X-Minqing-Delivery") == "MQ-20261122-0042#3")
        #expect(seen.header("X-Empty") == "")
        #expect(seen.header("Content-Length") == String(json.utf8.count))
        #expect(seen.header("Expect") == nil)
        #expect(seen.header("User-Agent") == client.configuration.userAgent)
        await client.shutdown()
        await receiver.stop()
    }

    @Test("GET, PUT and DELETE send their method; PUT carries its body")
    func methods() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient()
        _ = try await client.send(HTTPRequestSpec(method: .get, url: receiver.url("/status/200")))
        let put = try await client.send(HTTPRequestSpec(method: .put, url: receiver.url("/echo"), body: Array("更新".utf8)))
        _ = try await client.send(HTTPRequestSpec(method: .delete, url: receiver.url("/status/204")))
        #expect(receiver.snapshot.requests.map(\.method) == ["GET", "PUT", "DELETE"])
        #expect(put.bodyText == "更新")
        await client.shutdown()
        await receiver.stop()
    }

    @Test("an error status is a result, not a thrown error")
    func errorStatus() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient()
        let result = try await client.send(HTTPRequestSpec(method: .post, url: receiver.url("/status/503")))
        #expect(result.status == 503)
        #expect(result.bodyText == #"{"status":503}"#)
        await client.shutdown()
        await receiver.stop()
    }

    @Test("a large response body keeps only the configured first bytes and counts the rest")
    func bodyCap() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient(configuration: .init(maxResponseBodyBytes: 64 * 1024))
        let result = try await client.send(HTTPRequestSpec(url: receiver.url("/big/200000")))
        #expect(result.status == 200)
        #expect(result.body.count == 64 * 1024)
        #expect(result.bodyBytesReceived == 200_000)
        #expect(result.bodyTruncated)
        await client.shutdown()
        await receiver.stop()
    }

    @Test("a receiver that never answers gives a typed timeout error")
    func timeout() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient()
        let error = await #expect(throws: CurlError.self) {
            try await client.send(HTTPRequestSpec(method: .post, url: receiver.url("/stall"), timeout: .milliseconds(300)))
        }
        #expect(error?.kind == .timeout)
        #expect(error?.code == 28)
        #expect(error?.message.contains("timed out") == true)
        #expect(error?.url == receiver.url("/stall"))
        await client.shutdown()
        await receiver.stop()
    }

    @Test("a closed port gives a typed connection error with curl's text")
    func connectionRefused() async throws {
        let port = try FreePort.pick()
        let client = try CurlClient()
        let error = await #expect(throws: CurlError.self) {
            try await client.send(HTTPRequestSpec(url: "http://127.0.0.1:\(port)/"))
        }
        #expect(error?.kind == .couldNotConnect)
        #expect(error?.message.contains("127.0.0.1") == true)
        #expect(error?.description.hasPrefix("couldNotConnect: ") == true)
        await client.shutdown()
    }

    @Test("a receiver that drops the connection gives connectionLost")
    func droppedConnection() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient()
        let error = await #expect(throws: CurlError.self) {
            // A long timeout: on a loaded 2-core machine the receiver's close can take longer than the default 30 s
            // to be scheduled, and only the drop itself should end this transfer (the suite's time limit guards a hang).
            try await client.send(HTTPRequestSpec(url: receiver.url("/close"), timeout: .seconds(300)))
        }
        #expect(error?.kind == .connectionLost)
        await client.shutdown()
        await receiver.stop()
    }

    @Test("bad input is refused before anything is sent")
    func invalidInput() async throws {
        let client = try CurlClient()
        let header = await #expect(throws: CurlError.self) {
            try await client.send(HTTPRequestSpec(url: "http://127.0.0.1:9/", headers: [HTTPHeader("X-A", "b\r\nX-Injected: 1")]))
        }
        #expect(header?.kind == .invalidRequest)
        let scheme = await #expect(throws: CurlError.self) {
            try await client.send(HTTPRequestSpec(url: "file:///etc/passwd"))
        }
        #expect(scheme?.kind == .invalidRequest)
        await client.shutdown()
    }

    @Test("sequential requests reuse one cached connection")
    func sequentialReuse() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient()
        var opened: [Int] = []
        for _ in 0..<5 {
            opened.append(try await client.send(.postJSON(receiver.url("/echo"), json: "{}")).newConnections)
        }
        #expect(opened == [1, 0, 0, 0, 0])
        #expect(receiver.snapshot.connectionsOpened == 1)
        await client.shutdown()
        await receiver.stop()
    }

    @Test("200 concurrent requests complete over no more than maxHostConnections connections")
    func concurrentRequests() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient(configuration: .init(maxHostConnections: 4))
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let json = #"{"序号":\#(index),"内容":"并发测试"}"#
                    let result = try await client.send(.postJSON(receiver.url("/echo"), json: json))
                    return result.bodyText == json ? result.status : -1
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.count == 200)
        #expect(statuses.allSatisfy { $0 == 200 })
        let snapshot = receiver.snapshot
        #expect(snapshot.requests.count == 200)
        #expect(snapshot.connectionsOpened >= 1)
        #expect(snapshot.connectionsOpened <= 4)
        await client.shutdown()
        await receiver.stop()
    }
}
