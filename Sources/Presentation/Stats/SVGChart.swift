import Foundation

/// Charts drawn on the server as inline SVG, so that the statistics page needs no script, no
/// third-party library and no `style-src 'unsafe-inline'`: geometry and colours are presentation
/// attributes, every label is XML-escaped, and nothing refers outside the document. The tables
/// beside each chart carry the same figures for screen readers and for copying.
public enum SVGChart {
    public struct Item: Equatable, Sendable {
        var label: String
        var value: Int

        public init(label: String, value: Int) {
            self.label = label
            self.value = value
        }
    }

    static let width = 640
    static let pad = 8
    static let barFill = "#2f6f9f"
    static let textFill = "#222"

    /// One row per item: the label on a line of its own (category names run long), the bar under
    /// it, the figure after the bar. Bars are proportional to the largest value.
    static let rowHeight = 40
    static let valueRoom = 64
    static var barSpan: Int { width - 2 * pad - valueRoom }

    public static func bars(_ items: [Item], title: String) -> TrustedHTML {
        let height = 2 * pad + max(1, items.count) * rowHeight
        let largest = items.map(\.value).max() ?? 0
        var body = ""
        for (i, item) in items.enumerated() {
            let top = pad + i * rowHeight
            let length = scaled(item.value, of: largest, span: barSpan)
            body += "<text x=\"\(pad)\" y=\"\(top + 14)\" font-size=\"13\" fill=\"\(textFill)\">\(xml(item.label))</text>"
            body += "<rect class=\"bar\" x=\"\(pad)\" y=\"\(top + 20)\" width=\"\(number(length))\" height=\"14\" fill=\"\(barFill)\"/>"
            body += "<text x=\"\(number(Double(pad) + length + 6))\" y=\"\(top + 32)\" font-size=\"12\" fill=\"\(textFill)\">\(item.value)</text>"
        }
        return svg(width: width, height: height, title: title, body: body)
    }

    /// One column per item (months, oldest first), the figure above each column and the label
    /// under it. Columns are proportional to the largest value.
    static let slot = 48
    static let columnWidth = 30
    static let plotHeight = 160
    static let above = 20
    static let below = 24

    public static func columns(_ items: [Item], title: String) -> TrustedHTML {
        let chartWidth = max(width / 2, 2 * pad + items.count * slot)
        let baseline = above + plotHeight
        let largest = items.map(\.value).max() ?? 0
        var body = "<line x1=\"\(pad)\" y1=\"\(baseline)\" x2=\"\(chartWidth - pad)\" y2=\"\(baseline)\" stroke=\"\(textFill)\" stroke-width=\"1\"/>"
        for (i, item) in items.enumerated() {
            let left = pad + i * slot + (slot - columnWidth) / 2
            let centre = pad + i * slot + slot / 2
            let length = scaled(item.value, of: largest, span: plotHeight)
            body += "<rect class=\"bar\" x=\"\(left)\" y=\"\(number(Double(baseline) - length))\" width=\"\(columnWidth)\" height=\"\(number(length))\" fill=\"\(barFill)\"/>"
            body += "<text x=\"\(centre)\" y=\"\(number(Double(baseline) - length - 4))\" font-size=\"12\" text-anchor=\"middle\" fill=\"\(textFill)\">\(item.value)</text>"
            body += "<text x=\"\(centre)\" y=\"\(baseline + 16)\" font-size=\"11\" text-anchor=\"middle\" fill=\"\(textFill)\">\(xml(item.label))</text>"
        }
        return svg(width: chartWidth, height: baseline + below, title: title, body: body)
    }

    /// Zero when everything is zero (or negative, which a count never is): an empty chart, not a
    /// division by zero.
    static func scaled(_ value: Int, of largest: Int, span: Int) -> Double {
        guard largest > 0, value > 0 else { return 0 }
        return Double(value) / Double(largest) * Double(span)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    static func xml(_ text: String) -> String { HTMLEscape.xml(text) }

    static func svg(width: Int, height: Int, title: String, body: String) -> TrustedHTML {
        let label = xml(title)
        return TrustedHTML(generatedByCandor: """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" role="img" aria-label="\(label)" font-family="sans-serif">\
            <title>\(label)</title>\(body)</svg>
            """)
    }
}
