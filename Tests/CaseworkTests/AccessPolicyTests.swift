import XCTest
@testable import Casework

/// The access table, written out independently of the implementation: for each action, the roles
/// that may take it on a case they are assigned to. Unassigned staff may only recuse; excluded
/// staff may do nothing; admin and auditor never touch a case.
final class AccessPolicyTests: XCTestCase {
    let whenAssigned: [CaseAction: Set<Role>] = [
        .view: [.head, .inspector, .approver],
        .register: [.head],
        .markNotActionable: [.head],
        .propose: [.head],
        .decideApproval: [.approver],
        .designate: [.head],
        .addNote: [.head, .inspector],
        .readNotes: [.head, .inspector, .approver],
        .messageReporter: [.head, .inspector],
        .suspend: [.head, .inspector],
        .resume: [.head, .inspector],
        .fileReport: [.head, .inspector],
        .submitToLeaders: [.head],
        .conclude: [.head],
        .recordSanction: [.head],
        .requestIdentity: [.inspector],
        .decideIdentityRequest: [.head],
        .readIdentity: [.head, .inspector],
        .declareRecusal: [.head, .inspector, .approver],
        .excludeFromCase: [.head],
        .assessReward: [.head],
        .proposeReward: [.head],
        .approveReward: [.approver],
        .recordPayment: [.head],
        .recordPriorKnowledge: [.head],
        .setLegalHold: [.head],
    ]

    func testEveryRoleActionRelation() {
        XCTAssertEqual(Set(whenAssigned.keys), Set(CaseAction.allCases), "the table must name every action")
        var checked = 0
        for role in Role.allCases {
            for action in CaseAction.allCases {
                for relation in CaseRelation.allCases {
                    let expected: Bool
                    switch relation {
                    case .excluded: expected = false
                    case .unassigned: expected = action == .declareRecusal && [.head, .inspector, .approver].contains(role)
                    case .assigned: expected = whenAssigned[action]!.contains(role)
                    }
                    XCTAssertEqual(AccessPolicy.permits(role, action, relation), expected,
                                   "\(role) \(action) \(relation)")
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, Role.allCases.count * CaseAction.allCases.count * 3)
    }

    func testGlobalActions() {
        let expected: [GlobalAction: Set<Role>] = [
            .viewInbox: [.head], .registerOfflineReport: [.head], .viewDeadlines: [.head],
            .manageAccounts: [.admin], .changeSettings: [.admin],
            .readAuditLog: [.auditor], .verifyAuditLog: [.auditor],
            .viewStatistics: [.approver, .auditor, .head],
            .confirmReaderChanges: [.head, .approver],
        ]
        for action in GlobalAction.allCases {
            for role in Role.allCases {
                XCTAssertEqual(AccessPolicy.permits(role, action), expected[action]!.contains(role), "\(role) \(action)")
            }
        }
    }

    func testIdentityArt16() {
        // The head reads it, confidential or not.
        XCTAssertTrue(IdentityPolicy.mayRead(.head, relation: .assigned, confidential: true, requestGranted: false))
        // An inspector only with a granted request, and never when confidentiality was asked.
        XCTAssertFalse(IdentityPolicy.mayRead(.inspector, relation: .assigned, confidential: false, requestGranted: false))
        XCTAssertTrue(IdentityPolicy.mayRead(.inspector, relation: .assigned, confidential: false, requestGranted: true))
        XCTAssertFalse(IdentityPolicy.mayRead(.inspector, relation: .assigned, confidential: true, requestGranted: true))
        XCTAssertFalse(IdentityPolicy.mayRead(.inspector, relation: .unassigned, confidential: false, requestGranted: true))
        // Approvers, admins and auditors never, and an excluded head never.
        for role in [Role.approver, .admin, .auditor] {
            XCTAssertFalse(IdentityPolicy.mayRead(role, relation: .assigned, confidential: false, requestGranted: true))
        }
        XCTAssertFalse(IdentityPolicy.mayRead(.head, relation: .excluded, confidential: false, requestGranted: true))
        XCTAssertFalse(IdentityPolicy.mayGrantRequest(confidential: true))
        XCTAssertTrue(IdentityPolicy.mayGrantRequest(confidential: false))
    }
}
