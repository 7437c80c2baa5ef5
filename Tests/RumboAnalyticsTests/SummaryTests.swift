import Foundation
import Testing

@testable import RumboAnalytics

@Suite("Customer summaries")
struct SummaryTests {
    static let jan1 = DayNumber(year: 2026, month: 1, day: 1)

    static func tx(_ id: String, _ dayOffset: Int, _ amount: Double) -> Transaction {
        Transaction(customerID: id, day: DayNumber(jan1.value + dayOffset), amount: amount)
    }

    @Test("Same-day purchases are one occasion; the first is not counted; spend is per occasion")
    func sameDay() throws {
        let transactions = [
            Self.tx("a", 0, 10), Self.tx("a", 0, 5),  // first occasion: 15
            Self.tx("a", 7, 20), Self.tx("a", 7, 4),  // repeat: 24
            Self.tx("a", 21, 30),  // repeat: 30
            Self.tx("a", 40, 99),  // after the calibration end: holdout
            Self.tx("b", 14, 8), Self.tx("b", 14, 2),  // one occasion only
        ]
        let summaries = try CustomerSummaries.make(
            from: transactions, calibrationEnd: DayNumber(Self.jan1.value + 28), timeUnit: .days,
            holdoutEnd: DayNumber(Self.jan1.value + 60))
        #expect(summaries.map(\.customerID) == ["a", "b"])
        let a = summaries[0]
        #expect(a.history == PurchaseHistory(frequency: 2, recency: 21, age: 28))
        #expect(a.meanRepeatSpend == 27)
        #expect(a.firstPurchaseAmount == 15)
        #expect(a.holdoutFrequency == 1)
        let b = summaries[1]
        #expect(b.history == PurchaseHistory(frequency: 0, recency: 0, age: 14))
        #expect(b.meanRepeatSpend == nil)
        #expect(b.holdoutFrequency == 0)

        let weeks = try CustomerSummaries.make(from: transactions, calibrationEnd: DayNumber(Self.jan1.value + 28), timeUnit: .weeks)
        #expect(weeks[0].history == PurchaseHistory(frequency: 2, recency: 3, age: 4))
        #expect(weeks[0].holdoutFrequency == nil)
    }

    @Test("The CDNOW sample: 2,357 customers, 946 repeat buyers, the published convention")
    func cdnow() throws {
        let s = CDNOW.summaries
        #expect(s.count == 2357)
        #expect(s.filter { $0.frequency > 0 }.count == 946)
        // Customer 4: 1997-01-01, 01-18, 08-02 (and 12-12 in the holdout).
        let first = try #require(s.first { $0.customerID == "00004" })
        #expect(first.frequency == 2)
        #expect(abs(first.recency - 213.0 / 7) < 1e-12)
        #expect(abs(first.age - 272.0 / 7) < 1e-12)
        #expect(first.holdoutFrequency == 1)
        #expect(CDNOW.statistics.customerCount == 2357)
    }

    @Test("Day numbers round-trip civil dates and parse the file formats")
    func dayNumbers() {
        #expect(DayNumber(year: 1970, month: 1, day: 1).value == 0)
        #expect(DayNumber(year: 1997, month: 9, day: 30).value - DayNumber(year: 1997, month: 1, day: 1).value == 272)
        #expect(DayNumber(yyyymmdd: "19970930") == DayNumber(year: 1997, month: 9, day: 30))
        #expect(DayNumber(iso: "2024-02-29") == DayNumber(year: 2024, month: 2, day: 29))
        #expect(DayNumber(iso: "2023-02-29") == nil)
        #expect(DayNumber(yyyymmdd: "19971301") == nil)
        #expect(DayNumber(yyyymmdd: "1997093") == nil)
        #expect(DayNumber(year: 2000, month: 2, day: 29).description == "2000-02-29")
        let d = DayNumber(year: 1969, month: 12, day: 31)
        #expect(d.value == -1 && d.civil == (1969, 12, 31))
        let instant = Date(timeIntervalSince1970: 86_400 * 10 + 23 * 3600)  // day 10, 23:00 UTC
        #expect(DayNumber(instant, in: TimeZone(identifier: "UTC")!).value == 10)
        #expect(DayNumber(instant, in: TimeZone(secondsFromGMT: 2 * 3600)!).value == 11)
    }

