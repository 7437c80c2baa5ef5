import Foundation
import RumboCore

/// Turns scanned records into `DataRow`s: parses each field by its type, checks required values,
/// ranges, the layout's cross-field rules and duplicate ids, and describes every problem.
final class RowValidator {
    let layout: DataLayout
    let file: String
    let plan: ColumnPlan
    let options: ImportOptions
    /// The problems of the last record validated (empty when it was accepted).
    private(set) var issues: [ImportIssue] = []

    private let timestamps: TimestampParser
    private let ids = IDRegistry()
    private let fieldCount: Int
    /// The plan's fields flattened to plain values, so the per-row loop copies no references.
    private let compiled: UnsafeMutableBufferPointer<CompiledField>
    private let choices: [ChoiceMatcher]
    private let texts: TextCache
    private let kindName: String
    static let maxIDLength = 200

    /// 16 plain bytes, so the per-row loop copies no references and little memory.
    private struct CompiledField {
        enum Kind: UInt8 { case text, choice, integer, decimal, timestamp, boolean }
        var kind: Kind
        var required: Bool
        /// Index in `layout.fields` / `DataRow.values`.
        var index: Int32
        var slot: Int32
        /// For text fields, which of `texts`' caches to use; for choices, which matcher.
        var aux: Int32 = 0
    }

    /// Per compiled field (same positions), the ranges of numeric fields.
    private let integerRanges: UnsafeMutablePointer<ClosedRange<Int64>>
    private let decimalRanges: UnsafeMutablePointer<ClosedRange<Double>>

    init(layout: DataLayout, file: String, plan: ColumnPlan, options: ImportOptions) {
        self.layout = layout
        self.file = file
        self.plan = plan
        self.options = options
        timestamps = TimestampParser(format: options.dateFormat, timeZone: options.timeZone)
        fieldCount = layout.fields.count
        kindName = layout.kind.rawValue
        var choices: [ChoiceMatcher] = []
        var textCaches: Int32 = 0
        let count = plan.fields.count
        compiled = .allocate(capacity: count)
        integerRanges = .allocate(capacity: max(count, 1))
        integerRanges.initialize(repeating: 0...0, count: max(count, 1))
        decimalRanges = .allocate(capacity: max(count, 1))
        decimalRanges.initialize(repeating: 0...0, count: max(count, 1))
        for (k, field) in plan.fields.enumerated() {
            var c = CompiledField(kind: .text, required: field.spec.required, index: Int32(field.index), slot: Int32(field.slot))
            switch field.spec.type {
            case .text:
                c.kind = .text
                c.aux = textCaches
                textCaches += 1
            case .choice(let words):
                c.kind = .choice
                c.aux = Int32(choices.count)
                choices.append(ChoiceMatcher(words))
            case .integer(let range):
                c.kind = .integer
                integerRanges[k] = range
            case .decimal(let range):
                c.kind = .decimal
                decimalRanges[k] = range
            case .timestamp: c.kind = .timestamp
            case .boolean: c.kind = .boolean
            }
            (compiled.baseAddress! + k).initialize(to: c)
        }
        self.choices = choices
        texts = TextCache(columns: Int(textCaches))
    }

    deinit {
        compiled.deallocate()
        integerRanges.deallocate()
        decimalRanges.deallocate()
    }

