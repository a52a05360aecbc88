import XCTest
@testable import Casework
