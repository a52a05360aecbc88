// SVG rendering of a QRCode for inline use in console pages.

extension QRCode {
    /// A standalone SVG image of the symbol.
    ///
    /// - Parameters:
    ///   - moduleSize: CSS pixels per module for the `width`/`height` attributes;
    ///     the drawing itself is in module units via `viewBox`, so it scales cleanly.
    ///   - quietZone: light border in modules. ISO/IEC 18004:2015, 6.3.8 requires
    ///     4; smaller values are allowed for pages that provide their own margin.
    ///   - title: accessible name (`aria-label` and `<title>`); XML-escaped here
    ///     because the SVG is inlined into HTML.
    ///
    /// The output holds no script, no style sheet, no external reference and
    /// no id, so several codes can share a page without clashes.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, title: String) -> String {
        precondition(moduleSize >= 1, "moduleSize must be at least 1")
        precondition(quietZone >= 0, "quietZone must not be negative")
        let extent = size + 2 * quietZone
        let pixels = extent * moduleSize
        let label = HTMLEscape.xml(title)

        // One sub-path per horizontal run of dark modules: far fewer path
        // commands than one square per module, and no seams between squares.
        var d = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size && isDark(x: x, y: y) { x += 1 }
                d += "M\(start + quietZone) \(y + quietZone)h\(x - start)v1h-\(x - start)z"
            }
        }

        // An explicit light background keeps the code scannable on dark page
        // themes: readers need dark modules on a light field (6.3.8 quiet zone).
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" \
        viewBox="0 0 \(extent) \(extent)" role="img" aria-label="\(label)" shape-rendering="crispEdges">\
        <title>\(label)</title>\
        <rect width="\(extent)" height="\(extent)" fill="#fff"/>\
        <path fill="#000" d="\(d)"/>\
        </svg>
        """
    }
}
