import Casework
import Presentation

/// Role names as the pages show them (GLOSSARY.md).
public enum RoleText {
    public static func text(_ role: Role, seat: Seat?, _ language: Language) -> String {
        switch (role, seat, language) {
        case (.head, _, .zh): return "纪检监察部负责人"
        case (.head, _, .en): return "head of the department"
        case (.inspector, _, .zh): return "调查人员"
        case (.inspector, _, .en): return "inspector"
        case (.approver, .chairman?, .zh): return "董事长"
        case (.approver, .chairman?, .en): return "chairman"
        case (.approver, .partySecretary?, .zh): return "党委书记"
        case (.approver, .partySecretary?, .en): return "party secretary"
        case (.approver, nil, .zh): return "审批人"
        case (.approver, nil, .en): return "approver"
        case (.admin, _, .zh): return "系统管理员"
        case (.admin, _, .en): return "administrator"
        case (.auditor, _, .zh): return "审计员"
        case (.auditor, _, .en): return "auditor"
        }
    }
}
