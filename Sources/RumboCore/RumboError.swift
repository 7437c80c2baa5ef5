import Foundation

/// The one error type of Rumbo's domain and store.
///
/// Errors are compared by `code` (not by message), following the swift-certificates style: one
/// struct with a stable code instead of an ever-growing enum. Every error carries a message in
/// English and Spanish so each interface can show the user's language.
public struct RumboError: LocalizedError, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable error category.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The request could not be read (bad JSON, wrong type, missing body): HTTP 400.
        public static let malformed = Code(rawValue: "malformed")
        /// The referenced thing does not exist in this organization: HTTP 404.
        public static let notFound = Code(rawValue: "not_found")
        /// The edit was based on a stale version, or the id is already taken: HTTP 409.
        public static let conflict = Code(rawValue: "conflict")
        /// Well-formed but invalid values (target equal to baseline, confidence 11, …): HTTP 422.
        public static let invalid = Code(rawValue: "invalid")
        /// Nobody is signed in, or the token is unknown or revoked: HTTP 401.
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// Signed in, but the role or token scope does not allow it: HTTP 403.
        public static let forbidden = Code(rawValue: "forbidden")
        /// Too many attempts (sign-in guessing): HTTP 429.
        public static let tooManyRequests = Code(rawValue: "too_many_requests")
        /// A failure of Rumbo's own, never the client's: HTTP 500.
        public static let `internal` = Code(rawValue: "internal")
    }

    public let code: Code
    /// The field the error is about, when there is one (`"target"`, `"confidence"`).
    public let field: String?
    public let messageEN: String
    public let messageES: String

    public init(_ code: Code, field: String? = nil, en: String, es: String) {
        self.code = code
        self.field = field
        self.messageEN = en
        self.messageES = es
    }

    /// The message in the given language (`"es"` or anything else for English).
    public func message(in language: Language) -> String {
        language == .spanish ? messageES : messageEN
    }

    public var description: String { messageEN }

    /// Both languages, for terminals and logs where the reader's language is unknown.
    public var errorDescription: String? { messageEN + " / " + messageES }

    public static func == (lhs: RumboError, rhs: RumboError) -> Bool { lhs.code == rhs.code }

    public static func notFound(_ what: String, id: String) -> RumboError {
        if what == "organization" {
            return RumboError(.notFound, en: "No organization '\(id)' (or you do not belong to it).", es: "No existe la organización '\(id)' (o no perteneces a ella).")
        }
        return RumboError(
            .notFound, en: "No \(what) with id '\(id)' in this organization.",
            es: "No existe \(Language.spanishNoun(what)) con id '\(id)' en esta organización.")
    }

    public static let unauthorized = RumboError(
        .unauthorized, en: "Sign in first, or send an API token as 'Authorization: Bearer …'.",
        es: "Inicia sesión primero, o envía un token de la API como 'Authorization: Bearer …'.")

    public static func invalid(_ field: String, en: String, es: String) -> RumboError {
        RumboError(.invalid, field: field, en: en, es: es)
    }

    public static func staleVersion(_ what: String, id: String, expected: Int, actual: Int) -> RumboError {
        RumboError(
            .conflict, field: "version",
            en: "The \(what) '\(id)' was changed by someone else (you edited version \(expected), it is now \(actual)). Reload it and apply your change again.",
            es: "Otra persona cambió \(Language.spanishNoun(what)) '\(id)' (editaste la versión \(expected), ahora es la \(actual)). Vuelve a cargarlo y aplica tu cambio de nuevo."
        )
    }
}

/// The two interface languages.
public enum Language: String, Sendable, CaseIterable, Codable {
    case spanish = "es"
    case english = "en"

    /// Picks a language from an `Accept-Language` header or a `lang` value; `nil` when none matches.
    public static func from(acceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag.lowercased(), quality)
        }
        for (tag, _) in ranked.sorted(by: { $0.1 > $1.1 }) {
            if let language = Language(rawValue: String(tag.prefix(2))) { return language }
        }
        return nil
    }

    public static func spanishNoun(_ english: String) -> String {
        switch english {
        case "organization": "la organización"
        case "team": "el equipo"
        case "person": "la persona"
        case "cycle": "el ciclo"
        case "objective": "el objetivo"
        case "key result": "el resultado clave"
        case "initiative": "la iniciativa"
        case "check-in": "el check-in"
        default: english
        }
    }
}
