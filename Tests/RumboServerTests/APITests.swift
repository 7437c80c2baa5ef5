import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RumboCore
@testable import RumboServer
import RumboStore
import RumboTestSupport
import Testing

/// The fixed "now" of the HTTP tests: statuses and local days are reproducible.
let testNow = LocalDate("2026-11-25")!.startOfDay(in: TimeZone(identifier: "UTC")!).addingTimeInterval(10 * 3600)

/// Runs `body` against the real router on a fresh database of the given engine, with a client
/// signed in as an owner of every demo organization (`client.anonymous` and `signIn` for others).
func withApp(_ engine: EngineKind, demo: Bool = false, _ body: @escaping @Sendable (SignedInClient, Store) async throws -> Void) async throws {
    try await TestDatabases.withStore(engine) { (store: Store) async throws in
        if demo {
            for organization in Demo.organizations(asOf: LocalDate("2026-11-25")!) { try await store.load(organization) }
        }
        let router = try await buildRouter(
            store: store, configuration: ServerConfiguration(defaultOrganization: "spa-el-encanto", clock: { testNow }, bcryptCost: 4))
        try await Application(router: router).test(.router) { client in
            let owner = try await signIn(client, store: store, email: "owner@test.example", role: .owner, in: try await store.organizations().map(\.slug))
            try await body(owner, store)
        }
    }
}

/// A test client that sends a session cookie and its CSRF token, as a browser would.
struct SignedInClient: TestClientProtocol {
    let anonymous: any TestClientProtocol
    let cookie: String
    let csrf: String
    let userID: String
    var port: Int? { anonymous.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        if headers[.cookie] == nil && headers[.authorization] == nil {
            headers[.cookie] = cookie
            if headers[HTTPField.Name("X-CSRF-Token")!] == nil { headers[HTTPField.Name("X-CSRF-Token")!] = csrf }
        }
        return try await anonymous.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }
}

/// Creates a user with this role in these organizations and a live session for them.
func signIn(
    _ client: any TestClientProtocol, store: Store, email: String, role: Role, in slugs: [String], teamIDs: [String] = [], personID: String? = nil
) async throws -> SignedInClient {
    let base = (client as? SignedInClient)?.anonymous ?? client
    let user = try await store.createUser(email: email, name: email, passwordHash: try await Passwords.hash("correct horse battery", cost: 4))
    for slug in slugs {
        let organization = try await store.organization(slug)
        try await store.setMembership(
            Membership(organizationID: organization.id, userID: user.id, role: role, teamIDs: teamIDs, personID: personID), by: "test")
    }
    let secret = Secrets.make(prefix: "")
    let csrf = Secrets.make(prefix: "")
    try await store.createSession(hash: Secrets.hash(secret), userID: user.id, csrfToken: csrf, expiresAt: testNow.addingTimeInterval(3600), now: testNow)
    return SignedInClient(anonymous: base, cookie: "\(AuthMiddleware.sessionCookie)=\(secret)", csrf: csrf, userID: user.id)
}

extension TestClientProtocol {
    /// Sends JSON (or raw text) and returns status and parsed JSON body.
    @discardableResult
    func json(
        _ method: HTTPRequest.Method, _ uri: String, _ body: Any? = nil, raw: String? = nil, language: String? = nil
    ) async throws -> (status: HTTPResponse.Status, body: Any) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let language { headers[.acceptLanguage] = language }
        let buffer: ByteBuffer? =
            if let raw { ByteBuffer(string: raw) } else if let body { ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)) } else { nil }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            let data = Data(response.body.readableBytesView)
            return (response.status, (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) ?? String(decoding: data, as: UTF8.self))
        }
    }
}

func object(_ any: Any) -> [String: Any] { any as? [String: Any] ?? [:] }
func errorCode(_ any: Any) -> String? { object(object(any)["error"])["code"] as? String }

