import Foundation
import RumboCore

/// One problem found while importing: where it is (file, line, column) and why, in English and
/// Spanish.
///
/// Issues compare by every field, so tests can check the exact position and wording; programs
/// should branch on `code`, which is stable, rather than on the text.
public struct ImportIssue: Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable category of problem.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file could not be opened or read.
        public static let unreadable = Code(rawValue: "unreadable")
        /// The file (or body) holds nothing, not even a header line.
        public static let emptyFile = Code(rawValue: "empty_file")
        /// Bytes that are not UTF-8 (a file saved as Latin-1 or UTF-16, or a binary file).
        public static let invalidUTF8 = Code(rawValue: "invalid_utf8")
        /// A quoted CSV value that is never closed before the end of the file.
        public static let unterminatedQuote = Code(rawValue: "unterminated_quote")
        /// A quote inside a quoted CSV value that is not doubled.
        public static let strayQuote = Code(rawValue: "stray_quote")
        /// A CSV record with more or fewer fields than the header.
        public static let fieldCount = Code(rawValue: "field_count")
        /// A record so long it can only be an unclosed quote (the reader refuses to buffer it).
        public static let recordTooLong = Code(rawValue: "record_too_long")
        /// The header lacks `id` or a required column.
        public static let missingColumn = Code(rawValue: "missing_column")
        /// A column (or JSON key) that is not part of the layout and is not mapped.
        public static let unknownColumn = Code(rawValue: "unknown_column")
        /// The same column twice in the header (or the same key twice in a JSON object).
        public static let duplicateColumn = Code(rawValue: "duplicate_column")
        /// A JSON Lines line that is not one JSON object of plain values.
        public static let invalidJSON = Code(rawValue: "invalid_json")
        /// A required value is empty or absent.
        public static let required = Code(rawValue: "required")
        /// The `id` is too long.
        public static let invalidID = Code(rawValue: "invalid_id")
        /// The same `id` twice in one file.
        public static let duplicateID = Code(rawValue: "duplicate_id")
        /// Not a date / time in the expected format, or an impossible one (month 13, 31 February).
        public static let invalidTimestamp = Code(rawValue: "invalid_timestamp")
        /// Not a number (or not a whole number where one is needed).
        public static let invalidNumber = Code(rawValue: "invalid_number")
        /// A number written with thousands separators (`1.234,50`), which are ambiguous.
        public static let thousandsSeparator = Code(rawValue: "thousands_separator")
        /// A number outside the field's range.
        public static let outOfRange = Code(rawValue: "out_of_range")
        /// Not a yes/no value.
        public static let invalidBoolean = Code(rawValue: "invalid_boolean")
        /// Not one of the field's allowed words.
        public static let invalidChoice = Code(rawValue: "invalid_choice")
        /// Fields that contradict each other (a negative duration, a CSAT score of 0).
        public static let inconsistent = Code(rawValue: "inconsistent")
        /// A bad import option (a date format with unknown letters) or column mapping.
        public static let invalidOption = Code(rawValue: "invalid_option")
    }

    public let code: Code
    /// The file name (or the name given to an in-memory body), as the user knows it.
    public let file: String
    /// The physical line (1-based) where the record starts; nil for problems of the whole file.
    public let line: Int?
    /// The column's name as written in the file's header (or the JSON key).
    public let column: String?
    /// The native field the column holds, when it differs from `column` (a mapped column).
    public let field: String?
    /// The column's position in the header (1-based); nil for JSON Lines.
    public let columnNumber: Int?
    /// The offending value, shortened to a few dozen characters.
    public let value: String?
    public let reasonEN: String
    public let reasonES: String

    public init(
        code: Code, file: String, line: Int?, column: String? = nil, field: String? = nil, columnNumber: Int? = nil,
        value: String? = nil, en: String, es: String
    ) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.field = field == column ? nil : field
        self.columnNumber = columnNumber
        self.value = value
        self.reasonEN = en
        self.reasonES = es
    }

    public func reason(in language: Language) -> String { language == .spanish ? reasonES : reasonEN }

    /// `tickets.csv:17: column created_at (5): "2026-13-01": not a date …`
    public var description: String { description(in: .english) }

    /// The issue on one line, in the given language, as compilers print theirs
    /// (`file:line: column name (number): "value": reason`).
    public func description(in language: Language) -> String {
        var text = file
        if let line { text += ":\(line)" }
        if !text.isEmpty { text += ": " }
        if let column {
            var position: [String] = []
            if let columnNumber { position.append(String(columnNumber)) }
            if let field { position.append(field) }
            let shown = column.isEmpty ? "\"\"" : column
            text += (language == .spanish ? "columna " : "column ") + shown
            if !position.isEmpty { text += " (" + position.joined(separator: ", ") + ")" }
            text += ": "
        }
        if let value { text += "\"\(value)\": " }
        return text + reason(in: language)
    }

    /// Shortens a value for messages: at most `limit` characters, an ellipsis when cut.
    static func excerpt(_ value: String, limit: Int = 40) -> String {
        value.count <= limit ? value : String(value.prefix(limit)) + "…"
    }
}

/// The error thrown when an import cannot be accepted: a header that does not fit the layout, an
/// empty or unreadable file, or (unless invalid rows are skipped) invalid rows.
///
/// It carries up to `ImportOptions.maxErrors` issues so the user can fix several problems in
/// one pass; `stoppedEarly` says whether the reader gave up before the end of the file.
public struct ImportFailure: Error, LocalizedError, Sendable, Hashable, CustomStringConvertible {
    public let issues: [ImportIssue]
    /// True when the reader stopped collecting at `maxErrors`: there may be more problems.
    public let stoppedEarly: Bool

    public init(issues: [ImportIssue], stoppedEarly: Bool = false) {
        self.issues = issues
        self.stoppedEarly = stoppedEarly
    }

    init(_ issue: ImportIssue) { self.init(issues: [issue]) }

    /// The main category: the code of the first issue.
    public var code: ImportIssue.Code { issues.first?.code ?? .invalidOption }

    /// One issue per line, in English.
    public var description: String { description(in: .english) }

    /// One issue per line in the given language, with a closing note when the reader stopped early.
    public func description(in language: Language) -> String {
        var lines = issues.map { $0.description(in: language) }
        if stoppedEarly {
            lines.append(
                language == .spanish
                    ? "(se detuvo tras \(issues.count) errores; puede haber más)"
                    : "(stopped after \(issues.count) errors; there may be more)")
        }
        return lines.joined(separator: "\n")
    }

    public var errorDescription: String? { description }
}

/// A reason in both languages, before it is placed at a file, line and column.
struct Reason: Error, Sendable {
    let code: ImportIssue.Code
    let en: String
    let es: String

    init(_ code: ImportIssue.Code, en: String, es: String) {
        self.code = code
        self.en = en
        self.es = es
    }
}
