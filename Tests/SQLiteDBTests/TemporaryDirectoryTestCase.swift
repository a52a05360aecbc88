import Foundation
import XCTest
@testable import SQLiteDB

/// Gives each test its own directory of file databases, removed afterwards.
class TemporaryDirectoryTestCase: XCTestCase {
    private(set) var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sqlitedb-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func path(_ name: String = "test.sqlite") -> String {
        directory.appendingPathComponent(name).path
    }

    func openDatabase(_ name: String = "test.sqlite", options: DatabaseOptions = DatabaseOptions()) throws -> Database {
        try Database(path: path(name), options: options)
    }
}
