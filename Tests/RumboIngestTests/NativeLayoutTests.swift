import Foundation
import RumboCore
import Testing

@testable import RumboIngest

/// Every kind's native file reads back into the values it was written from.
@Suite struct NativeLayoutTests {
    /// A valid value of each field: the text "x", a choice's first word, a range's lower bound,
    /// one instant for every timestamp (so no duration is negative), yes for booleans.
    static func sample(_ field: FieldSpec, kind: DataKind) -> (text: String, value: FieldValue?) {
        if kind == .appointments, field.name == "cancelled_at" { return ("", nil) }  // only for cancelled ones
        switch field.type {
        case .text: return ("x \(field.name)", .text("x \(field.name)"))
        case .choice(let words): return (words[0].uppercased(), .text(words[0]))
        case .integer(let range):
            let value = kind == .surveys ? 7 : max(range.lowerBound, 1)
            return (String(value), .integer(value))
        case .decimal(let range): return ("\(Int(range.lowerBound) + 12),5", .decimal(range.lowerBound + 12.5))
        case .timestamp: return ("2026-03-01T09:30:00Z", .timestamp(1_772_357_400_000))
        case .boolean: return ("yes", .boolean(true))
        }
    }

    @Test(arguments: DataKind.allCases)
    func readsTheNativeLayout(kind: DataKind) throws {
        let layout = kind.layout
        let samples = layout.fields.map { Self.sample($0, kind: kind) }
        let csv = header(kind) + "\n" + (["R1"] + samples.map(\.text)).map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\n"
        let result = try read(kind, csv)
        #expect(result.rows == [DataRow(externalID: "R1", values: samples.map(\.value))])
        #expect(result.report.rowsRead == 1)
        #expect(result.report.rowsAccepted == 1)
        #expect(result.report.columns == layout.header)
        #expect(result.report.format == .csv)
        #expect(result.report.delimiter == .comma)
    }

    @Test(arguments: DataKind.allCases)
    func readsOnlyTheRequiredColumns(kind: DataKind) throws {
        let layout = kind.layout
        // A survey row also needs sent_at or answered_at (a cross-field rule).
        let kept = layout.fields.filter { $0.required || (kind == .surveys && $0.name == "sent_at") }
        let samples = kept.map { Self.sample($0, kind: kind) }
        // Columns in reverse order: the header decides where each field is.
        let csv = (["id"] + kept.map(\.name)).reversed().joined(separator: ";") + "\n"
            + (["R1"] + samples.map(\.text)).reversed().joined(separator: ";") + "\n"
        let result = try read(kind, csv)
        var expected = [FieldValue?](repeating: nil, count: layout.fields.count)
        for (field, sample) in zip(kept, samples) { expected[layout.index(of: field.name)!] = sample.value }
        #expect(result.rows == [DataRow(externalID: "R1", values: expected)])
        #expect(result.report.columns == ["id"] + kept.map(\.name))
    }

    @Test func headerOnlyIsAnImportOfNoRows() throws {
        let result = try Ingest.readAll(kind: .tickets, from: .file(fixture("tickets-header-only.csv")), options: options())
        #expect(result.rows.isEmpty)
        #expect(result.report.rowsRead == 0)
        #expect(result.report.source == "tickets-header-only.csv")
    }

    @Test func ticketsWithEveryValueShape() throws {
        let csv = """
            id,customer_id,channel,priority,created_at,first_response_at,resolved_at,agent_replies,reopened,escalated,sla_first_response_min,team
            T1, C1 ,email,high,2026-03-01T09:30:00Z,2026-03-01T09:45:30.250Z,2026-03-02T10:00:00+01:00,3,true,0,60,soporte
            T2,,,,2026-03-01 10:00,,,,,,,
            """
        let result = try read(.tickets, csv)
        #expect(result.rows.count == 2)
        let t1 = result.rows[0]
        #expect(t1("customer_id", in: .tickets) == .text("C1"))
        #expect(t1("created_at", in: .tickets) == .timestamp(millis(2026, 3, 1, 9, 30)))
        #expect(t1("first_response_at", in: .tickets) == .timestamp(millis(2026, 3, 1, 9, 45, 30) + 250))
        #expect(t1("resolved_at", in: .tickets) == .timestamp(millis(2026, 3, 2, 9)))
        #expect(t1("agent_replies", in: .tickets) == .integer(3))
        #expect(t1("reopened", in: .tickets) == .boolean(true))
        #expect(t1("escalated", in: .tickets) == .boolean(false))
        #expect(t1("sla_first_response_min", in: .tickets) == .decimal(60))
        #expect(t1("team", in: .tickets) == .text("soporte"))
        #expect(result.rows[1] == DataRow(externalID: "T2", values: [nil, nil, nil, .timestamp(millis(2026, 3, 1, 10)), nil, nil, nil, nil, nil, nil, nil]))
    }
}
