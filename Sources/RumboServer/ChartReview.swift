import Foundation
import RumboCore

/// The reviews' charts: the traffic-light grid, sparklines, before/after bands and the grade
/// distribution. Server-side SVG like the others, every label escaped.
extension Chart {

    /// One row per key result, one cell per week end, coloured by the status that week (grey
    /// before the first value).
    static func trafficGrid(_ items: [ReviewItem], language: Language) -> String {
        let format = Formatter(language: language)
        let weeks = items.first?.weeklyStatuses.count ?? 0
        guard weeks > 0 else { return "" }
        let label = 200.0, cell = 36.0, row = 22.0, top = 20.0
        let width = label + cell * Double(weeks) + 4, height = top + row * Double(items.count) + 4
        var svg = """
            <svg class="chart grid-chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="grid-title" xmlns="http://www.w3.org/2000/svg">
            <title id="grid-title">\(escape(Strings.text("grid_title", language)))</title>
            """
        for (column, week) in (items.first?.weeklyStatuses ?? []).enumerated() {
            svg += "<text class=\"axis\" x=\"\(f(label + cell * Double(column) + cell / 2))\" y=\"12\" text-anchor=\"middle\">\(week.weekEnd.day)/\(week.weekEnd.month)</text>"
        }
        for (index, item) in items.enumerated() {
            let y = top + row * Double(index)
            let title = item.summary.keyResult.title
            let short = title.count > 30 ? String(title.prefix(29)) + "…" : title
            svg += "<text class=\"axis\" x=\"0\" y=\"\(f(y + row / 2 + 4))\">\(escape(short))<title>\(escape(title))</title></text>"
            for (column, week) in item.weeklyStatuses.enumerated() {
                let code = week.status?.rawValue ?? "none"
                let text = week.status.map { Strings.text($0.rawValue, language) } ?? Strings.text("no_value", language)
                svg += "<rect class=\"cell cell-\(code)\" x=\"\(f(label + cell * Double(column) + 2))\" y=\"\(f(y + 2))\" width=\"\(f(cell - 4))\" height=\"\(f(row - 4))\" rx=\"3\" data-status=\"\(code)\">"
                svg += "<title>\(escape(format.day(week.weekEnd))): \(escape(text))</title></rect>"
            }
        }
        return svg + "</svg>"
    }

    /// A small line of the key result's values over the cycle, with its target as a dashed line.
    static func sparkline(_ summary: KeyResultSummary, through day: LocalDate) -> String {
        let kr = summary.keyResult
        let points = summary.history.filter { $0.day <= day && $0.value.isFinite && abs($0.value) < 1e12 }
        let width = 120.0, height = 28.0
        let values = points.map(\.value) + [kr.target]
        var low = values.min() ?? 0, high = values.max() ?? 1
        if low == high { low -= 1; high += 1 }
        let span = Double(max(kr.start.days(until: kr.due), 1))
        func x(_ d: LocalDate) -> Double { 2 + (width - 4) * min(max(Double(kr.start.days(until: d)) / span, 0), 1) }
        func y(_ v: Double) -> Double { 2 + (height - 4) * (1 - (v - low) / (high - low)) }
        var svg = "<svg class=\"spark\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(kr.title))\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<line class=\"target\" x1=\"2\" x2=\"\(f(width - 2))\" y1=\"\(f(y(kr.target)))\" y2=\"\(f(y(kr.target)))\"/>"
        if !points.isEmpty {
            svg += "<polyline class=\"series\" points=\"\(points.map { "\(f(x($0.day))),\(f(y($0.value)))" }.joined(separator: " "))\"/>"
        }
        return svg + "</svg>"
    }

    /// The same in text, for Markdown: ▁▂▃▄▅▆▇█ over the last values.
    static func sparkText(_ summary: KeyResultSummary, through day: LocalDate, last count: Int = 12) -> String {
        let values = summary.history.filter { $0.day <= day }.suffix(count).map(\.value).filter(\.isFinite)
        guard let low = values.min(), let high = values.max() else { return "" }
        let ticks = Array("▁▂▃▄▅▆▇█")
        return String(values.map { high > low ? ticks[Int(((($0 - low) / (high - low)) * 7).rounded())] : ticks[3] })
    }

