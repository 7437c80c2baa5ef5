import Foundation
import RumboAnalytics
import RumboCore

extension Chart {
    /// A metric by period: the values as a line, their 95% intervals as a shaded band, and the
    /// periods without enough data as grey marks on the axis (never as zeros).
    static func metric(_ values: [MetricValue], unit: String, language: Language) -> String {
        let format = Formatter(language: language)
        let width = 400.0, height = 220.0
        let left = 44.0, right = 10.0, top = 14.0, bottom = 26.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let title = Strings.text("metric_chart_title", language)
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="metric-chart-title" xmlns="http://www.w3.org/2000/svg">
            <title id="metric-chart-title">\(escape(title))</title>
            """
        let shown = values.filter { $0.status == .ok && $0.value != nil }
        let numbers = shown.flatMap { [$0.value, $0.low, $0.high].compactMap { $0 } }.filter(\.isFinite)
        guard !values.isEmpty, var low = numbers.min(), var high = numbers.max() else {
            svg += "<text class=\"axis\" x=\"\(f(width / 2))\" y=\"\(f(height / 2))\" text-anchor=\"middle\">\(escape(Strings.text("metric_no_data", language)))</text>"
            return svg + "</svg>"
        }
        if low == high { low -= 1; high += 1 }
        let pad = (high - low) * 0.08
        low -= pad
        high += pad
        if numbers.allSatisfy({ $0 >= 0 }) { low = max(low, 0) }
        let step = values.count > 1 ? plotWidth / Double(values.count - 1) : 0
        func x(_ index: Int) -> Double { values.count > 1 ? left + step * Double(index) : left + plotWidth / 2 }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - low) / (high - low)) }
        for tick in niceTicks(from: low, to: high) {
            svg += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(tick)))\" y2=\"\(f(y(tick)))\"/>"
            svg += "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\">\(escape(format.number(tick)))</text>"
        }
        svg += "<text class=\"axis\" x=\"\(f(left))\" y=\"\(f(height - 8))\">\(escape(values.first!.window.label))</text>"
        svg += "<text class=\"axis\" x=\"\(f(width - right))\" y=\"\(f(height - 8))\" text-anchor=\"end\">\(escape(values.last!.window.label))</text>"
        let indexed = values.enumerated().filter { $0.element.status == .ok && $0.element.value != nil }
        let banded = indexed.filter { $0.element.low != nil && $0.element.high != nil }
        if banded.count > 1 {
            let upper = banded.map { "\(f(x($0.offset))),\(f(y($0.element.high!)))" }
            let lower = banded.reversed().map { "\(f(x($0.offset))),\(f(y($0.element.low!)))" }
            svg += "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\"/>"
        }
        if indexed.count > 1 {
            svg += "<polyline class=\"series\" points=\"\(indexed.map { "\(f(x($0.offset))),\(f(y($0.element.value!)))" }.joined(separator: " "))\"/>"
        }
        for (index, value) in values.enumerated() {
            if let number = value.value, value.status == .ok {
                let interval = value.low.flatMap { low in value.high.map { " (" + format.number(low) + "–" + format.number($0) + ")" } } ?? ""
                svg += "<circle class=\"point\" cx=\"\(f(x(index)))\" cy=\"\(f(y(number)))\" r=\"3\">"
                svg += "<title>\(escape(value.window.label)): \(escape(format.number(number) + " " + unit + interval)) · n = \(value.n)</title></circle>"
            } else {
                svg += "<rect class=\"nodata\" x=\"\(f(x(index) - 2))\" y=\"\(f(top + plotHeight - 4))\" width=\"4\" height=\"4\">"
                svg += "<title>\(escape(value.window.label)): \(escape(Strings.text("metric_" + value.status.rawValue, language))) · n = \(value.n)</title></rect>"
            }
        }
        return svg + "</svg>"
    }
}
