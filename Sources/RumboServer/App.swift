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

    public init(host: String = "127.0.0.1", port: Int = 8080, defaultOrganization: String? = nil, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.host = host
        self.port = port
        self.defaultOrganization = defaultOrganization
        self.clock = clock
    }
}

/// The router with every route: the web app, the JSON API, the OpenAPI document, static files.
public func buildRouter(store: Store, configuration: ServerConfiguration) async throws -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    let resources = try StaticResources.load()
    router.get("/healthz") { _, _ in "ok" }
    router.get("/openapi.yaml") { _, _ in resources.response(for: "openapi.yaml") }
    router.get("/static/:file") { _, context in
        guard let response = resources.response(for: try context.parameters.require("file")) else { throw HTTPError(.notFound) }
        return response
    }
    WebRoutes(store: store, templates: try await Templates.load(), configuration: configuration).register(on: router)
    APIRoutes(store: store, configuration: configuration).register(on: router)
    return router
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

    func response(for name: String) -> Response? {
        guard let file = files[name] else { return nil }
        return Response(
            status: .ok, headers: [.contentType: file.contentType, .cacheControl: "public, max-age=300"], body: .init(byteBuffer: file.body))
    }
}
