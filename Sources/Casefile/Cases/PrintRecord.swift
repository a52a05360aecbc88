import Casework
import Foundation

/// Issue 17: the paper the leaders sign (arts. 6–8, 13). A print view shows what the case page
/// shows, so it opens the case as the page does; printing is itself an audit entry, because a
/// sheet of paper leaves the system's access control.
public enum PrintKind: String, CaseIterable, Sendable {
    /// 举报登记表: the register entry (art. 6).
    case register
    /// 呈批表: the approval sheet for an investigation, with both seats' signature lines (art. 7).
    case approval
    /// The investigation report as submitted to the leaders (art. 8).
    case report
    /// The reward approval (art. 13).
    case reward
}

extension Ledger {
    /// Records that `c`'s holder printed a view of the case (`print kind=… identity=0|1`): who,
    /// which sheet, and whether the reporter's identity was on it. Writes nothing of the case's
    /// rows, so it needs no checked write.
    public func recordPrint(_ c: StaffCase, kind: PrintKind, identityIncluded: Bool) throws {
        let (audit, now) = (self.audit, clock())
        _ = try pool.write { db in
            try audit.append(db, actor: "staff:\(c.accountID)", action: "print", caseRef: c.ref,
                             detail: "kind=\(kind.rawValue) identity=\(identityIncluded ? 1 : 0)", at: now)
        }
    }
}
