import XCTest
@testable import SQLiteDB