    @Test("Bad input gets a clear error code")
    func errors() {
        func code(_ body: () throws -> Void) -> AnalyticsError.Code? {
            do {
                try body()
                return nil
            } catch let error as AnalyticsError {
                return error.code
            } catch {
                return nil
            }
        }
        let end = DayNumber(Self.jan1.value + 28)
        #expect(code { _ = try CustomerSummaries.make(from: [], calibrationEnd: end, timeUnit: .days) } == .emptyInput)
        #expect(code { _ = try CustomerSummaries.make(from: [Self.tx("a", 0, -1)], calibrationEnd: end, timeUnit: .days) } == .negativeAmount)
        #expect(code { _ = try CustomerSummaries.make(from: [Self.tx("a", 0, .nan)], calibrationEnd: end, timeUnit: .days) } == .nonFiniteAmount)
        #expect(code { _ = try CustomerSummaries.make(from: [Self.tx("", 0, 1)], calibrationEnd: end, timeUnit: .days) } == .emptyCustomerID)
        #expect(
            code { _ = try CustomerSummaries.make(from: [Self.tx("a", 30, 1)], calibrationEnd: end, timeUnit: .days) }
                == .calibrationEndBeforeAllPurchases)
        #expect(
            code { _ = try CustomerSummaries.make(from: [Self.tx("a", 0, 1), Self.tx("b", 30, 1)], calibrationEnd: end, timeUnit: .days) }
                == .firstPurchaseAfterCalibrationEnd)
        #expect(
            code {
                _ = try CustomerSummaries.make(
                    from: [Self.tx("a", 0, 1)], calibrationEnd: end, timeUnit: .days, holdoutEnd: DayNumber(end.value - 1))
            } == .holdoutEndBeforeCalibrationEnd)
        #expect(code { _ = try PurchaseHistory(frequency: -1, recency: 0, age: 1).validated() } == .invalidHistory)
        #expect(code { _ = try PurchaseHistory(frequency: 1, recency: .nan, age: 1).validated() } == .invalidHistory)
        // Late customers can be skipped on request.
        let kept = try? CustomerSummaries.make(
            from: [Self.tx("a", 0, 1), Self.tx("b", 30, 1)], calibrationEnd: end, timeUnit: .days, skipCustomersStartingAfterEnd: true)
        #expect(kept?.map(\.customerID) == ["a"])
    }
}

@Suite("Special functions")
struct SpecialFunctionTests {
    @Test("Digamma against known values")
    func digamma() {
        #expect(abs(SpecialFunctions.digamma(1) - -0.577_215_664_901_532_9) < 1e-14)
        #expect(abs(SpecialFunctions.digamma(0.5) - (-0.577_215_664_901_532_9 - 2 * log(2.0))) < 1e-14)
        #expect(abs(SpecialFunctions.digamma(100) - 4.600_161_852_738_087) < 1e-14)
    }

    @Test("Gauss 2F1 against closed forms")
    func hypergeometric() throws {
        for z in [0.0, 0.1, 0.5, 0.9, 0.999] {
            // ₂F₁(1, 1; 2; z) = −log(1−z)/z
            let expected = z == 0 ? 1 : -log1p(-z) / z
            let direct = try #require(SpecialFunctions.hypergeometric2F1(a: 1, b: 1, c: 2, z: z))
            #expect(abs(direct - expected) < 1e-13 * expected)
            let shifted = try #require(SpecialFunctions.log2F1ShiftedC(a: 1, b: 1, z: z))
            #expect(abs(exp(shifted) - expected) < 1e-13 * expected)
            // ₂F₁(a, b; b; z) = (1−z)^{−a}
            let power = try #require(SpecialFunctions.hypergeometric2F1(a: 2.5, b: 1.5, c: 1.5, z: z))
            #expect(abs(power - pow(1 - z, -2.5)) < 1e-12 * power)
        }
        // ₂F₁(a, b; a+1; z) with a large second parameter does not overflow.
        let big = try #require(SpecialFunctions.log2F1ShiftedC(a: 600, b: 590, z: 0.9))
        #expect(big.isFinite && big > 0)
    }
}