    /// The metric before and after an initiative started: each period's value as a line with its
    /// 95% interval as a band, and the start day marked.
    static func beforeAfter(_ impact: InitiativeImpact, language: Language) -> String {
        guard let before = impact.before, let after = impact.after else { return "" }
        let format = Formatter(language: language)
        let unit = impact.keyResult.unit
        let width = 300.0, height = 90.0, top = 10.0, bottom = 18.0, left = 6.0, right = 6.0
        let numbers = [before.value, after.value, before.low, before.high, after.low, after.high, impact.keyResult.target].compactMap { $0 }
            .filter { $0.isFinite && abs($0) < 1e12 }
        var low = numbers.min() ?? 0, high = numbers.max() ?? 1
        if low == high { low -= 1; high += 1 }
        let pad = (high - low) * 0.1
        low -= pad
        high += pad
        let first = before.from, span = Double(max(first.days(until: after.to), 1))
        func x(_ d: LocalDate) -> Double { left + (width - left - right) * Double(first.days(until: d)) / span }
        func y(_ v: Double) -> Double { top + (height - top - bottom) * (1 - (min(max(v, low), high) - low) / (high - low)) }
        var svg = "<svg class=\"chart before-after\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(impact.initiative.title))\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (name, measure) in [("before", before), ("after", after)] {
            let x1 = x(measure.from), x2 = x(measure.to.adding(days: 1))
            if let l = measure.low, let h = measure.high {
                svg += "<rect class=\"band \(name)\" x=\"\(f(x1))\" y=\"\(f(y(h)))\" width=\"\(f(x2 - x1))\" height=\"\(f(max(y(l) - y(h), 0.5)))\"/>"
            }
            svg += "<line class=\"level \(name)\" x1=\"\(f(x1))\" x2=\"\(f(x2))\" y1=\"\(f(y(measure.value)))\" y2=\"\(f(y(measure.value)))\"><title>\(escape(format.day(measure.from))) – \(escape(format.day(measure.to))): \(escape(format.value(measure.value, unit: unit)))</title></line>"
            svg += "<text class=\"axis\" x=\"\(f((x1 + x2) / 2))\" y=\"\(f(y(measure.value) - 4))\" text-anchor=\"middle\">\(escape(format.value(measure.value, unit: unit)))</text>"
        }
        svg += "<line class=\"today\" x1=\"\(f(x(after.from)))\" x2=\"\(f(x(after.from)))\" y1=\"\(f(top))\" y2=\"\(f(height - bottom))\"/>"
        svg += "<text class=\"axis\" x=\"\(f(x(after.from)))\" y=\"\(f(height - 4))\" text-anchor=\"middle\">\(escape(format.day(after.from)))</text>"
        return svg + "</svg>"
    }

    /// Key-result grades in bins of 0.1, the 0.6–0.7 band (success for stretch goals) marked.
    static func gradeDistribution(_ bins: [Int], language: Language) -> String {
        let width = 320.0, height = 150.0, top = 12.0, bottom = 20.0, left = 8.0
        let barWidth = (width - 2 * left) / Double(bins.count)
        let most = Double(max(bins.max() ?? 1, 1))
        var svg = """
            <svg class="chart grades" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="grades-title" xmlns="http://www.w3.org/2000/svg">
            <title id="grades-title">\(escape(Strings.text("grade_distribution", language)))</title>
            """
        svg += "<rect class=\"sweet-spot\" x=\"\(f(left + 6 * barWidth))\" y=\"\(f(top))\" width=\"\(f(barWidth))\" height=\"\(f(height - top - bottom))\"><title>\(escape(Strings.text("stretch_success", language)))</title></rect>"
        for (index, count) in bins.enumerated() {
            let barHeight = (height - top - bottom) * Double(count) / most
            let x = left + barWidth * Double(index)
            let band = index < 3 ? "off_track" : index < 6 ? "at_risk" : "on_track"
            svg += "<rect class=\"bar-\(band)\" x=\"\(f(x + 2))\" y=\"\(f(height - bottom - barHeight))\" width=\"\(f(barWidth - 4))\" height=\"\(f(barHeight))\" data-count=\"\(count)\"><title>\(String(format: "%.1f", Double(index) / 10))–\(String(format: "%.1f", Double(index + 1) / 10)): \(count)</title></rect>"
            if count > 0 { svg += "<text class=\"axis\" x=\"\(f(x + barWidth / 2))\" y=\"\(f(height - bottom - barHeight - 3))\" text-anchor=\"middle\">\(count)</text>" }
            svg += "<text class=\"axis\" x=\"\(f(x + barWidth / 2))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">\(Formatter(language: language).number(Double(index) / 10))</text>"
        }
        return svg + "</svg>"
    }
}
