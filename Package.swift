// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "LiaisonTrace",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "LiaisonTrace", targets: ["LiaisonTrace"]),
        .executable(name: "lstrace", targets: ["lstrace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // libxml2, seen by Swift through a shim that keeps Debian's ICU headers out.
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // ICU, linked as a system library; its headers are only ever included by the C bridge below.
        .systemLibrary(
            name: "CICUSystem",
            path: "Sources/CICUSystem",
            pkgConfig: "icu-i18n",
            providers: [.apt(["libicu-dev"])]
        ),
        // PCRE2's 16-bit library, linked as a system library: the JIT form of the rule patterns, which answers the
        // engine's tries where it is known to give ICU's answer (Sources/CICU/regex_jit.c).
        .systemLibrary(
            name: "CPCRE2System",
            path: "Sources/CPCRE2System",
            pkgConfig: "libpcre2-16",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // A plain-C bridge over ICU (and PCRE2): its public header uses <stdint.h> types only, so Swift code that
        // imports Foundation (which bundles its own ICU) never sees the system <unicode/*.h> headers.
        .target(
            name: "CICU",
            dependencies: ["CICUSystem", "CPCRE2System"],
            path: "Sources/CICU"
        ),
        .target(
            name: "LiaisonTrace",
            dependencies: [
                "CLibXML2",
                "CICU",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            plugins: ["EmbedPipelines"]
        ),
        // Builds `Pipelines/*.yaml` into the library as string constants, so the binary carries its default pipeline.
        .plugin(
            name: "EmbedPipelines",
            capability: .buildTool(),
            dependencies: ["lstrace-embed"]
        ),
        .executableTarget(
            name: "lstrace-embed"
        ),
        .executableTarget(
            name: "lstrace",
            dependencies: [
                "LiaisonTrace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Stage throughput beside baselines; run on a release build (see README).
        .executableTarget(
            name: "lstrace-bench",
            dependencies: ["LiaisonTrace"]
        ),
        .testTarget(
            name: "LiaisonTraceTests",
            dependencies: ["LiaisonTrace", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                           .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Annotations"]
        ),
    ]
)
