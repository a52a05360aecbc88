import Casefile
import Casework
import HTTPCore
import SiteKit

extension RouteGroup {
    /// A group whose routes answer only the roles the policy permits `action` (`RoleGate`); the
    /// console's sign-in check runs before it.
    func requiring(_ action: GlobalAction, ledger: Ledger, pages: Pages) -> RouteGroup {
        group("", middleware: [RoleGate.require(action, ledger: ledger, pages: pages) { $0.staff?.account }])
    }
}

extension Request {
    /// The signed-in staff member of a route behind `ConsoleAuthRoutes.requireStaff`.
    func signedInStaff() throws -> StaffContext {
        guard let staff else { throw HTTPError(.unauthorized) }
        return staff
    }
}
