import Foundation
import RumboCore
import SQLKit

/// A person who signs in. Passwords arrive here already hashed (bcrypt, in the server layer).
public struct User: Sendable, Hashable, Codable {
    public var id: String
    public var email: String
    public var name: String
    public var passwordHash: String

    public init(id: String, email: String, name: String, passwordHash: String) {
        self.id = id
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
    }
}

/// A user's role in one organization; editors edit the given teams, members check in as `personID`.
public struct Membership: Sendable, Hashable, Codable {
    public var organizationID: String
    public var userID: String
    public var role: Role
    public var teamIDs: [String]
    public var personID: String?

    public init(organizationID: String, userID: String, role: Role, teamIDs: [String] = [], personID: String? = nil) {
        self.organizationID = organizationID
        self.userID = userID
        self.role = role
        self.teamIDs = teamIDs
        self.personID = personID
    }
}

/// A signed-in browser: the cookie holds a random secret, the database only its hash.
public struct Session: Sendable, Hashable {
    public var userID: String
    public var csrfToken: String
    public var expiresAt: Date
}

/// An API token's record; the secret itself is shown once and stored only as a hash.
public struct APIToken: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var scope: TokenScope
    public var createdBy: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
}

/// One line of the audit log: who changed what, when.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var at: Date
    public var actor: String
    public var action: String
    public var entity: String
    public var entityID: String
}

/// An invitation to join an organization with a role; its link carries a secret stored as a hash.
public struct Invitation: Sendable, Hashable {
    public var id: String
    public var organizationID: String
    public var email: String
    public var role: Role
    public var teamIDs: [String]
    public var expiresAt: Date
    public var acceptedAt: Date?
}

func millis(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }
func date(millis: Int) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

extension Store {
    // MARK: Users

    public func createUser(email: String, name: String, passwordHash: String, now: Date = Date()) async throws -> User {
        let user = User(id: Identifier.make("user"), email: Self.normalized(email), name: name, passwordHash: passwordHash)
        guard user.email.contains("@"), !user.email.contains("\u{0}"), !name.contains("\u{0}") else {
            throw RumboError.invalid("email", en: "'\(email)' is not an email address.", es: "'\(email)' no es una dirección de correo.")
        }
        return try await transaction { db in
            if try await db.select().column("user_id").from("users").where("email", .equal, user.email).first() != nil {
                throw RumboError(.conflict, field: "email", en: "There is already an account for \(user.email).", es: "Ya existe una cuenta para \(user.email).")
            }
            try await db.insert(into: "users").columns("user_id", "email", "name", "password_hash", "created_at")
                .values(user.id, user.email, user.name, user.passwordHash, millis(now)).run()
            return user
        }
    }

    public func user(email: String) async throws -> User? {
        try await read { db in
            try await db.select().column("*").from("users").where("email", .equal, Self.normalized(email)).first().map(Self.user(row:))
        }
    }

    public func user(id: String) async throws -> User? {
        try await read { db in try await db.select().column("*").from("users").where("user_id", .equal, id).first().map(Self.user(row:)) }
    }

    public func setPasswordHash(_ hash: String, userID: String) async throws {
        try await read { db in try await db.update("users").set("password_hash", to: hash).where("user_id", .equal, userID).run() }
    }

    static func user(row: any SQLRow) throws -> User {
        User(id: try row.text("user_id"), email: try row.text("email"), name: try row.text("name"), passwordHash: try row.text("password_hash"))
    }

    static func normalized(_ email: String) -> String { email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }

    // MARK: Memberships

    /// Adds the user to the organization, or changes their role there.
    public func setMembership(_ membership: Membership, by actor: String) async throws {
        try await transaction { db in
            let org = membership.organizationID
            try await requireExists(membership.personID, table: "people", noun: "person", field: "personID", org: org, db: db)
            for team in membership.teamIDs {
                try await requireExists(team, table: "teams", noun: "team", field: "teamIDs", org: org, db: db)
            }
            try await db.delete(from: "membership_teams").where("org_id", .equal, org).where("user_id", .equal, membership.userID).run()
            try await db.delete(from: "memberships").where("org_id", .equal, org).where("user_id", .equal, membership.userID).run()
            try await db.insert(into: "memberships").columns("org_id", "user_id", "role", "person_id")
                .values(org, membership.userID, membership.role.rawValue, membership.personID).run()
            for team in Set(membership.teamIDs) {
                try await db.insert(into: "membership_teams").columns("org_id", "user_id", "team_id").values(org, membership.userID, team).run()
            }
            try await Self.audit(org: org, actor: actor, action: "membership.set", entity: "user", id: membership.userID, db: db)
        }
    }

