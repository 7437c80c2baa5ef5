import ArgumentParser
import Foundation
import RumboAnalytics

// `rumbo retention fit | score | at-risk`: the customer-base models run straight on an orders CSV,
// without a database.

struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Who is about to leave: customer-base models (BG/NBD, Pareto/NBD, Gamma-Gamma) on an orders CSV.",
        discussion: """
            Every subcommand reads a CSV file of orders (or visits) and needs no database:

              customer_id,placed_at,amount
              C-001,2024-01-05,35.00
              C-001,2024-02-11T17:30:00+01:00,42.50

            Start here:
              rumbo retention fit --orders orders.csv        parameters, log-likelihood
              rumbo retention score --orders orders.csv      scores per customer
              rumbo retention at-risk --orders orders.csv --model pareto
            """,
        subcommands: [Fit.self, Score.self, AtRisk.self])
}

// MARK: - Options

/// The purchase model behind P(alive) and expected purchases, or the spend model.
enum RetentionModel: String, ExpressibleByArgument, CaseIterable {
    case bgnbd, pareto, gammagamma

    var title: String {
        switch self {
        case .bgnbd: "BG/NBD (Fader, Hardie & Lee 2005)"
        case .pareto: "Pareto/NBD (Schmittlein, Morrison & Colombo 1987)"
        case .gammagamma: "Gamma-Gamma spend model (Fader, Hardie & Lee 2005)"
        }
    }
}

/// The purchase model of `score` and `at-risk`.
enum PurchaseModel: String, ExpressibleByArgument, CaseIterable {
    case bgnbd, pareto
}

enum RetentionTimeUnit: String, ExpressibleByArgument, CaseIterable {
    case day, week

    var unit: TimeUnit { self == .day ? .days : .weeks }
}

/// The options every retention subcommand shares: the file and the calibration period.
struct RetentionInputOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The orders CSV: a header naming customer_id, placed_at and amount (any order; other columns such as id are ignored). '-' reads standard input.",
            valueName: "FILE"))
    var orders: String

    @Option(
        help: ArgumentHelp(
            "Last day of the calibration period (default: the last purchase day in the file). Purchases after it are ignored; customers whose first purchase is after it are left out.",
            valueName: "yyyy-MM-dd"))
    var calibrationEnd: String?

    @Option(help: "Unit of recency, age and the horizon: day or week.")
    var timeUnit: RetentionTimeUnit = .week

    func validate() throws {
        if let calibrationEnd, DayNumber(iso: calibrationEnd) == nil {
            throw ValidationError("--calibration-end '\(calibrationEnd)' is not a date; write it as yyyy-MM-dd, e.g. 1997-09-30.")
        }
    }

    /// Reads the file and builds the calibration summaries.
    func load() throws -> RetentionData {
        let file = try OrdersFile.read(orders)
        let end = calibrationEnd.flatMap { DayNumber(iso: $0) } ?? file.lastDay
        if end < file.firstDay {
            throw CLIError(
                "\(file.name), line \(file.firstDayLine): the calibration end \(end) is before every purchase (the first is on \(file.firstDay), on this line). Give a later --calibration-end, or leave it out to use the last purchase day."
            )
        }
        let summaries: [CustomerSummary]
        do {
            summaries = try CustomerSummaries.make(
                from: file.transactions, calibrationEnd: end, timeUnit: timeUnit.unit, skipCustomersStartingAfterEnd: true)
        } catch let error as AnalyticsError {
            throw CLIError("\(file.name): \(error.message)")
        }
        let customers = Set(file.transactions.lazy.map(\.customerID)).count
        let later = file.transactions.reduce(0) { $0 + ($1.day > end ? 1 : 0) }
        return RetentionData(
            file: file, calibrationEnd: end, timeUnit: timeUnit, summaries: summaries,
            customersLeftOut: customers - summaries.count, ordersAfterCalibrationEnd: later)
    }
}

struct RetentionData {
    let file: OrdersFile
    let calibrationEnd: DayNumber
    let timeUnit: RetentionTimeUnit
    let summaries: [CustomerSummary]
    /// Customers whose first purchase is after the calibration end.
    let customersLeftOut: Int
    /// Order lines dated after the calibration end (ignored by the summaries).
    let ordersAfterCalibrationEnd: Int

