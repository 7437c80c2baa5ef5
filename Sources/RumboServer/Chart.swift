import Foundation
import RumboCore

/// Server-side SVG charts: no JavaScript, readable on a phone, every label escaped.
enum Chart {
    /// A key result's check-in history from its start to its due date, against the target (or
    /// threshold) line, with the straight line from baseline to target that "on pace" means and,
    /// where a trend was fitted, the forecast's 80% range fanning out to the due date.
    static func history(of summary: KeyResultSummary, today: LocalDate, language: Language) -> String {
        let kr = summary.keyResult
        let format = Formatter(language: language)
        // A small viewBox keeps labels legible when the chart shrinks to a 360 px phone.
        let width = 400.0, height = 220.0
        let left = 44.0, right = 10.0, top = 14.0, bottom = 26.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom

        // Plotting clamps absurd magnitudes so the geometry stays finite; labels keep the real values.
        let limit = 1e12
        let points = summary.history.filter { $0.day <= today }.map { (day: $0.day, value: min(max($0.value, -limit), limit)) }
        let forecast = summary.state.forecast
        let fan = forecast.method == .trend ? forecast : nil
        let values = (points.map(\.value) + [kr.target, kr.baseline, kr.stretch, fan?.low, fan?.high].compactMap { $0 }).map { min(max($0, -limit), limit) }
        var low = values.min() ?? 0, high = values.max() ?? 1
        if low == high { low -= 1; high += 1 }
        let pad = (high - low) * 0.08
        low -= pad
        high += pad
        if values.allSatisfy({ $0 >= 0 }) { low = max(low, 0) }

        let totalDays = Double(max(kr.start.days(until: kr.due), 1))
        func x(_ day: LocalDate) -> Double { left + plotWidth * min(max(Double(kr.start.days(until: day)) / totalDays, 0), 1) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (min(max(value, -limit), limit) - low) / (high - low)) }

        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">
            <title id="chart-title">\(escape(Strings.text("chart_title", language)))</title>
            """
        for value in niceTicks(from: low, to: high) {
            svg += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(value)))\" y2=\"\(f(y(value)))\"/>"
            svg += "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">\(escape(format.number(value)))</text>"
        }
        svg += "<text class=\"axis\" x=\"\(f(left))\" y=\"\(f(height - 8))\">\(escape(format.day(kr.start)))</text>"
        svg += "<text class=\"axis\" x=\"\(f(width - right))\" y=\"\(f(height - 8))\" text-anchor=\"end\">\(escape(format.day(kr.due)))</text>"

        if let baseline = kr.baseline, !kr.kind.isThreshold {
            svg += "<line class=\"pace\" x1=\"\(f(x(kr.start)))\" y1=\"\(f(y(baseline)))\" x2=\"\(f(x(kr.due)))\" y2=\"\(f(y(kr.target)))\"/>"
        }
        let targetLabel = Strings.text(kr.kind.isThreshold ? "threshold" : "target", language)
        svg += "<line class=\"target\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(kr.target)))\" y2=\"\(f(y(kr.target)))\"/>"
        svg += "<text class=\"target-label\" x=\"\(f(width - right - 4))\" y=\"\(f(y(kr.target) - 6))\" text-anchor=\"end\">\(escape(targetLabel)) \(escape(format.value(kr.target, unit: kr.unit)))</text>"
        if let stretch = kr.stretch {
            svg += "<line class=\"stretch\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(stretch)))\" y2=\"\(f(y(stretch)))\"/>"
        }
        // Each initiative's start, so a change in the line can be read against what the team did.
        for initiative in summary.initiatives {
            guard let start = initiative.start, start >= kr.start, start <= kr.due else { continue }
            svg += "<line class=\"initiative-start\" x1=\"\(f(x(start)))\" x2=\"\(f(x(start)))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\">"
            svg += "<title>\(escape(format.day(start))): \(escape(initiative.title))</title></line>"
        }
        if today >= kr.start && today <= kr.due {
            svg += "<line class=\"today\" x1=\"\(f(x(today)))\" x2=\"\(f(x(today)))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\"/>"
        }
        if let fan, let last = points.last, let low = fan.low, let high = fan.high, let expected = fan.expected, last.day < kr.due {
            let corners = [(last.day, last.value), (kr.due, high), (kr.due, low)].map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ")
            svg += "<polygon class=\"band forecast-band\" points=\"\(corners)\"><title>\(escape(Strings.text("forecast_range", language))): "
            svg += "\(escape(format.value(low, unit: kr.unit)))–\(escape(format.value(high, unit: kr.unit)))</title></polygon>"
            svg += "<line class=\"forecast-line\" x1=\"\(f(x(last.day)))\" y1=\"\(f(y(last.value)))\" x2=\"\(f(x(kr.due)))\" y2=\"\(f(y(expected)))\"/>"
        }
        if !points.isEmpty {
            let path = points.map { "\(f(x($0.day))),\(f(y($0.value)))" }.joined(separator: " ")
            svg += "<polyline class=\"series\" points=\"\(path)\"/>"
            for point in points {
                let missed = kr.kind.isThreshold && !kr.isCompliant(point.value)
                svg += "<circle class=\"point\(missed ? " missed" : "")\" cx=\"\(f(x(point.day)))\" cy=\"\(f(y(point.value)))\" r=\"3.5\">"
                svg += "<title>\(escape(format.day(point.day))): \(escape(format.value(point.value, unit: kr.unit)))</title></circle>"
            }
        }
        return svg + "</svg>"
    }

    static func escape(_ text: String) -> String { HTMLResponse.escape(text) }

    /// Coordinates to one decimal: enough for a crisp line, short enough to keep the SVG small.
    static func f(_ number: Double) -> String { String(format: "%.1f", number) }

    /// Round grid values (1, 2 or 5 × a power of ten apart) between `low` and `high`.
    static func niceTicks(from low: Double, to high: Double, count: Double = 4) -> [Double] {
        let raw = (high - low) / count
        guard raw > 0, raw.isFinite else { return [low] }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let normalized = raw / magnitude
        let step = (normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10) * magnitude
        return stride(from: (low / step).rounded(.up) * step, through: high + step * 1e-9, by: step).map { $0 }
    }
}