    /// The scanner's current record as a row, or nil with `issues` saying why not.
    @inline(__always)
    func validate<S: RecordScanner>(_ scanner: S) -> DataRow? {
        if !issues.isEmpty { issues.removeAll(keepingCapacity: true) }
        let line = scanner.line
        if let problem = scanner.problem {
            report(problem, line: line)
            return nil
        }
        if let expected = plan.headerCount, scanner.fieldCount != expected {
            let found = scanner.fieldCount
            issues.append(
                ImportIssue(
                    code: .fieldCount, file: file, line: line,
                    en: "this record has \(found) value\(found == 1 ? "" : "s") but the header has \(expected) columns (a missing separator, or a separator inside a value without quotes?)",
                    es: "este registro tiene \(found) valor\(found == 1 ? "" : "es") pero la cabecera tiene \(expected) columnas (¿falta un separador, o hay un separador dentro de un valor sin comillas?)"
                ))
            return nil
        }
        let record = scanner.fields
        let idRaw = record[plan.idSlot]
        let id = idRaw.kind == .absent ? idRaw.bytes : idRaw.bytes.trimmed()
        var externalID = ""
        var idValid = false
        if id.count == 0 {
            issues.append(
                ImportIssue(
                    code: .required, file: file, line: line, column: plan.idColumn, field: "id", columnNumber: plan.idNumber,
                    en: "every row needs an id (the row's id in the source system)",
                    es: "cada fila necesita un id (el identificador de la fila en el sistema de origen)"))
        } else {
            externalID = id.string
            if id.count > Self.maxIDLength, externalID.count > Self.maxIDLength {
                issues.append(
                    ImportIssue(
                        code: .invalidID, file: file, line: line, column: plan.idColumn, field: "id", columnNumber: plan.idNumber,
                        value: ImportIssue.excerpt(externalID),
                        en: "the id has \(externalID.count) characters; at most \(Self.maxIDLength) are allowed",
                        es: "el id tiene \(externalID.count) caracteres; se permiten como máximo \(Self.maxIDLength)"))
            } else {
                idValid = true
            }
        }
        var fieldsValid = true
        // Each value is initialized once, in layout order (`compiled` follows it), so no
        // placeholder is written and then destroyed.
        let values = [FieldValue?](unsafeUninitializedCapacity: fieldCount) { out, initialized in
            let base = out.baseAddress!
            var next = 0
            let present = compiled.count
            for k in 0..<fieldCount {
                guard next < present, compiled[next].index == k else {
                    (base + k).initialize(to: nil)
                    continue
                }
                let position = next
                let field = compiled[position]
                next += 1
                let raw = record[Int(field.slot)]
                let bytes = raw.kind == .absent ? raw.bytes : raw.bytes.trimmed()
                if bytes.count == 0 {
                    (base + k).initialize(to: nil)
                    if field.required {
                        fieldsValid = false
                        reportMissing(position, line: line)
                    }
                    continue
                }
                do throws(Reason) {
                    let value: FieldValue =
                        switch field.kind {
                        case .text: .text(texts.string(bytes, cache: Int(field.aux)))
                        case .timestamp: .timestamp(try timestamps.parse(bytes))
                        case .integer: .integer(try NumberParser.integer(bytes, in: integerRanges[position]))
                        case .decimal: .decimal(try NumberParser.decimal(bytes, in: decimalRanges[position]))
                        case .boolean: .boolean(try BooleanParser.parse(bytes))
                        case .choice: .text(try choices[Int(field.aux)].match(bytes))
                        }
                    (base + k).initialize(to: value)
                } catch {
                    (base + k).initialize(to: nil)
                    fieldsValid = false
                    reportInvalid(position, bytes, error, line: line)
                }
            }
            initialized = fieldCount
        }
        var row: DataRow? = nil
        if fieldsValid && idValid {
            let candidate = DataRow(externalID: externalID, values: values)
            if let problem = layout.check(candidate) {
                reportInconsistent(problem, record, line: line)
            } else {
                row = candidate
            }
        }
        if idValid, let previous = ids.insert(id, line: line) {
            issues.append(
                ImportIssue(
                    code: .duplicateID, file: file, line: line, column: plan.idColumn, field: "id", columnNumber: plan.idNumber,
                    value: ImportIssue.excerpt(externalID),
                    en: "the same id is on line \(previous) too; an id may appear once per file",
                    es: "el mismo id está también en la línea \(previous); un id solo puede aparecer una vez por archivo"))
            row = nil
        }
        return row
    }

