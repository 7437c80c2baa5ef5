import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import Logging
import MultipartKit
import NIOPosix
import RumboCore
import RumboStore
import Synchronization

/// The request context of every route: who is asking (a session or an API token), and a mark that
/// the route asked the policy. A route that answers without asking is refused (see `AuthMiddleware`),
/// so a new endpoint cannot be left unguarded by mistake.
public struct RumboContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var identity: Identity?
    let guardMark = GuardMark()

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// Who is asking, before the organization is known.
enum Identity: Sendable {
    case user(User, sessionHash: String, csrfToken: String)
    case token(organizationID: String, APIToken)

    var user: User? {
        if case .user(let user, _, _) = self { return user }
        return nil
    }
}

/// Set once a route has asked the policy (or declared itself public).
final class GuardMark: Sendable {
    private let asked = Mutex(false)
    func mark() { asked.withLock { $0 = true } }
    var isMarked: Bool { asked.withLock { $0 } }
}

/// Random secrets (session cookies, API tokens, invitation links) and their stored hashes.
enum Secrets {
    /// 32 random bytes, URL-safe base 64, with a readable prefix (`rumbo_tok_…`).
    static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// SHA-256 hex: what the database keeps, so a leaked table opens nothing.
    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// API token secrets for the CLI and the app alike.
public enum APITokens {
    public static func newSecret() -> String { Secrets.make(prefix: "rumbo_") }
    public static func hash(_ secret: String) -> String { Secrets.hash(secret) }
}

/// Password hashing with bcrypt, on NIO's blocking thread pool: a hash takes tens of milliseconds
/// of CPU and must never run on an event loop or the cooperative pool's few threads.
public enum Passwords {
    public static func hash(_ password: String, cost: UInt8) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// At least 10 characters: long beats clever.
    public static func validate(_ password: String) throws {
        guard password.count >= 10 else {
            throw RumboError.invalid(
                "password", en: "The password needs at least 10 characters; a short sentence works well.",
                es: "La contraseña necesita al menos 10 caracteres; una frase corta funciona bien.")
        }
    }
}

/// Resolves the identity (bearer token or session cookie), checks CSRF and Origin on every
/// state-changing browser request, and refuses any response of a route that never asked the policy.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = RumboContext
    let store: Store
    let clock: @Sendable () -> Date
    static let sessionCookie = "rumbo_session"
    static let unsafeMethods: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        if Self.unsafeMethods.contains(request.method) { try Self.checkOrigin(request) }
        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer "),
                let (org, token) = try await store.token(hash: Secrets.hash(String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)), now: clock())
            else { throw RumboError.unauthorized }
            context.identity = .token(organizationID: org, token)
        } else if let secret = request.cookies[Self.sessionCookie]?.value, !secret.isEmpty,
            let session = try await store.session(hash: Secrets.hash(secret), now: clock()),
            let user = try await store.user(id: session.userID)
        {
            context.identity = .user(user, sessionHash: Secrets.hash(secret), csrfToken: session.csrfToken)
            if Self.unsafeMethods.contains(request.method) { try await Self.checkCSRF(&request, expected: session.csrfToken) }
        }
        let response = try await next(request, context)
        guard context.guardMark.isMarked else {
            context.logger.error("route answered without asking the authorization policy", metadata: ["path": "\(request.uri.path)"])
            throw RumboError(.internal, en: "This page is not protected yet, so it is refused.", es: "Esta página aún no está protegida, así que se rechaza.")
        }
        return response
    }

    /// A browser sends `Origin` on cross-site posts; one that is not this server is refused.
    static func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin], origin != "null" else { return }
        guard let host = URLComponents(string: origin)?.host, let own = request.head.authority?.split(separator: ":").first,
            host == own
        else {
            throw RumboError(.forbidden, en: "Cross-site request refused.", es: "Petición desde otro sitio rechazada.")
        }
    }

    /// Session-authenticated writes carry the session's CSRF token: `X-CSRF-Token` or a
    /// `csrf_token` form field. Tokens (bearer) need none: browsers never send them by themselves.
    static func checkCSRF(_ request: inout Request, expected: String) async throws {
        var presented = request.headers[HTTPField.Name("X-CSRF-Token")!]
        if presented == nil, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            presented = parseForm(String(buffer: try await request.collectBody(upTo: 256 * 1024)))["csrf_token"]
        } else if presented == nil, let boundary = multipartBoundary(request.headers[.contentType]) {
            // File uploads: the token is a field of the multipart form (the body stays collected for the handler).
            let body = try await request.collectBody(upTo: uploadLimit)
            presented = try? FormDataDecoder().decode(CSRFField.self, from: body, boundary: boundary).csrf_token
        }
        guard let presented, constantTimeEqual(presented, expected) else {
            throw RumboError(
                .forbidden, en: "The form expired or did not come from Rumbo. Reload the page and try again.",
                es: "El formulario caducó o no vino de Rumbo. Recarga la página y vuelve a intentarlo.")
        }
    }

    private struct CSRFField: Decodable {
        var csrf_token: String?
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Security headers on every response: a CSP without inline scripts (or any script at all), no
/// framing, no MIME sniffing, and no full URLs leaking in referrers.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return response
    }
}