    /// Tells (on standard error, so CSV output stays clean) what was left out.
    func noteIgnored() {
        guard ordersAfterCalibrationEnd > 0 else { return }
        warn(
            "Note: \(ordersAfterCalibrationEnd) order line(s) after the calibration end \(calibrationEnd) are ignored"
                + (customersLeftOut > 0 ? "; \(customersLeftOut) customer(s) who first bought after it are left out." : "."))
    }

    var statistics: SufficientStatistics {
        get throws {
            do { return try SufficientStatistics(summaries) } catch let error as AnalyticsError {
                throw CLIError("\(file.name): \(error.message)")
            }
        }
    }

    /// Repeat buyers with a positive mean repeat spend (Gamma-Gamma needs m_x > 0).
    var spendObservations: [GammaGammaModel.Observation] {
        GammaGammaModel.observations(from: summaries).filter { $0.meanSpend > 0 }
    }
}

/// Writes a line to standard error.
func warn(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

// MARK: - fit

extension RetentionCommand {
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit a model to an orders CSV and print its parameters and log-likelihood.",
            discussion: """
                The log-likelihood is the total over customers (the papers' scale, not a mean). BG/NBD and Pareto/NBD are fitted on every customer's frequency, recency and age; Gamma-Gamma on the repeat buyers' number of repeat purchases and mean repeat spend. Purchases on the same day are one purchase occasion, their amounts summed.

                Purchases after --calibration-end are not an error: they are ignored, and customers who first bought after it are left out (a note on standard error says how many).

                Example (the CDNOW sample, calibration to 1997-09-30, in weeks):
                  rumbo retention fit --orders cdnow.csv --calibration-end 1997-09-30
                  → r 0.2426, alpha 4.4136, a 0.7929, b 2.4259, log-likelihood -9582.43
                  rumbo retention fit --orders cdnow.csv --model pareto --format json
                """)

        @OptionGroup var input: RetentionInputOptions
        @Option(help: "bgnbd, pareto or gammagamma.") var model: RetentionModel = .bgnbd
        @Option(help: "table or json.") var format: OutputFormat = .table

        func validate() throws {
            if format == .csv { throw ValidationError("fit prints one model: choose --format table or json.") }
        }

        func run() throws {
            let data = try input.load()
            data.noteIgnored()
            var parameters: [(String, Double)]
            let logLikelihood: Double
            let customers: Int
            let diagnostics: FitDiagnostics
            do {
                switch model {
                case .bgnbd:
                    let fit = try BGNBDModel.fit(try data.statistics)
                    parameters = [("r", fit.model.r), ("alpha", fit.model.alpha), ("a", fit.model.a), ("b", fit.model.b)]
                    (logLikelihood, customers, diagnostics) = (fit.logLikelihood, fit.customerCount, fit.diagnostics)
                case .pareto:
                    let fit = try ParetoNBDModel.fit(try data.statistics)
                    parameters = [("r", fit.model.r), ("alpha", fit.model.alpha), ("s", fit.model.s), ("beta", fit.model.beta)]
                    (logLikelihood, customers, diagnostics) = (fit.logLikelihood, fit.customerCount, fit.diagnostics)
                case .gammagamma:
                    let fit = try GammaGammaModel.fit(data.spendObservations)
                    parameters = [("p", fit.model.p), ("q", fit.model.q), ("gamma", fit.model.gamma)]
                    (logLikelihood, customers, diagnostics) = (fit.logLikelihood, fit.customerCount, fit.diagnostics)
                }
            } catch let error as AnalyticsError {
                throw CLIError("\(data.file.name): the \(model.rawValue) model could not be fitted: \(error.message)")
            }
            guard logLikelihood.isFinite, parameters.allSatisfy({ $0.1.isFinite }) else {
                throw CLIError("\(data.file.name): the \(model.rawValue) fit did not reach finite parameters; the data cannot identify the model.")
            }
            if !diagnostics.converged {
                warn("Warning: the optimizer stopped before the convergence test was met (gradient \(diagnostics.gradientNorm)); treat the digits with care.")
            }
            switch format {
            case .json:
                let object: [String: Any] = [
                    "model": model.rawValue,
                    "parameters": Dictionary(uniqueKeysWithValues: parameters),
                    "log_likelihood": logLikelihood,
                    "customers": customers,
                    "customers_in_calibration": data.summaries.count,
                    "customers_left_out": data.customersLeftOut,
                    "orders_after_calibration_end": data.ordersAfterCalibrationEnd,
                    "calibration_end": data.calibrationEnd.description,
                    "time_unit": data.timeUnit.rawValue,
                    "converged": diagnostics.converged,
                    "iterations": diagnostics.iterations,
                    "fit_seconds": diagnostics.seconds,
                ]
                let json = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                say(String(decoding: json, as: UTF8.self))
            case .table, .csv:
                var lines: [(String, String)] = [("Model", model.title)]
                lines += parameters.map { ($0.0, String(format: "%.6f", $0.1)) }
                lines += [
                    ("Log-likelihood", String(format: "%.4f", logLikelihood)),
                    ("Customers", model == .gammagamma ? "\(customers) repeat buyers of \(data.summaries.count)" : "\(customers)"),
                    ("Calibration end", "\(data.calibrationEnd) (time in \(data.timeUnit.rawValue)s)"),
                    ("Fit time", String(format: "%.3f s, %d iterations%@", diagnostics.seconds, diagnostics.iterations, diagnostics.converged ? "" : ", not converged")),
                ]
                let width = lines.map(\.0.count).max() ?? 0
                for (key, value) in lines { say(key.padding(toLength: width + 2, withPad: " ", startingAt: 0) + value) }
            }
        }
    }
}