@Suite("JSON API")
struct APITests {
    @Test("A manager builds OKRs through the API and checks in", arguments: TestDatabases.engines)
    func happyPath(engine: EngineKind) async throws {
        try await withApp(engine) { client, _ in
            let org = try await client.json(.post, "/api/v1/orgs", ["slug": "spa", "name": "Spa", "language": "es", "time_zone": "Europe/Madrid"])
            #expect(org.status == .created)
            let company = try await client.json(.post, "/api/v1/orgs/spa/teams", ["name": "Spa"])
            #expect(company.status == .created)
            let companyID = try #require(object(company.body)["id"] as? String)
            let team = try await client.json(.post, "/api/v1/orgs/spa/teams", ["name": "Recepción", "parent_id": companyID])
            #expect(object(team.body)["parent_id"] as? String == companyID)
            let cycle = try await client.json(.post, "/api/v1/orgs/spa/cycles", ["name": "2026 T4", "start": "2026-10-01", "end": "2026-12-31", "status": "active"])
            let cycleID = try #require(object(cycle.body)["id"] as? String)
            let objective = try await client.json(
                .post, "/api/v1/orgs/spa/objectives", ["cycle_id": cycleID, "team_id": companyID, "title": "Recuperar la confianza"])
            let objectiveID = try #require(object(objective.body)["id"] as? String)
            let kr = try await client.json(
                .post, "/api/v1/orgs/spa/key-results",
                ["objective_id": objectiveID, "title": "Tiempo de confirmación", "kind": "decrease", "unit": "h", "baseline": 30, "target": 18])
            #expect(kr.status == .created)
            let krBody = object(kr.body)
            let krID = try #require(krBody["id"] as? String)
            #expect(krBody["start"] as? String == "2026-10-01" && krBody["due"] as? String == "2026-12-31")
            #expect(object(krBody["state"])["status"] as? String != nil)

            let checkIn = try await client.json(.post, "/api/v1/orgs/spa/key-results/\(krID)/check-ins", ["value": 24, "confidence": 8, "note": "Confirmaciones automáticas"])
            #expect(checkIn.status == .created)
            #expect(object(checkIn.body)["day"] as? String == "2026-11-25")
            #expect(object(checkIn.body)["source"] as? String == "manual")
            let checkInID = try #require(object(checkIn.body)["id"] as? String)
            #expect(try await client.json(.get, "/api/v1/orgs/spa/check-ins/\(checkInID)").status == .ok)
            let history = try await client.json(.get, "/api/v1/orgs/spa/key-results/\(krID)/check-ins")
            #expect((history.body as? [Any])?.count == 1)

            let fetched = object(try await client.json(.get, "/api/v1/orgs/spa/key-results/\(krID)").body)
            #expect(object(fetched["state"])["current_value"] as? Double == 24)
            #expect(object(fetched["state"])["progress"] as? Double == 0.5)

            var edited = fetched
            edited["title"] = "Tiempo para reservar y confirmar"
            edited.removeValue(forKey: "state")
            let updated = try await client.json(.put, "/api/v1/orgs/spa/key-results/\(krID)", edited)
            #expect(updated.status == .ok)
            #expect(object(updated.body)["version"] as? Int == 2)
            // The same stale edit again: someone else's change must not be overwritten.
            let stale = try await client.json(.put, "/api/v1/orgs/spa/key-results/\(krID)", edited)
            #expect(stale.status == .conflict && errorCode(stale.body) == "conflict")

            let listed = try await client.json(.get, "/api/v1/orgs/spa/objectives?cycle_id=\(cycleID)")
            #expect((listed.body as? [Any])?.count == 1)
            let teams = try await client.json(.get, "/api/v1/orgs/spa/teams?parent_id=\(companyID)")
            #expect((teams.body as? [[String: Any]])?.map { $0["name"] as? String } == ["Recepción"])
            let initiative = try await client.json(
                .post, "/api/v1/orgs/spa/initiatives",
                ["title": "Confirmaciones automáticas", "status": "in_progress", "team_ids": [companyID], "key_result_ids": [krID, krID]])
            #expect(object(initiative.body)["key_result_ids"] as? [String] == [krID])
            let person = try await client.json(.post, "/api/v1/orgs/spa/people", ["name": "Lucía", "email": "lucia@example.com"])
            #expect(person.status == .created)
        }
    }

