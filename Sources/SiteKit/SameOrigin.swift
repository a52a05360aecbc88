import HTTPCore

/// The one check every POST passes, whichever site it is for.
public enum SameOrigin {
    /// A form posted from another site is refused (CSRF): browsers send `Origin` on POST, and
    /// `Sec-Fetch-Site` where they support it. A request with neither is a non-browser client,
    /// which cannot be made to act with someone else's cookies.
    public static let posts: Middleware = { request, next in
        if request.method == .post {
            if let site = request.headers["Sec-Fetch-Site"], site == "cross-site" {
                throw HTTPError(.forbidden, "This form must be sent from this site.")
            }
            if let origin = request.headers["Origin"], origin != "null", let host = request.headers["Host"] {
                let stripped = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
                guard stripped.lowercased() == host.lowercased() else {
                    throw HTTPError(.forbidden, "This form must be sent from this site.")
                }
            }
        }
        return try next(request)
    }
}
