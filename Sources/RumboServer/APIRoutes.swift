import Foundation
import Hummingbird
import RumboCore
import RumboStore

/// The JSON API under `/api/v1`, as documented in `openapi.yaml`. Every collection of the OKR
/// model gets the same create / read / update / list routes; check-ins are append-only.
struct APIRoutes: Sendable {
    typealias Context = RumboContext
    let store: Store
    let configuration: ServerConfiguration
    let access: Access

    func register(on router: Router<Context>) {
        let api = router.group("api/v1")
        // The organizations the caller belongs to (a token: its own).
        api.get("orgs") { _, context in
            context.guardMark.mark()
            let all = try await store.organizations()
            switch context.identity {
            case nil: throw RumboError.unauthorized
            case .token(let org, _): return try APICoding.response(all.filter { $0.id == org })
            case .user(let user, _, _):
                let mine = Set(try await store.memberships(userID: user.id).map(\.organizationID))
                return try APICoding.response(all.filter { mine.contains($0.id) })
            }
        }
        // A signed-in person creates an organization and becomes its owner; tokens cannot.
        api.post("orgs") { request, context in
            if case .token = context.identity {
                context.guardMark.mark()
                throw RumboError(
                    .forbidden, en: "Organizations are created by a signed-in person, not with an API token.",
                    es: "Las organizaciones las crea una persona con sesión iniciada, no un token de la API.")
            }
            let user = try access.requireUser(context)
            let organization = try await APICoding.decode(Organization.self, from: request)
            try requireClientID(organization.id)
            let created = try await store.createOrganization(organization)
            try await store.setMembership(Membership(organizationID: created.id, userID: user.id, role: .owner), by: "user:\(user.id)")
            return try APICoding.response(created, status: .created)
        }
        api.get("orgs/:org") { _, context in try APICoding.response(try await organization(context, .read).0) }

        collection(Team.self, path: "teams", on: api)
        collection(Person.self, path: "people", on: api)
        collection(Cycle.self, path: "cycles", on: api)
        collection(Objective.self, path: "objectives", on: api)
        collection(KeyResult.self, path: "key-results", on: api) { records, organization in
            try await withStates(records, organization)
        }
        collection(Initiative.self, path: "initiatives", on: api)

        api.get("orgs/:org/key-results/:id/check-ins") { _, context in
            let (organization, _) = try await organization(context, .read)
            let keyResult = try await store.fetch(KeyResult.self, id: try context.parameters.require("id"), in: organization.id)
            return try APICoding.response(try await store.checkIns(keyResultIDs: [keyResult.id], in: organization.id))
        }
        api.post("orgs/:org/key-results/:id/check-ins") { request, context in
            let (organization, principal) = try await organization(context, .read)
            let keyResult = try await store.fetch(KeyResult.self, id: try context.parameters.require("id"), in: organization.id)
            let objective = try await store.fetch(Objective.self, id: keyResult.objectiveID, in: organization.id)
            try await access.authorize(context, organization, .checkIn(teamID: objective.teamID, ownerPersonID: keyResult.ownerID))
            let input = try await APICoding.decode(CheckInInput.self, from: request)
            let now = configuration.clock()
            let checkIn = CheckIn(
                id: "", keyResultID: try context.parameters.require("id"), value: input.value, confidence: input.confidence,
                note: input.note ?? "", blockers: input.blockers ?? "", authorID: input.authorID, source: .manual, recordedAt: now,
                day: LocalDate(now, in: organization.zone))
            return try APICoding.response(try await store.recordCheckIn(checkIn, in: organization, by: principal.actor, now: now), status: .created)
        }
        api.get("orgs/:org/check-ins/:id") { _, context in
            let (organization, _) = try await organization(context, .read)
            return try APICoding.response(try await store.checkIn(id: try context.parameters.require("id"), in: organization.id))
        }
    }

    /// List, create, read and update for one record type. Query parameters named like a column
    /// (`?cycle_id=…`, `?objective_id=…`) filter the list. `present` decorates what is returned.
    func collection<T: StoredRecord & Codable>(_ type: T.Type, path: String, on api: RouterGroup<Context>) {
        collection(type, path: path, on: api) { records, _ in records }
    }

