import Foundation
import RumboCore

/// The file formats the importer reads.
public enum ImportFormat: String, Sendable, CaseIterable, Codable {
    /// Comma-, semicolon- or tab-separated values with a header line.
    case csv
    /// JSON Lines: one JSON object per line, its keys naming the columns.
    case jsonLines = "jsonl"
    /// Chosen from the file name's extension (`.csv`, `.tsv`, `.txt` → CSV; `.jsonl`, `.ndjson`,
    /// `.json` → JSON Lines), or from the first character when the name does not tell.
    case auto
}

/// The separator between CSV values.
public enum CSVDelimiter: UInt8, Sendable, CaseIterable, Codable {
    case comma = 0x2C
    case semicolon = 0x3B
    case tab = 0x09

    /// `,` `;` or a tab character (also accepts the words `comma`, `semicolon`, `tab`).
    public init?(_ text: String) {
        switch text.lowercased() {
        case ",", "comma": self = .comma
        case ";", "semicolon": self = .semicolon
        case "\t", "\\t", "tab": self = .tab
        default: return nil
        }
    }
}

/// Where the bytes of an import come from.
public enum ImportSource: Sendable {
    /// A file on disk, read in chunks (memory stays flat whatever its size).
    case file(URL)
    /// An in-memory body (an HTTP batch request, an uploaded file); `name` appears in messages.
    case data(Data, name: String)

    /// A file given by its path.
    public static func path(_ path: String) -> ImportSource { .file(URL(fileURLWithPath: path)) }

    /// The name used in messages: the file's last path component, or the body's name.
    public var name: String {
        switch self {
        case .file(let url): url.lastPathComponent
        case .data(_, let name): name
        }
    }
}

/// How to read one import. Only `timeZone` has no sensible default: it is the organization's.
public struct ImportOptions: Sendable {
    /// The format, or `.auto` to decide from the file name or content.
    public var format: ImportFormat
    /// The CSV separator; nil to detect it from the header line (comma, semicolon or tab,
    /// whichever the header uses most; `.tsv` files default to tab).
    public var delimiter: CSVDelimiter?
    /// The format of timestamps without an ISO 8601 shape (`dd/MM/yyyy HH:mm`); nil for ISO 8601.
    public var dateFormat: DateFormat?
    /// The zone in which timestamps without an offset are read (the organization's by default).
    public var timeZone: TimeZone
    /// Which file column holds each native field, for exports of other tools.
    public var mapping: ColumnMapping?
    /// Ignore columns that are neither native nor mapped, instead of refusing the file.
    public var ignoreUnknownColumns: Bool
    /// Leave invalid rows out (and report them) instead of failing the whole import.
    public var skipInvalid: Bool
    /// Rows handed to the caller at a time.
    public var batchSize: Int
    /// In strict mode, how many problems to collect before giving up.
    public var maxErrors: Int
    /// Bytes read from the source at a time (tests make it tiny to exercise chunk boundaries).
    var chunkSize = 1 << 20
    /// The longest record the reader buffers before deciding a quote was never closed.
    var maxRecordBytes = 64 << 20

    public init(
        timeZone: TimeZone, format: ImportFormat = .auto, delimiter: CSVDelimiter? = nil, dateFormat: DateFormat? = nil,
        mapping: ColumnMapping? = nil, ignoreUnknownColumns: Bool = false, skipInvalid: Bool = false,
        batchSize: Int = 2000, maxErrors: Int = 20
    ) {
        self.format = format
        self.delimiter = delimiter
        self.dateFormat = dateFormat
        self.timeZone = timeZone
        self.mapping = mapping
        self.ignoreUnknownColumns = ignoreUnknownColumns
        self.skipInvalid = skipInvalid
        self.batchSize = batchSize
        self.maxErrors = maxErrors
    }
}

