import Foundation
import MinqingTesting
import Testing

/// `minqing store copy`: a township's SQLite ledger moved up to the PostgreSQL database a county's hubs share.
@Suite("Moving a ledger to PostgreSQL", .serialized, .timeLimit(.minutes(10)))
struct StoreCopyTests {
    @Test("store copy moves cases, audit, messages and the outbox into an empty database, verifies every table, refuses a non-empty one, and the hub on PostgreSQL carries on with the next id")
    func copyToPostgres() async throws {
        let binary = HubProcess.binary.path
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-copy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }

        // A township's ledger: messages taken in on SQLite, one case taken further, an attachment.
        var ids: [String: String] = [:]
        do {
            let hub = try await HubProcess(data: data)
            defer { hub.terminate() }
            for ref in ["copy-1", "copy-2", "copy-3"] {
                var body = message(ref)
                if ref == "copy-3" {
                    body["attachments"] = [["filename": "现场照片.txt", "content_type": "text/plain",
                                            "data": Data("村口垃圾堆照片说明".utf8).base64EncodedString()]]
                }
                let (status, answer) = try await post("\(hub.base)/api/v1/messages", body)
                #expect(status == 201)
                ids[ref] = answer["case_id"] as? String
            }
            let (accepted, _) = try await post(
                "\(hub.base)/api/v1/cases/\(ids["copy-1"]!)/transitions", ["action": "accept"], token: HubProcess.officeToken)
            #expect(accepted == 200)
        }

        let server = try await PostgresServer.shared()
        let url = server.url(database: try await server.createDatabase())
        let config = repoRoot.appendingPathComponent("Config/example").path
        let copy = try ChildProcess(binary, ["store", "copy", "--from", data.path, "--to", url, "--config", config], environment: nil)
        #expect(await copy.waitForExitAndOutput().status == 0, "\(copy.output)")
        #expect(copy.output.contains("每张表两边的行数与校验值一致"))
        #expect(copy.output.contains("cases：3 行"), "\(copy.output)")
        #expect(copy.output.contains("audit_events："))
        #expect(copy.output.contains("attachments：1 行"))
        #expect(copy.output.contains("outbox："))

        let again = try ChildProcess(binary, ["store", "copy", "--from", data.path, "--to", url, "--config", config], environment: nil)
        #expect(await again.waitForExitAndOutput().status == 1)
        #expect(again.output.contains("不是空的"), "\(again.output)")

        let missing = try ChildProcess(binary, ["store", "copy", "--from", data.path + "-none", "--to", url, "--config", config], environment: nil)
        #expect(await missing.waitForExitAndOutput().status == 1)
        #expect(missing.output.contains("没有找到 SQLite 台账"))

        // The hub on PostgreSQL (its own fresh --data) serves the copied cases and numbers new ones after them.
        let moved = try await HubProcess(data: data.appendingPathComponent("pg"), environment: ["MINQING_DATABASE_URL": url])
        defer { moved.terminate() }
        for (ref, id) in ids {
            let (status, stored) = try await get("\(moved.base)/api/v1/cases/\(id)")
            #expect(status == 200 && stored["source_ref"] as? String == ref)
        }
        let (_, first) = try await get("\(moved.base)/api/v1/cases/\(ids["copy-1"]!)")
        #expect(first["status"] as? String == "accepted", "the case's state came along")
        // The text index was built from the copied cases.
        let (_, found) = try await get("\(moved.base)/api/v1/cases?q=\("垃圾堆积".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
        #expect(found["total"] as? Int == 3, "the copied cases are found by text: \(found)")
        let (repost, same) = try await post("\(moved.base)/api/v1/messages", message("copy-2"))
        #expect(repost == 200 && same["case_id"] as? String == ids["copy-2"], "a copied message is recognised")
        let (created, fresh) = try await post("\(moved.base)/api/v1/messages", message("copy-4"))
        #expect(created == 201)
        let numbers = Set(ids.values)
        #expect(!numbers.contains(fresh["case_id"] as? String ?? ""), "the next id follows the copied ones")
    }
}
