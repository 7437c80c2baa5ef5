import Foundation
import Hummingbird
import Logging
import RumboCore

/// Turns every error into a response with the right status: JSON `{"error": {"code", "message"}}`
/// under `/api`, a short HTML page elsewhere. Only unexpected failures are 500s, and they are logged.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let language = request.preferredLanguage ?? .english
            let (status, code, message, field) = Self.describe(error, language: language)
            let extraHeaders = (error as? HTTPError)?.headers ?? [:]
            if status == .internalServerError {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            }
            if request.uri.path.hasPrefix("/api/") || request.uri.path == "/openapi.yaml" {
                var response = try APICoding.response(ErrorBody(error: .init(code: code, message: message, field: field)), status: status)
                response.headers.append(contentsOf: extraHeaders)
                if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"rumbo\"" }
                return response
            }
            if status == .unauthorized, request.method == .get {
                // A page needs a signed-in person: go sign in, then come back here.
                let next = percentEncode(request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""))
                return Response(status: .seeOther, headers: [.location: "/login?next=\(next)"])
            }
            var page = HTMLResponse.page(status: status, title: "\(status.code)", message: message)
            page.headers.append(contentsOf: extraHeaders)
            return page
        }
    }

    static func describe(_ error: any Error, language: Language) -> (HTTPResponse.Status, String, String, String?) {
        switch error {
        case let error as RumboError:
            let status: HTTPResponse.Status =
                switch error.code {
                case .malformed: .badRequest
                case .notFound: .notFound
                case .conflict: .conflict
                case .unauthorized: .unauthorized
                case .forbidden: .forbidden
                case .tooManyRequests: .tooManyRequests
                case .internal: .internalServerError
                default: .unprocessableContent
                }
            return (status, error.code.rawValue, error.message(in: language), error.field.map(APICoding.snakeCase))
        case let error as HTTPError:
            let code =
                switch error.status {
                case .notFound: "not_found"
                case .contentTooLarge: "too_large"
                case .methodNotAllowed: "method_not_allowed"
                default: error.status.code < 500 ? "bad_request" : "internal"
                }
            let fallback =
                error.status == .notFound
                ? (language == .spanish ? "No existe esta página." : "There is no such page.") : error.status.reasonPhrase
            return (error.status, code, error.body ?? fallback, nil)
        default:
            return (
                .internalServerError, "internal",
                language == .spanish
                    ? "Algo falló en el servidor. Vuelve a intentarlo; si se repite, revisa el registro del servidor."
                    : "Something failed on the server. Try again; if it persists, check the server log.", nil
            )
        }
    }
}

struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
        let field: String?
    }

    let error: Detail
}
