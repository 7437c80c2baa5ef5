import Foundation
import HTTPTypes
import Hummingbird
import RumboAnalytics
import RumboCore
import RumboStore

/// Signing in and out, passwords, invitations, and an organization's access settings (members,
/// API tokens, audit log).
struct AccountRoutes: Sendable {
    typealias Context = RumboContext
    let store: Store
    let templates: Templates
    let configuration: ServerConfiguration
    let access: Access

    /// Five wrong passwords for one address within 15 minutes pause sign-in for that address.
    static let maxFailures = 5
    static let failureWindow: TimeInterval = 15 * 60
    static let sessionLifetime: TimeInterval = 14 * 24 * 3600
    static let invitationLifetime: TimeInterval = 7 * 24 * 3600

    func register(on router: Router<Context>) {
        router.get("/login") { request, context in
            access.allowAnyone(context)
            return try page("login", request, ["next": safeNext(request.uri.queryParameters.get("next"))])
        }
        router.post("/login") { request, context in
            access.allowAnyone(context)
            return try await login(request)
        }
        router.post("/logout") { _, context in
            _ = try access.requireUser(context)
            if case .user(_, let hash, _) = context.identity { try await store.deleteSession(hash: hash) }
            return Response(status: .seeOther, headers: [.location: "/login", .setCookie: cookie("", maxAge: 0)])
        }
        router.get("/account/password") { request, context in
            let user = try access.requireUser(context)
            return try page("password", request, ["csrf": csrf(context), "user": ["name": user.name, "email": user.email]])
        }
        router.post("/account/password") { request, context in try await changePassword(request, context) }
        router.get("/invite/:secret") { request, context in
            access.allowAnyone(context)
            let invitation = try await openInvitation(context)
            let organization = try await store.organization(invitation.organizationID)
            return try page(
                "invite", request, inviteValues(invitation, organization, context, request.preferredLanguage ?? organization.language),
                organization: organization)
        }
        router.post("/invite/:secret") { request, context in
            access.allowAnyone(context)
            return try await acceptInvitation(request, context)
        }
        router.get("/o/:org/settings") { request, context in try await settings(request, context, created: nil) }
        router.post("/o/:org/settings/tokens") { request, context in try await createToken(request, context) }
        router.post("/o/:org/settings/tokens/:id/revoke") { request, context in
            let (organization, principal) = try await managedOrganization(context)
            try await store.revokeToken(id: try context.parameters.require("id"), in: organization.id, by: principal.actor)
            return Response(status: .seeOther, headers: [.location: Self.settingsURL(organization, request)])
        }
        router.post("/o/:org/settings/invitations") { request, context in try await invite(request, context) }
        router.post("/o/:org/settings/members/:user") { request, context in try await changeRole(request, context) }
        router.post("/o/:org/settings/costs") { request, context in try await saveCosts(request, context) }
    }

    // MARK: Sign in

    func login(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let next = safeNext(form["next"])
        let key = "email:" + email
        let now = configuration.clock()
        if try await store.loginFailures(key: key, since: now.addingTimeInterval(-Self.failureWindow)) >= Self.maxFailures {
            throw RumboError(
                .tooManyRequests, en: "Too many wrong passwords for this address. Wait 15 minutes and try again.",
                es: "Demasiadas contraseñas incorrectas para esta dirección. Espera 15 minutos y vuelve a intentarlo.")
        }
        guard let user = try await store.user(email: email), try await Passwords.verify(form["password"] ?? "", hash: user.passwordHash) else {
            try await store.recordLoginFailure(key: key, now: now)
            let language = request.preferredLanguage ?? .spanish
            return try page(
                "login", request, ["next": next, "email": email, "error": Strings.text("login_failed", language)], status: .unauthorized)
        }
        try await store.clearLoginFailures(key: key)
        let secret = Secrets.make(prefix: "")
        try await store.createSession(
            hash: Secrets.hash(secret), userID: user.id, csrfToken: Secrets.make(prefix: ""),
            expiresAt: now.addingTimeInterval(Self.sessionLifetime), now: now)
        return Response(
            status: .seeOther, headers: [.location: next, .setCookie: cookie(secret, maxAge: Int(Self.sessionLifetime), request: request)])
    }

