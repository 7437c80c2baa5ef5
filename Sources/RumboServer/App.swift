import Foundation
import Hummingbird
import Logging
import RumboCore
import RumboStore

/// How the server runs; the same value serves `rumbo serve` and the tests.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The organization `/` opens (its slug); the first one when `nil`.
    public var defaultOrganization: String?
    /// The clock; tests fix it so statuses are reproducible.
    public var clock: @Sendable () -> Date
    /// bcrypt's cost factor: 12 in production (about a quarter of a second per hash); tests lower it.
    public var bcryptCost: UInt8
    /// Mark cookies `Secure`; on automatically when a proxy says the request came over HTTPS.
    public var secureCookies: Bool

    public init(
        host: String = "127.0.0.1", port: Int = 8080, defaultOrganization: String? = nil, clock: @escaping @Sendable () -> Date = { Date() },
        bcryptCost: UInt8 = 12, secureCookies: Bool = false
    ) {
        self.host = host
        self.port = port
        self.defaultOrganization = defaultOrganization
        self.clock = clock
        self.bcryptCost = bcryptCost
        self.secureCookies = secureCookies
    }
}

/// The router with every route: the web app, the JSON API, the OpenAPI document, static files.
public func buildRouter(store: Store, configuration: ServerConfiguration) async throws -> Router<RumboContext> {
    let router = Router(context: RumboContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: AuthMiddleware(store: store, clock: configuration.clock))
    let resources = try StaticResources.load()
    let access = Access(store: store)
    router.get("/healthz") { _, context in
        access.allowAnyone(context)
        return "ok"
    }
    router.get("/static/:file") { _, context in
        access.allowAnyone(context)
        guard let response = resources.response(for: try context.parameters.require("file")) else { throw HTTPError(.notFound) }
        return response
    }
    router.get("/openapi.yaml") { _, context in
        access.allowAnyone(context)
        return resources.response(for: "openapi.yaml")!
    }
    let templates = try await Templates.load()
    let web = WebRoutes(store: store, templates: templates, configuration: configuration, access: access)
    web.register(on: router)
    DataRoutes(web: web).register(on: router)
    RetentionRoutes(web: web).register(on: router)
    ReviewRoutes(web: web, renderer: ReportRenderer(templates: templates, styleSheet: resources.text("rumbo.css") ?? "")).register(on: router)
    AccountRoutes(store: store, templates: templates, configuration: configuration, access: access).register(on: router)
    let api = APIRoutes(store: store, configuration: configuration, access: access)
    api.register(on: router)
    APIDataRoutes(api: api).register(on: router)
    answerMethodNotAllowed(on: router)
    return router
}

/// A known path asked with a method it does not have answers 405 with `Allow`, not 404 (Hummingbird
/// routes those to "not found"): the client learns the path exists and what it takes.
func answerMethodNotAllowed(on router: Router<RumboContext>) {
    let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]
    for (path, routes) in Dictionary(grouping: router.routes, by: { "\($0.path)" }) {
        let present = Set(routes.map(\.method))
        let allow = methods.filter(present.contains).map(\.rawValue).joined(separator: ", ")
        for method in methods where !present.contains(method) {
            router.on(RouterPath(path), method: method) { _, context -> Response in
                context.guardMark.mark()
                throw HTTPError(.methodNotAllowed, headers: [.allow: allow])
            }
        }
    }
}

/// The application `rumbo serve` runs; `onServerRunning` is called once the port is bound.
public func buildApplication(
    store: Store, configuration: ServerConfiguration, logger: Logger, onServerRunning: @escaping @Sendable () async -> Void = {}
) async throws -> some ApplicationProtocol {
    Application(
        router: try await buildRouter(store: store, configuration: configuration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Rumbo"),
        onServerRunning: { _ in await onServerRunning() },
        logger: logger)
}

/// Files served as they are (the stylesheet, the OpenAPI document), read once at start.
struct StaticResources: Sendable {
    let files: [String: (contentType: String, body: ByteBuffer)]

    static func load() throws -> StaticResources {
        var files: [String: (String, ByteBuffer)] = [:]
        for (name, type) in [("rumbo.css", "text/css; charset=utf-8"), ("openapi.yaml", "application/yaml; charset=utf-8")] {
            guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources/static") else {
                throw RumboError(.notFound, en: "Missing bundled file \(name).", es: "Falta el archivo \(name).")
            }
            files[name] = (type, ByteBuffer(bytes: try Data(contentsOf: url)))
        }
        return StaticResources(files: files)
    }

    func text(_ name: String) -> String? { files[name].map { String(buffer: $0.body) } }

    func response(for name: String) -> Response? {
        guard let file = files[name] else { return nil }
        return Response(
            status: .ok, headers: [.contentType: file.contentType, .cacheControl: "public, max-age=300"], body: .init(byteBuffer: file.body))
    }
}
