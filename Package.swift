// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "minqing-hub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "minqing", targets: ["minqing"]),
        .executable(name: "minqing-bench-dispatch", targets: ["minqing-bench-dispatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
    ],
    targets: [
        // MARK: The hub
        .target(name: "MinqingCore", swiftSettings: swiftSettings),
        .target(
            name: "MinqingConfig",
            dependencies: ["MinqingCore", "MinqingRouting", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MinqingStore",
            dependencies: [
                "MinqingCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MinqingStorePostgres",
            dependencies: [
                "MinqingCore", "MinqingStore", "MinqingConfig",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "MinqingRouting", dependencies: ["MinqingCore"], swiftSettings: swiftSettings),
        .target(
            name: "MinqingHTTP",
            dependencies: [
                "MinqingCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MinqingWeb",
            dependencies: [
                "MinqingCore", "MinqingConfig", "MinqingStore", "MinqingHTTP", "MinqingRouting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["openapi.yaml"],
            resources: [.copy("Templates"), .copy("Assets"), .copy("Wordlists")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MinqingApp",
            dependencies: [
                "MinqingCore", "MinqingConfig", "MinqingStore", "MinqingStorePostgres", "MinqingDispatch", "MinqingCurl",
                "MinqingRouting", "MinqingHTTP", "MinqingWeb",
                "WebhookAdapter", "RobotsAdapter", "EmailAdapter", "HubForwardAdapter",
                "MailboxAdapter", "HotlineAdapter", "JSONIntakeAdapter", "WebFormAdapter", "SMSAdapter",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "minqing",
            dependencies: [
                "MinqingCore", "MinqingConfig", "MinqingStore", "MinqingWeb", "JSONIntakeAdapter", "MinqingHTTP",
                "MinqingApp", "MinqingDispatch", "MinqingCurl", "MailboxAdapter", "HotlineAdapter", "MinqingRouting",
                "WebFormAdapter", "MinqingStorePostgres", .target(name: "CMalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "MinqingCurl", dependencies: ["CCurl"], swiftSettings: swiftSettings),
        .target(
            name: "MinqingDispatch",
            dependencies: [
                "MinqingCore", "MinqingStore", "MinqingRouting",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MinqingTesting",
            dependencies: [
                "MinqingCore", "MinqingStore", "MinqingCurl",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Adapters (one foreign protocol each): Adapters/Inbound turn messages into cases,
        // Adapters/Outbound deliver notifications. docs/architecture.md says which target may import which.
        .target(
            name: "WebFormAdapter",
            dependencies: [
                "MinqingCore", "MinqingHTTP", "MinqingStore", "MinqingConfig", "MinqingRouting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Adapters/Inbound/WebForm",
            resources: [.copy("Templates"), .copy("Assets")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JSONIntakeAdapter",
            dependencies: ["MinqingCore", "MinqingHTTP", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Adapters/Inbound/JSONIntake",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HotlineAdapter",
            dependencies: [
                "MinqingCore", "MinqingStore", "MinqingRouting", "MinqingConfig", "MinqingHTTP",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Adapters/Inbound/Hotline",
            exclude: ["Tests"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MailboxAdapter",
            dependencies: [
                "MinqingCore", "MinqingStore", "MinqingCurl", "MinqingHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            path: "Adapters/Inbound/Mailbox",
            swiftSettings: swiftSettings
        ),
        // What every HTTP-based outbound target shares: turning an HTTP answer or transfer error into a failure kind.
        .target(
            name: "DeliverySupport",
            dependencies: ["MinqingCore", "MinqingCurl"],
            path: "Adapters/Outbound/Support",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RobotsAdapter",
            dependencies: ["MinqingCore", "MinqingCurl", "DeliverySupport", .product(name: "Crypto", package: "swift-crypto")],
            path: "Adapters/Outbound/Robots",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WebhookAdapter",
            dependencies: ["MinqingCore", "MinqingCurl", "DeliverySupport", "MinqingHTTP"],
            path: "Adapters/Outbound/Webhook", exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EmailAdapter",
            dependencies: ["MinqingCore", "MinqingCurl", "DeliverySupport"],
            path: "Adapters/Outbound/Email",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HubForwardAdapter",
            dependencies: ["MinqingCore", "MinqingCurl", "DeliverySupport"],
            path: "Adapters/Outbound/HubForward",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SMSAdapter",
            dependencies: ["MinqingCore", "MinqingCurl", "DeliverySupport", .product(name: "Crypto", package: "swift-crypto")],
            path: "Adapters/Outbound/SMS",
            exclude: ["Tests"],
            swiftSettings: swiftSettings
        ),

        // MARK: Benchmarks (Benchmarks/*.sh run them in release builds)
        .executableTarget(
            name: "minqing-bench-dispatch",
            dependencies: [
                "MinqingCore", "MinqingStore", "MinqingDispatch", "MinqingCurl", "MinqingTesting", "WebhookAdapter",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/DispatchBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "minqing-ledger-load",
            dependencies: ["MinqingApp", "MinqingConfig", "MinqingCore", "MinqingStore"],
            path: "Benchmarks/LedgerLoad",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .testTarget(name: "MinqingCoreTests", dependencies: ["MinqingCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MinqingConfigTests",
            dependencies: ["MinqingConfig"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MinqingStoreTests",
            dependencies: ["MinqingStore", "MinqingTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MinqingStorePostgresTests",
            dependencies: ["MinqingStorePostgres", "MinqingStore", "MinqingTesting", "MinqingCore", "MinqingConfig", "MinqingDispatch",
                           .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MinqingRoutingTests", dependencies: ["MinqingRouting", "MinqingCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MinqingWebTests",
            dependencies: [
                "MinqingWeb", "MinqingApp", "MinqingHTTP", "MinqingTesting", "HotlineAdapter", "WebFormAdapter",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MinqingCurlTests",
            dependencies: [
                "MinqingCurl", "MinqingTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MailboxAdapterTests",
            dependencies: [
                "MailboxAdapter", "MinqingStore", "MinqingTesting", "MinqingCurl",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MinqingDispatchTests",
            dependencies: [
                "MinqingDispatch", "MinqingHTTP", "MinqingApp", "MinqingTesting", "MinqingConfig", "MinqingStore", "MinqingCurl",
                "WebhookAdapter", "RobotsAdapter", "EmailAdapter", "MailboxAdapter", "DeliverySupport", "SMSAdapter",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SMSAdapterTests",
            dependencies: ["SMSAdapter", "MinqingDispatch", "MinqingTesting", "MinqingCurl", "MinqingCore", "MinqingConfig"],
            path: "Adapters/Outbound/SMS/Tests",
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HotlineAdapterTests",
            dependencies: [
                "HotlineAdapter", "MinqingTesting", "MinqingConfig", "MinqingRouting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Adapters/Inbound/Hotline/Tests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MinqingIntegrationTests",
            dependencies: ["MinqingCore", "MinqingTesting", "MinqingCurl", "MinqingStore", "MinqingConfig", "HotlineAdapter", "MinqingApp"],
            swiftSettings: swiftSettings
        ),
    ]
)