// MARK: - score and at-risk

/// One customer's scores.
struct CustomerScore {
    let summary: CustomerSummary
    let pAlive: Double
    let expectedPurchases: Double
    let expectedSpend: Double?
    /// (1 − P(alive)) × expected spend × frequency / age × horizon; nil without an expected spend.
    let valueAtStake: Double?
}

/// The options of `score` and `at-risk` besides the input.
struct ScoreOptions: ParsableArguments {
    @Option(help: "The purchase model behind p_alive and expected_purchases: bgnbd or pareto (pareto can say a one-time buyer may have left; Gamma-Gamma is always fitted for expected_spend).")
    var model: PurchaseModel = .bgnbd

    @Option(help: ArgumentHelp("Forecast horizon in the time unit (default: 13 weeks, i.e. 13, or 91 with --time-unit day).", valueName: "N"))
    var horizon: Double?

    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func validate() throws {
        if let horizon, !(horizon.isFinite && horizon > 0) {
            throw ValidationError("--horizon must be a positive number of time units, e.g. 13.")
        }
    }

    func horizon(in unit: RetentionTimeUnit) -> Double { horizon ?? (unit == .week ? 13 : 91) }

    /// Fits the purchase model and Gamma-Gamma, and scores every customer.
    func scores(_ data: RetentionData) throws -> [CustomerScore] {
        let horizon = horizon(in: data.timeUnit)
        let name = data.file.name
        let alive: (PurchaseHistory) throws -> Double
        let expected: (PurchaseHistory) throws -> Double
        do {
            if model == .pareto {
                let m = try ParetoNBDModel.fit(try data.statistics).model
                alive = { try m.probabilityAlive($0) }
                expected = { try m.expectedPurchases(over: horizon, given: $0) }
            } else {
                let m = try BGNBDModel.fit(try data.statistics).model
                alive = { m.probabilityAlive($0) }
                expected = { try m.expectedPurchases(over: horizon, given: $0) }
            }
        } catch let error as AnalyticsError {
            throw CLIError("\(name): the \(model.rawValue) model could not be fitted: \(error.message)")
        }
        var spend: GammaGammaModel?
        do {
            spend = try GammaGammaModel.fit(data.spendObservations).model
        } catch let error as AnalyticsError {
            warn("Note: expected_spend is left empty: the Gamma-Gamma spend model could not be fitted (\(error.message)).")
        }
        return try data.summaries.map { s in
            let pAlive: Double
            let purchases: Double
            do {
                pAlive = try alive(s.history)
                purchases = try expected(s.history)
            } catch let error as AnalyticsError {
                throw CLIError("\(name): customer \(s.customerID): \(error.message)")
            }
            guard pAlive.isFinite, (0...1).contains(pAlive), purchases.isFinite, purchases >= 0 else {
                throw CLIError("\(name): customer \(s.customerID): the model gave no finite score (p_alive \(pAlive), expected purchases \(purchases)).")
            }
            let value = spend.flatMap { try? $0.expectedAverageSpend(frequency: s.frequency, meanSpend: s.meanRepeatSpend ?? 0) }
            let expectedSpend = value.flatMap { $0.isFinite ? $0 : nil }
            let rate = s.age > 0 ? Double(s.frequency) / s.age : 0
            return CustomerScore(
                summary: s, pAlive: pAlive, expectedPurchases: purchases, expectedSpend: expectedSpend,
                valueAtStake: expectedSpend.map { (1 - pAlive) * $0 * rate * horizon })
        }
    }

