extension MetadataStripping {
    /// A name the reporter knows for a file's format ("MOV", "PDF", "DOCX"), from its first bytes
    /// (at least `sniffLength`, better 12) and, where one signature covers several formats (ZIP:
    /// DOCX, XLSX; OLE: DOC, XLS; TIFF: DNG and raw files), the file name's extension. Used to
    /// warn by name about a file stored with its metadata; nil when neither tells.
    public static func formatName(firstBytes: some Collection<UInt8>, fileName: String) -> String? {
        let b = Array(firstBytes.prefix(16))
        let ext = fileExtension(fileName)
        func starts(_ s: String) -> Bool { b.starts(with: Array(s.utf8)) }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return "JPEG" }
        if b.starts(with: PNGMetadataStripper.signature) { return "PNG" }
        if format(ofFirstBytes: b) == .isobmff { return isoBrandName(b) }
        if starts("%PDF") { return "PDF" }
        if starts("GIF8") { return "GIF" }
        if starts("RIFF"), b.count >= 12 {
            let kind = String(decoding: b[8 ..< 12], as: UTF8.self)
            return ["WEBP": "WebP", "AVI ": "AVI", "WAVE": "WAV"][kind] ?? ext
        }
        if b.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return ext ?? "ZIP" }
        if b.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return ext ?? "DOC" }
        if starts("II*\0") || starts("MM\0*") { return ext ?? "TIFF" }
        if b.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return ext ?? "MKV" }
        if starts("ID3") || b.starts(with: [0xFF, 0xFB]) || b.starts(with: [0xFF, 0xF3]) { return "MP3" }
        if starts("#!AMR") { return "AMR" }
        if starts("{\\rtf") { return "RTF" }
        return ext
    }

    /// ftyp's major brand (ISO/IEC 14496-12 §4.3; brands registered at mp4ra.org).
    private static func isoBrandName(_ b: [UInt8]) -> String {
        guard b.count >= 12 else { return "MP4" }
        let brand = String(decoding: b[8 ..< 12], as: UTF8.self)
        switch brand {
        case "qt  ": return "MOV"
        case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1": return "HEIC"
        case "avif", "avis": return "AVIF"
        case "M4A ", "M4B ": return "M4A"
        case "crx ": return "CR3"
        default: return brand.hasPrefix("3g") ? "3GP" : "MP4"
        }
    }

    /// "report.DOCX" → "DOCX"; nil unless 1–5 ASCII letters or digits follow the last dot.
    private static func fileExtension(_ name: String) -> String? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...]
        guard (1 ... 5).contains(ext.count), ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return ext.uppercased()
    }
}
