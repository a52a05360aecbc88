import Foundation
import SQLiteDB

extension Ledger {
    /// The schema migrations opening the database in `dataFolder` would run, in order, read from
    /// the file without changing it (`candor migrate --dry-run`). Throws for a database newer
    /// than this code, as opening it would.
    public static func pendingMigrations(dataFolder: URL) throws -> [String] {
        let path = dataFolder.appendingPathComponent(databaseName).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw Problem(description: "no Candor database in \(dataFolder.path)")
        }
        let db = try Database(path: path, options: DatabaseOptions(queryOnly: true))
        return try Schema.migrator.pendingMigrations(db)
    }

    /// Every migration this code knows, in order: the schema a fixture records it was made at.
    public static var knownMigrations: [String] { Schema.migrator.migrations.map(\.name) }
}