    func changePassword(_ request: Request, _ context: Context) async throws -> Response {
        let user = try access.requireUser(context)
        let form = try await Self.form(request)
        guard try await Passwords.verify(form["current"] ?? "", hash: user.passwordHash) else {
            throw RumboError.invalid("current", en: "The current password is not right.", es: "La contraseña actual no es correcta.")
        }
        let new = form["new"] ?? ""
        try Passwords.validate(new)
        try await store.setPasswordHash(try await Passwords.hash(new, cost: configuration.bcryptCost), userID: user.id)
        if case .user(_, let hash, _) = context.identity { try await store.deleteSessions(userID: user.id, except: hash) }
        return Response(status: .seeOther, headers: [.location: "/"])
    }

    // MARK: Invitations

    func openInvitation(_ context: Context) async throws -> Invitation {
        guard let invitation = try await store.invitation(hash: Secrets.hash(try context.parameters.require("secret")), now: configuration.clock()) else {
            throw RumboError(
                .notFound, en: "This invitation link has expired or was already used. Ask for a new one.",
                es: "Este enlace de invitación caducó o ya se usó. Pide uno nuevo.")
        }
        return invitation
    }

    func inviteValues(_ invitation: Invitation, _ organization: Organization, _ context: Context, _ language: Language) -> [String: Any] {
        [
            "organization": organization.name, "email": invitation.email,
            "role": Strings.text("role_" + invitation.role.rawValue, language),
            "signed_in": context.identity?.user != nil, "csrf": csrf(context),
        ]
    }

    /// Joins with the invitation's role: with the current account, or a new one for the invited address.
    func acceptInvitation(_ request: Request, _ context: Context) async throws -> Response {
        let invitation = try await openInvitation(context)
        let form = try await Self.form(request)
        let user: User
        if let current = context.identity?.user {
            user = current
        } else if let existing = try await store.user(email: invitation.email) {
            guard try await Passwords.verify(form["password"] ?? "", hash: existing.passwordHash) else {
                throw RumboError.invalid("password", en: "The password is not right.", es: "La contraseña no es correcta.")
            }
            user = existing
        } else {
            let password = form["password"] ?? ""
            try Passwords.validate(password)
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
            user = try await store.createUser(
                email: invitation.email, name: name.isEmpty ? invitation.email : name,
                passwordHash: try await Passwords.hash(password, cost: configuration.bcryptCost), now: configuration.clock())
        }
        try await store.setMembership(
            Membership(organizationID: invitation.organizationID, userID: user.id, role: invitation.role, teamIDs: invitation.teamIDs),
            by: "invitation:\(invitation.id)")
        try await store.markInvitationAccepted(invitation, now: configuration.clock())
        let organization = try await store.organization(invitation.organizationID)
        return Response(status: .seeOther, headers: [.location: context.identity == nil ? "/login?next=/o/\(organization.slug)" : "/o/\(organization.slug)"])
    }

    // MARK: Settings: members, tokens, audit log

