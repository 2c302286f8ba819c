import Foundation

/// `webform:` in minqing.yaml: the public form's limits and spam defences (all optional).
public struct WebFormConfig: Sendable, Hashable {
    public var maxPhotos: Int
    public var maxPhotoBytes: Int
    /// Seconds between showing the form and accepting it.
    public var minFillSeconds: Int
    public var perAddressPerHour: Int
    public var perPhonePerHour: Int
    /// Take the client address from X-Forwarded-For (only behind the office's own reverse proxy).
    public var trustForwardedFor: Bool

    public static let defaults = WebFormConfig(maxPhotos: 4, maxPhotoBytes: 5 << 20, minFillSeconds: 3,
                                               perAddressPerHour: 10, perPhonePerHour: 5, trustForwardedFor: false)

    static func read(_ n: ConfigNode) -> WebFormConfig? {
        guard let m = n.mapping else { return nil }
        var s = defaults
        if let v = m.optional("max_photos")?.int { s.maxPhotos = v }
        if let v = m.optional("max_photo_bytes")?.byteSize { s.maxPhotoBytes = v }
        if let node = m.optional("min_fill_seconds"), let v = node.int {
            if v < 0 { node.report("不能为负数") } else { s.minFillSeconds = v }
        }
        if let v = m.optional("per_address_per_hour")?.int { s.perAddressPerHour = v }
        if let v = m.optional("per_phone_per_hour")?.int { s.perPhonePerHour = v }
        if let v = m.optional("trust_forwarded_for")?.bool { s.trustForwardedFor = v }
        m.finish()
        return s
    }
}
