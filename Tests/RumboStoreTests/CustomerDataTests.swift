import Foundation
import RumboCore
import RumboStore
import RumboTestSupport
import Testing

@Suite struct CustomerDataTests {
    static func tickets(_ count: Int, start: Int64 = 1_767_225_600_000) -> [DataRow] {
        (0..<count).map { i in
            let created = start + Int64(i) * 3_600_000
            return DataRow(
                externalID: "T\(i)",
                values: [
                    .text("C\(i % 7)"), .text(i % 2 == 0 ? "email" : "chat"), .text("normal"), .timestamp(created),
                    i % 5 == 0 ? nil : .timestamp(created + Int64(i % 90) * 60_000), nil, .integer(Int64(i % 3)), .boolean(false),
                    .boolean(i % 11 == 0), .decimal(60), .text("Soporte 'N1'\t\\ \"x\"\nok"),
                ])
        }
    }

    @Test(arguments: TestDatabases.engines)
    func importIsAnUpsertAndAllOrNothing(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { store in
            let fixture = try await Fixture.make(in: store)
            let org = fixture.organization
            let rows = Self.tickets(5_000)
            let first = try await store.importRows(.tickets, source: "helpdesk", into: org, fileName: "t.csv") { write in
                for start in stride(from: 0, to: rows.count, by: 1_000) { try await write(Array(rows[start..<start + 1_000])) }
            }
            #expect(first.outcome == ImportOutcome(rowsWritten: 5_000, newRows: 5_000))
            #expect(try await store.customerRows(.tickets, in: org.id).count == 5_000)
            let stored = try await store.customerRows(.tickets, in: org.id)
            let expected = rows.sorted { $0.externalID < $1.externalID }
            #expect(stored == expected)

            // The same file again changes nothing.
            let again = try await store.importRows(.tickets, source: "helpdesk", into: org, fileName: "t.csv") { write in try await write(rows) }
            #expect(again.outcome == ImportOutcome(rowsWritten: 5_000, newRows: 0))
            #expect(try await store.customerRows(.tickets, in: org.id) == expected)

            // A failure while reading keeps nothing of that import.
            struct Broken: Error {}
            await #expect(throws: Broken.self) {
                _ = try await store.importRows(.tickets, source: "other", into: org, fileName: "bad.csv") { write in
                    try await write(Self.tickets(2_000, start: 0))
                    throw Broken()
                }
            }
            #expect(try await store.customerDataCounts(in: org.id)[.tickets] == 5_000)

            // Another organization sees none of it.
            let other = try await Fixture.make(in: store, slug: "other")
            #expect(try await store.customerRows(.tickets, in: other.organization.id).isEmpty)
        }
    }
}
