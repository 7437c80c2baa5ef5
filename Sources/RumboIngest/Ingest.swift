import Foundation
import RumboCore

/// Streaming readers that turn CSV and JSON Lines files into validated `DataRow`s.
///
/// ```swift
/// let options = ImportOptions(timeZone: organization.timeZone)
/// let report = try await Ingest.readRows(kind: .tickets, from: .path("tickets.csv"), options: options) { batch in
///     try await store.upsert(batch)            // inside one transaction: all or nothing
/// }
/// ```
///
/// In strict mode (the default) the first invalid row stops the batches; the reader goes on
/// only to collect up to `maxErrors` issues and then throws an `ImportFailure`, so the caller's
/// transaction rolls back. With `skipInvalid` invalid rows are left out and listed in the report
/// (`ImportReport.writeRejects(to:)` writes them to a rejects file).
public enum Ingest {
    /// Reads a file or body in batches of validated rows.
    ///
    /// - Parameters:
    ///   - kind: which native layout the rows follow.
    ///   - source: a file (read in chunks, so memory stays flat) or an in-memory body.
    ///   - options: format, delimiter, date format, time zone, mapping, strictness, batch size.
    ///   - progress: called after every batch and at the end (on the caller's executor).
    ///   - onBatch: receives each batch of at most `batchSize` valid rows, in file order.
    /// - Returns: the counts, the rejected rows (when skipping invalid rows) and the time taken.
    /// - Throws: `ImportFailure` for a file that cannot be imported (empty, unreadable, a header
    ///   that does not fit the layout, or invalid rows in strict mode); whatever `onBatch` throws;
    ///   `CancellationError` when the task is cancelled.
    nonisolated(nonsending)
        public static func readRows(
            kind: DataKind, from source: ImportSource, options: ImportOptions,
            progress: (ImportProgress) -> Void = { _ in },
            onBatch: nonisolated(nonsending) ([DataRow]) async throws -> Void
        ) async throws -> ImportReport
    {
        let started = ContinuousClock.now
        switch try open(kind: kind, source: source, options: options) {
        case .csv(let engine): return try await engine.run(started: started, progress: progress, onBatch: onBatch)
        case .jsonLines(let engine): return try await engine.run(started: started, progress: progress, onBatch: onBatch)
        }
    }

    /// Reads a whole (small) source at once: for HTTP batch requests and uploads.
    ///
    /// - Returns: every valid row and the report.
    /// - Throws: `ImportFailure` as `readRows` does.
    public static func readAll(kind: DataKind, from source: ImportSource, options: ImportOptions) throws(ImportFailure) -> ImportResult {
        let started = ContinuousClock.now
        switch try open(kind: kind, source: source, options: options) {
        case .csv(let engine): return try engine.runAll(started: started)
        case .jsonLines(let engine): return try engine.runAll(started: started)
        }
    }

    enum Reader {
        case csv(ImportEngine<CSVScanner>)
        case jsonLines(ImportEngine<JSONLinesScanner>)
    }

