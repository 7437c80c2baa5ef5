import Foundation
import RumboCore
import Testing

@testable import RumboIngest

/// Field parsing: timestamps, numbers, booleans, choices, text.
@Suite struct ValueTests {
    /// The value of `created_at` read from one tickets row.
    func created(_ text: String, _ options: ImportOptions? = nil) throws -> Int64? {
        try read(.tickets, "id;created_at\nT1;\(text)\n", options).rows[0]("created_at", in: .tickets)?.epochMilliseconds
    }

    @Test func iso8601Shapes() throws {
        let nine30 = millis(2026, 3, 1, 9, 30)
        #expect(try created("2026-03-01T09:30:00Z") == nine30)
        #expect(try created("2026-03-01t09:30z") == nine30)
        #expect(try created("2026-03-01 09:30") == nine30)
        #expect(try created("2026-03-01T09:30:00.5Z") == nine30 + 500)
        #expect(try created("2026-03-01T09:30:00,123456Z") == nine30 + 123)
        #expect(try created("2026-03-01T10:30:00+01:00") == nine30)
        #expect(try created("2026-03-01T10:30:00+0100") == nine30)
        #expect(try created("2026-03-01T10:30+01") == nine30)
        #expect(try created("2026-03-01T04:00:00-05:30") == nine30)
        #expect(try created("2026-03-01 09:30:00 Z") == nine30)
        #expect(try created("2026-03-01") == millis(2026, 3, 1))
        #expect(try created("1969-12-31T23:59:59Z") == -1000)
        #expect(try created("2024-02-29") == millis(2024, 2, 29))
    }

    @Test func localTimesInTheImportsZone() throws {
        let inMadrid = try options(madrid)
        #expect(try created("2026-03-01", inMadrid) == millis(2026, 3, 1, in: madrid))
        #expect(try created("2026-07-01 00:00", inMadrid) == 1_782_856_800_000)
        #expect(try created("2026-07-01T00:00:00Z", inMadrid) == millis(2026, 7, 1))
        let mexico = TimeZone(identifier: "America/Mexico_City")!
        #expect(try created("2026-03-01", try options(mexico)) == 1_772_344_800_000)
        // Around the changes of 2026: 29 March (02:00 → 03:00) and 25 October (03:00 → 02:00).
        for hour in 0..<24 {
            for day in [28, 29, 30] {
                let text = String(format: "2026-03-%02d %02d:15", day, hour)
                #expect(try created(text, inMadrid) == millis(2026, 3, day, hour, 15, in: madrid) || (day == 29 && hour == 2), "\(text)")
            }
            for day in [24, 26] {
                let text = String(format: "2026-10-%02d %02d:45", day, hour)
                #expect(try created(text, inMadrid) == millis(2026, 10, day, hour, 45, in: madrid), "\(text)")
            }
        }
        // A time that never happens lands after the change; one that happens twice is the first.
        #expect(try created("2026-03-29 02:30", inMadrid) == 1_774_747_800_000)
        #expect(try created("2026-03-29 03:30", inMadrid) == 1_774_747_800_000)
        #expect(try created("2026-10-25 02:30", inMadrid) == 1_792_888_200_000)
        #expect(try created("2026-10-25 03:30", inMadrid) == 1_792_888_200_000 + 2 * 3_600_000)
    }

    @Test func dateFormats() throws {
        func at(_ text: String, _ format: String) throws -> Int64? { try created(text, try options(dateFormat: format)) }
        let nine30 = millis(2026, 3, 1, 9, 30)
        #expect(try at("01/03/2026", "dd/MM/yyyy") == millis(2026, 3, 1))
        #expect(try at("1/3/2026", "dd/MM/yyyy") == millis(2026, 3, 1))
        #expect(try at("01/03/2026 09:30", "dd/MM/yyyy HH:mm") == nine30)
        #expect(try at("01/03/2026 9:30:00", "dd/MM/yyyy HH:mm:ss") == nine30)
        #expect(try at("03/01/2026 09:30", "MM/dd/yyyy HH:mm") == nine30)
        #expect(try at("2026-03-01 09:30", "yyyy-MM-dd HH:mm") == nine30)
        #expect(try at("20260301T093000", "yyyyMMdd'T'HHmmss") == nine30)
        #expect(try at("01.03.2026 09:30:00.250", "dd.MM.yyyy HH:mm:ss.SSS") == nine30 + 250)
        #expect(try DateFormat("dd/MM/yyyy HH:mm").example == "01/03/2026 09:30")
    }

