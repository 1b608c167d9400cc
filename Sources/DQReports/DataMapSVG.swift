import Foundation

/// The dataset-cartography data map (Swayamdipta et al. 2020, Fig. 1) as a standalone SVG:
/// variability on x, confidence on y, colour by correctness. Up to `pointLimit` samples are
/// drawn as dots; above that, as a 80×80 grid of cells whose colour is the cell's mean
/// correctness and whose opacity grows with the log of its count, so 100k points stay readable
/// and the file small.
package enum DataMapSVG {
    package struct Point: Sendable {
        package var variability: Double
        package var confidence: Double
        package var correctness: Double

        package init(variability: Double, confidence: Double, correctness: Double) {
            self.variability = variability
            self.confidence = confidence
            self.correctness = correctness
        }
    }

    package static let pointLimit = 20_000

    /// Colour for a correctness in [0, 1]: red (never right) through amber to blue (always right).
    static func colour(_ correctness: Double) -> String {
        let stops: [(Double, (Double, Double, Double))] = [(0, (215, 48, 39)), (0.5, (254, 204, 92)), (1, (33, 102, 172))]
        let c = min(max(correctness, 0), 1)
        let (lo, hi) = c <= 0.5 ? (stops[0], stops[1]) : (stops[1], stops[2])
        let t = (c - lo.0) / (hi.0 - lo.0)
        let rgb = [(lo.1.0, hi.1.0), (lo.1.1, hi.1.1), (lo.1.2, hi.1.2)].map { Int(($0.0 + t * ($0.1 - $0.0)).rounded()) }
        return String(format: "#%02x%02x%02x", rgb[0], rgb[1], rgb[2])
    }

    package static func render(_ points: [Point], title: String) -> String {
        let width = 640.0, height = 520.0, left = 64.0, right = 150.0, top = 40.0, bottom = 56.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxX = max(0.5, (points.map(\.variability).max() ?? 0.5))
        func x(_ v: Double) -> Double { left + v / maxX * plotW }
        func y(_ c: Double) -> Double { top + (1 - c) * plotH }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="22" font-size="14" font-weight="bold">\(HTML.escape(title))</text>

            """
        // Axes and grid.
        for i in 0...5 {
            let v = maxX * Double(i) / 5, c = Double(i) / 5
            svg += "<line x1=\"\(fmt(x(v)))\" y1=\"\(fmt(top))\" x2=\"\(fmt(x(v)))\" y2=\"\(fmt(top + plotH))\" stroke=\"#eee\"/>\n"
            svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y(c)))\" x2=\"\(fmt(left + plotW))\" y2=\"\(fmt(y(c)))\" stroke=\"#eee\"/>\n"
            svg += "<text x=\"\(fmt(x(v)))\" y=\"\(fmt(top + plotH + 16))\" text-anchor=\"middle\">\(String(format: "%.2f", v))</text>\n"
            svg += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y(c) + 4))\" text-anchor=\"end\">\(String(format: "%.1f", c))</text>\n"
        }
        svg += "<rect x=\"\(fmt(left))\" y=\"\(fmt(top))\" width=\"\(fmt(plotW))\" height=\"\(fmt(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(fmt(left + plotW / 2))\" y=\"\(fmt(height - 14))\" text-anchor=\"middle\">variability (std of gold-label probability across epochs)</text>\n"
        svg += "<text transform=\"translate(18 \(fmt(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">confidence (mean gold-label probability)</text>\n"
        if points.count <= pointLimit {
            for p in points {
                svg += "<circle cx=\"\(fmt(x(p.variability)))\" cy=\"\(fmt(y(p.confidence)))\" r=\"2.2\" fill=\"\(colour(p.correctness))\" fill-opacity=\"0.6\"/>\n"
            }
        } else {
            let bins = 80
            var count = [Int](repeating: 0, count: bins * bins), sum = [Double](repeating: 0, count: bins * bins)
            for p in points {
                let i = min(bins - 1, Int(p.variability / maxX * Double(bins))), j = min(bins - 1, Int((1 - p.confidence) * Double(bins)))
                count[j * bins + i] += 1
                sum[j * bins + i] += p.correctness
            }
            let most = Double(count.max() ?? 1)
            let cw = plotW / Double(bins), ch = plotH / Double(bins)
            for cell in count.indices where count[cell] > 0 {
                let opacity = 0.25 + 0.75 * log(1 + Double(count[cell])) / log(1 + most)
                svg += "<rect x=\"\(fmt(left + Double(cell % bins) * cw))\" y=\"\(fmt(top + Double(cell / bins) * ch))\" width=\"\(fmt(cw))\" height=\"\(fmt(ch))\" fill=\"\(colour(sum[cell] / Double(count[cell])))\" fill-opacity=\"\(fmt(opacity))\"/>\n"
            }
        }
        // Region labels, as in the paper.
        svg += "<text x=\"\(fmt(left + 8))\" y=\"\(fmt(top + 16))\" fill=\"#555\">easy-to-learn</text>\n"
        svg += "<text x=\"\(fmt(left + 8))\" y=\"\(fmt(top + plotH - 8))\" fill=\"#555\">hard-to-learn</text>\n"
        svg += "<text x=\"\(fmt(left + plotW - 8))\" y=\"\(fmt(top + plotH / 2))\" text-anchor=\"end\" fill=\"#555\">ambiguous</text>\n"
        // Legend.
        let lx = left + plotW + 20
        svg += "<text x=\"\(fmt(lx))\" y=\"\(fmt(top + 10))\">correctness</text>\n"
        for (k, c) in [1.0, 0.8, 0.6, 0.4, 0.2, 0.0].enumerated() {
            let ly = top + 26 + Double(k) * 20
            svg += "<circle cx=\"\(fmt(lx + 6))\" cy=\"\(fmt(ly))\" r=\"5\" fill=\"\(colour(c))\"/><text x=\"\(fmt(lx + 18))\" y=\"\(fmt(ly + 4))\">\(String(format: "%.1f", c))</text>\n"
        }
        svg += "<text x=\"\(fmt(lx))\" y=\"\(fmt(top + 160))\" fill=\"#555\">\(points.count) samples\(points.count > pointLimit ? " (binned)" : "")</text>\n"
        svg += "</svg>\n"
        return svg
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}
