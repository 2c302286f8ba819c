import MinqingTesting
import Testing
@testable import MinqingCurl

@Suite("Cancellation and shutdown")
struct ClientLifecycleTests {
    @Test("cancelling the calling task removes its transfer and closes its connection")
    func cancellation() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient()
        let task = Task {
            try await client.send(HTTPRequestSpec(method: .post, url: receiver.url("/stall"), timeout: .seconds(60)))
        }
        await receiver.waitUntil { $0.requests.count == 1 }
        task.cancel()
        let outcome = await task.result
        #expect(throws: CurlError.self) { try outcome.get() }
        #expect((try? outcome.get()) == nil)
        if case .failure(let error as CurlError) = outcome { #expect(error.kind == .cancelled) }
        await receiver.waitUntil { $0.connectionsClosed == 1 }
        // The client still works afterwards.
        #expect(try await client.send(HTTPRequestSpec(url: receiver.url("/status/200"))).status == 200)
        await client.shutdown()
        await receiver.stop()
    }

    @Test("a task cancelled before it sends never reaches the server")
    func cancelledBeforeSend() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(HTTPRequestSpec(url: receiver.url("/status/200")))
        }
        let outcome = await task.result
        if case .failure(let error as CurlError) = outcome {
            #expect(error.kind == .cancelled)
        } else {
            Issue.record("expected a cancelled error, got \(outcome)")
        }
        #expect(receiver.snapshot.requests.isEmpty)
        await client.shutdown()
        await receiver.stop()
    }

    @Test("shutdown aborts in-flight transfers, and later calls fail with .shutdown")
    func shutdownAborts() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient()
        let inFlight = Task {
            try await client.send(HTTPRequestSpec(url: receiver.url("/stall"), timeout: .seconds(60)))
        }
        await receiver.waitUntil { $0.requests.count == 1 }
        await client.shutdown(.abortInFlight)
        if case .failure(let error as CurlError) = await inFlight.result {
            #expect(error.kind == .shutdown)
        } else {
            Issue.record("the in-flight transfer was not aborted")
        }
        let late = await #expect(throws: CurlError.self) {
            try await client.send(HTTPRequestSpec(url: receiver.url("/status/200")))
        }
        #expect(late?.kind == .shutdown)
        await client.shutdown()  // a second shutdown returns at once
        await receiver.stop()
    }

    @Test("shutdown(.finishInFlight) lets running transfers complete and refuses new ones")
    func shutdownDrains() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let client = try CurlClient()
        let inFlight = Task {
            try await client.send(HTTPRequestSpec(url: receiver.url("/hold"), timeout: .seconds(60)))
        }
        await receiver.waitUntil { $0.held == 1 }
        client.beginShutdown(.finishInFlight)
        let refused = await #expect(throws: CurlError.self) {
            try await client.send(HTTPRequestSpec(url: receiver.url("/status/200")))
        }
        #expect(refused?.kind == .shutdown)
        receiver.releaseHeld()
        let result = try await inFlight.value
        #expect(result.status == 200)
        #expect(result.bodyText == #"{"released":true}"#)
        await client.shutdown(.finishInFlight)
        await receiver.stop()
    }
}
