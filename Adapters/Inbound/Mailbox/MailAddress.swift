/// One mailbox of an address header, e.g. `"张三, 石桥村" <zhangsan@163.com>`.
public struct MailAddress: Sendable, Equatable, Codable {
    /// The decoded display name, or `nil` when the header gives none.
    public var name: String?
    /// The address as written (`local@domain`), without angle brackets.
    public var address: String

    /// - Parameters:
    ///   - name: the decoded display name, `nil` for none.
    ///   - address: `local@domain`, without angle brackets.
    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }
}
