import Foundation

/// Small inline SVG charts for the HTML report: no script, no external assets, readable in any
/// browser and in print.
package enum Charts {
    /// Horizontal bars, one per (label, value), scaled to the largest value; the value is
    /// printed after each bar with `format`.
    package static func bars(_ items: [(label: String, value: Double)], format: (Double) -> String) -> String {
        let rowHeight = 22.0, labelWidth = 130.0, barWidth = 360.0
        let height = Double(items.count) * rowHeight + 10
        let largest = max(items.map(\.value).max() ?? 1, 1e-12)
        var svg = svgOpen(width: labelWidth + barWidth + 90, height: height)
        for (i, item) in items.enumerated() {
            let y = 5 + Double(i) * rowHeight
            let w = max(0, item.value / largest * barWidth)
            svg += "<text x=\"\(f(labelWidth - 8))\" y=\"\(f(y + 15))\" text-anchor=\"end\">\(HTML.escape(item.label))</text>"
            svg += "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 3))\" width=\"\(f(w))\" height=\"\(f(rowHeight - 6))\" fill=\"#4a78b5\"/>"
            svg += "<text x=\"\(f(labelWidth + w + 6))\" y=\"\(f(y + 15))\">\(HTML.escape(format(item.value)))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// One histogram per group over a shared range (small multiples), with the mean marked.
    package static func histograms(_ groups: [(label: String, values: [Double])], bins: Int = 24, unit: String) -> String {
        let all = groups.flatMap(\.values)
        guard let low = all.min(), let high = all.max(), high > low else { return "<p class=\"note\">Nothing to plot.</p>\n" }
        let panelWidth = 250.0, panelHeight = 120.0, columns = 3.0
        let rows = (Double(groups.count) / columns).rounded(.up)
        var svg = svgOpen(width: panelWidth * columns, height: rows * (panelHeight + 40))
        for (g, group) in groups.enumerated() {
            let x0 = Double(g % Int(columns)) * panelWidth + 10, y0 = Double(g / Int(columns)) * (panelHeight + 40) + 20
            var counts = [Int](repeating: 0, count: bins)
            for v in group.values { counts[min(bins - 1, Int((v - low) / (high - low) * Double(bins)))] += 1 }
            let most = Double(max(counts.max() ?? 1, 1)), w = (panelWidth - 30) / Double(bins)
            let mean = group.values.isEmpty ? 0 : group.values.reduce(0, +) / Double(group.values.count)
            svg += "<text x=\"\(f(x0))\" y=\"\(f(y0 - 6))\" font-weight=\"bold\">\(HTML.escape(group.label))</text>"
            svg += "<text x=\"\(f(x0 + panelWidth - 30))\" y=\"\(f(y0 - 6))\" text-anchor=\"end\" fill=\"#555\">mean \(String(format: "%.2f", mean)) \(HTML.escape(unit)), n \(group.values.count)</text>\n"
            for (b, c) in counts.enumerated() where c > 0 {
                let h = Double(c) / most * panelHeight
                svg += "<rect x=\"\(f(x0 + Double(b) * w))\" y=\"\(f(y0 + panelHeight - h))\" width=\"\(f(w - 1))\" height=\"\(f(h))\" fill=\"#4a78b5\"/>"
            }
            let mx = x0 + (mean - low) / (high - low) * (panelWidth - 30)
            svg += "<line x1=\"\(f(mx))\" y1=\"\(f(y0))\" x2=\"\(f(mx))\" y2=\"\(f(y0 + panelHeight))\" stroke=\"#d7301f\" stroke-width=\"1.5\"/>"
            if low < 0 && high > 0 {
                let zx = x0 + (0 - low) / (high - low) * (panelWidth - 30)
                svg += "<line x1=\"\(f(zx))\" y1=\"\(f(y0))\" x2=\"\(f(zx))\" y2=\"\(f(y0 + panelHeight))\" stroke=\"#333\" stroke-dasharray=\"3 3\"/>"
            }
            svg += "<line x1=\"\(f(x0))\" y1=\"\(f(y0 + panelHeight))\" x2=\"\(f(x0 + panelWidth - 30))\" y2=\"\(f(y0 + panelHeight))\" stroke=\"#333\"/>"
            svg += "<text x=\"\(f(x0))\" y=\"\(f(y0 + panelHeight + 14))\" fill=\"#555\">\(String(format: "%.1f", low))</text>"
            svg += "<text x=\"\(f(x0 + panelWidth - 30))\" y=\"\(f(y0 + panelHeight + 14))\" text-anchor=\"end\" fill=\"#555\">\(String(format: "%.1f", high))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// A label × label matrix as a heatmap, the diagonal left grey: darker = smaller value (harder
    /// to tell apart; with `darkerWhenLarger`, darker = larger), on a scale from the smallest to
    /// the largest off-diagonal value; a NaN cell (nothing to measure) is grey with a dash.
    package static func heatmap(labels: [String], darkerWhenLarger: Bool = false, value: (Int, Int) -> Double) -> String {
        let cell = 64.0, margin = 80.0
        let n = Double(labels.count)
        var smallest = Double.infinity, largest = -Double.infinity
        for i in labels.indices {
            for j in labels.indices where i != j && !value(i, j).isNaN {
                smallest = min(smallest, value(i, j))
                largest = max(largest, value(i, j))
            }
        }
        var svg = svgOpen(width: margin + n * cell + 10, height: margin + n * cell + 10)
        for (i, label) in labels.enumerated() {
            let p = margin + Double(i) * cell + cell / 2
            svg += "<text x=\"\(f(margin - 8))\" y=\"\(f(p + 4))\" text-anchor=\"end\">\(HTML.escape(label))</text>"
            svg += "<text transform=\"translate(\(f(p + 4)) \(f(margin - 8))) rotate(-45)\">\(HTML.escape(label))</text>\n"
        }
        for i in labels.indices {
            for j in labels.indices {
                let x = margin + Double(j) * cell, y = margin + Double(i) * cell
                let v = value(i, j)
                if i == j || v.isNaN {
                    svg += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"#f2f2f2\" stroke=\"white\"/>"
                    if i != j { svg += "<text x=\"\(f(x + cell / 2))\" y=\"\(f(y + cell / 2 + 4))\" text-anchor=\"middle\">–</text>\n" }
                    continue
                }
                let scaled = largest > smallest ? (v - smallest) / (largest - smallest) : 0.5
                let t = darkerWhenLarger ? 1 - scaled : scaled
                let shade = Int(40 + 200 * t)
                svg += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"rgb(\(shade / 3),\(shade / 2 + 20),\(min(255, shade + 30)))\" stroke=\"white\"/>"
                svg += "<text x=\"\(f(x + cell / 2))\" y=\"\(f(y + cell / 2 + 4))\" text-anchor=\"middle\" fill=\"\(t < 0.6 ? "white" : "black")\">\(String(format: "%.3f", v))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    static func svgOpen(width: Double, height: Double) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
