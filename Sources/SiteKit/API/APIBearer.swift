import Foundation
import HTTPCore

public enum APIBearer {
    /// The token of an `Authorization: Bearer` header (RFC 6750 §2.1), scheme case-insensitive.
    public static func token(_ request: Request) -> String? {
        guard let value = request.headers["Authorization"] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
