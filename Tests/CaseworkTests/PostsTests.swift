import XCTest
@testable import Casework

final class PostsTests: XCTestCase {
    func testSeatsAndHeadsByPost() {
        XCTAssertEqual(PostMatching.holders(ofPost: "董事长").seats, [.chairman])
        XCTAssertEqual(PostMatching.holders(ofPost: "集团 董事长").seats, [.chairman])
        XCTAssertEqual(PostMatching.holders(ofPost: "党委书记").seats, [.partySecretary])
        XCTAssertTrue(PostMatching.holders(ofPost: "纪检监察部负责人").heads)
        XCTAssertTrue(PostMatching.holders(ofPost: "纪委书记").heads)
        XCTAssertFalse(PostMatching.holders(ofPost: "纪委书记").seats.contains(.partySecretary))
        XCTAssertEqual(PostMatching.holders(ofPost: "Chairman").seats, [.chairman])
    }

    func testDeputiesNameNoSeat() {
        XCTAssertTrue(PostMatching.holders(ofPost: "副董事长").isEmpty)
        XCTAssertTrue(PostMatching.holders(ofPost: "党委副书记").isEmpty)
        XCTAssertTrue(PostMatching.holders(ofPost: "财务部经理").isEmpty)
        XCTAssertTrue(PostMatching.holders(ofPost: "").isEmpty)
    }

    func testBareSecretaryIsAmbiguous() {
        let h = PostMatching.holders(ofPost: "书记")
        XCTAssertEqual(h.seats, [.partySecretary])
        XCTAssertTrue(h.heads)
        XCTAssertTrue(h.ambiguous)
    }

    func testTitleFitsPostOrRole() {
        let deputy = RosterEntry(accountID: 1, name: "王建国", employeeID: nil, role: .inspector, post: "纪检监察部副部长")
        XCTAssertEqual(PostMatching.title("部长", fits: deputy), true, "a deputy is called by the title without 副")
        XCTAssertEqual(PostMatching.title("经理", fits: deputy), false)
        let head = RosterEntry(accountID: 2, name: "王建国", employeeID: nil, role: .head)
        XCTAssertEqual(PostMatching.title("部长", fits: head), true, "no post on record: the head role implies 部长")
        let inspector = RosterEntry(accountID: 3, name: "王小明", employeeID: nil, role: .inspector)
        XCTAssertNil(PostMatching.title("经理", fits: inspector), "no post and no implied title: unknown")
    }
}