    /// Opens the source, decides the format, reads and checks the CSV header.
    static func open(kind: DataKind, source: ImportSource, options: ImportOptions) throws(ImportFailure) -> Reader {
        let layout = kind.layout
        let name = source.name
        try options.mapping?.validate(for: layout)
        let bytes: any ByteSource
        switch source {
        case .file(let url):
            do {
                bytes = try FileByteSource(url: url)
            } catch {
                let exists = FileManager.default.fileExists(atPath: url.path)
                throw ImportFailure(
                    ImportIssue(
                        code: .unreadable, file: name, line: nil,
                        en: exists ? "cannot open the file (\(error.localizedDescription))" : "no such file (\(url.path))",
                        es: exists ? "no se puede abrir el archivo (\(error.localizedDescription))" : "no existe el archivo (\(url.path))"))
            }
        case .data(let data, _):
            bytes = DataByteSource(data)
        }
        let buffer = ChunkBuffer(source: bytes, name: name, chunkSize: options.chunkSize, maxRecordBytes: options.maxRecordBytes)
        try skipByteOrderMark(buffer)
        var firstByte: UInt8? = nil
        while true {
            firstByte = (0..<buffer.end).lazy.map { buffer.base[$0] }.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
            if firstByte != nil || buffer.atEOF { break }
            try buffer.refill(keeping: 0, line: 1)
        }
        guard let firstByte else {
            throw ImportFailure(
                ImportIssue(
                    code: .emptyFile, file: name, line: nil,
                    en: "the file is empty; it needs a header line naming the columns (\(layout.header.joined(separator: ", ")))",
                    es: "el archivo está vacío; necesita una línea de cabecera con los nombres de las columnas (\(layout.header.joined(separator: ", ")))"
                ))
        }
        let ext = (name as NSString).pathExtension.lowercased()
        var format = options.format
        if format == .auto {
            switch ext {
            case "csv", "tsv", "txt": format = .csv
            case "jsonl", "ndjson", "json": format = .jsonLines
            default: format = firstByte == 0x7B ? .jsonLines : .csv
            }
        }
        if format == .jsonLines {
            let plan = ColumnPlan.jsonLines(layout: layout, mapping: options.mapping)
            let scanner = JSONLinesScanner(buffer: buffer, columns: plan.columnNames, ignoreUnknownKeys: options.ignoreUnknownColumns)
            let validator = RowValidator(layout: layout, file: name, plan: plan, options: options)
            return .jsonLines(ImportEngine(scanner: scanner, validator: validator, format: .jsonLines, delimiter: nil))
        }
        let scanner = try CSVScanner(buffer: buffer, delimiter: options.delimiter ?? (ext == "tsv" ? .tab : nil))
        guard try scanner.next() else {
            throw ImportFailure(
                ImportIssue(
                    code: .emptyFile, file: name, line: nil, en: "the file is empty; it needs a header line",
                    es: "el archivo está vacío; necesita una línea de cabecera"))
        }
        let headerLine = scanner.line
        var header: [String] = []
        for k in 0..<scanner.fieldCount { header.append(scanner.fields[k].bytes.string) }
        if scanner.problem != nil {
            // A broken header (bad UTF-8, an open quote): describe it as a record problem.
            let placeholder = ColumnPlan(
                headerCount: nil, idSlot: 0, idColumn: "id", idNumber: nil, fields: [], columnNames: header)
            let validator = RowValidator(layout: layout, file: name, plan: placeholder, options: options)
            _ = validator.validate(scanner)
            throw ImportFailure(issues: validator.issues)
        }
        let plan = try ColumnPlan.csv(header: header, layout: layout, options: options, file: name, line: headerLine)
        let validator = RowValidator(layout: layout, file: name, plan: plan, options: options)
        return .csv(ImportEngine(scanner: scanner, validator: validator, format: .csv, delimiter: CSVDelimiter(rawValue: scanner.delimiter)))
    }
}

/// Every valid row of a small source, with the report.
public struct ImportResult: Sendable {
    public let rows: [DataRow]
    public let report: ImportReport
}

/// How far an import has got.
public struct ImportProgress: Sendable {
    /// Bytes read from the source so far (read ahead of the rows by at most one chunk).
    public let bytesRead: Int64
    /// The source's size, when known.
    public let totalBytes: Int64?
    /// Records read (valid or not), not counting the header and blank lines.
    public let rowsRead: Int
    public let rowsAccepted: Int
    public let rowsRejected: Int
    public let elapsed: Duration

    /// 0…1 when the size is known.
    public var fraction: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return min(1, Double(bytesRead) / Double(totalBytes))
    }

    public var rowsPerSecond: Double { rowsRead == 0 ? 0 : Double(rowsRead) / max(elapsed.seconds, 1e-9) }
}

/// A row left out of a `skipInvalid` import, with why.
public struct RejectedRow: Sendable, Hashable {
    /// The physical line where the record starts.
    public let line: Int
    public let issues: [ImportIssue]
    /// The record as written in the file (invalid UTF-8 shown as U+FFFD).
    public let record: String
}

/// What an import did.
public struct ImportReport: Sendable {
    public let kind: DataKind
    /// The file or body name.
    public let source: String
    /// The format read (never `.auto`).
    public let format: ImportFormat
    /// The CSV separator used (given or detected); nil for JSON Lines.
    public let delimiter: CSVDelimiter?
    /// The native fields the file has, in layout order (`id` first); for JSON Lines, where each
    /// line may have its own keys, every native field.
    public let columns: [String]
    /// Records read, not counting the header and blank lines.
    public let rowsRead: Int
    /// Rows handed to `onBatch`.
    public let rowsAccepted: Int
    /// Rows left out (only with `skipInvalid`).
    public let rejected: [RejectedRow]
    public let bytesRead: Int64
    public let elapsed: Duration

    /// Every issue of the rejected rows.
    public var issues: [ImportIssue] { rejected.flatMap(\.issues) }

    public var rowsPerSecond: Double { rowsRead == 0 ? 0 : Double(rowsRead) / max(elapsed.seconds, 1e-9) }