    @Test("Client mistakes get the right status and a JSON error, never a 500", arguments: TestDatabases.engines)
    func errors(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { client, store in
            let spa = try await store.organization("spa-el-encanto")
            let data = try #require(try await store.cycleData(for: spa, today: LocalDate("2026-11-25")!))
            let kr = try #require(data.keyResults.first { $0.kind == .increase })
            let base = "/api/v1/orgs/spa-el-encanto"

            // 400: malformed.
            var response = try await client.json(.post, "\(base)/teams", raw: "{not json")
            #expect(response.status == .badRequest && errorCode(response.body) == "malformed")
            response = try await client.json(.post, "\(base)/teams", ["name": 42])
            #expect(response.status == .badRequest && object(object(response.body)["error"])["field"] as? String == "name")
            response = try await client.json(.post, "\(base)/key-results/\(kr.id)/check-ins", ["confidence": 5])
            #expect(response.status == .badRequest)
            response = try await client.json(.get, "\(base)/teams?colour=blue")
            #expect(response.status == .badRequest)
            response = try await client.json(.post, "\(base)/cycles", ["name": "X", "start": "2026-02-30", "end": "2026-03-31"])
            #expect(response.status == .badRequest)
            // 404: unknown ids, unknown organization, unknown route.
            #expect(try await client.json(.get, "\(base)/key-results/kr_nope").status == .notFound)
            #expect(try await client.json(.get, "/api/v1/orgs/nope/teams").status == .notFound)
            #expect(try await client.json(.post, "\(base)/key-results/kr_nope/check-ins", ["value": 1]).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/nothing-here").status == .notFound)
            #expect(errorCode(try await client.json(.get, "/api/v1/nothing-here").body) == "not_found")
            // 422: invalid values.
            var bad = try JSONSerialization.jsonObject(with: JSONEncoder().encode(kr)) as! [String: Any]
            bad = ["objective_id": kr.objectiveID, "title": "Same", "kind": "increase", "baseline": 10, "target": 10]
            response = try await client.json(.post, "\(base)/key-results", bad)
            #expect(response.status == .unprocessableContent && object(object(response.body)["error"])["field"] as? String == "target")
            response = try await client.json(.post, "\(base)/key-results/\(kr.id)/check-ins", ["value": 50, "confidence": 11])
            #expect(response.status == .unprocessableContent && object(object(response.body)["error"])["field"] as? String == "confidence")
            let closedCycle = try #require(data.cycles.first { $0.status == .closed })
            let closedData = try #require(try await store.cycleData(for: spa, cycleID: closedCycle.id, today: LocalDate("2026-11-25")!))
            let oldKR = try #require(closedData.keyResults.first)
            response = try await client.json(.post, "\(base)/key-results/\(oldKR.id)/check-ins", ["value": 50])
            #expect(response.status == .unprocessableContent)
            response = try await client.json(.put, "\(base)/teams/\(data.teams[0].id)", ["name": "No version"])
            #expect(response.status == .unprocessableContent && object(object(response.body)["error"])["field"] as? String == "version")
            response = try await client.json(.post, "\(base)/objectives", ["cycle_id": "cycle_nope", "team_id": data.teams[0].id, "title": "X"])
            #expect(response.status == .unprocessableContent && object(object(response.body)["error"])["field"] as? String == "cycle_id")
            response = try await client.json(.post, "\(base)/teams", ["id": "bad id!", "name": "X"])
            #expect(response.status == .unprocessableContent)
            // 409: an id that is taken.
            response = try await client.json(.post, "\(base)/teams", ["id": data.teams[0].id, "name": "Twin"])
            #expect(response.status == .conflict)
            // Messages follow Accept-Language.
            response = try await client.json(.post, "\(base)/key-results/\(kr.id)/check-ins", ["value": 50, "confidence": 11], language: "es-ES,es;q=0.9")
            #expect((object(object(response.body)["error"])["message"] as? String)?.hasPrefix("La confianza") == true)
            // Nothing above was written.
            #expect(try await store.checkIns(keyResultIDs: [kr.id], in: spa.id).count == data.checkIns.filter { $0.keyResultID == kr.id }.count)
        }
    }

