import Foundation

@testable import RumboAnalytics

/// The CDNOW 1/10 sample (2,357 customers), shipped as a test resource, with the calibration
/// convention of the published estimates: purchases on or before 1997-09-30, T measured to
/// 1997-09-30, time in weeks.
enum CDNOW {
    static let calibrationEnd = DayNumber(year: 1997, month: 9, day: 30)
    static let holdoutEnd = DayNumber(year: 1998, month: 6, day: 30)

    /// Every row of the sample as a transaction (customer = master id, amount = dollar value).
    static let transactions: [Transaction] = {
        let url = Bundle.module.url(forResource: "CDNOW_sample", withExtension: "txt", subdirectory: "Resources")!
        let text = try! String(contentsOf: url, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).map { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            return Transaction(customerID: String(f[0]), day: DayNumber(yyyymmdd: f[2])!, amount: Double(f[4])!)
        }
    }()

    static let summaries: [CustomerSummary] = try! CustomerSummaries.make(
        from: transactions, calibrationEnd: calibrationEnd, timeUnit: .weeks, holdoutEnd: holdoutEnd)

    static let statistics: SufficientStatistics = try! SufficientStatistics(summaries)
}