    func settings(
        _ request: Request, _ context: Context, created: (name: String, secret: String)?, invitationLink: String? = nil,
        costs typed: [String: String]? = nil, costsError: String? = nil
    ) async throws -> Response {
        let (organization, _) = try await managedOrganization(context)
        let language = request.preferredLanguage ?? organization.language
        let format = Formatter(language: language)
        let teams = try await store.list(Team.self, in: organization.id)
        let teamNames = Dictionary(uniqueKeysWithValues: teams.map { ($0.id, $0.name) })
        var values: [String: Any] = [
            "org": ["name": organization.name, "slug": organization.slug, "url": "/o/\(organization.slug)"],
            "csrf": csrf(context),
            "members": try await store.members(in: organization.id).map { member in
                [
                    "id": member.user.id, "name": member.user.name, "email": member.user.email, "role": member.membership.role.rawValue,
                    "teams": member.membership.teamIDs.compactMap { teamNames[$0] }.joined(separator: ", "),
                    "roles": Role.allCases.map { ["value": $0.rawValue, "label": Strings.text("role_" + $0.rawValue, language), "selected": $0 == member.membership.role] },
                ] as [String: Any]
            },
            "tokens": try await store.tokens(in: organization.id).map { token in
                [
                    "id": token.id, "name": token.name, "scope": token.scope.rawValue, "revoked": token.revokedAt != nil,
                    "created": format.day(LocalDate(token.createdAt, in: organization.zone)),
                    "last_used": token.lastUsedAt.map { format.day(LocalDate($0, in: organization.zone)) } ?? Strings.text("never", language),
                ] as [String: Any]
            },
            "audit": try await store.auditLog(in: organization.id, limit: 50).map { entry in
                [
                    "at": format.day(LocalDate(entry.at, in: organization.zone)), "actor": entry.actor, "action": entry.action,
                    "entity": "\(entry.entity) \(entry.entityID)",
                ]
            },
            "teams": teams.map { ["id": $0.id, "name": $0.name] },
            "roles": Role.allCases.map { ["value": $0.rawValue, "label": Strings.text("role_" + $0.rawValue, language), "selected": $0 == .member] },
            "scopes": TokenScope.allCases.map(\.rawValue),
        ]
        if let created { values["created_token"] = ["name": created.name, "secret": created.secret] }
        if let invitationLink { values["invitation_link"] = invitationLink }
        let costs = try await store.impactSettings(in: organization.id)
        let shown = { (value: Double?) in value.map { format.number($0) } ?? "" }
        values["costs"] =
            typed
            ?? [
                "currency": costs.currency, "hourly_cost": shown(costs.hourlyCost), "minutes_per_escalation": shown(costs.minutesPerEscalation),
                "revenue_per_customer": shown(costs.revenuePerCustomer), "revenue_per_appointment": shown(costs.revenuePerAppointment),
            ]
        if let costsError { values["costs_error"] = costsError }
        values["costs_saved"] = request.uri.queryParameters.get("costs") == "saved"
        return try page("settings", request, values, organization: organization, status: costsError == nil ? .ok : .unprocessableContent)
    }

    /// The stated costs and revenues behind the business impact; a mistake shows the form again.
    func saveCosts(_ request: Request, _ context: Context) async throws -> Response {
        let (organization, principal) = try await managedOrganization(context)
        let form = try await Self.form(request)
        let language = request.preferredLanguage ?? organization.language
        var numbers: [String: Double] = [:]
        for field in ["hourly_cost", "minutes_per_escalation", "revenue_per_customer", "revenue_per_appointment"] {
            let text = (form[field] ?? "").trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            guard let number = Formatter.parseNumber(text) else {
                let message = Strings.text("value_not_number", language, text)
                return try await settings(request, context, created: nil, costs: form, costsError: message)
            }
            numbers[field] = number
        }
        let costs = ImpactSettings(
            currency: form["currency"] ?? "€", hourlyCost: numbers["hourly_cost"], minutesPerEscalation: numbers["minutes_per_escalation"],
            revenuePerCustomer: numbers["revenue_per_customer"], revenuePerAppointment: numbers["revenue_per_appointment"])
        do {
            try await store.saveImpactSettings(costs, in: organization.id, by: principal.actor, now: configuration.clock())
        } catch let error as RumboError where error.code == .invalid {
            return try await settings(request, context, created: nil, costs: form, costsError: error.message(in: language))
        }
        return Response(status: .seeOther, headers: [.location: Self.settingsURL(organization, request) + "&costs=saved#costs"])
    }

    func createToken(_ request: Request, _ context: Context) async throws -> Response {
        let (organization, principal) = try await managedOrganization(context)
        let form = try await Self.form(request)
        guard let scope = TokenScope(rawValue: form["scope"] ?? "") else {
            throw RumboError.invalid("scope", en: "Choose a scope: read, write or ingest.", es: "Elige un alcance: read, write o ingest.")
        }
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let secret = APITokens.newSecret()
        _ = try await store.createToken(
            name: name.isEmpty ? scope.rawValue : name, scope: scope, hash: APITokens.hash(secret), in: organization.id, by: principal.actor,
            now: configuration.clock())
        // Shown once, on this response only; the database keeps the hash.
        return try await settings(request, context, created: (name, secret))
    }

