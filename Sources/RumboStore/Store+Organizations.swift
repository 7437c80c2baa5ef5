import Foundation
import RumboCore
import SQLKit

extension Store {
    public func createOrganization(_ organization: Organization) async throws -> Organization {
        var organization = organization
        if organization.id.isEmpty { organization.id = Identifier.make("org") }
        try organization.validate()
        let new = organization
        return try await transaction { db in
            try await Self.insertOrganization(new, db: db)
            return new
        }
    }

    static func insertOrganization(_ organization: Organization, db: any SQLDatabase) async throws {
        let taken = try await db.select().column("org_id").from("organizations")
            .where("slug", .equal, organization.slug).orWhere("org_id", .equal, organization.id).first()
        if taken != nil {
            throw RumboError(
                .conflict, field: "slug", en: "An organization '\(organization.slug)' already exists.",
                es: "Ya existe una organización '\(organization.slug)'.")
        }
        try await db.insert(into: "organizations").columns("org_id", "slug", "name", "language", "time_zone")
            .values(organization.id, organization.slug, organization.name, organization.language.rawValue, organization.timeZone)
            .run()
    }

    public func organizations() async throws -> [Organization] {
        try await read { db in
            try await db.select().column("*").from("organizations").orderBy("name").all().map(Self.organization(row:))
        }
    }

    /// The organization with this slug (or id), or `RumboError.notFound`.
    public func organization(_ slugOrID: String) async throws -> Organization {
        guard !slugOrID.contains("\u{0}") else { throw RumboError.notFound("organization", id: "") }
        return try await read { db in
            // The slug wins: a client-chosen id can never shadow another organization's slug.
            var row = try await db.select().column("*").from("organizations").where("slug", .equal, slugOrID).first()
            if row == nil {
                row = try await db.select().column("*").from("organizations").where("org_id", .equal, slugOrID).first()
            }
            guard let row else { throw RumboError.notFound("organization", id: slugOrID) }
            return try Self.organization(row: row)
        }
    }

    static func organization(row: any SQLRow) throws -> Organization {
        Organization(
            id: try row.text("org_id"), slug: try row.text("slug"), name: try row.text("name"),
            language: try row.enumValue("language", as: Language.self), timeZone: try row.text("time_zone"))
    }
}
