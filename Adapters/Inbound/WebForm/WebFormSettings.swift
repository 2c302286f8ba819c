import Foundation
import MinqingCore
import MinqingHTTP

/// Limits and spam defences of the public form (民情直通车). Defaults suit a township office; the composition
/// root passes its own (the token key, the body limits from `intake:`).
public struct WebFormSettings: Sendable {
    /// Photos one message may carry.
    public var maxPhotos: Int
    /// Bytes one photo may have.
    public var maxPhotoBytes: Int
    /// Seconds between showing the form and accepting it; faster submissions are treated as scripts.
    public var minimumFillTime: TimeInterval
    /// New cases one client address may open per `window`.
    public var perAddressLimit: Int
    /// New cases one phone number may open per `window`.
    public var perPhoneLimit: Int
    /// Failed status look-ups one client address may make per `window`.
    public var lookupLimit: Int
    /// Failed status look-ups of one case per `window`, whatever the address (counted in the store, so the limit
    /// holds across restarts and hub instances).
    public var lookupPerCaseLimit: Int
    public var window: TimeInterval
    /// How long a rendered form stays valid.
    public var formLifetime: TimeInterval
    /// Signs form tokens (so the fill time cannot be forged).
    public var tokenKey: Data
    /// Reverse proxies whose `X-Forwarded-For` is believed (only proxies the office runs); the client is the
    /// rightmost address there that is not one of them.
    public var trustedProxies: [IPAddressRange]
    /// Whether any proxy is trusted (the old switch; `true` when set means a proxy on this machine).
    public var trustForwardedFor: Bool {
        get { !trustedProxies.isEmpty }
        set { trustedProxies = newValue ? IPAddressRange.loopback : [] }
    }
    public var maxSubjectLength: Int
    public var maxTextLength: Int
    /// The configured body limit of `POST /form` (`server.body_limits.form`); nil derives it from the photo limits.
    public var bodyLimit: Int?
    /// Parts, part headers and field sizes a multipart body is read under.
    public var multipart: MultipartLimits = .defaults
    /// Where uploads are written while a form is read; nil keeps them in memory.
    public var spool: FormSpool? = FormSpool.temporary()

    public init(
        maxPhotos: Int = 4, maxPhotoBytes: Int = 5 << 20, minimumFillTime: TimeInterval = 3,
        perAddressLimit: Int = 10, perPhoneLimit: Int = 5, lookupLimit: Int = 20, lookupPerCaseLimit: Int = 10,
        window: TimeInterval = 3600, formLifetime: TimeInterval = 6 * 3600, tokenKey: Data, trustForwardedFor: Bool = false,
        trustedProxies: [IPAddressRange] = [], maxSubjectLength: Int = 60, maxTextLength: Int = 5000
    ) {
        self.maxPhotos = maxPhotos
        self.maxPhotoBytes = maxPhotoBytes
        self.minimumFillTime = minimumFillTime
        self.perAddressLimit = perAddressLimit
        self.perPhoneLimit = perPhoneLimit
        self.lookupLimit = lookupLimit
        self.lookupPerCaseLimit = lookupPerCaseLimit
        self.window = window
        self.formLifetime = formLifetime
        self.tokenKey = tokenKey
        self.trustedProxies = trustedProxies.isEmpty && trustForwardedFor ? IPAddressRange.loopback : trustedProxies
        self.maxSubjectLength = maxSubjectLength
        self.maxTextLength = maxTextLength
    }

    /// The largest request body `POST /form` accepts: the configured limit, else the most the form can
    /// legitimately send (every photo at its limit, plus room for the text fields).
    public var maxBodyBytes: Int { bodyLimit ?? maxPhotos * (maxPhotoBytes + 4096) + 256 << 10 }
}
