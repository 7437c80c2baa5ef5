import Testing

@testable import RumboCore

@Suite("Authorization policy")
struct AuthorizationTests {
    static let org = "org_1"
    static func user(_ role: Role, teams: Set<String> = [], person: String? = nil) -> Principal {
        Principal(organizationID: org, kind: .user(id: "u", role: role, teamIDs: teams, personID: person))
    }
    static func token(_ scope: TokenScope) -> Principal { Principal(organizationID: org, kind: .token(id: "t", scope: scope)) }

    /// Reception (team_r) sits under the company (team_c); support (team_s) is elsewhere.
    static func ancestry(_ team: String) -> Set<String> {
        ["team_r": ["team_r", "team_c"], "team_s": ["team_s", "team_c"], "team_c": ["team_c"]][team] ?? [team]
    }

    static let actions: [Action] = [
        .read, .manageStructure, .editOKRs(teamIDs: ["team_r"]), .checkIn(teamID: "team_r", ownerPersonID: "p1"), .manageAccess, .ingest,
    ]

    @Test("The matrix of roles and scopes")
    func matrix() {
        let expected: [(Principal, [Bool])] = [
            (Self.user(.owner), [true, true, true, true, true, true]),
            (Self.user(.admin), [true, true, true, true, true, true]),
            (Self.user(.editor, teams: ["team_r"]), [true, false, true, true, false, false]),
            (Self.user(.editor, teams: ["team_s"]), [true, false, false, false, false, false]),
            (Self.user(.member, person: "p1"), [true, false, false, true, false, false]),
            (Self.user(.member, person: "p2"), [true, false, false, false, false, false]),
            (Self.user(.viewer), [true, false, false, false, false, false]),
            (Self.token(.read), [true, false, false, false, false, false]),
            (Self.token(.write), [true, true, true, true, false, false]),
            (Self.token(.ingest), [false, false, false, false, false, true]),
        ]
        for (principal, allowed) in expected {
            for (action, allow) in zip(Self.actions, allowed) {
                #expect(Policy.allows(principal, action, teamAncestry: Self.ancestry) == allow, "\(principal.kind) \(action)")
            }
        }
    }

    @Test("An editor of a department edits its sub-teams, not its parent or siblings")
    func editorScope() {
        let companyEditor = Self.user(.editor, teams: ["team_c"])
        #expect(Policy.allows(companyEditor, .editOKRs(teamIDs: ["team_r", "team_s"]), teamAncestry: Self.ancestry))
        let receptionEditor = Self.user(.editor, teams: ["team_r"])
        #expect(!Policy.allows(receptionEditor, .editOKRs(teamIDs: ["team_c"]), teamAncestry: Self.ancestry))
        #expect(!Policy.allows(receptionEditor, .editOKRs(teamIDs: ["team_r", "team_s"]), teamAncestry: Self.ancestry))
        #expect(!Policy.allows(receptionEditor, .editOKRs(teamIDs: []), teamAncestry: Self.ancestry))
    }

    @Test("A member cannot check in on a key result without an owner")
    func ownerless() {
        #expect(!Policy.allows(Self.user(.member, person: nil), .checkIn(teamID: "team_r", ownerPersonID: nil)))
    }

    @Test("Roles are ordered by rights")
    func ordering() {
        #expect(Role.owner < Role.admin && Role.admin < Role.editor && Role.member < Role.viewer)
    }
}
