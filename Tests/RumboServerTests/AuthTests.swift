import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RumboCore
import RumboStore
import RumboTestSupport
import Testing

@testable import RumboServer

/// Real ids of the spa demo to put into route templates.
struct SpaIDs {
    let team: String, receptionTeam: String, objective: String, receptionKR: String, carmenKR: String, cycle: String
    let person: String, initiative: String, checkIn: String, carmen: String, reception: Objective

    static func load(_ store: Store) async throws -> SpaIDs {
        let spa = try await store.organization("spa-el-encanto")
        let data = try #require(try await store.cycleData(for: spa, today: LocalDate("2026-11-25")!))
        let reception = try #require(data.teams.first { $0.name == "Recepción" })
        let carmen = try #require(data.people.first { $0.name == "Carmen Ruiz" })
        let receptionObjective = try #require(data.objectives.first { $0.teamID == reception.id })
        let receptionKR = try #require(data.keyResults.first { $0.objectiveID == receptionObjective.id && $0.kind != .milestone })
        let carmenKR = try #require(data.keyResults.first { $0.ownerID == carmen.id && $0.kind != .milestone })
        return SpaIDs(
            team: try #require(data.teams.first { $0.isCompany }).id, receptionTeam: reception.id, objective: receptionObjective.id, receptionKR: receptionKR.id,
            carmenKR: carmenKR.id, cycle: data.cycle.id, person: data.people[0].id, initiative: data.initiatives[0].id,
            checkIn: data.checkIns.last!.id, carmen: carmen.id, reception: receptionObjective)
    }

    /// A route template with its parameters filled in.
    func fill(_ path: String) -> String {
        var result = path
        for (name, value) in [
            ("{org}", "spa-el-encanto"), ("{secret}", "not-a-real-secret"), ("{file}", "rumbo.css"), ("{user}", "user_nope"), ("{kind}", "tickets"),
        ] {
            result = result.replacingOccurrences(of: name, with: value)
        }
        let id: String =
            if path.contains("key-results") { receptionKR } else if path.contains("objectives") { objective }
            else if path.contains("teams") { team } else if path.contains("cycles") { cycle } else if path.contains("people") { person }
            else if path.contains("initiatives") { initiative } else if path.contains("check-ins") { checkIn } else { "tok_nope" }
        return result.replacingOccurrences(of: "{id}", with: id)
    }
}

@Suite("Accounts, roles and security")
struct AuthTests {
    static let publicRoutes: Set<String> = [
        "GET /healthz", "GET /openapi.yaml", "GET /static/{file}", "GET /login", "POST /login", "GET /invite/{secret}", "POST /invite/{secret}",
    ]
    /// What any signed-in person may post: sign out, change their own password, start an organization.
    static let anySignedIn: Set<String> = ["POST /logout", "POST /account/password", "POST /api/v1/orgs"]

