import Casefile
import HTTPCore

/// `/healthz` for a monitor: "ok", or the name of the first check that fails ("database",
/// "disk", "clock"; see `Ledger.healthProblem`) with 503. Never a count: how many cases or
/// reports there are, or how many came in since the last poll, is information about reporters.
enum Health {
    static func register(on router: Router, ledger: Ledger) {
        router.get("/healthz") { _ in
            guard let failing = ledger.healthProblem() else { return .text("ok\n") }
            return .text(failing + "\n", status: .serviceUnavailable)
        }
    }
}
