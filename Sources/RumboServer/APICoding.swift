import Foundation
import Hummingbird
import NIOCore
import RumboCore

/// JSON as the API speaks it: snake_case keys (`parent_id`, `key_result_ids`), ISO 8601 instants.
/// Swift's built-in snake-case strategies mangle `ID` suffixes (`parentID` ↔ `parent_id` does not
/// round-trip), hence the two small custom key strategies.
enum APICoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { keys in SnakeKey(snakeCase(keys.last!.stringValue)) }
        // Milliseconds, as stored: two check-ins in one second still sort as they were made.
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { keys in SnakeKey(camelCase(keys.last!.stringValue)) }
        return decoder
    }()

    static func snakeCase(_ key: String) -> String {
        var result = ""
        var previous: Character?
        for character in key {
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { result.append("_") }
            result.append(contentsOf: character.lowercased())
            previous = character
        }
        return result
    }

    static func camelCase(_ key: String) -> String {
        let parts = key.split(separator: "_")
        guard let first = parts.first else { return key }
        return String(first)
            + parts.dropFirst().map { part in
                switch part {
                case "id": "ID"
                case "ids": "IDs"
                default: part.prefix(1).uppercased() + part.dropFirst()
                }
            }.joined()
    }

    struct SnakeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A JSON response with the API's encoding.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// Reads a JSON body; anything unreadable is a 400 that says where and why.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        guard buffer.readableBytes > 0 else {
            throw RumboError(.malformed, en: "The request needs a JSON body.", es: "La petición necesita un cuerpo JSON.")
        }
        do {
            return try decoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw RumboError(.malformed, field: error.fieldPath, en: "Malformed JSON: \(error.explanation)", es: "JSON mal formado: \(error.explanation)")
        }
    }
}

extension DecodingError {
    var fieldPath: String? {
        let path: [any CodingKey]
        switch self {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
        @unknown default: return nil
        }
        let text = path.map { $0.intValue.map { "[\($0)]" } ?? APICoding.snakeCase($0.stringValue) }.joined(separator: ".")
        return text.isEmpty ? nil : text
    }

    /// A one-line reason a person can act on.
    var explanation: String {
        switch self {
        case .keyNotFound(let key, _): "the field '\(APICoding.snakeCase(key.stringValue))' is required."
        case .typeMismatch(let type, _): "'\(fieldPath ?? "value")' should be \(Self.describe(type))."
        case .valueNotFound(let type, _): "'\(fieldPath ?? "value")' should be \(Self.describe(type)), not null."
        case .dataCorrupted(let context):
            fieldPath.map { "'\($0)': \(context.debugDescription)" } ?? "the body is not valid JSON."
        @unknown default: "the body could not be read."
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Int.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(type)".contains("Array") ? "an array" : "an object"
        }
    }
}