    func collection<T: StoredRecord & Codable, Presented: Encodable>(
        _ type: T.Type, path: String, on api: RouterGroup<Context>,
        present: @escaping @Sendable ([T], Organization) async throws -> [Presented]
    ) {
        api.get("orgs/:org/\(path)") { request, context in
            let (organization, _) = try await organization(context, .read)
            var filters: [String: String] = [:]
            let filterable = T.columns.filter { $0.hasSuffix("_id") || $0 == "status" }
            for (key, value) in request.uri.queryParameters {
                guard filterable.contains(String(key)) else {
                    let choices = filterable.isEmpty ? "(none)" : filterable.joined(separator: ", ")
                    throw RumboError(
                        .malformed, field: String(key), en: "Unknown filter '\(key)'. Filter by one of: \(choices).",
                        es: "Filtro desconocido '\(key)'. Filtra por uno de: \(choices).")
                }
                if key == "status", let allowed = Self.statuses(of: T.self), !allowed.contains(String(value)) {
                    throw RumboError(
                        .malformed, field: "status", en: "Unknown status '\(value)'. Use one of: \(allowed.joined(separator: ", ")).",
                        es: "Estado desconocido '\(value)'. Usa uno de: \(allowed.joined(separator: ", ")).")
                }
                filters[String(key)] = String(value)
            }
            return try APICoding.response(try await present(try await store.list(type, in: organization.id, filters: filters), organization))
        }
        api.post("orgs/:org/\(path)") { request, context in
            let (organization, principal) = try await organization(context, .read)
            try access.requireMayEditOKRs(principal, organization)
            let record = try await APICoding.decode(T.self, from: request)
            try requireClientID(record.id)
            try await access.authorize(context, organization, try await access.writeAction(for: record, in: organization.id))
            let created = try await store.create(record, in: organization.id, by: principal.actor)
            return try APICoding.response(try await present([created], organization)[0], status: .created)
        }
        api.get("orgs/:org/\(path)/:id") { _, context in
            let (organization, _) = try await organization(context, .read)
            let record = try await store.fetch(type, id: try context.parameters.require("id"), in: organization.id)
            return try APICoding.response(try await present([record], organization)[0])
        }
        api.put("orgs/:org/\(path)/:id") { request, context in
            let (organization, principal) = try await organization(context, .read)
            try access.requireMayEditOKRs(principal, organization)
            let id = try context.parameters.require("id")
            let current = try await store.fetch(type, id: id, in: organization.id)
            var record = try await APICoding.decode(T.self, from: request)
            record.id = id
            guard record.version > 0 else {
                throw RumboError(
                    .invalid, field: "version",
                    en: "An update needs the 'version' you read (from GET), so edits made meanwhile are not overwritten.",
                    es: "Una actualización necesita la 'version' que leíste (con GET), para no sobrescribir cambios hechos mientras tanto.")
            }
            // Both where it is and where it goes: moving an objective needs rights over both teams.
            try await access.authorize(context, organization, try await access.writeAction(for: current, in: organization.id))
            try await access.authorize(context, organization, try await access.writeAction(for: record, in: organization.id))
            let updated = try await store.update(record, in: organization.id, by: principal.actor)
            return try APICoding.response(try await present([updated], organization)[0])
        }
    }

    /// The organization of the path, if the caller may do `action` in it (unknown ones are 404s
    /// whether they exist or not, so a token cannot probe other tenants).
    /// The values a `?status=` filter takes, for the types that have a status.
    static func statuses(of type: any StoredRecord.Type) -> [String]? {
        switch type {
        case is Cycle.Type: Cycle.Status.allCases.map(\.rawValue)
        case is Initiative.Type: Initiative.Status.allCases.map(\.rawValue)
        default: nil
        }
    }

    func organization(_ context: Context, _ action: Action) async throws -> (Organization, Principal) {
        context.guardMark.mark()
        guard context.identity != nil else { throw RumboError.unauthorized }
        let organization = try await store.organization(try context.parameters.require("org"))
        return (organization, try await access.authorize(context, organization, action))
    }

    /// Key results are returned with their computed state (progress, status, confidence).
    func withStates(_ keyResults: [KeyResult], _ organization: Organization) async throws -> [KeyResultResource] {
        let history = Dictionary(grouping: try await store.checkIns(keyResultIDs: keyResults.map(\.id), in: organization.id), by: \.keyResultID)
        let today = LocalDate(configuration.clock(), in: organization.zone)
        return keyResults.map { KeyResultResource(keyResult: $0, state: $0.state(history: history[$0.id] ?? [], on: today)) }
    }
}

/// Client-chosen ids (for idempotent creation) must be short and URL-safe.
private func requireClientID(_ id: String) throws {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
    guard id.isEmpty || (id.count <= 64 && id.allSatisfy(allowed.contains)) else {
        throw RumboError.invalid(
            "id", en: "An id is up to 64 letters, digits, '_' or '-'; leave it out to get one assigned.",
            es: "Un id tiene hasta 64 letras, dígitos, '_' o '-'; omítelo para que se asigne uno.")
    }
}

/// What a client sends to check in; the server sets the time, the day and the source (manual:
/// automatic check-ins are written only by Rumbo's metric engine).
struct CheckInInput: Decodable {
    let value: Double
    let confidence: Int?
    let note: String?
    let blockers: String?
    let authorID: String?
}

/// A key result and its computed state, as one JSON object.
struct KeyResultResource: Encodable {
    let keyResult: KeyResult
    let state: KeyResultState

    private enum Keys: String, CodingKey { case state }

    func encode(to encoder: any Encoder) throws {
        try keyResult.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(state, forKey: .state)
    }
}
