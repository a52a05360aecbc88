@testable import SiteKit
import XCTest

/// Sizes as a person reads them (issue 15: "33430 B" on the page).
final class UploadLimitsTests: XCTestCase {
    func testSizesInKBAndMB() {
        XCTAssertEqual(UploadLimits.sizeText(0), "1 KB")
        XCTAssertEqual(UploadLimits.sizeText(33430), "33 KB")
        XCTAssertEqual(UploadLimits.sizeText(1024 * 1024), "1 MB")
        XCTAssertEqual(UploadLimits.sizeText(2_500_000), "2.4 MB")
        XCTAssertEqual(UploadLimits.sizeText(100 * 1024 * 1024), "100 MB")
        XCTAssertEqual(UploadLimits.sizeText(1024 * 1024 * 1024), "1 GB")
    }
}
