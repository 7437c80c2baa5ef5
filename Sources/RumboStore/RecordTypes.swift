import Foundation
import RumboCore
import SQLKit

extension Team: StoredRecord {
    public static let table = "teams"
    public static let idPrefix = "team"
    public static let noun = "team"
    public static let columns = ["name", "parent_id"]
    public static var order: [String] { ["name", "id"] }
    public var columnValues: [any Encodable & Sendable] { [name, parentID] }

    public init(row: any SQLRow) throws {
        self.init(id: try row.text("id"), name: try row.text("name"), parentID: try row.optionalText("parent_id"), version: try row.integer("version"))
    }

    public func validateRecord() throws { try validate() }

    public mutating func resolveReferences(org: String, db: any SQLDatabase) async throws {
        try await requireExists(parentID, table: "teams", noun: "team", field: "parentID", org: org, db: db)
        // Walk up from the new parent: reaching this team again would make a cycle.
        var next = parentID
        var seen: Set<String> = []
        while let current = next, seen.insert(current).inserted {
            if current == id {
                throw RumboError.invalid(
                    "parentID", en: "A team cannot be nested under one of its own sub-teams.",
                    es: "Un equipo no puede colgar de uno de sus propios subequipos.")
            }
            next = try await db.select().column("parent_id").from("teams").where("org_id", .equal, org)
                .where("id", .equal, current).first()?.optionalText("parent_id")
        }
    }
}

extension Person: StoredRecord {
    public static let table = "people"
    public static let idPrefix = "person"
    public static let noun = "person"
    public static let columns = ["name", "email", "team_id"]
    public static var order: [String] { ["name", "id"] }
    public var columnValues: [any Encodable & Sendable] { [name, email, teamID] }

    public init(row: any SQLRow) throws {
        self.init(
            id: try row.text("id"), name: try row.text("name"), email: try row.optionalText("email"),
            teamID: try row.optionalText("team_id"), version: try row.integer("version"))
    }

    public func validateRecord() throws { try validate() }

    public mutating func resolveReferences(org: String, db: any SQLDatabase) async throws {
        try await requireExists(teamID, table: "teams", noun: "team", field: "teamID", org: org, db: db)
    }
}

extension Cycle: StoredRecord {
    public static let table = "cycles"
    public static let idPrefix = "cycle"
    public static let noun = "cycle"
    public static let columns = ["name", "start_day", "end_day", "status"]
    public static var order: [String] { ["start_day", "id"] }
    public var columnValues: [any Encodable & Sendable] { [name, start.description, end.description, status.rawValue] }

    public init(row: any SQLRow) throws {
        self.init(
            id: try row.text("id"), name: try row.text("name"), start: try row.day("start_day"), end: try row.day("end_day"),
            status: try row.enumValue("status", as: Status.self), version: try row.integer("version"))
    }

    public func validateRecord() throws { try validate() }
}

extension Objective: StoredRecord {
    public static let table = "objectives"
    public static let idPrefix = "obj"
    public static let noun = "objective"
    public static let columns = ["cycle_id", "team_id", "title", "description", "owner_id", "weight"]
    public var columnValues: [any Encodable & Sendable] { [cycleID, teamID, title, description, ownerID, weight] }

    public init(row: any SQLRow) throws {
        self.init(
            id: try row.text("id"), cycleID: try row.text("cycle_id"), teamID: try row.text("team_id"),
            title: try row.text("title"), description: try row.text("description"), ownerID: try row.optionalText("owner_id"),
            weight: try row.number("weight"), version: try row.integer("version"))
    }

    public func validateRecord() throws { try validate() }

    public mutating func resolveReferences(org: String, db: any SQLDatabase) async throws {
        try await requireExists(cycleID, table: "cycles", noun: "cycle", field: "cycleID", org: org, db: db)
        try await requireExists(teamID, table: "teams", noun: "team", field: "teamID", org: org, db: db)
        try await requireExists(ownerID, table: "people", noun: "person", field: "ownerID", org: org, db: db)
        for alignment in alignments {
            let (table, noun) = alignment.kind == .objective ? ("objectives", "objective") : ("key_results", "key result")
            try await requireExists(alignment.id, table: table, noun: noun, field: "alignments", org: org, db: db)
        }
    }

    public func saveLinks(org: String, db: any SQLDatabase) async throws {
        try await db.delete(from: "objective_alignments").where("org_id", .equal, org).where("objective_id", .equal, id).run()
        guard !alignments.isEmpty else { return }
        var insert = db.insert(into: "objective_alignments").columns("org_id", "objective_id", "target_kind", "target_id", "position")
        for (position, alignment) in Set(alignments).sorted(by: { $0.id < $1.id }).enumerated() {
            insert = insert.values([org, id, alignment.kind.rawValue, alignment.id, position])
        }
        try await insert.run()
    }

