/// One node of the routing tree (`routes:` in `routing.yaml`), matched like Alertmanager's: routes are tried in
/// order; the first that matches wins unless it says `continue: true`, in which case the next ones are tried too.
/// A matching route with children descends into them; when none of its children match, the route itself is the
/// match.
public struct Route: Sendable, Hashable {
    /// Shown in the reasons: «匹配规则「土地纠纷」».
    public var name: String
    public var match: RouteMatch
    public var settings: RouteSettings
    public var `continue`: Bool
    public var routes: [Route]

    public init(
        name: String, match: RouteMatch = .init(), settings: RouteSettings = .init(), continue: Bool = false,
        routes: [Route] = []
    ) {
        self.name = name
        self.match = match
        self.settings = settings
        self.continue = `continue`
        self.routes = routes
    }
}

/// Life/property-safety keywords (火灾, 溺水, 坍塌 …): a case that contains one is urgent, with the settings given
/// (typically an hours-long deadline and the principal leader). Tried before every route, and always continues.
public struct SafetyRule: Sendable, Hashable {
    public var keywords: [String]
    public var settings: RouteSettings

    public init(keywords: [String], settings: RouteSettings) {
        self.keywords = keywords
        self.settings = settings
    }

    public static let name = "生命财产安全"
}
