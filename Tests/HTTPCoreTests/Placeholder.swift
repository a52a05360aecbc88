import XCTest
@testable import HTTPCore