    @Test func numbers() throws {
        func amount(_ text: String) throws -> FieldValue? {
            try read(.orders, "id;customer_id;placed_at;amount\nO1;C1;2026-03-01;\(text)\n").rows[0]("amount", in: .orders)
        }
        #expect(try amount("12,50") == .decimal(12.5))
        #expect(try amount("12.50") == .decimal(12.5))
        #expect(try amount(" 0,1 ") == .decimal(0.1))
        #expect(try amount("1234567.891") == .decimal(1_234_567.891))
        #expect(try amount("0.30000000000000004") == .decimal(0.30000000000000004))
        #expect(try amount("1e3") == .decimal(1000))
        #expect(try amount("+7") == .decimal(7))
        #expect(try amount(".5") == .decimal(0.5))
        let negative = try expectFailure(.orders, "id,customer_id,placed_at,amount\nO1,C1,2026-03-01,-3\n")
        #expect(negative.issues[0].reasonEN == "out of range: must be between 0 and 1000000000000")
    }

    @Test func booleans() throws {
        func reopened(_ text: String) throws -> FieldValue? {
            try read(.tickets, "id,created_at,reopened\nT1,2026-03-01,\(text)\n").rows[0]("reopened", in: .tickets)
        }
        for yes in ["true", "TRUE", "yes", "Yes", "sí", "SÍ", "si", "1", "t", "T", "verdadero"] { #expect(try reopened(yes) == .boolean(true), "\(yes)") }
        for no in ["false", "False", "no", "NO", "0", "f", "F", "falso"] { #expect(try reopened(no) == .boolean(false), "\(no)") }
        for bad in ["maybe", "2", "y", "sì", "tru"] {
            #expect(try expectFailure(.tickets, "id,created_at,reopened\nT1,2026-03-01,\(bad)\n").code == .invalidBoolean, "\(bad)")
        }
    }

    @Test func choicesAndText() throws {
        let result = try read(.events, "id,kind,occurred_at,outcome,name\nE1,Feature_Use,2026-03-01,ÉXITO,  Informe  mensual \nE2,contact,2026-03-01,,\n", try options(skipInvalid: true))
        #expect(result.rows.map(\.externalID) == ["E2"])
        #expect(result.report.rejected[0].issues.map(\.description) == [#"test.csv:2: column outcome (4): "ÉXITO": not one of: success, failure, escalated"#])
        let accepted = try read(.events, "id,kind,occurred_at,outcome,name\nE1,Feature_Use,2026-03-01,SUCCESS,  Informe  mensual \n")
        #expect(accepted.rows[0]("kind", in: .events) == .text("feature_use"))
        #expect(accepted.rows[0]("outcome", in: .events) == .text("success"))
        #expect(accepted.rows[0]("name", in: .events) == .text("Informe  mensual"))
    }

    @Test func repeatedTextValuesComeBackIntact() throws {
        // The text cache must never hand back another value's string.
        var csv = "id,name,segment\n"
        var expected: [(String, String)] = []
        for k in 0..<3000 {
            let name = k % 3 == 0 ? "Ana" : "n\(k % 257)é"
            let segment = ["vip", "new", "at-risk", "a-very-long-segment-name-\(k % 5)"][k % 4]
            csv += "C\(k),\(name),\(segment)\n"
            expected.append((name, segment))
        }
        let rows = try read(.customers, csv).rows
        #expect(rows.map { $0("name", in: .customers)?.text ?? "" } == expected.map(\.0))
        #expect(rows.map { $0("segment", in: .customers)?.text ?? "" } == expected.map(\.1))
    }
}