    func render(_ scores: [CustomerScore], valueColumn: Bool) -> String {
        var rows = Rows(
            columns: ["customer_id", "frequency", "recency", "age", "p_alive", "expected_purchases", "expected_spend"]
                + (valueColumn ? ["value_at_stake"] : []))
        rows.rows = scores.map { c in
            [
                c.summary.customerID, "\(c.summary.frequency)", String(format: "%.4f", c.summary.recency), String(format: "%.4f", c.summary.age),
                String(format: "%.6f", c.pAlive), String(format: "%.6f", c.expectedPurchases),
                c.expectedSpend.map { String(format: "%.2f", $0) } ?? "",
            ] + (valueColumn ? [c.valueAtStake.map { String(format: "%.2f", $0) } ?? ""] : [])
        }
        return rows.render(format)
    }
}

extension RetentionCommand {
    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One row per customer: P(alive), expected purchases and expected spend.",
            discussion: """
                Columns: customer_id; frequency (repeat purchase days in the calibration period: same-day purchases count once, the first purchase is not counted); recency (first to last purchase) and age (first purchase to the calibration end), both in the time unit; p_alive; expected_purchases over --horizon; expected_spend, the Gamma-Gamma expected average spend per purchase (for a customer without repeat purchases, the population mean; empty if the spend model cannot be fitted).

                BG/NBD (the default) gives every customer without a repeat purchase p_alive = 1; --model pareto uses Pareto/NBD, which can say a one-time buyer may have left.

                Purchases after --calibration-end are not an error: they are ignored, and customers who first bought after it are left out (a note on standard error says how many).

                Example:
                  rumbo retention score --orders orders.csv --model pareto --format csv
                """)

        @OptionGroup var input: RetentionInputOptions
        @OptionGroup var options: ScoreOptions

        func run() throws {
            let data = try input.load()
            data.noteIgnored()
            let scores = try options.scores(data)
            say(options.render(scores, valueColumn: false))
        }
    }

    struct AtRisk: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "at-risk",
            abstract: "The customers who may have left, ranked by the value at stake.",
            discussion: """
                The rows of `rumbo retention score` for customers with p_alive below --threshold, plus value_at_stake, sorted from the largest:

                  value_at_stake = (1 − p_alive) × expected_spend × frequency/age × horizon

                that is, the spend the customer would bring over the horizon at their historical purchase rate if still active, weighted by the probability they have left. Customers without a repeat purchase have no historical rate, so their value at stake is 0 (they are listed last); use --model pareto to have their p_alive judged at all (under BG/NBD it is 1).

                Purchases after --calibration-end are not an error: they are ignored, as in `score`.

                Example: the after-care team's call list for the next quarter
                  rumbo retention at-risk --orders orders.csv --model pareto \\
                    --threshold 0.3 --format csv > llamar.csv
                """)

        @OptionGroup var input: RetentionInputOptions
        @OptionGroup var options: ScoreOptions
        @Option(help: "List customers whose p_alive is below this (0–1).") var threshold = 0.5

        func validate() throws {
            guard threshold.isFinite, threshold > 0, threshold <= 1 else {
                throw ValidationError("--threshold must be a probability in (0, 1], e.g. 0.5.")
            }
        }

        func run() throws {
            let data = try input.load()
            data.noteIgnored()
            let ranked = try options.scores(data).filter { $0.pAlive < threshold }.sorted { lhs, rhs in
                let (l, r) = (lhs.valueAtStake ?? -1, rhs.valueAtStake ?? -1)
                return l != r ? l > r : lhs.summary.customerID < rhs.summary.customerID
            }
            say(options.render(ranked, valueColumn: true))
        }
    }
}

