import HTTPCore

/// `serve --onion-location`: the same site's onion address, offered to Tor Browser.
enum OnionLocation {
    /// Tor Browser offers the onion address to a visitor who reached the site over the clear
    /// web when a response names it (`Onion-Location`, the same path on the onion host). Sent
    /// only when the deployment configures an onion address (`serve --onion-location`).
    static func middleware(_ base: String) -> Middleware {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return { request, next in
            var response = try next(request)
            // The path without its query: a query is the visitor's, and the header needs none.
            response.headers.set("Onion-Location", trimmed + (request.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"))
            return response
        }
    }
}
