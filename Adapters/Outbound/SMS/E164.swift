import MinqingCore

/// Mainland mobile numbers in E.164 (`+8613812345678`), the form both gateways take (docs/domain/sms.md#numbers).
public enum E164 {
    /// `138 1234 5678`, `+86-138-1234-5678`, `008613812345678`, `8613812345678` → `+8613812345678`; nil for
    /// anything that is not a mainland mobile number (a landline cannot receive SMS).
    public static func mainlandMobile(_ text: String) -> String? {
        guard PhoneNumber.kind(of: text) == .mobile else { return nil }
        return "+86" + PhoneNumber.normalised(text)
    }
}