// MARK: - The orders file

/// The orders of a CSV file, with the line of each.
struct OrdersFile {
    /// The file's name as given (for messages).
    let name: String
    let transactions: [Transaction]
    let firstDay: DayNumber
    let firstDayLine: Int
    let lastDay: DayNumber

    static let required = ["customer_id", "placed_at", "amount"]

    static func read(_ path: String) throws -> OrdersFile {
        let name = path == "-" ? "standard input" : path
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw CLIError("Cannot read the orders file '\(path)': \(error.localizedDescription)")
            }
        }
        return try parse(data, name: name)
    }

    static func parse(_ data: Data, name: String) throws -> OrdersFile {
        let records = try CSVReader.records(data, name: name)
        guard let header = records.first else {
            throw CLIError("\(name), line 1: the file is empty; expected the header customer_id,placed_at,amount and one order per line.")
        }
        var index: [String: Int] = [:]
        for (i, field) in header.fields.enumerated() {
            let key = field.trimmingCharacters(in: .whitespaces).lowercased()
            if index[key] != nil, Self.required.contains(key) {
                throw CLIError("\(name), line \(header.line), column \(i + 1): the column '\(key)' appears twice in the header.")
            }
            index[key] = index[key] ?? i
        }
        let missing = Self.required.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw CLIError(
                "\(name), line \(header.line): missing column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")) in the header (found: \(header.fields.joined(separator: ", "))); the header must name customer_id, placed_at and amount."
            )
        }
        let (idColumn, dateColumn, amountColumn) = (index["customer_id"]!, index["placed_at"]!, index["amount"]!)
        guard records.count > 1 else {
            throw CLIError("\(name), line \(header.line + 1): no orders after the header; expected one order per line, e.g. C-001,2024-01-05,35.00.")
        }
        var transactions: [Transaction] = []
        transactions.reserveCapacity(records.count - 1)
        var first = (day: DayNumber(Int.max), line: 0)
        var last = DayNumber(Int.min)
        for record in records.dropFirst() {
            func fail(_ column: Int, _ reason: String) -> CLIError {
                CLIError("\(name), line \(record.line), column \(column + 1) (\(Self.headerName(column, header))): \(reason)")
            }
            guard record.fields.count == header.fields.count else {
                throw CLIError(
                    "\(name), line \(record.line): \(record.fields.count) field\(record.fields.count == 1 ? "" : "s") but the header has \(header.fields.count); quote any field that contains a comma."
                )
            }
            let customer = record.fields[idColumn].trimmingCharacters(in: .whitespaces)
            guard !customer.isEmpty else { throw fail(idColumn, "the customer id is empty.") }
            let dateText = record.fields[dateColumn]
            guard let day = parseDay(dateText) else {
                throw fail(dateColumn, "'\(dateText)' is not a date; write yyyy-MM-dd (2024-03-01) or an ISO 8601 date-time (2024-03-01T14:30:00Z).")
            }
            let amountText = record.fields[amountColumn].trimmingCharacters(in: .whitespaces)
            guard let amount = Double(amountText), amount.isFinite else {
                throw fail(amountColumn, "'\(amountText)' is not a number; write the amount with a decimal point and no currency sign or thousands separator, e.g. 1234.50.")
            }
            guard amount >= 0 else {
                throw fail(amountColumn, "negative amount \(amountText); refunds must be netted out of the order before scoring.")
            }
            transactions.append(Transaction(customerID: customer, day: day, amount: amount))
            if day < first.day { first = (day, record.line) }
            if day > last { last = day }
        }
        return OrdersFile(name: name, transactions: transactions, firstDay: first.day, firstDayLine: first.line, lastDay: last)
    }

    static func headerName(_ column: Int, _ header: CSVReader.Record) -> String {
        header.fields[column].trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// `yyyy-MM-dd`, or an ISO 8601 date-time (`T` or a space, `HH:mm[:ss[.fff]]`, optional `Z` or
    /// offset) of which the date is taken as written, without converting time zones.
    static func parseDay(_ raw: String) -> DayNumber? {
        let text = Array(raw.trimmingCharacters(in: .whitespaces).utf8)
        guard text.count >= 10, let day = DayNumber(iso: String(decoding: text[0..<10], as: UTF8.self)) else { return nil }
        if text.count == 10 { return day }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(text[10]) else { return nil }
        return isTime(text[11...]) ? day : nil
    }

    /// HH:mm[:ss[.fraction]][Z | ±HH[[:]mm]].
    static func isTime(_ text: ArraySlice<UInt8>) -> Bool {
        var i = text.startIndex
        func number(_ limit: Int) -> Bool {
            guard i + 1 < text.endIndex, let tens = digit(text[i]), let units = digit(text[i + 1]), tens * 10 + units <= limit else { return false }
            i += 2
            return true
        }
        func skip(_ c: Character) -> Bool {
            guard i < text.endIndex, text[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard number(23), skip(":"), number(59) else { return false }
        if skip(":") {
            guard number(60) else { return false }
            if skip(".") || skip(",") {
                let start = i
                while i < text.endIndex, digit(text[i]) != nil { i += 1 }
                guard i > start else { return false }
            }
        }
        if i == text.endIndex { return true }
        if skip("Z") || skip("z") { return i == text.endIndex }
        guard skip("+") || skip("-"), number(23) else { return false }
        if i == text.endIndex { return true }
        _ = skip(":")
        return number(59) && i == text.endIndex
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (48...57).contains(byte) ? Int(byte) - 48 : nil
    }
}

/// A small RFC 4180 reader: comma separated, fields optionally in double quotes (a quote inside
/// written twice; commas and line breaks allowed inside), LF or CRLF line ends, an optional UTF-8
/// byte-order mark, blank lines skipped.
enum CSVReader {
    struct Record {
        /// The line on which the record starts (1-based).
        var line: Int
        var fields: [String]
    }

    static func records(_ data: Data, name: String) throws -> [Record] {
        let bytes = [UInt8](data)
        guard String(data: data, encoding: .utf8) != nil else {
            throw CLIError("\(name): the file is not UTF-8 text; save it as CSV UTF-8.")
        }
        let (quote, comma, cr, lf) = (UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: "\r"), UInt8(ascii: "\n"))
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var fieldQuoted = false
        var recordQuoted = false
        var line = 1
        var recordLine = 1
        var quoteLine = 1

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty && !recordQuoted) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
            recordQuoted = false
        }

        var inQuotes = false
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == quote {
                    if i + 1 < bytes.count, bytes[i + 1] == quote {
                        field.append(quote)
                        i += 2
                    } else {
                        inQuotes = false
                        i += 1
                    }
                    continue
                }
                if b == lf || (b == cr && !(i + 1 < bytes.count && bytes[i + 1] == lf)) { line += 1 }
                field.append(b)
                i += 1
                continue
            }
            switch b {
            case quote:
                guard !fieldQuoted, field.allSatisfy({ $0 == 32 || $0 == 9 }) else {
                    throw CLIError(
                        "\(name), line \(line), column \(fields.count + 1): a double quote inside an unquoted field; quote the whole field and write inner quotes twice (\"\"like this\"\")."
                    )
                }
                field.removeAll()
                inQuotes = true
                fieldQuoted = true
                recordQuoted = true
                quoteLine = line
                i += 1
            case comma:
                endField()
                i += 1
            case cr, lf:
                endRecord()
                i += (b == cr && i + 1 < bytes.count && bytes[i + 1] == lf) ? 2 : 1
                line += 1
                recordLine = line
            default:
                if fieldQuoted, b != 32, b != 9 {
                    throw CLIError(
                        "\(name), line \(line), column \(fields.count + 1): text after the closing quote of a quoted field; write inner quotes twice (\"\")."
                    )
                }
                if !fieldQuoted { field.append(b) }
                i += 1
            }
        }
        if inQuotes {
            throw CLIError("\(name), line \(quoteLine), column \(fields.count + 1): a quoted field is never closed (missing \").")
        }
        if !fields.isEmpty || !field.isEmpty || fieldQuoted { endRecord() }
        return records
    }
}
