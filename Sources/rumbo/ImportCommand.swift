import ArgumentParser
import Foundation
import RumboCore
import RumboIngest
import RumboStore

extension DataKind: ExpressibleByArgument {}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import customer data from CSV or JSON Lines / Importar datos de clientes.",
        discussion: """
            A file imports whole or not at all: any invalid row stops the import, lists each problem as
            file:line, column, value and reason, and leaves the database unchanged. --skip-invalid imports
            the valid rows and writes the others, with their reasons, to a rejects file.
            Rows are matched by (source, id): importing the same file again changes nothing, and an
            export with corrected rows updates them. Bound key results are recomputed afterwards.

            Native columns (the first line of the file; optional columns may be left out):
            \(DataKind.allCases.map { "  \($0.rawValue): \($0.layout.header.joined(separator: ","))" }.joined(separator: "\n"))
            `rumbo import KIND --describe` explains each column.

            Examples:
              rumbo import tickets tickets.csv --org nimbus-software --source zendesk
              rumbo import surveys respuestas.csv --date-format dd/MM/yyyy --timezone Europe/Madrid
              rumbo import appointments citas.csv --mapping mapeo.json --skip-invalid
              rumbo import events events.jsonl

            A mapping file is a JSON object from native column to the file's column, e.g.
              {"id": "Ticket ID", "created_at": "Created", "first_response_at": "First reply"}
            """)

    @Argument(help: "What the file holds: \(DataKind.allCases.map(\.rawValue).joined(separator: ", ")).") var kind: DataKind
    @Argument(help: "The CSV or JSON Lines file.") var file: String?
    @Option(help: "Organization slug (optional when there is only one).") var org: String?
    @Option(help: "The system the data comes from (zendesk, typeform, pos …); ids are unique per source.") var source = "import"
    @Option(help: "csv, jsonl or auto (from the extension).") var format = "auto"
    @Option(help: "CSV separator: comma, semicolon or tab (default: detected from the header).") var delimiter: String?
    @Option(help: ArgumentHelp("Format of dates that are not ISO 8601, e.g. dd/MM/yyyy or dd/MM/yyyy HH:mm.", valueName: "pattern"))
    var dateFormat: String?
    @Option(name: .customLong("timezone"), help: "Time zone of times without an offset (default: the organization's).") var timeZone: String?
    @Option(help: "JSON file mapping native columns to this file's columns.") var mapping: String?
    @Flag(help: "Ignore columns that are neither native nor mapped.") var ignoreUnknownColumns = false
    @Flag(help: "Import the valid rows and write the invalid ones to a rejects file.") var skipInvalid = false
    @Option(help: "Where --skip-invalid writes rejected rows (default: FILE.rejects.csv).") var rejects: String?
    @Flag(help: "No progress bar (it only shows on a terminal anyway).") var noProgress = false
    @Flag(help: "Explain the columns of KIND and exit.") var describe = false
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if !describe && file == nil { throw ValidationError("Give the file to import, e.g. `rumbo import \(kind.rawValue) \(kind.rawValue).csv`.") }
    }

    func run() async throws {
        if describe {
            let layout = kind.layout
            print("\(kind.rawValue): \(layout.summary). Columns:")
            print("  id  (required) the row's id in the source system")
            for field in layout.fields {
                print("  \(field.name)  (\(field.required ? "required" : "optional"), \(Self.describe(field.type))) \(field.help)")
            }
            return
        }
        let path = file!
        var options = ImportOptions(timeZone: TimeZone(identifier: "UTC")!, skipInvalid: skipInvalid)
        options.ignoreUnknownColumns = ignoreUnknownColumns
        guard let format = ImportFormat(rawValue: format) else { throw ValidationError("--format must be csv, jsonl or auto.") }
        options.format = format
        if let delimiter {
            guard let parsed = CSVDelimiter(delimiter) else { throw ValidationError("--delimiter must be comma, semicolon or tab.") }
            options.delimiter = parsed
        }
        do {
            if let dateFormat { options.dateFormat = try DateFormat(dateFormat) }
            if let mapping { options.mapping = try ColumnMapping(contentsOf: URL(fileURLWithPath: mapping)) }
        } catch {
            throw CLIError(error.description)
        }
        let progress = ProgressBar(enabled: !noProgress && isatty(2) != 0, label: kind.rawValue)
        try await store.withStore { db in
            let organization = try await resolveOrganization(org, in: db)
            if let timeZone {
                guard let zone = TimeZone(identifier: timeZone) else {
                    throw ValidationError("'\(timeZone)' is not a time zone; use a name like Europe/Madrid or America/Mexico_City.")
                }
                options.timeZone = zone
            } else {
                options.timeZone = organization.zone
            }
            let readOptions = options
            let started = ContinuousClock.now
            let result: (outcome: ImportOutcome, report: ImportReport)
            do {
                result = try await db.importRows(kind, source: source, into: organization, fileName: path, by: "cli") { write in
                    try await Ingest.readRows(kind: kind, from: .path(path), options: readOptions, progress: progress.update) { batch in
                        try await write(batch)
                    }
                }
            } catch let failure as ImportFailure {
                progress.finish()
                throw CLIError(
                    failure.description
                        + "\nNothing was imported. Fix the rows above and import the file again, or use --skip-invalid to import the valid rows.")
            }
            progress.finish()
            let seconds = (ContinuousClock.now - started).seconds
            let (outcome, report) = result
            say(
                "Imported \(outcome.rowsWritten) \(kind.rawValue) from \(report.source) into \(organization.name) (source \(source)): "
                    + "\(outcome.newRows) new, \(outcome.rowsWritten - outcome.newRows) already there. "
                    + String(format: "%.1f s, %.0f rows/s.", seconds, Double(report.rowsRead) / max(seconds, 1e-9)))
            if !report.rejected.isEmpty {
                let target = rejects ?? path + ".rejects.csv"
                try report.writeRejects(to: URL(fileURLWithPath: target), language: organization.language)
                say("Skipped \(report.rejected.count) invalid rows; they are in \(target) with their reasons.")
            }
            let refreshed = try await db.refreshAutomaticCheckIns(in: organization)
            if !refreshed.isEmpty {
                say("Updated \(Set(refreshed.map(\.keyResultID)).count) bound key results (\(refreshed.count) automatic check-ins).")
            }
            if kind == .orders || kind == .customers {
                // The import stands whatever happens here: a problem with the alerts is a note.
                do { try await refreshAlerts(organization, in: db) } catch let error as CLIError { warn("Note: \(error.description)") }
            }
        }
    }

    static func describe(_ type: FieldType) -> String {
        switch type {
        case .text: "text"
        case .choice(let words): "one of: " + words.joined(separator: ", ")
        case .integer(let range): "whole number \(range.lowerBound)–\(range.upperBound)"
        case .decimal: "number"
        case .timestamp: "date and time"
        case .boolean: "true/false"
        }
    }
}

/// A one-line progress bar on standard error, redrawn at most ten times a second.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    let label: String
    private var last = ContinuousClock.now - .seconds(1)
    private var drawn = false

    init(enabled: Bool, label: String) {
        self.enabled = enabled
        self.label = label
    }

    func update(_ progress: ImportProgress) {
        guard enabled, ContinuousClock.now - last >= .milliseconds(100) else { return }
        last = ContinuousClock.now
        let fraction = progress.fraction ?? 0
        let width = 30
        let filled = Int((fraction * Double(width)).rounded(.down))
        let rate = Double(progress.rowsRead) / max(progress.elapsed.seconds, 1e-9)
        let line = "\r\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + String(format: "%3.0f%%  %d rows  %.0f rows/s", fraction * 100, progress.rowsRead, rate)
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