/// The policy applied to a request: every route calls one of these before it answers.
struct Access: Sendable {
    let store: Store

    /// Marks a route that anyone may use (sign-in, health, static files).
    func allowAnyone(_ context: RumboContext) { context.guardMark.mark() }

    /// The signed-in user, or 401.
    func requireUser(_ context: RumboContext) throws -> User {
        context.guardMark.mark()
        guard let user = context.identity?.user else { throw RumboError.unauthorized }
        return user
    }

    /// The principal for this organization, if it may do `action`: 401 without identity, 404 for an
    /// organization it does not belong to (its existence is not confirmed), 403 when the role or
    /// scope does not allow the action.
    @discardableResult
    func authorize(_ context: RumboContext, _ organization: Organization, _ action: Action) async throws -> Principal {
        let principal = try await principal(context, organization)
        guard try await allows(principal, action, in: organization) else { throw Self.forbidden(organization) }
        return principal
    }

    func requireMayEditOKRs(_ principal: Principal, _ organization: Organization) throws {
        guard Policy.mayEditOKRs(principal) else { throw Self.forbidden(organization) }
    }

    static func forbidden(_ organization: Organization) -> RumboError {
        RumboError(
            .forbidden, en: "Your role does not allow this. Ask an administrator of \(organization.name).",
            es: "Tu rol no permite esta acción. Pídeselo a un administrador de \(organization.name).")
    }

    func principal(_ context: RumboContext, _ organization: Organization) async throws -> Principal {
        context.guardMark.mark()
        switch context.identity {
        case nil:
            throw RumboError.unauthorized
        case .token(let org, let token):
            guard org == organization.id else { throw RumboError.notFound("organization", id: organization.slug) }
            return Principal(organizationID: org, kind: .token(id: token.id, scope: token.scope))
        case .user(let user, _, _):
            guard let membership = try await store.membership(userID: user.id, in: organization.id) else {
                throw RumboError.notFound("organization", id: organization.slug)
            }
            return Principal(
                organizationID: organization.id,
                kind: .user(id: user.id, role: membership.role, teamIDs: Set(membership.teamIDs), personID: membership.personID))
        }
    }

    func allows(_ principal: Principal, _ action: Action, in organization: Organization) async throws -> Bool {
        // Only an editor's team-scoped rights need the team tree; skip the query otherwise.
        guard case .user(_, .editor, _, _) = principal.kind else { return Policy.allows(principal, action) }
        let teams = Dictionary(uniqueKeysWithValues: try await store.list(Team.self, in: organization.id).map { ($0.id, $0) })
        return Policy.allows(principal, action) { team in
            var chain: Set<String> = []
            var next: String? = team
            while let current = next, chain.insert(current).inserted { next = teams[current]?.parentID }
            return chain
        }
    }

    /// The teams whose OKRs an objective, key result or initiative belongs to, for `editOKRs`.
    func teams(of record: any StoredRecord, in org: String) async throws -> Set<String> {
        switch record {
        case let objective as Objective:
            return [objective.teamID]
        case let keyResult as KeyResult:
            return [try await objectiveTeam(keyResult.objectiveID, org)].compactMap { $0 }.reduce(into: []) { $0.insert($1) }
        case let initiative as Initiative:
            var teams = Set(initiative.teamIDs)
            for id in initiative.keyResultIDs {
                if let kr = try? await store.fetch(KeyResult.self, id: id, in: org), let team = try await objectiveTeam(kr.objectiveID, org) {
                    teams.insert(team)
                }
            }
            return teams
        default:
            return []
        }
    }

    private func objectiveTeam(_ objectiveID: String, _ org: String) async throws -> String? {
        try? await store.fetch(Objective.self, id: objectiveID, in: org).teamID
    }

    /// What writing this record requires: structure for teams, people and cycles; the teams' OKRs otherwise.
    func writeAction(for record: any StoredRecord, in org: String) async throws -> Action {
        switch record {
        case is Team, is Person, is Cycle: return .manageStructure
        default:
            let teams = try await teams(of: record, in: org)
            return teams.isEmpty ? .manageStructure : .editOKRs(teamIDs: teams)
        }
    }
}

/// Fields of an `application/x-www-form-urlencoded` body (the last value wins).
func parseForm(_ body: String) -> [String: String] {
    var values: [String: String] = [:]
    for pair in body.split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard let key = parts.first.flatMap({ String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }) else { continue }
        values[key] = parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" : ""
    }
    return values
}

/// The largest file the web upload form and the import endpoint accept (bigger files go through
/// `rumbo import`, which streams).
let uploadLimit = 32 * 1024 * 1024

/// The boundary of a `multipart/form-data` content type, if it is one.
func multipartBoundary(_ contentType: String?) -> String? {
    guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
    for parameter in contentType.split(separator: ";").dropFirst() {
        let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        if pair.count == 2, pair[0].lowercased() == "boundary" {
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.count > 70 ? nil : value
        }
    }
    return nil
}