    func invite(_ request: Request, _ context: Context) async throws -> Response {
        let (organization, principal) = try await managedOrganization(context)
        let form = try await Self.form(request)
        guard let role = Role(rawValue: form["role"] ?? "") else {
            throw RumboError.invalid("role", en: "Choose a role.", es: "Elige un rol.")
        }
        try requireCanGrant(role, principal)
        guard let email = form["email"], email.contains("@") else {
            throw RumboError.invalid("email", en: "Write the email address of the person to invite.", es: "Escribe el correo de la persona que quieres invitar.")
        }
        let secret = Secrets.make(prefix: "")
        _ = try await store.createInvitation(
            email: email, role: role, teamIDs: form["team_id"].map { $0.isEmpty ? [] : [$0] } ?? [], hash: Secrets.hash(secret),
            in: organization.id, by: principal.actor, expiresAt: configuration.clock().addingTimeInterval(Self.invitationLifetime))
        return try await settings(request, context, created: nil, invitationLink: "/invite/\(secret)")
    }

    func changeRole(_ request: Request, _ context: Context) async throws -> Response {
        let (organization, principal) = try await managedOrganization(context)
        let form = try await Self.form(request)
        let userID = try context.parameters.require("user")
        guard let role = Role(rawValue: form["role"] ?? ""), var membership = try await store.membership(userID: userID, in: organization.id) else {
            throw RumboError.invalid("role", en: "Choose a role for an existing member.", es: "Elige un rol para un miembro existente.")
        }
        try requireCanGrant(role, principal)
        try requireCanGrant(membership.role, principal)
        membership.role = role
        try await store.setMembership(membership, by: principal.actor)
        return Response(status: .seeOther, headers: [.location: Self.settingsURL(organization, request)])
    }

    /// Back to the settings page in the language the form was shown in.
    static func settingsURL(_ organization: Organization, _ request: Request) -> String {
        "/o/\(organization.slug)/settings?lang=\((request.preferredLanguage ?? organization.language).rawValue)"
    }

    /// Only an owner makes or unmakes owners.
    func requireCanGrant(_ role: Role, _ principal: Principal) throws {
        guard role == .owner else { return }
        guard case .user(_, .owner, _, _) = principal.kind else {
            throw RumboError(.forbidden, en: "Only an owner can grant or change the owner role.", es: "Solo un propietario puede otorgar o cambiar el rol de propietario.")
        }
    }

    // MARK: Helpers

    /// The organization of the URL, if the caller may manage its access (members, tokens, log).
    func managedOrganization(_ context: Context) async throws -> (Organization, Principal) {
        // Signed in first: an anonymous caller learns nothing, not even whether the organization exists.
        _ = try access.requireUser(context)
        let organization = try await store.organization(try context.parameters.require("org"))
        return (organization, try await access.authorize(context, organization, .manageAccess))
    }

    func csrf(_ context: Context) -> String {
        if case .user(_, _, let token) = context.identity { return token }
        return ""
    }

    /// Only same-site paths: `next` must not send a person to another site.
    func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\\\") else { return "/" }
        return next
    }

    func cookie(_ value: String, maxAge: Int, request: Request? = nil) -> String {
        let secure = configuration.secureCookies || request?.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
        return "\(AuthMiddleware.sessionCookie)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax\(secure ? "; Secure" : "")"
    }

    static func form(_ request: Request) async throws -> [String: String] {
        var request = request
        return parseForm(String(buffer: try await request.collectBody(upTo: 64 * 1024)))
    }

    func page(
        _ template: String, _ request: Request, _ values: [String: Any], organization: Organization? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let language = request.preferredLanguage ?? organization?.language ?? .spanish
        var context: [String: Any] = ["t": Strings.all(language), "lang": language.rawValue, "title": "Rumbo"]
        context.merge(values) { _, new in new }
        return HTMLResponse.html(try templates.render(template, context), status: status)
    }
}
