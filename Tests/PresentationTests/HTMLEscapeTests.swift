import XCTest
@testable import Presentation

final class HTMLEscapeTests: XCTestCase {
    func testEscapesEveryMarkupCharacter() {
        XCTAssertEqual(HTMLEscape.escape(#"<script>alert("x")</script> & 'y' `z`"#),
                       "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;z&#96;")
        XCTAssertEqual(HTMLEscape.escape("举报 plain"), "举报 plain")
        XCTAssertEqual(HTMLEscape.escape("\"><img src=x onerror=1>"), "&quot;&gt;&lt;img src=x onerror=1&gt;")
    }
}