/// Which column of a file holds each native field: `native field name → file column name`.
///
/// Exports of other tools name their columns their own way ("Ticket ID", "Created"); a mapping
/// says where each native field is. Native fields the mapping does not mention are looked up
/// under their own name, so a mapping lists only the columns that differ. Names match without
/// regard to case or surrounding spaces.
///
/// A mapping file is one JSON object whose keys are native field names (including `id`) and
/// whose values are the file's column names:
///
/// ```json
/// {"id": "Ticket ID", "created_at": "Created", "first_response_at": "First reply", "team": "Group"}
/// ```
public struct ColumnMapping: Sendable, Hashable {
    /// Native field name → the file's column name.
    public let columns: [String: String]
    /// Where the mapping came from, for messages.
    public let name: String

    public init(_ columns: [String: String], name: String = "mapping") {
        self.columns = columns
        self.name = name
    }

    /// Reads a mapping file (see the type's documentation for the format).
    /// - Throws: `ImportFailure` (code `.invalidOption`) when the file cannot be read or is not a
    ///   JSON object of strings.
    public init(contentsOf url: URL) throws(ImportFailure) {
        let name = url.lastPathComponent
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ImportFailure(
                ImportIssue(
                    code: .unreadable, file: name, line: nil, en: "cannot read the column mapping file (\(error.localizedDescription))",
                    es: "no se puede leer el archivo de correspondencia de columnas (\(error.localizedDescription))"))
        }
        try self.init(json: data, name: name)
    }

    /// Parses a mapping from JSON text (see the type's documentation for the format).
    public init(json: Data, name: String = "mapping") throws(ImportFailure) {
        func failure(_ en: String, _ es: String) -> ImportFailure {
            ImportFailure(ImportIssue(code: .invalidOption, file: name, line: nil, en: en, es: es))
        }
        let example = #"{"id": "Ticket ID", "created_at": "Created"}"#
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw failure(
                "the column mapping is not valid JSON; write one object such as \(example)",
                "la correspondencia de columnas no es JSON válido; escribe un objeto como \(example)")
        }
        guard let dictionary = object as? [String: Any] else {
            throw failure(
                "the column mapping must be one JSON object such as \(example)",
                "la correspondencia de columnas debe ser un objeto JSON como \(example)")
        }
        var columns: [String: String] = [:]
        for (field, value) in dictionary {
            guard let column = value as? String, !column.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw failure(
                    "the column mapping gives \(field) a value that is not a column name; every value must be a non-empty string",
                    "la correspondencia de columnas da a \(field) un valor que no es un nombre de columna; cada valor debe ser un texto no vacío")
            }
            columns[field] = column
        }
        self.init(columns, name: name)
    }

    /// Checks the mapping against a layout: every key is a native field and no two fields share a column.
    func validate(for layout: DataLayout) throws(ImportFailure) {
        var issues: [ImportIssue] = []
        let native = layout.header
        for field in columns.keys.sorted() where !native.contains(field) {
            issues.append(
                ImportIssue(
                    code: .invalidOption, file: name, line: nil,
                    en: "the column mapping names \(field), which is not a column of \(layout.kind.rawValue); the native columns are: \(native.joined(separator: ", "))",
                    es: "la correspondencia de columnas nombra \(field), que no es una columna de \(layout.kind.rawValue); las columnas nativas son: \(native.joined(separator: ", "))"
                ))
        }
        let byColumn = Dictionary(grouping: columns.keys.sorted()) { HeaderName(columns[$0]!) }
        for (column, fields) in byColumn.sorted(by: { $0.value[0] < $1.value[0] }) where fields.count > 1 {
            issues.append(
                ImportIssue(
                    code: .invalidOption, file: name, line: nil,
                    en: "the column mapping puts \(fields.joined(separator: " and ")) in the same column '\(column.text)'",
                    es: "la correspondencia de columnas pone \(fields.joined(separator: " y ")) en la misma columna '\(column.text)'"))
        }
        if !issues.isEmpty { throw ImportFailure(issues: issues) }
    }

    /// The file column name under which a native field is found.
    func column(for field: String) -> String { columns[field] ?? field }
}

/// A header name compared without regard to ASCII case or surrounding white space.
struct HeaderName: Hashable {
    let text: String
    let key: String

    init(_ text: String) {
        self.text = text
        self.key = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static func == (a: HeaderName, b: HeaderName) -> Bool { a.key == b.key }
    func hash(into hasher: inout Hasher) { hasher.combine(key) }
}