    @Test("Every path in openapi.yaml is served, and the document says OpenAPI 3.1")
    func openAPIDocumentMatchesRoutes() async throws {
        try await withApp(.sqlite, demo: true) { client, store in
            let yaml = try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            #expect(yaml.hasPrefix("openapi: 3.1"))
            let spa = try await store.organization("spa-el-encanto")
            let data = try #require(try await store.cycleData(for: spa, today: LocalDate("2026-11-25")!))
            let ids: [String: String] = [
                "org": "spa-el-encanto", "id": data.keyResults[0].id, "kind": "tickets",
            ]
            // Paths are the unindented-by-two keys under `paths:`.
            let paths = yaml.split(separator: "\n").filter { $0.hasPrefix("  /") && $0.hasSuffix(":") }.map { String($0.dropFirst(2).dropLast()) }
            #expect(paths.count >= 15)
            for path in paths where path.hasPrefix("/api/v1") {
                var uri = path
                for (name, value) in ids { uri = uri.replacingOccurrences(of: "{\(name)}", with: value) }
                let response = try await client.json(.get, uri)
                // Served: either found, or a JSON 404 for an id of another collection, or a 405 for a
                // POST-only path (its Allow header names the method), never an unrouted path.
                #expect(
                    response.status == .ok || errorCode(response.body) == "not_found" || response.status == .methodNotAllowed, "\(path)")
                if response.status == .notFound {
                    #expect((object(object(response.body)["error"])["message"] as? String)?.contains("No ") == true, "\(path) is not routed")
                }
            }
        }
    }
}

@Suite("Adversarial input")
struct AdversarialTests {
    @Test("NUL characters, absurd numbers and odd paths are client mistakes, not server errors", arguments: TestDatabases.engines)
    func adversarial(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { client, store in
            let spa = try await store.organization("spa-el-encanto")
            let data = try #require(try await store.cycleData(for: spa, today: LocalDate("2026-11-25")!))
            let kr = try #require(data.keyResults.first { $0.kind == .increase })
            let base = "/api/v1/orgs/spa-el-encanto"
            var statuses: [HTTPResponse.Status] = []
            statuses.append(try await client.json(.post, "\(base)/teams", ["name": "Nul\u{0}name"]).status)
            statuses.append(try await client.json(.post, "\(base)/key-results/\(kr.id)/check-ins", ["value": 1, "note": "a\u{0}b"]).status)
            statuses.append(try await client.json(.get, "\(base)/key-results/kr%00x").status)
            statuses.append(try await client.json(.get, "/api/v1/orgs/spa%00/teams").status)
            statuses.append(try await client.json(.get, "\(base)/objectives?cycle_id=%00").status)
            statuses.append(try await client.json(.post, "\(base)/objectives", ["cycle_id": "c\u{0}", "team_id": "t", "title": "X"]).status)
            statuses.append(try await client.json(.post, "\(base)/key-results/\(kr.id)/check-ins", ["value": 1e308]).status)
            statuses.append(try await client.json(.post, "\(base)/key-results/\(kr.id)/check-ins", ["value": 1, "confidence": 1e30]).status)
            statuses.append(try await client.json(.post, "\(base)/key-results", [
                "objective_id": kr.objectiveID, "title": "Huge", "kind": "increase", "baseline": -1e308, "target": 1e308,
            ]).status)
            statuses.append(try await client.json(.get, "\(base)/key-results").status)
            statuses.append(try await client.json(.post, "\(base)/teams", raw: String(repeating: "[", count: 10_000)).status)
            statuses.append(try await client.json(.post, "\(base)/teams", raw: "{\"name\": \"x\", \"name\": \"y\"}").status)
            statuses.append(try await client.json(.put, "\(base)/key-results/\(kr.id)", ["version": -5]).status)
            let html = try await client.page("/o/spa-el-encanto/key-results/\(kr.id)/check-ins", method: .post, form: "value=1%00&note=%00")
            statuses.append(html.status)
            #expect(statuses.allSatisfy { $0.code < 500 }, "\(statuses.map(\.code))")
            // The overview still renders after all that.
            #expect(try await client.page("/o/spa-el-encanto").status == .ok)
        }
    }
}