    /// The rejected rows as CSV: `line,column,reason,record`, one line per rejected row (several
    /// problems of one row joined by "; "), so the user can fix the records and import them again.
    public func rejectsCSV(in language: Language = .english) -> String {
        var text = "line,column,reason,record\n"
        for row in rejected {
            let columns = row.issues.compactMap(\.column).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let reasons = row.issues.map { issue in
                (issue.column.map { "\($0): " } ?? "") + (issue.value.map { "\"\($0)\": " } ?? "") + issue.reason(in: language)
            }
            text += [String(row.line), columns.joined(separator: "; "), reasons.joined(separator: "; "), row.record]
                .map(Self.csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// Writes `rejectsCSV(in:)` to a file (UTF-8, with a byte-order mark so Excel reads accents).
    public func writeRejects(to url: URL, language: Language = .english) throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(contentsOf: rejectsCSV(in: language).utf8)
        try data.write(to: url, options: .atomic)
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

/// Drives one scanner and validator: batches, strict / skip-invalid bookkeeping, progress.
final class ImportEngine<Scanner: RecordScanner> {
    let scanner: Scanner
    let validator: RowValidator
    let options: ImportOptions
    let format: ImportFormat
    let delimiter: CSVDelimiter?
    private(set) var rowsRead = 0
    private(set) var rowsAccepted = 0
    private(set) var rejected: [RejectedRow] = []
    /// Strict mode: the issues collected so far; once there is one, no more rows are emitted.
    private(set) var failures: [ImportIssue] = []
    private(set) var finished = false
    private(set) var stoppedEarly = false

    init(scanner: Scanner, validator: RowValidator, format: ImportFormat, delimiter: CSVDelimiter?) {
        self.scanner = scanner
        self.validator = validator
        self.options = validator.options
        self.format = format
        self.delimiter = delimiter
    }

    /// Scans up to `limit` records, appending the valid ones to `batch` (none after a strict failure).
    func fill(_ batch: inout [DataRow], limit: Int) throws(ImportFailure) {
        // Counters live in locals during the loop: every access to a class's `var` costs a
        // dynamic exclusivity check.
        var scanned = 0
        var accepted = 0
        var emit = failures.isEmpty
        let skipInvalid = options.skipInvalid
        let maxErrors = max(1, options.maxErrors)
        let scanner = self.scanner
        let validator = self.validator
        defer {
            rowsRead += scanned
            rowsAccepted += accepted
        }
        while scanned < limit {
            guard try scanner.next() else {
                finished = true
                return
            }
            scanned += 1
            if let row = validator.validate(scanner) {
                accepted += 1
                if emit { batch.append(row) }
            } else if skipInvalid {
                rejected.append(RejectedRow(line: scanner.line, issues: validator.issues, record: scanner.text.string))
            } else {
                emit = false
                failures.append(contentsOf: validator.issues)
                if failures.count >= maxErrors {
                    if failures.count > maxErrors { failures.removeLast(failures.count - maxErrors) }
                    stoppedEarly = true
                    finished = true
                    return
                }
            }
        }
    }

    /// Throws what the whole import amounts to, if it failed.
    func checkOutcome() throws(ImportFailure) {
        if !failures.isEmpty { throw ImportFailure(issues: failures, stoppedEarly: stoppedEarly) }
        if format == .jsonLines, rowsRead == 0 {
            throw ImportFailure(
                ImportIssue(
                    code: .emptyFile, file: validator.file, line: nil, en: "the file has no JSON objects",
                    es: "el archivo no tiene objetos JSON"))
        }
    }

    func progress(started: ContinuousClock.Instant) -> ImportProgress {
        ImportProgress(
            bytesRead: scanner.buffer.bytesRead, totalBytes: scanner.buffer.totalBytes, rowsRead: rowsRead, rowsAccepted: rowsAccepted,
            rowsRejected: rejected.count, elapsed: ContinuousClock.now - started)
    }

    func report(started: ContinuousClock.Instant) -> ImportReport {
        let plan = validator.plan
        return ImportReport(
            kind: validator.layout.kind, source: validator.file, format: format, delimiter: delimiter,
            columns: ["id"] + plan.fields.map(\.spec.name),
            rowsRead: rowsRead, rowsAccepted: rowsAccepted, rejected: rejected, bytesRead: scanner.buffer.bytesRead,
            elapsed: ContinuousClock.now - started)
    }

    nonisolated(nonsending)
        func run(
            started: ContinuousClock.Instant, progress: (ImportProgress) -> Void,
            onBatch: nonisolated(nonsending) ([DataRow]) async throws -> Void
        ) async throws -> ImportReport
    {
        let batchSize = max(1, options.batchSize)
        while !finished {
            try Task.checkCancellation()
            var batch: [DataRow] = []
            batch.reserveCapacity(batchSize)
            try fill(&batch, limit: batchSize)
            // After a strict failure nothing more is handed over, not even the rows before it in this batch.
            if !batch.isEmpty, failures.isEmpty { try await onBatch(batch) }
            progress(self.progress(started: started))
        }
        try checkOutcome()
        return report(started: started)
    }

    func runAll(started: ContinuousClock.Instant) throws(ImportFailure) -> ImportResult {
        var rows: [DataRow] = []
        while !finished { try fill(&rows, limit: .max) }
        try checkOutcome()
        return ImportResult(rows: rows, report: report(started: started))
    }
}
