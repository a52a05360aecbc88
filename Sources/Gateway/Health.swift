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

    /// Tor Browser offers the onion address to a visitor who reached the site over the clear
    /// web when a response names it (`Onion-Location`, the same path on the onion host). Sent
    /// only when the deployment configures an onion address (`serve --onion-location`).
    static func onionLocation(_ base: String) -> Middleware {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return { request, next in
            var response = try next(request)
            // The path without its query: a query is the visitor's, and the header needs none.
            response.headers.set("Onion-Location", trimmed + (request.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"))
            return response
        }
    }
}