    public static func loadLinks(_ records: inout [Objective], org: String, db: any SQLDatabase) async throws {
        guard !records.isEmpty else { return }
        let rows = try await db.select().columns("objective_id", "target_kind", "target_id").from("objective_alignments")
            .where("org_id", .equal, org).where("objective_id", .in, records.map(\.id)).orderBy("position").all()
        var byObjective: [String: [Alignment]] = [:]
        for row in rows {
            byObjective[try row.text("objective_id"), default: []].append(
                Alignment(kind: try row.enumValue("target_kind", as: Alignment.Kind.self), id: try row.text("target_id")))
        }
        for index in records.indices { records[index].alignments = byObjective[records[index].id] ?? [] }
    }
}

extension KeyResult: StoredRecord {
    public static let table = "key_results"
    public static let idPrefix = "kr"
    public static let noun = "key result"
    public static let columns = [
        "objective_id", "title", "kind", "unit", "baseline", "target", "commit_level", "stretch_level", "start_day", "due_day",
        "weight", "owner_id",
    ]
    public var columnValues: [any Encodable & Sendable] {
        [objectiveID, title, kind.rawValue, unit, baseline, target, commit, stretch, start.description, due.description, weight, ownerID]
    }

    public init(row: any SQLRow) throws {
        self.init(
            id: try row.text("id"), objectiveID: try row.text("objective_id"), title: try row.text("title"),
            kind: try row.enumValue("kind", as: Kind.self), unit: try row.text("unit"), baseline: try row.optionalNumber("baseline"),
            target: try row.number("target"), commit: try row.optionalNumber("commit_level"),
            stretch: try row.optionalNumber("stretch_level"), start: try row.day("start_day"), due: try row.day("due_day"),
            weight: try row.number("weight"), ownerID: try row.optionalText("owner_id"), version: try row.integer("version"))
    }

    public func validateRecord() throws { try validate() }

    /// Start and due default to the objective's cycle.
    public mutating func resolveReferences(org: String, db: any SQLDatabase) async throws {
        try await requireExists(objectiveID, table: "objectives", noun: "objective", field: "objectiveID", org: org, db: db)
        try await requireExists(ownerID, table: "people", noun: "person", field: "ownerID", org: org, db: db)
        if start == KeyResult.unsetDate || due == KeyResult.unsetDate {
            let objective = try await Store.fetch(Objective.self, id: objectiveID, org: org, db: db)
            let cycle = try await Store.fetch(Cycle.self, id: objective.cycleID, org: org, db: db)
            if start == KeyResult.unsetDate { start = cycle.start }
            if due == KeyResult.unsetDate { due = cycle.end }
        }
    }
}

extension Initiative: StoredRecord {
    public static let table = "initiatives"
    public static let idPrefix = "init"
    public static let noun = "initiative"
    public static let columns = ["title", "description", "status", "start_day", "end_day", "owner_id"]
    public var columnValues: [any Encodable & Sendable] { [title, description, status.rawValue, start?.description, end?.description, ownerID] }

    public init(row: any SQLRow) throws {
        self.init(
            id: try row.text("id"), title: try row.text("title"), description: try row.text("description"),
            status: try row.enumValue("status", as: Status.self), start: try row.optionalDay("start_day"), end: try row.optionalDay("end_day"),
            ownerID: try row.optionalText("owner_id"), version: try row.integer("version"))
    }

    public func validateRecord() throws { try validate() }

    public mutating func resolveReferences(org: String, db: any SQLDatabase) async throws {
        try await requireExists(ownerID, table: "people", noun: "person", field: "ownerID", org: org, db: db)
        for team in teamIDs { try await requireExists(team, table: "teams", noun: "team", field: "teamIDs", org: org, db: db) }
        for kr in keyResultIDs { try await requireExists(kr, table: "key_results", noun: "key result", field: "keyResultIDs", org: org, db: db) }
    }

    public func saveLinks(org: String, db: any SQLDatabase) async throws {
        for (table, column, ids) in [("initiative_teams", "team_id", teamIDs), ("initiative_key_results", "key_result_id", keyResultIDs)] {
            try await db.delete(from: table).where("org_id", .equal, org).where("initiative_id", .equal, id).run()
            var unique: [String] = []
            for linked in ids where !unique.contains(linked) { unique.append(linked) }
            guard !unique.isEmpty else { continue }
            var insert = db.insert(into: table).columns("org_id", "initiative_id", column, "position")
            for (position, linked) in unique.enumerated() { insert = insert.values([org, id, linked, position]) }
            try await insert.run()
        }
    }

    public static func loadLinks(_ records: inout [Initiative], org: String, db: any SQLDatabase) async throws {
        guard !records.isEmpty else { return }
        for (table, column) in [("initiative_teams", "team_id"), ("initiative_key_results", "key_result_id")] {
            let rows = try await db.select().columns("initiative_id", column).from(table)
                .where("org_id", .equal, org).where("initiative_id", .in, records.map(\.id)).orderBy("position").all()
            var links: [String: [String]] = [:]
            for row in rows { links[try row.text("initiative_id"), default: []].append(try row.text(column)) }
            for index in records.indices {
                let found = links[records[index].id] ?? []
                if column == "team_id" { records[index].teamIDs = found } else { records[index].keyResultIDs = found }
            }
        }
    }
}
