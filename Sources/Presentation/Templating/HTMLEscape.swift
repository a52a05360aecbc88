/// Escapes text for HTML element content and for quoted attribute values. Every value a template
/// prints goes through here unless it is `TrustedHTML` built by our own code.
public enum HTMLEscape {
    public static func escape(_ text: String, apostrophe: String = "&#39;") -> String {
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
            case "'": out += apostrophe
            case "`": out += "&#96;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension HTMLEscape {
    /// For text inside SVG and other XML we draw: the same escaping, and the C0 controls XML 1.0
    /// (§2.2) forbids even as references dropped, so a parser never rejects the document.
    static func xml(_ text: String) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" { continue }
            if scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
            kept.append(scalar)
        }
        return escape(String(kept), apostrophe: "&apos;")
    }
}

/// Markup our own code produced (an SVG chart, a QR code). The only thing a template prints
/// unescaped, and only through a triple-brace tag.
public struct TrustedHTML: Sendable, Equatable {
    let markup: String
    public init(generatedByCandor markup: String) { self.markup = markup }
}
