import Foundation
import RumboCore
import SQLKit

extension Store {
    static let checkInColumns = [
        "org_id", "id", "key_result_id", "value", "confidence", "note", "blockers", "author_id", "source", "recorded_at", "local_day", "provenance",
    ]

    /// Appends a check-in to a key result's history (history is never overwritten). The key
    /// result must exist in the organization and its cycle must not be closed.
    public func recordCheckIn(_ checkIn: CheckIn, in organization: Organization, by actor: String = "system", now: Date = Date()) async throws -> CheckIn {
        var checkIn = checkIn
        checkIn.id = Identifier.make("ci")
        checkIn.recordedAt = now
        checkIn.day = LocalDate(now, in: organization.zone)
        let new = checkIn
        return try await transaction { db in
            let keyResult = try await Self.fetch(KeyResult.self, id: new.keyResultID, org: organization.id, db: db)
            let objective = try await Self.fetch(Objective.self, id: keyResult.objectiveID, org: organization.id, db: db)
            let cycle = try await Self.fetch(Cycle.self, id: objective.cycleID, org: organization.id, db: db)
            try new.validate(for: keyResult, in: cycle)
            try await requireExists(new.authorID, table: "people", noun: "person", field: "authorID", org: organization.id, db: db)
            try await Self.insertCheckIns([new], org: organization.id, db: db)
            try await Self.audit(org: organization.id, actor: actor, action: "ci.create", entity: "key result", id: new.keyResultID, db: db)
            return new
        }
    }

    /// The check-ins of these key results, oldest first.
    public func checkIns(keyResultIDs: [String], in org: String) async throws -> [CheckIn] {
        try await read { db in try await Self.checkIns(keyResultIDs: keyResultIDs, org: org, db: db) }
    }

    public func checkIn(id: String, in org: String) async throws -> CheckIn {
        guard !id.contains("\u{0}") else { throw RumboError.notFound("check-in", id: "") }
        return try await read { db in
            guard
                let row = try await db.select().column("*").from("check_ins").where("org_id", .equal, org)
                    .where("id", .equal, id).first()
            else { throw RumboError.notFound("check-in", id: id) }
            return try Self.checkIn(row: row)
        }
    }

    static func checkIns(keyResultIDs: [String], org: String, db: any SQLDatabase) async throws -> [CheckIn] {
        guard !keyResultIDs.isEmpty, !keyResultIDs.contains(where: { $0.contains("\u{0}") }) else { return [] }
        return try await db.select().column("*").from("check_ins").where("org_id", .equal, org)
            .where("key_result_id", .in, keyResultIDs).orderBy("recorded_at").orderBy("id").all().map(checkIn(row:))
    }

    static func checkIn(row: any SQLRow) throws -> CheckIn {
        let millis = try row.integer("recorded_at")
        return CheckIn(
            id: try row.text("id"), keyResultID: try row.text("key_result_id"), value: try row.number("value"),
            confidence: try row.optionalInteger("confidence"), note: try row.text("note"), blockers: try row.text("blockers"),
            authorID: try row.optionalText("author_id"), source: try row.enumValue("source", as: CheckIn.Source.self),
            recordedAt: Date(timeIntervalSince1970: Double(millis) / 1000), day: try row.day("local_day"),
            provenance: try row.optionalText("provenance").flatMap { try? JSONDecoder().decode(CheckIn.Provenance.self, from: Data($0.utf8)) })
    }

    /// Multi-row INSERT in batches, as for every bulk path.
    static func insertCheckIns(_ checkIns: [CheckIn], org: String, db: any SQLDatabase) async throws {
        let batchSize = 8000 / checkInColumns.count
        for start in stride(from: 0, to: checkIns.count, by: batchSize) {
            var insert = db.insert(into: "check_ins").columns(checkInColumns)
            for c in checkIns[start..<min(start + batchSize, checkIns.count)] {
                let millis = Int((c.recordedAt.timeIntervalSince1970 * 1000).rounded())
                insert = insert.values([
                    org, c.id, c.keyResultID, c.value, c.confidence, c.note, c.blockers, c.authorID, c.source.rawValue, millis,
                    c.day.description, c.provenance.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) },
                ])
            }
            try await insert.run()
        }
    }
}
