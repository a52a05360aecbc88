import XCTest
@testable import Gateway
