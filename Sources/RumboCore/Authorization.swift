import Foundation

/// What a person may do in one organization (DESIGN.md: owner, admin, editor of given teams,
/// member, viewer). A user can hold a different role in each organization.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Everything, including the organization's members and tokens; cannot be demoted by an admin.
    case owner
    /// Everything in the organization's OKRs, members and API tokens.
    case admin
    /// Edits the OKRs and check-ins of the teams they were given (and their sub-teams).
    case editor
    /// Checks in on the key results they own.
    case member
    /// Reads.
    case viewer

    private var rank: Int { Role.allCases.firstIndex(of: self)! }
    /// `owner < admin < … < viewer` in the order of `allCases`: a smaller role has more rights.
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// What an API token may do; chosen when it is created, shown once, stored only as a hash.
public enum TokenScope: String, Codable, Sendable, CaseIterable {
    /// Read everything in the organization.
    case read
    /// Read and write OKRs and check-ins (not members or tokens).
    case write
    /// Push customer data only (the import endpoints); no OKR reads or writes.
    case ingest
}

/// Who is asking: a signed-in person with a role, or an API token with a scope, in one organization.
public struct Principal: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case user(id: String, role: Role, teamIDs: Set<String>, personID: String?)
        case token(id: String, scope: TokenScope)
    }

    public var organizationID: String
    public var kind: Kind

    public init(organizationID: String, kind: Kind) {
        self.organizationID = organizationID
        self.kind = kind
    }

    /// The person a signed-in member checks in as, if their membership names one.
    public var personID: String? {
        if case .user(_, _, _, let person) = kind { return person }
        return nil
    }

    /// The actor recorded in the audit log (`user:…` or `token:…`).
    public var actor: String {
        switch kind {
        case .user(let id, _, _, _): "user:\(id)"
        case .token(let id, _): "token:\(id)"
        }
    }
}

/// Everything a request can ask to do. Each route states one; the policy decides.
public enum Action: Sendable, Hashable {
    /// Read the organization's OKRs.
    case read
    /// Create or change teams, people and cycles: the organization's structure.
    case manageStructure
    /// Create or change an objective, key result or initiative of these teams.
    case editOKRs(teamIDs: Set<String>)
    /// Check in on a key result of this team, owned by this person.
    case checkIn(teamID: String, ownerPersonID: String?)
    /// Invite and change members, create and revoke API tokens, read the audit log.
    case manageAccess
    /// Push customer data.
    case ingest
}

/// The one policy behind the API, the web pages and the CLI.
public enum Policy {
    /// Whether `principal` may create or change any OKR record at all (before the record is read,
    /// so a viewer's write is refused without looking at what it sent).
    public static func mayEditOKRs(_ principal: Principal) -> Bool {
        switch principal.kind {
        case .token(_, let scope): scope == .write
        case .user(_, let role, _, _): role <= .editor
        }
    }

    /// Whether `principal` may do `action`. `teamAncestry` gives, for a team, itself and every team
    /// above it, so an editor of a department may edit its sub-teams' OKRs.
    public static func allows(_ principal: Principal, _ action: Action, teamAncestry: (String) -> Set<String> = { [$0] }) -> Bool {
        switch principal.kind {
        case .token(_, let scope):
            switch (scope, action) {
            case (.read, .read), (.write, .read), (.ingest, .ingest): return true
            case (.write, .editOKRs), (.write, .checkIn), (.write, .manageStructure): return true
            default: return false
            }
        case .user(_, let role, let teams, let person):
            switch role {
            case .owner, .admin:
                return true
            case .editor:
                switch action {
                case .read: return true
                case .editOKRs(let targets): return !targets.isEmpty && targets.allSatisfy { !teamAncestry($0).isDisjoint(with: teams) }
                case .checkIn(let team, _): return !teamAncestry(team).isDisjoint(with: teams)
                default: return false
                }
            case .member:
                switch action {
                case .read: return true
                case .checkIn(_, let owner): return owner != nil && owner == person
                default: return false
                }
            case .viewer:
                return action == .read
            }
        }
    }
}
