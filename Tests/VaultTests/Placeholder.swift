import XCTest
@testable import Vault
