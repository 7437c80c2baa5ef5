import Foundation
import RumboCore
import Testing

@testable import RumboIngest

let utc = TimeZone(identifier: "UTC")!
let madrid = TimeZone(identifier: "Europe/Madrid")!

/// Options for tests: UTC unless said otherwise.
func options(
    _ timeZone: TimeZone = utc, dateFormat: String? = nil, mapping: ColumnMapping? = nil, ignoreUnknownColumns: Bool = false,
    skipInvalid: Bool = false, maxErrors: Int = 20, chunkSize: Int = 1 << 20, format: ImportFormat = .auto
) throws -> ImportOptions {
    var options = ImportOptions(
        timeZone: timeZone, format: format, dateFormat: try dateFormat.map { try DateFormat($0) }, mapping: mapping,
        ignoreUnknownColumns: ignoreUnknownColumns, skipInvalid: skipInvalid, maxErrors: maxErrors)
    options.chunkSize = chunkSize
    return options
}

/// Reads an in-memory file whole.
func read(_ kind: DataKind, _ text: String, name: String = "test.csv", _ options: ImportOptions? = nil) throws -> ImportResult {
    try Ingest.readAll(kind: kind, from: .data(Data(text.utf8), name: name), options: options ?? RumboIngestTests.options())
}

/// The failure an in-memory file must produce.
func expectFailure(
    _ kind: DataKind, _ text: String, name: String = "test.csv", _ options: ImportOptions? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> ImportFailure {
    try expectFailure(kind, .data(Data(text.utf8), name: name), options, sourceLocation: sourceLocation)
}

func expectFailure(
    _ kind: DataKind, _ source: ImportSource, _ options: ImportOptions? = nil, sourceLocation: SourceLocation = #_sourceLocation
) throws -> ImportFailure {
    let options = try options ?? RumboIngestTests.options()
    do {
        let result = try Ingest.readAll(kind: kind, from: source, options: options)
        Issue.record("expected a failure, got \(result.rows.count) rows", sourceLocation: sourceLocation)
        return ImportFailure(issues: [])
    } catch {
        return error
    }
}

/// A fixture file of `Tests/RumboIngestTests/Fixtures`.
func fixture(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!
}

/// Epoch milliseconds of a civil time in a zone, through Foundation's calendar.
func millis(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0, in zone: TimeZone = utc)
    -> Int64
{
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
    return Int64((date.timeIntervalSince1970 * 1000).rounded())
}

extension DataRow {
    /// The value of a native field by name.
    func callAsFunction(_ field: String, in kind: DataKind) -> FieldValue? {
        values[kind.layout.index(of: field)!]
    }
}

/// A native header line for a kind (optionally without some columns).
func header(_ kind: DataKind, without omitted: Set<String> = [], separator: String = ",") -> String {
    kind.layout.header.filter { !omitted.contains($0) }.joined(separator: separator)
}
