import Foundation
import MinqingHTTP
import MinqingStore

/// The key form tokens are signed with, made once and kept in the store: a form shown before a restart (or by
/// another hub instance on the same store) is still accepted.
public enum FormTokenKey {
    /// The name the key is kept under (`HubSecretStore`).
    public static let name = "webform.token-key"

    public static func load(from store: any HubSecretStore) async throws -> Data {
        try await store.hubSecret(named: name) {
            var rng = SystemRandomNumberGenerator()
            return Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
    }
}
