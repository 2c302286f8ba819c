import Foundation

/// The time zone every township office works in unless configured otherwise.
public enum ChinaTime {
    /// China Standard Time (UTC+8, no daylight saving), the default for all calendar logic in this module.
    public static let zone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
}
