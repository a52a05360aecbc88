/// Turns a client-supplied file name into one that is safe to show and to store as a label.
/// It is never meant as a path: the gateway names stored files itself.
enum MultipartFileName {
    static let maxBytes = 200
    static let fallback = "file"
    /// Extensions longer than this are treated as part of the name when shortening.
    private static let maxExtensionBytes = 16

    static func sanitize(_ raw: String) -> String {
        // Browsers send only the base name (RFC 7578 §4.2), but old clients send full
        // Windows or Unix paths; either separator may appear whatever the client's OS.
        let lastComponent = raw.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" }
        ).last.map(String.init) ?? ""

        var scalars = String.UnicodeScalarView()
        for scalar in lastComponent.unicodeScalars where !isRemoved(scalar) {
            scalars.append(scalar)
        }
        var name = Substring(String(scalars))
        // Leading dots make hidden files and, alone, the `.`/`..` path elements; spaces
        // between them would only hide them.
        while let first = name.first, first == "." || first.isWhitespace { name.removeFirst() }
        name = shortened(trimmed(String(name)))[...]
        return name.isEmpty ? fallback : String(name)
    }

    /// Control characters (C0, DEL, C1, NUL among them) can forge lines in logs and terminals;
    /// bidirectional overrides can make `evil\u{202E}fdp.exe` display as `evilexe.pdf`.
    private static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        case 0xFEFF: return true
        default: return false
        }
    }

    private static func trimmed(_ string: String) -> String {
        var characters = Substring(string)
        while let first = characters.first, first.isWhitespace { characters.removeFirst() }
        while let last = characters.last, last.isWhitespace { characters.removeLast() }
        return String(characters)
    }

    /// Cuts at a character boundary, so the result stays valid UTF-8 and no accent or
    /// emoji is split, and keeps a short extension, which is what a reader looks for.
    private static func shortened(_ name: String) -> String {
        guard name.utf8.count > maxBytes else { return name }
        var stem = Substring(name)
        var suffix = Substring("")
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            let candidate = name[dot...]
            if candidate.utf8.count <= maxExtensionBytes {
                stem = name[..<dot]
                suffix = candidate
            }
        }
        let budget = maxBytes - suffix.utf8.count
        var kept = ""
        var used = 0
        for character in stem {
            let size = character.utf8.count
            if used + size > budget { break }
            kept.append(character)
            used += size
        }
        let stemKept = trimmed(kept)
        return (stemKept.isEmpty ? fallback : stemKept) + suffix
    }
}