    /// The user's membership in the organization, if any.
    public func membership(userID: String, in org: String) async throws -> Membership? {
        try await read { db in try await Self.memberships(db: db, org: org, userID: userID).first }
    }

    /// Every organization the user belongs to.
    public func memberships(userID: String) async throws -> [Membership] {
        try await read { db in try await Self.memberships(db: db, org: nil, userID: userID) }
    }

    /// The organization's members, with their accounts.
    public func members(in org: String) async throws -> [(user: User, membership: Membership)] {
        try await read { db in
            let memberships = try await Self.memberships(db: db, org: org, userID: nil)
            let users = try await db.select().column("*").from("users").where("user_id", .in, memberships.map(\.userID)).all().map(Self.user(row:))
            let byID = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0) })
            return memberships.compactMap { m in byID[m.userID].map { ($0, m) } }.sorted { $0.user.email < $1.user.email }
        }
    }

    static func memberships(db: any SQLDatabase, org: String?, userID: String?) async throws -> [Membership] {
        var query = db.select().column("*").from("memberships")
        if let org { query = query.where("org_id", .equal, org) }
        if let userID { query = query.where("user_id", .equal, userID) }
        guard org != nil || userID != nil else { return [] }
        var memberships = try await query.orderBy("org_id").all().map { row in
            Membership(
                organizationID: try row.text("org_id"), userID: try row.text("user_id"), role: try row.enumValue("role", as: Role.self),
                personID: try row.optionalText("person_id"))
        }
        for index in memberships.indices {
            memberships[index].teamIDs = try await db.select().column("team_id").from("membership_teams")
                .where("org_id", .equal, memberships[index].organizationID).where("user_id", .equal, memberships[index].userID)
                .orderBy("team_id").all().map { try $0.text("team_id") }
        }
        return memberships
    }

    // MARK: Sessions

    public func createSession(hash: String, userID: String, csrfToken: String, expiresAt: Date, now: Date = Date()) async throws {
        try await read { db in
            try await db.insert(into: "sessions").columns("session_hash", "user_id", "csrf_token", "created_at", "expires_at")
                .values(hash, userID, csrfToken, millis(now), millis(expiresAt)).run()
        }
    }

    /// The live session with this hash; expired ones are deleted and not found.
    public func session(hash: String, now: Date = Date()) async throws -> Session? {
        try await read { db in
            guard let row = try await db.select().column("*").from("sessions").where("session_hash", .equal, hash).first() else { return nil }
            let expires = date(millis: try row.integer("expires_at"))
            guard expires > now else {
                try await db.delete(from: "sessions").where("session_hash", .equal, hash).run()
                return nil
            }
            return Session(userID: try row.text("user_id"), csrfToken: try row.text("csrf_token"), expiresAt: expires)
        }
    }

    public func deleteSession(hash: String) async throws {
        try await read { db in try await db.delete(from: "sessions").where("session_hash", .equal, hash).run() }
    }

    /// Signs the user out everywhere (after a password change).
    public func deleteSessions(userID: String, except keep: String? = nil) async throws {
        try await read { db in
            var delete = db.delete(from: "sessions").where("user_id", .equal, userID)
            if let keep { delete = delete.where("session_hash", .notEqual, keep) }
            try await delete.run()
        }
    }

    // MARK: API tokens

    public func createToken(name: String, scope: TokenScope, hash: String, in org: String, by actor: String, now: Date = Date()) async throws -> APIToken {
        let token = APIToken(id: Identifier.make("tok"), name: name, scope: scope, createdBy: actor, createdAt: now)
        return try await transaction { db in
            try await db.insert(into: "api_tokens").columns("org_id", "id", "name", "scope", "token_hash", "created_by", "created_at")
                .values(org, token.id, name, scope.rawValue, hash, actor, millis(now)).run()
            try await Self.audit(org: org, actor: actor, action: "token.create", entity: "token", id: token.id, db: db)
            return token
        }
    }

    /// The organization and token for a secret's hash, if it is live; records its use.
    public func token(hash: String, now: Date = Date()) async throws -> (organizationID: String, token: APIToken)? {
        try await read { db in
            guard let row = try await db.select().column("*").from("api_tokens").where("token_hash", .equal, hash).first() else { return nil }
            let token = try Self.token(row: row)
            guard token.revokedAt == nil else { return nil }
            let org = try row.text("org_id")
            try await db.update("api_tokens").set("last_used_at", to: millis(now)).where("org_id", .equal, org).where("id", .equal, token.id).run()
            return (org, token)
        }
    }

    public func tokens(in org: String) async throws -> [APIToken] {
        try await read { db in
            try await db.select().column("*").from("api_tokens").where("org_id", .equal, org).orderBy("created_at").all().map(Self.token(row:))
        }
    }

    public func revokeToken(id: String, in org: String, by actor: String, now: Date = Date()) async throws {
        try await transaction { db in
            let rows = try await db.update("api_tokens").set("revoked_at", to: millis(now)).where("org_id", .equal, org).where("id", .equal, id)
                .returning("id").all()
            guard !rows.isEmpty else { throw RumboError.notFound("token", id: id) }
            try await Self.audit(org: org, actor: actor, action: "token.revoke", entity: "token", id: id, db: db)
        }
    }

    static func token(row: any SQLRow) throws -> APIToken {
        APIToken(
            id: try row.text("id"), name: try row.text("name"), scope: try row.enumValue("scope", as: TokenScope.self),
            createdBy: try row.text("created_by"), createdAt: date(millis: try row.integer("created_at")),
            lastUsedAt: try row.optionalInteger("last_used_at").map { date(millis: $0) },
            revokedAt: try row.optionalInteger("revoked_at").map { date(millis: $0) })
    }

    // MARK: Invitations

    public func createInvitation(
        email: String, role: Role, teamIDs: [String], hash: String, in org: String, by actor: String, expiresAt: Date
    ) async throws -> Invitation {
        let invitation = Invitation(
            id: Identifier.make("inv"), organizationID: org, email: Self.normalized(email), role: role, teamIDs: teamIDs, expiresAt: expiresAt)
        return try await transaction { db in
            for team in teamIDs { try await requireExists(team, table: "teams", noun: "team", field: "teamIDs", org: org, db: db) }
            try await db.insert(into: "invitations")
                .columns("org_id", "id", "email", "role", "team_ids", "token_hash", "created_by", "expires_at")
                .values(org, invitation.id, invitation.email, role.rawValue, teamIDs.joined(separator: ","), hash, actor, millis(expiresAt)).run()
            try await Self.audit(org: org, actor: actor, action: "invitation.create", entity: "invitation", id: invitation.id, db: db)
            return invitation
        }
    }

    /// The open invitation for a secret's hash: not accepted and not expired.
    public func invitation(hash: String, now: Date = Date()) async throws -> Invitation? {
        try await read { db in
            guard let row = try await db.select().column("*").from("invitations").where("token_hash", .equal, hash).first() else { return nil }
            let invitation = Invitation(
                id: try row.text("id"), organizationID: try row.text("org_id"), email: try row.text("email"),
                role: try row.enumValue("role", as: Role.self),
                teamIDs: try row.text("team_ids").split(separator: ",").map(String.init),
                expiresAt: date(millis: try row.integer("expires_at")), acceptedAt: try row.optionalInteger("accepted_at").map { date(millis: $0) })
            return invitation.acceptedAt == nil && invitation.expiresAt > now ? invitation : nil
        }
    }

    public func markInvitationAccepted(_ invitation: Invitation, now: Date = Date()) async throws {
        try await read { db in
            try await db.update("invitations").set("accepted_at", to: millis(now)).where("org_id", .equal, invitation.organizationID)
                .where("id", .equal, invitation.id).run()
        }
    }

    // MARK: Sign-in throttling

    public func recordLoginFailure(key: String, now: Date = Date()) async throws {
        try await read { db in try await db.insert(into: "login_failures").columns("failure_key", "at").values(key, millis(now)).run() }
    }

    /// Failures for the key since `since`; older ones are forgotten on the way.
    public func loginFailures(key: String, since: Date) async throws -> Int {
        try await read { db in
            try await db.delete(from: "login_failures").where("at", .lessThan, millis(since)).run()
            return try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("login_failures")
                .where("failure_key", .equal, key).first()?.integer("n") ?? 0
        }
    }

    public func clearLoginFailures(key: String) async throws {
        try await read { db in try await db.delete(from: "login_failures").where("failure_key", .equal, key).run() }
    }

    // MARK: Audit log

    static func audit(org: String, actor: String, action: String, entity: String, id: String, db: any SQLDatabase, now: Date = Date()) async throws {
        try await db.insert(into: "audit_log").columns("org_id", "id", "at", "actor", "action", "entity", "entity_id")
            .values(org, Identifier.make("audit"), millis(now), actor, action, entity, id).run()
    }

    /// The latest entries first.
    public func auditLog(in org: String, limit: Int = 200) async throws -> [AuditEntry] {
        try await read { db in
            try await db.select().column("*").from("audit_log").where("org_id", .equal, org).orderBy("at", .descending).limit(limit).all()
                .map { row in
                    AuditEntry(
                        at: date(millis: try row.integer("at")), actor: try row.text("actor"), action: try row.text("action"),
                        entity: try row.text("entity"), entityID: try row.text("entity_id"))
                }
        }
    }
}
