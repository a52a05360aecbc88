/// Escapes text for HTML element content and for quoted attribute values. Every value a template
/// prints goes through here unless it is `TrustedHTML` built by our own code.
public enum HTMLEscape {
    public static func escape(_ text: String) -> String {
        var needs = false
        for b in text.utf8 where b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 || b == 0x60 {
            needs = true
            break
        }
        guard needs else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "`": out += "&#96;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Markup our own code produced (an SVG chart, a QR code). The only thing a template prints
/// unescaped, and only through a triple-brace tag.
public struct TrustedHTML: Sendable, Equatable {
    public let markup: String
    public init(generatedByCandor markup: String) { self.markup = markup }
}