    @Test("Every route of the router is guarded: anonymous callers get 401 or the sign-in page", arguments: TestDatabases.engines)
    func everyRouteIsGuarded(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            for organization in Demo.organizations(asOf: LocalDate("2026-11-25")!) { try await store.load(organization) }
            let router = try await buildRouter(store: store, configuration: ServerConfiguration(clock: { testNow }, bcryptCost: 4))
            let routes = router.routes.map { (method: $0.method, path: "\($0.path)") }
            #expect(routes.count >= 30)
            let ids = try await SpaIDs.load(store)
            try await Application(router: router).test(.router) { client in
                let viewer = try await signIn(client, store: store, email: "viewer@test.example", role: .viewer, in: ["spa-el-encanto"])
                for route in routes {
                    let name = "\(route.method) \(route.path)"
                    let uri = ids.fill(route.path)
                    let body = route.method == .get ? nil : ByteBuffer(string: "{}")
                    let anonymous = try await client.execute(uri: uri, method: route.method, headers: [.contentType: "application/json"], body: body)
                    #expect(anonymous.status != .internalServerError, "\(name) answered 500 (unguarded?)")
                    // A method the path does not have: 405, nothing served.
                    if Self.publicRoutes.contains(name) || anonymous.status == .methodNotAllowed { continue }
                    let toLogin = anonymous.status == .seeOther && anonymous.headers[.location]?.hasPrefix("/login") == true
                    #expect(anonymous.status == .unauthorized || toLogin, "\(name) answered \(anonymous.status) to an anonymous caller")
                    // A viewer changes nothing (signing out and their own password aside).
                    if route.method != .get && !Self.anySignedIn.contains(name) {
                        let attempt = try await viewer.execute(uri: uri, method: route.method, headers: [.contentType: "application/json"], body: body)
                        #expect([.forbidden, .notFound].contains(attempt.status), "\(name) let a viewer through with \(attempt.status)")
                    }
                }
            }
        }
    }

    @Test("The API matrix: every role and token scope against every kind of write", arguments: TestDatabases.engines)
    func apiMatrix(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { owner, store in
            let ids = try await SpaIDs.load(store)
            let spa = try await store.organization("spa-el-encanto")
            let nimbus = try await store.organization("nimbus-support")
            func token(_ scope: TokenScope, _ org: Organization) async throws -> String {
                let secret = APITokens.newSecret()
                _ = try await store.createToken(name: "t", scope: scope, hash: APITokens.hash(secret), in: org.id, by: "test")
                return "Bearer \(secret)"
            }
            let spaSlug = ["spa-el-encanto"]
            let principals: [(String, any TestClientProtocol, HTTPFields)] = [
                ("anonymous", owner.anonymous, [:]),
                ("owner", owner, [:]),
                ("admin", try await signIn(owner, store: store, email: "admin@t.example", role: .admin, in: spaSlug), [:]),
                ("editor", try await signIn(owner, store: store, email: "editor@t.example", role: .editor, in: spaSlug, teamIDs: [ids.receptionTeam]), [:]),
                ("member", try await signIn(owner, store: store, email: "member@t.example", role: .member, in: spaSlug, personID: ids.carmen), [:]),
                ("viewer", try await signIn(owner, store: store, email: "viewer@t.example", role: .viewer, in: spaSlug), [:]),
                ("outsider", try await signIn(owner, store: store, email: "out@t.example", role: .owner, in: ["nimbus-support"]), [:]),
                ("read token", owner.anonymous, [.authorization: try await token(.read, spa)]),
                ("write token", owner.anonymous, [.authorization: try await token(.write, spa)]),
                ("ingest token", owner.anonymous, [.authorization: try await token(.ingest, spa)]),
                ("other org token", owner.anonymous, [.authorization: try await token(.write, nimbus)]),
                ("bad token", owner.anonymous, [.authorization: "Bearer rumbo_nope"]),
            ]
            let base = "/api/v1/orgs/spa-el-encanto"
            // (name, method, uri, body, who may)
            let operations: [(String, HTTPRequest.Method, String, [String: Any], Set<String>)] = [
                ("read key results", .get, "\(base)/key-results", [:], ["owner", "admin", "editor", "member", "viewer", "read token", "write token"]),
                ("create team", .post, "\(base)/teams", ["name": "Nuevo"], ["owner", "admin", "write token"]),
                ("create reception objective", .post, "\(base)/objectives", ["cycle_id": ids.cycle, "team_id": ids.receptionTeam, "title": "Nuevo"],
                 ["owner", "admin", "editor", "write token"]),
                ("create company objective", .post, "\(base)/objectives", ["cycle_id": ids.cycle, "team_id": ids.team, "title": "Nuevo"],
                 ["owner", "admin", "write token"]),
                ("check in on reception", .post, "\(base)/key-results/\(ids.receptionKR)/check-ins", ["value": 1],
                 ["owner", "admin", "editor", "write token"]),
                ("check in on Carmen's", .post, "\(base)/key-results/\(ids.carmenKR)/check-ins", ["value": 1],
                 ["owner", "admin", "member", "write token"]),
            ]
            for (operation, method, uri, body, allowed) in operations {
                for (who, client, headers) in principals {
                    var headers = headers
                    headers[.contentType] = "application/json"
                    let data = method == .get ? nil : ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
                    let status = try await client.execute(uri: uri, method: method, headers: headers, body: data).status
                    if allowed.contains(who) {
                        #expect(status.code < 300, "\(who) should be able to \(operation): \(status)")
                    } else {
                        let expected: Set<HTTPResponse.Status> =
                            ["anonymous", "bad token"].contains(who) ? [.unauthorized] : ["outsider", "other org token"].contains(who) ? [.notFound] : [.forbidden]
                        #expect(expected.contains(status), "\(who) must not \(operation): \(status)")
                    }
                }
            }
            // A token sees only its own organization.
            let listed = try await owner.anonymous.execute(uri: "/api/v1/orgs", method: .get, headers: [.authorization: try await token(.read, spa)])
            #expect(String(buffer: listed.body).contains("spa-el-encanto") && !String(buffer: listed.body).contains("nimbus"))
            // Moving a reception objective to the company team needs rights over both.
            let editor = principals.first { $0.0 == "editor" }!.1
            var moved = try JSONSerialization.jsonObject(with: APICoding.encoder.encode(ids.reception)) as! [String: Any]
            moved["team_id"] = ids.team
            let status = try await editor.execute(
                uri: "\(base)/objectives/\(ids.objective)", method: .put, headers: [.contentType: "application/json"],
                body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: moved))
            ).status
            #expect(status == .forbidden)
        }
    }

    @Test("Every API route × every kind of caller: the status says who may pass", arguments: TestDatabases.engines)
    func everyAPIRouteByEveryCaller(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            for organization in Demo.organizations(asOf: LocalDate("2026-11-25")!) { try await store.load(organization) }
            let router = try await buildRouter(store: store, configuration: ServerConfiguration(clock: { testNow }, bcryptCost: 4))
            let routes = router.routes.filter { "\($0.path)".hasPrefix("/api/") }.map { (method: $0.method, path: "\($0.path)") }
            #expect(routes.count >= 28)
            let ids = try await SpaIDs.load(store)
            let spa = try await store.organization("spa-el-encanto"), nimbus = try await store.organization("nimbus-support")
            try await Application(router: router).test(.router) { client in
                func bearer(_ scope: TokenScope, _ org: Organization) async throws -> HTTPFields {
                    let secret = APITokens.newSecret()
                    _ = try await store.createToken(name: "t", scope: scope, hash: APITokens.hash(secret), in: org.id, by: "test")
                    return [.authorization: "Bearer \(secret)"]
                }
                func session(_ email: String, _ role: Role, _ slug: String) async throws -> HTTPFields {
                    let signed = try await signIn(client, store: store, email: email, role: role, in: [slug])
                    return [.cookie: signed.cookie, HTTPField.Name("X-CSRF-Token")!: signed.csrf]
                }
                let callers: [(String, HTTPFields)] = [
                    ("anonymous", [:]), ("bad token", [.authorization: "Bearer rumbo_forged"]),
                    ("owner", try await session("o@t.example", .owner, "spa-el-encanto")),
                    ("admin", try await session("a@t.example", .admin, "spa-el-encanto")),
                    ("viewer", try await session("v@t.example", .viewer, "spa-el-encanto")),
                    ("outsider", try await session("x@t.example", .owner, "nimbus-support")),
                    ("read token", try await bearer(.read, spa)), ("write token", try await bearer(.write, spa)),
                    ("ingest token", try await bearer(.ingest, spa)), ("other org token", try await bearer(.write, nimbus)),
                ]
                for route in routes {
                    // A method the path does not have answers 405 to everyone: nothing is served.
                    let probe = try await client.execute(uri: ids.fill(route.path), method: route.method, headers: [.contentType: "application/json"])
                    if probe.status == .methodNotAllowed {
                        #expect(probe.headers[.allow] != nil, "\(route.method) \(route.path): 405 without Allow")
                        continue
                    }
                    let isWrite = route.method != .get
                    let orgScoped = route.path.contains("{org}")
                    for (who, headers) in callers {
                        var headers = headers
                        headers[.contentType] = "application/json"
                        let status = try await client.execute(
                            uri: ids.fill(route.path), method: route.method, headers: headers, body: isWrite ? ByteBuffer(string: "{}") : nil
                        ).status
                        let denied: Set<HTTPResponse.Status>
                        let createsOrganization = route.path == "/api/v1/orgs" && isWrite
                        // Pushing customer data is the ingest scope's one right; write tokens cannot.
                        let imports = route.path.hasSuffix("/imports/{kind}")
                        switch who {
                        case "ingest token" where imports: denied = []
                        case "write token" where imports: denied = [.forbidden]
                        case _ where createsOrganization && who.hasSuffix("token") && who != "bad token": denied = [.forbidden]
                        case "anonymous", "bad token": denied = [.unauthorized]
                        case "outsider": denied = orgScoped ? [.notFound] : []
                        case "other org token": denied = orgScoped ? [.notFound] : (isWrite ? [.forbidden] : [])
                        case "ingest token": denied = route.path == "/api/v1/orgs" && !isWrite ? [] : [.forbidden]
                        case "viewer", "read token": denied = isWrite && (orgScoped || who == "read token") ? [.forbidden] : []
                        default: denied = []
                        }
                        let name = "\(who) → \(route.method) \(route.path)"
                        if denied.isEmpty {
                            #expect(![.unauthorized, .forbidden].contains(status) && status.code < 500, "\(name): \(status)")
                        } else {
                            #expect(denied.contains(status), "\(name): \(status), expected \(denied.map(\.code))")
                        }
                    }
                }
            }
        }
    }

    @Test("CSRF: a signed-in browser's write needs the session's token and a same-site Origin", arguments: TestDatabases.engines)
    func csrf(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { owner, store in
            let ids = try await SpaIDs.load(store)
            let action = "/o/spa-el-encanto/key-results/\(ids.receptionKR)/check-ins"
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: owner.cookie]
            let before = try await store.checkIns(keyResultIDs: [ids.receptionKR], in: try await store.organization("spa-el-encanto").id).count
            var response = try await owner.anonymous.execute(uri: action, method: .post, headers: form, body: ByteBuffer(string: "value=50"))
            #expect(response.status == .forbidden)
            response = try await owner.anonymous.execute(uri: action, method: .post, headers: form, body: ByteBuffer(string: "value=50&csrf_token=forged"))
            #expect(response.status == .forbidden)
            var crossSite = form
            crossSite[.origin] = "https://evil.example"
            response = try await owner.anonymous.execute(
                uri: action, method: .post, headers: crossSite, body: ByteBuffer(string: "value=50&csrf_token=\(owner.csrf)"))
            #expect(response.status == .forbidden)
            response = try await owner.anonymous.execute(
                uri: action, method: .post, headers: form, body: ByteBuffer(string: "value=50&csrf_token=\(percentEncode(owner.csrf))"))
            #expect(response.status == .seeOther)
            let after = try await store.checkIns(keyResultIDs: [ids.receptionKR], in: try await store.organization("spa-el-encanto").id).count
            #expect(after == before + 1)
        }
    }

    @Test("Sign in, wrong passwords slow down, sign out", arguments: TestDatabases.engines)
    func signInFlow(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { owner, store in
            let client = owner.anonymous
            let user = try await store.createUser(email: "Ana@Example.com", name: "Ana", passwordHash: try await Passwords.hash("a long passphrase", cost: 4))
            try await store.setMembership(Membership(organizationID: try await store.organization("spa-el-encanto").id, userID: user.id, role: .viewer), by: "test")
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let login = try await client.execute(uri: "/login", method: .get)
            #expect(login.status == .ok && String(buffer: login.body).contains("id=\"login-form\""))
            #expect(login.headers[.contentSecurityPolicy]?.contains("script-src 'none'") == true)
            #expect(login.headers[.xContentTypeOptions] == "nosniff")
            let wrong = try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "email=ana%40example.com&password=nope"))
            #expect(wrong.status == .unauthorized && String(buffer: wrong.body).contains("form-error"))
            let right = try await client.execute(
                uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "email=ana%40example.com&password=a+long+passphrase&next=%2Fo%2Fspa-el-encanto"))
            #expect(right.status == .seeOther && right.headers[.location] == "/o/spa-el-encanto")
            let cookie = try #require(right.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            let session = String(cookie.split(separator: ";")[0])
            #expect(try await client.execute(uri: "/o/spa-el-encanto", method: .get, headers: [.cookie: session]).status == .ok)
            // Off-site `next` is ignored.
            let offsite = try await client.execute(
                uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "email=ana%40example.com&password=a+long+passphrase&next=%2F%2Fevil.example"))
            #expect(offsite.headers[.location] == "/")
            // Five wrong passwords pause the address, even for the right one.
            for _ in 0..<5 {
                _ = try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "email=ana%40example.com&password=guess"))
            }
            let paused = try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "email=ana%40example.com&password=a+long+passphrase"))
            #expect(paused.status == .tooManyRequests)
            // Signing out ends the session.
            let csrfToken = try #require(String(buffer: try await client.execute(uri: "/o/spa-el-encanto", method: .get, headers: [.cookie: session]).body)
                .components(separatedBy: "name=\"csrf_token\" value=\"").dropFirst().first?.split(separator: "\"").first)
            let out = try await client.execute(
                uri: "/logout", method: .post, headers: [.cookie: session, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf_token=\(percentEncode(String(csrfToken)))"))
            #expect(out.status == .seeOther)
            let after = try await client.execute(uri: "/o/spa-el-encanto", method: .get, headers: [.cookie: session])
            #expect(after.status == .seeOther && after.headers[.location]?.hasPrefix("/login") == true)
        }
    }

    @Test("Tokens are shown once, stored hashed, usable, revocable; invitations make members", arguments: TestDatabases.engines)
    func tokensAndInvitations(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { owner, store in
            let spa = try await store.organization("spa-el-encanto")
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let created = try await owner.execute(uri: "/o/spa-el-encanto/settings/tokens", method: .post, headers: form, body: ByteBuffer(string: "name=helpdesk&scope=read"))
            let html = String(buffer: created.body)
            let secret = try #require(html.components(separatedBy: "<code id=\"new-token\">").dropFirst().first?.split(separator: "<").first.map(String.init))
            #expect(secret.hasPrefix("rumbo_"))
            #expect(try await store.token(hash: secret) == nil)  // the secret itself is not what is stored
            let use = try await owner.anonymous.execute(uri: "/api/v1/orgs/spa-el-encanto/teams", method: .get, headers: [.authorization: "Bearer \(secret)"])
            #expect(use.status == .ok)
            let token = try #require(try await store.tokens(in: spa.id).first { $0.name == "helpdesk" })
            #expect(token.lastUsedAt != nil)
            let settings = String(buffer: try await owner.execute(uri: "/o/spa-el-encanto/settings", method: .get).body)
            #expect(!settings.contains(secret))
            _ = try await owner.execute(uri: "/o/spa-el-encanto/settings/tokens/\(token.id)/revoke", method: .post, headers: form, body: ByteBuffer(string: ""))
            #expect(try await owner.anonymous.execute(uri: "/api/v1/orgs/spa-el-encanto/teams", method: .get, headers: [.authorization: "Bearer \(secret)"]).status == .unauthorized)

            let invited = String(buffer: try await owner.execute(
                uri: "/o/spa-el-encanto/settings/invitations", method: .post, headers: form, body: ByteBuffer(string: "email=nuevo%40example.com&role=editor&team_id=")).body)
            let link = try #require(invited.components(separatedBy: "<code id=\"invitation-link\">").dropFirst().first?.split(separator: "<").first.map(String.init))
            #expect(try await owner.anonymous.execute(uri: link, method: .get).status == .ok)
            let accepted = try await owner.anonymous.execute(uri: link, method: .post, headers: form, body: ByteBuffer(string: "name=Nuevo&password=una+frase+bastante+larga"))
            #expect(accepted.status == .seeOther)
            let user = try #require(try await store.user(email: "nuevo@example.com"))
            #expect(try await store.membership(userID: user.id, in: spa.id)?.role == .editor)
            #expect(try await owner.anonymous.execute(uri: link, method: .get).status == .notFound)  // used once
            let log = try await store.auditLog(in: spa.id)
            #expect(log.contains { $0.action == "token.revoke" && $0.actor == "user:\(owner.userID)" })
            #expect(log.contains { $0.action == "membership.set" })
        }
    }

    @Test("A check-in records who made it in the audit log")
    func audit() async throws {
        try await withApp(.sqlite, demo: true) { owner, store in
            let ids = try await SpaIDs.load(store)
            let response = try await owner.json(.post, "/api/v1/orgs/spa-el-encanto/key-results/\(ids.receptionKR)/check-ins", ["value": 3])
            #expect(response.status == .created)
            let log = try await store.auditLog(in: try await store.organization("spa-el-encanto").id)
            #expect(log.first?.actor == "user:\(owner.userID)" && log.first?.action == "ci.create")
        }
    }
}
