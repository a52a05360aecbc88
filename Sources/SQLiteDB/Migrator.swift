import Foundation

/// Ordered, named schema migrations.
///
/// Applied names are recorded in `schema_migrations(name, applied_at)` and their count in
/// `PRAGMA user_version`. Each migration runs in its own immediate transaction together with its
/// bookkeeping, so a migration that throws leaves the schema exactly at the previous version.
public struct Migrator: Sendable {
    /// One registered migration.
    public struct Migration: Sendable {
        public let name: String
        let body: @Sendable (Database) throws -> Void
    }

    /// Migrations in registration order.
    public private(set) var migrations: [Migration] = []

    public init() {}

    /// Appends a migration. Names must be unique; registration order is application order.
    public mutating func register(_ name: String, _ body: @escaping @Sendable (Database) throws -> Void) {
        precondition(!migrations.contains { $0.name == name }, "migration \(name) registered twice")
        migrations.append(Migration(name: name, body: body))
    }

    /// Names already applied to `db`, in the order they were applied.
    public func appliedMigrations(_ db: Database) throws -> [String] {
        let exists = try db.scalar("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'")
        guard exists != nil else { return [] }
        return try db.query("SELECT name FROM schema_migrations ORDER BY rowid").map { try $0.string(0) ?? "" }
    }

    /// The names `migrate` would apply to `db`, in order, without applying any; throws as
    /// `migrate` does for a database newer than the code.
    public func pendingMigrations(_ db: Database) throws -> [String] {
        try checkKnown(db)
        let applied = Set(try appliedMigrations(db))
        return migrations.map(\.name).filter { !applied.contains($0) }
    }

    /// Applies every pending migration in order and returns the names it applied.
    ///
    /// Throws `MigrationError.unknownMigration` if the database records a migration this code does
    /// not know: the database is newer than the code, and running on would corrupt it.
    @discardableResult
    public func migrate(_ db: Database) throws -> [String] {
        try db.transaction(.immediate) { db in
            // Refuse a newer database before writing anything to it.
            try checkKnown(db)
            try db.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name TEXT PRIMARY KEY NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """)
        }
        var applied: [String] = []
        for (index, migration) in migrations.enumerated() {
            // Checked inside the write lock: another process may have migrated meanwhile.
            let didApply = try db.transaction(.immediate) { db -> Bool in
                try checkKnown(db)
                let done = try db.scalar("SELECT 1 FROM schema_migrations WHERE name = ?", [.text(migration.name)])
                if done != nil { return false }
                try migration.body(db)
                try db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                               [.text(migration.name)])
                // PRAGMA takes no bindings; the count is ours, not input.
                try db.execute("PRAGMA user_version = \(index + 1)")
                return true
            }
            if didApply { applied.append(migration.name) }
        }
        try checkKnown(db)
        return applied
    }

    private func checkKnown(_ db: Database) throws {
        let known = Set(migrations.map(\.name))
        if let unknown = try appliedMigrations(db).first(where: { !known.contains($0) }) {
            throw MigrationError.unknownMigration(unknown)
        }
        if let version = try db.scalar("PRAGMA user_version", as: Int.self), version > migrations.count {
            throw MigrationError.databaseNewerThanCode(userVersion: version, known: migrations.count)
        }
    }
}

/// Why `Migrator.migrate` refused to run.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database records a migration this code does not define.
    case unknownMigration(String)
    /// `user_version` is higher than the number of migrations this code defines.
    case databaseNewerThanCode(userVersion: Int, known: Int)

    public var description: String {
        switch self {
        case .unknownMigration(let name):
            "database has migration \(name) applied, which this code does not know: the database is newer than the code"
        case .databaseNewerThanCode(let version, let known):
            "database user_version \(version) is newer than the \(known) migrations this code knows"
        }
    }
}
