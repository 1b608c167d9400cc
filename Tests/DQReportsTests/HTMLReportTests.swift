import Testing
import DQReports

@Test func htmlEscapingCoversTextAndAttributes() {
    #expect(HTML.escape("<script>alert('x') & \"y\"</script>") == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
    let table = HTML.table(Table(name: "t", title: "", columns: ["<c>"], rows: [[.text("<img src=x onerror=alert(1)>")], [.int(1234)]], note: "a < b"))
    #expect(!table.contains("<img") && !table.contains("<c>"))
    #expect(table.contains("&lt;img src=x onerror=alert(1)&gt;"))
    #expect(table.contains("<td class=\"n\">1,234</td>"))
    #expect(table.contains("<p class=\"note\">a &lt; b</p>"))
}

@Test func aReportSaysWhichAnalysesAreMissingAndEscapesItsTitles() {
    let report = HTMLReport(title: "dq report: <x>", subtitle: "s", sections: [
        .init(title: "Present", provenance: [.init(run: "pvi run 1 <m>", parameters: "{\"a\":\"<b>\"}")], body: "<p>body</p>\n"),
        .init(title: "Absent", body: nil, missing: "Not run yet: dq pvi --dataset <x>"),
    ]).render()
    #expect(report.hasPrefix("<!DOCTYPE html>"))
    #expect(!report.contains("<script") && !report.contains("src=") && !report.contains("href=\"http"))
    #expect(report.contains("<title>dq report: &lt;x&gt;</title>"))
    #expect(report.contains("<summary>pvi run 1 &lt;m&gt;</summary><code>{&quot;a&quot;:&quot;&lt;b&gt;&quot;}</code>"))
    #expect(report.contains("<p class=\"missing\">Not run yet: dq pvi --dataset &lt;x&gt;</p>"))
    #expect(report.contains("<p>body</p>"))
}

@Test func chartsEscapeLabelsAndScaleToTheirData() {
    let bars = Charts.bars([("<a>", 10), ("b", 5)]) { "\(Int($0))" }
    #expect(bars.contains("&lt;a&gt;") && !bars.contains("<a>"))
    // The largest bar is 360 wide, the half one 180.
    #expect(bars.contains("width=\"360.0\"") && bars.contains("width=\"180.0\""))
    let heat = Charts.heatmap(labels: ["x", "<y>"]) { i, j in i == j ? 0 : 0.25 }
    #expect(heat.contains("0.250") && heat.contains("&lt;y&gt;"))
    let hist = Charts.histograms([("a", [0, 1, 2]), ("b", [-1])], unit: "bits")
    #expect(hist.contains("mean 1.00 bits, n 3") && hist.contains("mean -1.00 bits, n 1"))
}
