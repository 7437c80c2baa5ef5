import Foundation
import RumboCore

extension Chart {
    /// A customer's purchases over time: one stem per purchase day, its height the amount.
    static func purchases(_ days: [(day: LocalDate, amount: Double)], from start: LocalDate, to end: LocalDate, language: Language) -> String {
        let format = Formatter(language: language)
        let width = 400.0, height = 140.0
        let left = 44.0, right = 10.0, top = 10.0, bottom = 24.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let span = Double(max(start.days(until: end), 1))
        func x(_ day: LocalDate) -> Double { left + plotWidth * min(max(Double(start.days(until: day)) / span, 0), 1) }
        let highest = max(days.map(\.amount).max() ?? 1, 1)
        func y(_ amount: Double) -> Double { top + plotHeight * (1 - amount / highest) }
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="purchases-title" xmlns="http://www.w3.org/2000/svg">
            <title id="purchases-title">\(escape(Strings.text("customer_purchases_chart", language)))</title>
            """
        for tick in niceTicks(from: 0, to: highest, count: 2) {
            svg += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(tick)))\" y2=\"\(f(y(tick)))\"/>"
            svg += "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\">\(escape(format.number(tick)))</text>"
        }
        svg += "<text class=\"axis\" x=\"\(f(left))\" y=\"\(f(height - 6))\">\(escape(format.day(start)))</text>"
        svg += "<text class=\"axis\" x=\"\(f(width - right))\" y=\"\(f(height - 6))\" text-anchor=\"end\">\(escape(format.day(end)))</text>"
        for purchase in days {
            svg += "<line class=\"stem\" x1=\"\(f(x(purchase.day)))\" x2=\"\(f(x(purchase.day)))\" y1=\"\(f(y(0)))\" y2=\"\(f(y(purchase.amount)))\"/>"
            svg += "<circle class=\"point\" cx=\"\(f(x(purchase.day)))\" cy=\"\(f(y(purchase.amount)))\" r=\"3\">"
            svg += "<title>\(escape(format.day(purchase.day))): \(escape(format.number(purchase.amount)))</title></circle>"
        }
        return svg + "</svg>"
    }

    /// P(alive) over time in percent, with the at-risk threshold as a line and the purchases as
    /// ticks on the axis: the curve decays while the customer is quiet and jumps at each return.
    static func alive(_ points: [(day: LocalDate, probability: Double)], purchases: [LocalDate], threshold: Double, language: Language) -> String {
        let format = Formatter(language: language)
        let width = 400.0, height = 180.0
        let left = 44.0, right = 10.0, top = 12.0, bottom = 24.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="alive-title" xmlns="http://www.w3.org/2000/svg">
            <title id="alive-title">\(escape(Strings.text("customer_alive_chart", language)))</title>
            """
        guard let start = points.first?.day, let end = points.last?.day else { return svg + "</svg>" }
        let span = Double(max(start.days(until: end), 1))
        func x(_ day: LocalDate) -> Double { left + plotWidth * min(max(Double(start.days(until: day)) / span, 0), 1) }
        func y(_ percent: Double) -> Double { top + plotHeight * (1 - min(max(percent, 0), 100) / 100) }
        for tick in [0.0, 25, 50, 75, 100] {
            svg += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(tick)))\" y2=\"\(f(y(tick)))\"/>"
            svg += "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\">\(Int(tick)) %</text>"
        }
        svg += "<text class=\"axis\" x=\"\(f(left))\" y=\"\(f(height - 6))\">\(escape(format.day(start)))</text>"
        svg += "<text class=\"axis\" x=\"\(f(width - right))\" y=\"\(f(height - 6))\" text-anchor=\"end\">\(escape(format.day(end)))</text>"
        let limit = 100 * threshold
        svg += "<line class=\"target\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(limit)))\" y2=\"\(f(y(limit)))\"/>"
        svg += "<text class=\"target-label\" x=\"\(f(width - right - 4))\" y=\"\(f(y(limit) - 5))\" text-anchor=\"end\">\(escape(Strings.text("customer_risk_line", language))) \(escape(format.number(limit))) %</text>"
        for day in purchases where day >= start && day <= end {
            svg += "<line class=\"purchase-tick\" x1=\"\(f(x(day)))\" x2=\"\(f(x(day)))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight - 8))\"><title>\(escape(format.day(day)))</title></line>"
        }
        let path = points.map { "\(f(x($0.day))),\(f(y(100 * $0.probability)))" }.joined(separator: " ")
        svg += "<polyline class=\"series\" points=\"\(path)\"/>"
        if let last = points.last {
            svg += "<circle class=\"point\" cx=\"\(f(x(last.day)))\" cy=\"\(f(y(100 * last.probability)))\" r=\"3.5\">"
            svg += "<title>\(escape(format.day(last.day))): \(escape(format.number(100 * last.probability))) %</title></circle>"
        }
        return svg + "</svg>"
    }
}