    private func reportMissing(_ index: Int, line: Int) {
        let field = plan.fields[index]
        issues.append(
            ImportIssue(
                code: .required, file: file, line: line, column: field.column, field: field.spec.name, columnNumber: field.number,
                en: "a value is required", es: "el valor es obligatorio"))
    }

    private func reportInvalid(_ index: Int, _ bytes: Bytes, _ reason: Reason, line: Int) {
        let field = plan.fields[index]
        issues.append(
            ImportIssue(
                code: reason.code, file: file, line: line, column: field.column, field: field.spec.name, columnNumber: field.number,
                value: ImportIssue.excerpt(bytes.string), en: reason.en, es: reason.es))
    }

    private func reportInconsistent(_ problem: FieldProblem, _ record: UnsafeMutablePointer<RawField>, line: Int) {
        let field = plan.fields.first { $0.spec.name == problem.field }
        let raw = field.map { record[$0.slot] }
        let value = raw.flatMap { $0.kind == .absent ? nil : ImportIssue.excerpt($0.bytes.trimmed().string) }
        issues.append(
            ImportIssue(
                code: .inconsistent, file: file, line: line, column: field?.column ?? problem.field, field: problem.field,
                columnNumber: field?.number, value: value?.isEmpty == false ? value : nil, en: problem.en, es: problem.es))
    }

    private func columnName(_ field: Int?) -> (name: String?, number: Int?) {
        guard let field, field < plan.columnNames.count else { return (nil, nil) }
        return (plan.columnNames[field], plan.headerCount == nil ? nil : field + 1)
    }

    private func report(_ problem: RecordProblem, line: Int) {
        switch problem {
        case .invalidUTF8(let byte, let byteLine, let field):
            let reason = UTF8Check.reason(byte: byte)
            let column = columnName(field)
            issues.append(
                ImportIssue(
                    code: reason.code, file: file, line: byteLine, column: column.name, columnNumber: column.number, en: reason.en,
                    es: reason.es))
        case .unterminatedQuote(let field, let quoteLine):
            let column = columnName(field)
            let opened = quoteLine == line ? ("", "") : (" (the quote opens on line \(quoteLine))", " (las comillas se abren en la línea \(quoteLine))")
            issues.append(
                ImportIssue(
                    code: .unterminatedQuote, file: file, line: line, column: column.name, columnNumber: column.number,
                    en: "a quoted value is never closed: the file ends inside it\(opened.0) (a truncated last line?)",
                    es: "un valor entre comillas nunca se cierra: el archivo termina dentro de él\(opened.1) (¿última línea truncada?)"))
        case .strayQuote(let field, let quoteLine):
            let column = columnName(field)
            issues.append(
                ImportIssue(
                    code: .strayQuote, file: file, line: quoteLine, column: column.name, columnNumber: column.number,
                    en: "text after the closing quote of a quoted value; a quote inside a quoted value must be doubled (\"\")",
                    es: "texto después de las comillas de cierre de un valor entre comillas; unas comillas dentro de un valor entre comillas deben ir dobles (\"\")"
                ))
        case .invalidJSON(let reason):
            issues.append(ImportIssue(code: reason.code, file: file, line: line, en: reason.en, es: reason.es))
        case .unknownKeys(let keys):
            let known = plan.columnNames.filter { !$0.isEmpty }.joined(separator: ", ")
            for key in keys {
                issues.append(
                    ImportIssue(
                        code: .unknownColumn, file: file, line: line, column: key,
                        en: "unknown key; the keys of a \(kindName) line are: \(known) (map it in a column mapping, or ask to ignore unknown columns)",
                        es: "clave desconocida; las claves de una línea de \(kindName) son: \(known) (asígnala en una correspondencia de columnas, o pide ignorar las columnas desconocidas)"
                    ))
            }
        case .duplicateKey(let key):
            issues.append(
                ImportIssue(
                    code: .duplicateColumn, file: file, line: line, column: key, en: "the key appears twice in the object",
                    es: "la clave aparece dos veces en el objeto"))
        }
    }
}
