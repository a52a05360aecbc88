// swift-tools-version:6.0
// Candor: no Swift package dependencies. Foundation, Dispatch, Glibc, Synchronization,
// OpenSSL and SQLite only, so that every line that touches a report is auditable here.
import PackageDescription

let package = Package(
    name: "Candor",
    products: [
        .executable(name: "candor", targets: ["candor"]),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "Vault", dependencies: ["COpenSSL"]),
        .target(name: "SQLiteDB", dependencies: ["CSQLite"]),
        // HTTPCore uses OpenSSL for TLS only; it knows nothing of Vault or of whistleblowing.
        .target(name: "HTTPCore", dependencies: ["COpenSSL"]),
        .target(name: "Casework"),
        .target(name: "Courier", dependencies: ["COpenSSL"]),
        // Templates, QR codes, server-drawn charts, metadata strippers: pure functions of their
        // input, with no SQL, no keys and no HTTP.
        .target(name: "Presentation"),
        // The sealed store: schema and migrations, the ledger's typed operations, accounts' key
        // material, grants, the audit log, the outbox queue, backup and purge. The only app module
        // that speaks SQL; its database pool is not public.
        .target(name: "Casefile", dependencies: ["SQLiteDB", "Vault", "Casework"]),
        // What both sites share: page rendering, the sessions table, form fields and evidence
        // upload, error pages, the same-origin check, the API's JSON, the role gate.
        .target(name: "SiteKit", dependencies: ["HTTPCore", "Presentation", "Casework", "Casefile", "Vault"]),
        // The reporter's pages and API. Never imports the console, nor SQL.
        .target(name: "ReporterSite", dependencies: ["SiteKit", "Casefile", "Presentation", "HTTPCore", "Casework", "Vault"]),
        // The console, the staff API, tokens, admin, mail and statistics pages. Never imports the
        // reporter's side, nor SQL.
        .target(name: "ConsoleSite", dependencies: ["SiteKit", "Casefile", "Presentation", "HTTPCore", "Casework", "Vault"]),
        // Composition (which routes, which middleware) and the mail worker.
        .target(name: "Gateway", dependencies: ["ReporterSite", "ConsoleSite", "SiteKit", "HTTPCore", "Casework", "Casefile", "Courier", "Presentation"]),
        // The command line, start-up (`serve`) included: a module, not the executable, so that
        // tests run each command as a function.
        .target(name: "Commands", dependencies: ["Gateway", "Casefile", "Casework", "HTTPCore", "Vault"]),
        .executableTarget(name: "candor", dependencies: ["Commands"]),
        // Helpers more than one test target uses (one copy, not one per target).
        .target(name: "TestSupport", dependencies: ["COpenSSL", "Casefile", "Casework", "Vault"], path: "Tests/TestSupport"),
        .testTarget(name: "VaultTests", dependencies: ["Vault"]),
        .testTarget(name: "SQLiteDBTests", dependencies: ["SQLiteDB"]),
        .testTarget(name: "HTTPCoreTests", dependencies: ["HTTPCore"]),
        .testTarget(name: "CaseworkTests", dependencies: ["Casework"]),
        .testTarget(name: "CourierTests", dependencies: ["Courier", "COpenSSL", "TestSupport"]),
        .testTarget(name: "PresentationTests", dependencies: ["Presentation"],
                    exclude: ["Fixtures/make_qr_fixtures.py"]),
        .testTarget(name: "CasefileTests", dependencies: ["Casefile", "SQLiteDB", "Vault", "Casework", "TestSupport"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Commands", "SiteKit", "ReporterSite", "ConsoleSite", "Casefile", "HTTPCore", "Casework", "Vault", "SQLiteDB", "Courier", "Presentation", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
