import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MinqingWeb
import Testing

let testPassword = "correct-horse-battery"

extension TestHub {
    func addUser(_ id: String, roles: [StaffRole] = []) async throws {
        try await users.add(id: id, password: testPassword, roles: roles, by: "test", mustChange: false)
    }

    /// Logs in through the login form (with its CSRF cookie); returns the session cookie header.
    func login(_ client: any TestClientProtocol, _ id: String, password: String = testPassword) async throws -> String {
        try await consoleLogin(client, id, password: password)
    }

    func loginResponse(_ client: any TestClientProtocol, _ id: String, password: String, ip: String = "10.0.0.1") async throws -> (TestResponse, String) {
        try await consoleLoginResponse(client, id, password: password, ip: ip)
    }

    /// The CSRF token on a console page.
    func csrf(_ client: any TestClientProtocol, cookie: String, page: String = "/console") async throws -> String {
        let html = String(buffer: try await client.execute(uri: page, method: .get, headers: [.cookie: cookie]).body)
        return firstMatch(#"name="_csrf" value="([^"]+)""#, in: html) ?? ""
    }
    /// Posts one action form of case `id`'s page as the logged-in user (with a fresh CSRF token from that page).
    func act(_ client: any TestClientProtocol, cookie: String, case id: String, _ fields: [(String, String)]) async throws -> TestResponse {
        let token = try await csrf(client, cookie: cookie, page: "/console/cases/\(id)")
        var headers = formHeaders
        headers[.cookie] = cookie
        return try await client.execute(uri: "/console/cases/\(id)/action", method: .post, headers: headers, body: urlEncoded([("_csrf", token)] + fields))
    }

}

/// Logs in to any hub's console through the login form (with its CSRF cookie); returns the session cookie header.
func consoleLogin(_ client: any TestClientProtocol, _ id: String, password: String = testPassword) async throws -> String {
    let (response, _) = try await consoleLoginResponse(client, id, password: password)
    let cookies = response.headers[values: .setCookie]
    let session = try #require(cookies.first { $0.hasPrefix("mq_session=") && !$0.hasPrefix("mq_session=;") })
    return String(session.split(separator: ";")[0])
}

func consoleLoginResponse(_ client: any TestClientProtocol, _ id: String, password: String, ip: String = "10.0.0.1") async throws -> (TestResponse, String) {
    let page = try await client.execute(uri: "/console/login", method: .get)
    let csrf = firstMatch(#"name="_csrf" value="([^"]+)""#, in: String(buffer: page.body)) ?? ""
    let pre = String((page.headers[.setCookie] ?? "").split(separator: ";")[0])
    var headers = formHeaders
    headers[.cookie] = pre
    headers[HTTPField.Name("X-Forwarded-For")!] = ip
    let response = try await client.execute(uri: "/console/login", method: .post, headers: headers,
                                            body: urlEncoded([("_csrf", csrf), ("user", id), ("password", password)]))
    return (response, csrf)
}
