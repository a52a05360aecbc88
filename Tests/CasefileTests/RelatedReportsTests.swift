import Casework
import Foundation
import Vault
import XCTest
@testable import Casefile
import TestSupport

final class RelatedReportsTests: XCTestCase {
    func submit(_ world: World, _ n: Int, _ accused: AccusedPerson) throws -> Receipt {
        var draft = Samples.draft(n)
        draft.accused = [accused]
        return try world.submit(draft)
    }

    func open(_ world: World, _ ref: String, _ head: StaffUnlock) throws -> StaffCase {
        guard case .granted(let c) = try world.ledger.staffCase(ref: ref, accountID: head.account.id, key: head.key, action: .view) else {
            throw NSError(domain: "open", code: 1)
        }
        return c
    }

    func testTheHeadSeesTheCasesNamingTheSameAccusedAndLinksOneAsTheSameMatter() throws {
        let world = try World()
        try world.standardRoster()
        guard case .success(let head) = try world.ledger.login("head", password: World.password, totpCode: "") else { return XCTFail() }
        let first = try submit(world, 1, AccusedPerson(name: "刘 大 勇", post: "采购部经理"))
        let byName = try submit(world, 2, AccusedPerson(name: "刘大勇", post: "副总"))
        let byID = try submit(world, 3, AccusedPerson(name: "某人", post: "", employeeID: "e-7001"))
        let other = try submit(world, 4, AccusedPerson(name: "陈某", post: "司机"))
        let index = try world.ledger.accusedIndex(accountID: head.account.id, key: head.key)
        XCTAssertEqual(index.caseCount, 4)
        let c = try open(world, first.caseRef, head)
        let related = try world.ledger.relatedReports(of: c, in: index)
        XCTAssertEqual(related.reports.map(\.entry.ref), [byName.caseRef], "the same name, spaces aside; not the others")
        XCTAssertEqual(related.reports.first?.basis, "name")
        XCTAssertFalse(related.reports.contains { $0.entry.ref == other.caseRef || $0.entry.ref == byID.caseRef })

        // A case arriving after the index was built is added without reading the others again.
        let later = try submit(world, 5, AccusedPerson(name: "王五", post: "采购部经理", employeeID: "E7001"))
        let extended = try world.ledger.accusedIndex(accountID: head.account.id, key: head.key, extending: index)
        XCTAssertEqual(extended.caseCount, 5)
        let now = try world.ledger.relatedReports(of: c, in: extended)
        XCTAssertEqual(Set(now.reports.map(\.entry.ref)), [byName.caseRef, later.caseRef], "the same post")
        XCTAssertEqual(try world.ledger.relatedReports(of: try open(world, byID.caseRef, head), in: extended).reports.map(\.basis),
                       ["employee_id"], "the employee id, normalised")

        try world.ledger.linkSameMatter(c, register: byName.registerNumber.description)
        XCTAssertEqual(try world.ledger.relatedReports(of: try open(world, first.caseRef, head), in: extended).reports
                        .first { $0.entry.ref == byName.caseRef }?.linked, true, "linked, and sealed in the case")
        XCTAssertEqual(try world.ledger.sameMatterLinks(try open(world, first.caseRef, head)), [byName.registerNumber.description])
        XCTAssertThrowsError(try world.ledger.linkSameMatter(c, register: first.registerNumber.description), "not to itself")
        XCTAssertThrowsError(try world.ledger.linkSameMatter(c, register: "JB-1999-000001"), "not to a case it does not hold")
    }

    /// Nothing about the accused is written to build or keep the index: the database is the
    /// same bytes before and after.
    func testBuildingTheIndexWritesNothing() throws {
        let world = try World()
        try world.standardRoster()
        guard case .success(let head) = try world.ledger.login("head", password: World.password, totpCode: "") else { return XCTFail() }
        _ = try submit(world, 1, AccusedPerson(name: "刘大勇", post: "采购部经理"))
        let version = try world.ledger.dataVersion()
        _ = try world.ledger.accusedIndex(accountID: head.account.id, key: head.key)
        XCTAssertEqual(try world.ledger.dataVersion(), version)
        XCTAssertFalse(try world.allStoredBytes().containsSubsequence(Array("刘大勇".utf8)))
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
