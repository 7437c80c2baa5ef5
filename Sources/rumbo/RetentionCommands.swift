import ArgumentParser
import Foundation
import RumboAnalytics
import RumboCore
import RumboStore

// `rumbo retention fit | score | at-risk | holdout`: the customer-base models run straight on an
// orders CSV, without a database, or on an organization's imported orders (`--org`);
// `rumbo retention alerts`: an organization's at-risk alerts and their webhook.

struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Who is about to leave: customer-base models (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma) on an orders CSV.",
        discussion: """
            Every subcommand reads a CSV file of orders (or visits) and needs no database:

              customer_id,placed_at,amount
              C-001,2024-01-05,35.00
              C-001,2024-02-11T17:30:00+01:00,42.50

            Start here:
              rumbo retention fit --orders orders.csv        parameters, standard errors, log-likelihood
              rumbo retention score --orders orders.csv      P(alive), expected purchases and CLV per customer
              rumbo retention at-risk --orders orders.csv    who may have left, ranked by value at stake
              rumbo retention holdout --orders orders.csv --calibration-end 2024-06-30
                                                             how well the models forecast the months after

            With --org SLUG instead of --orders, they use an organization's imported orders
            (`rumbo import orders FILE`), calibrated to today. `rumbo retention alerts` raises the
            organization's at-risk alerts and posts new ones to its webhook (run it daily, e.g. from cron).
            """,
        subcommands: [Fit.self, Score.self, AtRisk.self, Holdout.self, Alerts.self])
}

// MARK: - Options

/// The purchase model behind P(alive) and expected purchases, or the spend model.
enum RetentionModel: String, ExpressibleByArgument, CaseIterable {
    case bgnbd, mbgnbd, pareto, gammagamma

    var title: String {
        switch self {
        case .bgnbd: "BG/NBD (Fader, Hardie & Lee 2005)"
        case .mbgnbd: "MBG/NBD (Batislam, Denizel & Filiztekin 2007)"
        case .pareto: "Pareto/NBD (Schmittlein, Morrison & Colombo 1987)"
        case .gammagamma: "Gamma-Gamma spend model (Fader, Hardie & Lee 2005)"
        }
    }
}

/// The purchase model of `score`, `at-risk` and `holdout`.
extension PurchaseModelKind: ExpressibleByArgument {}

enum RetentionTimeUnit: String, ExpressibleByArgument, CaseIterable {
    case day, week

    var unit: TimeUnit { self == .day ? .days : .weeks }
}

/// The orders to model: a CSV file, or an organization's imported orders.
struct OrdersSource: ParsableArguments {
    @Option(help: ordersHelp) var orders: String?
    @Option(
        help: ArgumentHelp(
            "Model an organization's imported orders instead of a file (its slug, see `rumbo org list`); the calibration end defaults to today.",
            valueName: "SLUG"))
    var org: String?
    @OptionGroup var store: StoreOptions

    var given: Bool { orders != nil || org != nil }

    func validate() throws {
        if orders != nil, org != nil { throw ValidationError("Give either --orders FILE or --org SLUG, not both.") }
    }

    func read() async throws -> OrdersFile {
        if let orders { return try OrdersFile.read(orders) }
        return try await store.withStore { db in
            let organization = try await resolveOrganization(org, in: db)
            let today = LocalDate(Date(), in: organization.zone)
            return try OrdersFile.imported(
                try await db.purchaseTransactions(in: organization.id), organization: organization, today: DayNumber(today.dayNumber))
        }
    }
}

let ordersHelp = ArgumentHelp(
    "The orders CSV: a header naming customer_id, placed_at and amount (any order; other columns such as id are ignored). '-' reads standard input.",
    valueName: "FILE")

/// The calibration period every retention subcommand shares.
struct CalibrationOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Last day of the calibration period (default: the last purchase day in the file). Purchases after it are ignored; customers whose first purchase is after it are left out.",
            valueName: "yyyy-MM-dd"))
    var calibrationEnd: String?

    @Option(help: "Unit of recency, age, the horizon and the discount rate: day or week.")
    var timeUnit: RetentionTimeUnit = .week

    func validate() throws {
        if let calibrationEnd, DayNumber(iso: calibrationEnd) == nil {
            throw ValidationError("--calibration-end '\(calibrationEnd)' is not a date; write it as yyyy-MM-dd, e.g. 1997-09-30.")
        }
    }

    /// The calibration end, or the file's last purchase day; an error if it is before every purchase.
    func end(of file: OrdersFile) throws -> DayNumber {
        let end = calibrationEnd.flatMap { DayNumber(iso: $0) } ?? file.lastDay
        if end < file.firstDay {
            throw CLIError(
                "\(file.name)\(file.firstDayPlace): the calibration end \(end) is before every purchase (the first is on \(file.firstDay)). Give a later --calibration-end, or leave it out to use the last purchase day."
            )
        }
        return end
    }

    /// Builds the calibration summaries of the orders.
    func load(_ file: OrdersFile) throws -> RetentionData {
        let end = try end(of: file)
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

/// The orders file and the calibration period of `score` and `at-risk`.
struct RetentionInputOptions: ParsableArguments {
    @OptionGroup var source: OrdersSource
    @OptionGroup var period: CalibrationOptions

    func validate() throws {
        guard source.given else { throw ValidationError("Give the orders: --orders FILE (a CSV) or --org SLUG (an organization's imported orders).") }
    }

    func load() async throws -> RetentionData { try period.load(try await source.read()) }
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

/// Seconds elapsed since `start` on `clock`.
func seconds(since start: ContinuousClock.Instant, _ clock: ContinuousClock) -> Double {
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

// MARK: - fit

extension RetentionCommand {
    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit a model to an orders CSV and print its parameters, standard errors and log-likelihood.",
            discussion: """
                The log-likelihood is the total over customers (the papers' scale, not a mean). BG/NBD, MBG/NBD and Pareto/NBD are fitted on every customer's frequency, recency and age; Gamma-Gamma on the repeat buyers' number of repeat purchases and mean repeat spend. Purchases on the same day are one purchase occasion, their amounts summed.

                Standard errors come from the observed information (the inverse Hessian of the log-likelihood at the optimum); an estimate ± 2 standard errors is roughly a 95% interval.

                Purchases after --calibration-end are not an error: they are ignored, and customers who first bought after it are left out (a note on standard error says how many).

                Instead of --orders, --summaries reads one customer per line already summarised (header frequency,recency,T; any other columns ignored; recency and T in any one time unit, which the parameters then use), for data prepared elsewhere or benchmarks.

                Example (the CDNOW sample, calibration to 1997-09-30, in weeks):
                  rumbo retention fit --orders cdnow.csv --calibration-end 1997-09-30
                  → r 0.2426 (SE 0.0126), alpha 4.4136, a 0.7929, b 2.4259, log-likelihood -9582.43
                  rumbo retention fit --orders cdnow.csv --model mbgnbd --format json
                  rumbo retention fit --summaries rfm.csv --model pareto
                """)

        @OptionGroup var source: OrdersSource
        @Option(help: ArgumentHelp("A CSV of customer summaries (frequency,recency,T) instead of orders.", valueName: "FILE"))
        var summaries: String?
        @OptionGroup var period: CalibrationOptions
        @Option(help: "bgnbd, mbgnbd, pareto or gammagamma.") var model: RetentionModel = .bgnbd
        @Option(help: "table or json.") var format: OutputFormat = .table

        func validate() throws {
            if format == .csv { throw ValidationError("fit prints one model: choose --format table or json.") }
            switch (source.given, summaries) {
            case (false, nil):
                throw ValidationError("Give the data: --orders FILE (orders CSV), --org SLUG (imported orders) or --summaries FILE (frequency,recency,T per customer).")
            case (true, .some): throw ValidationError("Give either orders (--orders or --org) or --summaries, not both.")
            default: break
            }
            if summaries != nil, model == .gammagamma {
                throw ValidationError("The gammagamma spend model needs the amounts: use --orders.")
            }
            if summaries != nil, period.calibrationEnd != nil {
                throw ValidationError("--calibration-end applies to --orders; a summaries file is already cut at its calibration end.")
            }
        }

        func run() async throws {
            let clock = ContinuousClock()
            var facts: [String: Any] = [:]
            let name: String
            let statistics: () throws -> SufficientStatistics
            var groupingSeconds = 0.0
            var groupCount = 0
            var data: RetentionData?
            if let summaries {
                let file = try SummariesFile.read(summaries)
                name = file.name
                let began = clock.now
                let grouped = try SufficientStatistics(file.histories)
                groupingSeconds = seconds(since: began, clock)
                groupCount = grouped.groups.count
                statistics = { grouped }
                facts["time_unit"] = "as in the file"
            } else {
                let loaded = try period.load(try await source.read())
                loaded.noteIgnored()
                data = loaded
                name = loaded.file.name
                statistics = {
                    let began = clock.now
                    let grouped = try loaded.statistics
                    groupingSeconds = seconds(since: began, clock)
                    groupCount = grouped.groups.count
                    return grouped
                }
                facts["customers_in_calibration"] = loaded.summaries.count
                facts["customers_left_out"] = loaded.customersLeftOut
                facts["orders_after_calibration_end"] = loaded.ordersAfterCalibrationEnd
                facts["calibration_end"] = loaded.calibrationEnd.description
                facts["time_unit"] = loaded.timeUnit.rawValue
            }
            var parameters: [(String, Double)]
            let logLikelihood: Double
            let customers: Int
            let diagnostics: FitDiagnostics
            var errors: ParameterStandardErrors?
            var errorsProblem: String?
            var errorsSeconds = 0.0
            func standardErrors(_ body: () throws -> ParameterStandardErrors) {
                let began = clock.now
                defer { errorsSeconds = seconds(since: began, clock) }
                do { errors = try body() } catch let error as AnalyticsError { errorsProblem = error.message } catch { errorsProblem = "\(error)" }
            }
            do {
                switch model {
                case .bgnbd:
                    let s = try statistics()
                    let fit = try BGNBDModel.fit(s)
                    parameters = [("r", fit.model.r), ("alpha", fit.model.alpha), ("a", fit.model.a), ("b", fit.model.b)]
                    (logLikelihood, customers, diagnostics) = (fit.logLikelihood, fit.customerCount, fit.diagnostics)
                    standardErrors { try fit.standardErrors(s) }
                case .mbgnbd:
                    let s = try statistics()
                    let fit = try MBGNBDModel.fit(s)
                    parameters = [("r", fit.model.r), ("alpha", fit.model.alpha), ("a", fit.model.a), ("b", fit.model.b)]
                    (logLikelihood, customers, diagnostics) = (fit.logLikelihood, fit.customerCount, fit.diagnostics)
                    standardErrors { try fit.standardErrors(s) }
                case .pareto:
                    let s = try statistics()
                    let fit = try ParetoNBDModel.fit(s)
                    parameters = [("r", fit.model.r), ("alpha", fit.model.alpha), ("s", fit.model.s), ("beta", fit.model.beta)]
                    (logLikelihood, customers, diagnostics) = (fit.logLikelihood, fit.customerCount, fit.diagnostics)
                    standardErrors { try fit.standardErrors(s) }
                case .gammagamma:
                    let observations = data!.spendObservations
                    let fit = try GammaGammaModel.fit(observations)
                    parameters = [("p", fit.model.p), ("q", fit.model.q), ("gamma", fit.model.gamma)]
                    (logLikelihood, customers, diagnostics) = (fit.logLikelihood, fit.customerCount, fit.diagnostics)
                    standardErrors { try fit.standardErrors(observations) }
                }
            } catch let error as AnalyticsError {
                throw CLIError("\(name): the \(model.rawValue) model could not be fitted: \(error.message)")
            }
            guard logLikelihood.isFinite, parameters.allSatisfy({ $0.1.isFinite }) else {
                throw CLIError("\(name): the \(model.rawValue) fit did not reach finite parameters; the data cannot identify the model.")
            }
            if !diagnostics.converged {
                warn("Warning: the optimizer stopped before the convergence test was met (gradient \(diagnostics.gradientNorm)); treat the digits with care.")
            }
            if let errorsProblem { warn("Note: no standard errors: \(errorsProblem)") }
            switch format {
            case .json:
                var object: [String: Any] = facts
                object["model"] = model.rawValue
                object["parameters"] = Dictionary(uniqueKeysWithValues: parameters)
                object["standard_errors"] = Dictionary(
                    uniqueKeysWithValues: parameters.map { ($0.0, errors?.standardError(of: $0.0).map { $0 as Any } ?? NSNull()) })
                object["log_likelihood"] = logLikelihood
                object["customers"] = customers
                object["converged"] = diagnostics.converged
                object["iterations"] = diagnostics.iterations
                object["fit_seconds"] = diagnostics.seconds
                object["grouping_seconds"] = groupingSeconds
                object["standard_errors_seconds"] = errorsSeconds
                if groupCount > 0 { object["distinct_histories"] = groupCount }
                let json = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                say(String(decoding: json, as: UTF8.self))
            case .table, .csv:
                var lines: [(String, String)] = [("Model", model.title)]
                lines += parameters.map { name, value in
                    let error = errors?.standardError(of: name).map { String(format: "  (SE %.6f)", $0) } ?? ""
                    return (name, String(format: "%.6f", value) + error)
                }
                let calibration = data.map { "\($0.calibrationEnd) (time in \($0.timeUnit.rawValue)s)" }
                lines += [
                    ("Log-likelihood", String(format: "%.4f", logLikelihood)),
                    ("Customers", model == .gammagamma ? "\(customers) repeat buyers of \(data!.summaries.count)" : "\(customers)"),
                    ("Calibration end", calibration ?? "as summarised in \(name)"),
                    ("Fit time", String(format: "%.3f s, %d iterations%@", diagnostics.seconds, diagnostics.iterations, diagnostics.converged ? "" : ", not converged")),
                ]
                let width = lines.map(\.0.count).max() ?? 0
                for (key, value) in lines { say(key.padding(toLength: width + 2, withPad: " ", startingAt: 0) + value) }
            }
        }
    }
}

/// A CSV of customer summaries: frequency, recency and T per line (`T` may also be called `age`).
struct SummariesFile {
    let name: String
    let histories: [PurchaseHistory]

    static func read(_ path: String) throws -> SummariesFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CLIError("Cannot read the summaries file '\(path)': \(error.localizedDescription)")
        }
        let records = try CSVReader.records(data, name: path)
        guard let header = records.first else {
            throw CLIError("\(path), line 1: the file is empty; expected the header frequency,recency,T and one customer per line.")
        }
        var index: [String: Int] = [:]
        for (i, field) in header.fields.enumerated() {
            let key = field.trimmingCharacters(in: .whitespaces).lowercased()
            index[key == "age" ? "t" : key] = index[key] ?? i
        }
        guard let f = index["frequency"], let r = index["recency"], let t = index["t"] else {
            throw CLIError("\(path), line \(header.line): the header must name frequency, recency and T (found: \(header.fields.joined(separator: ", "))).")
        }
        var histories: [PurchaseHistory] = []
        histories.reserveCapacity(records.count - 1)
        for record in records.dropFirst() {
            func number(_ column: Int) throws -> Double {
                guard column < record.fields.count else {
                    throw CLIError("\(path), line \(record.line): \(record.fields.count) fields but the header has \(header.fields.count).")
                }
                let text = record.fields[column].trimmingCharacters(in: .whitespaces)
                guard let value = Double(text), value.isFinite, value >= 0 else {
                    throw CLIError("\(path), line \(record.line), column \(column + 1) (\(OrdersFile.headerName(column, header))): '\(text)' is not a non-negative number.")
                }
                return value
            }
            let frequency = try number(f)
            guard frequency == frequency.rounded(), frequency < 1e9 else {
                throw CLIError("\(path), line \(record.line), column \(f + 1) (frequency): '\(record.fields[f])' is not a whole number of repeat purchases.")
            }
            let history = PurchaseHistory(frequency: Int(frequency), recency: try number(r), age: try number(t))
            do { histories.append(try history.validated()) } catch let error as AnalyticsError {
                throw CLIError("\(path), line \(record.line): \(error.message)")
            }
        }
        guard !histories.isEmpty else { throw CLIError("\(path), line \(header.line + 1): no customers after the header.") }
        return SummariesFile(name: path, histories: histories)
    }
}

// MARK: - score and at-risk

/// The options of `score` and `at-risk` besides the input.
struct ScoreOptions: ParsableArguments {
    @Option(help: "The purchase model behind p_alive, expected_purchases, p_purchase and clv: pareto, mbgnbd or bgnbd (pareto and mbgnbd can say a one-time buyer may have left; bgnbd gives them p_alive = 1).")
    var model: PurchaseModelKind = .pareto

    @Option(help: ArgumentHelp("Forecast horizon in the time unit (default: 13 weeks, i.e. 13, or 91 with --time-unit day).", valueName: "N"))
    var horizon: Double?

    @Option(help: ArgumentHelp("Share of the spend that is profit, for clv (1 = revenue).", valueName: "0-1"))
    var margin = 1.0

    @Option(help: ArgumentHelp("Discount rate per time unit for clv (per week by default: 10% a year is 0.0018 per week, 0.00026 per day).", valueName: "RATE"))
    var discountRate = 0.0

    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func validate() throws {
        if let horizon, !(horizon.isFinite && horizon > 0 && horizon <= 100_000) {
            throw ValidationError("--horizon must be a positive number of time units, e.g. 13.")
        }
        guard margin.isFinite, margin >= 0, margin <= 1 else {
            throw ValidationError("--margin must be the share of the spend that is profit, between 0 and 1, e.g. 0.35.")
        }
        guard discountRate.isFinite, discountRate >= 0, discountRate < 1 else {
            throw ValidationError("--discount-rate must be a rate per time unit between 0 and 1, e.g. 0.0018 (about 10% a year, weekly).")
        }
    }

    func horizon(in unit: RetentionTimeUnit) -> Double { horizon ?? (unit == .week ? 13 : 91) }

    /// Fits the purchase model and Gamma-Gamma, and scores every customer.
    func scores(_ data: RetentionData) throws -> RetentionScoring {
        let options = RumboAnalytics.ScoringOptions(model: model, horizon: horizon(in: data.timeUnit), margin: margin, discountRate: discountRate)
        let scoring: RetentionScoring
        do { scoring = try RetentionScoring(data.summaries, options: options) } catch let error as AnalyticsError {
            throw CLIError("\(data.file.name): the \(model.rawValue) model could not score the customers: \(error.message)")
        }
        if case .failure(let error) = scoring.spend {
            warn("Note: expected_spend and clv are left empty: the Gamma-Gamma spend model could not be fitted (\(error.message)).")
        }
        return scoring
    }

    func render(_ scores: [CustomerScore], valueColumn: Bool) -> String {
        var rows = Rows(
            columns: ["customer_id", "frequency", "recency", "age", "p_alive", "expected_purchases", "p_purchase", "expected_spend", "clv"]
                + (valueColumn ? ["value_at_stake"] : []))
        rows.rows = scores.map { c in
            [
                c.summary.customerID, "\(c.summary.frequency)", String(format: "%.4f", c.summary.recency), String(format: "%.4f", c.summary.age),
                String(format: "%.6f", c.pAlive), String(format: "%.6f", c.expectedPurchases), String(format: "%.6f", c.pPurchase),
                c.expectedSpend.map { String(format: "%.2f", $0) } ?? "", c.clv.map { String(format: "%.2f", $0) } ?? "",
            ] + (valueColumn ? [c.valueAtStake.map { String(format: "%.2f", $0) } ?? ""] : [])
        }
        return rows.render(format)
    }
}

extension RetentionCommand {
    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One row per customer: P(alive), expected purchases, P(buys again), expected spend and CLV.",
            discussion: """
                Columns: customer_id; frequency (repeat purchase days in the calibration period: same-day purchases count once, the first purchase is not counted); recency (first to last purchase) and age (first purchase to the calibration end), both in the time unit; p_alive; expected_purchases over --horizon; p_purchase, the probability of at least one purchase within --horizon; expected_spend, the Gamma-Gamma expected average spend per purchase (for a customer without repeat purchases, the population mean; empty if the spend model cannot be fitted); clv, the discounted margin over the horizon:

                  clv = margin × expected_spend × Σ_k purchases expected in time unit k / (1 + discount rate)^k

                Pareto/NBD (the default) and MBG/NBD can say a one-time buyer may have left; --model bgnbd gives every customer without a repeat purchase p_alive = 1.

                Purchases after --calibration-end are not an error: they are ignored, and customers who first bought after it are left out (a note on standard error says how many).

                Example: a year ahead, 35% margin, 10% a year (0.0018 per week)
                  rumbo retention score --orders orders.csv --horizon 52 \\
                    --margin 0.35 --discount-rate 0.0018 --format csv > clientes.csv
                """)

        @OptionGroup var input: RetentionInputOptions
        @OptionGroup var options: ScoreOptions

        func run() async throws {
            let data = try await input.load()
            data.noteIgnored()
            say(options.render(try options.scores(data).scores, valueColumn: false))
        }
    }

    struct AtRisk: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "at-risk",
            abstract: "The customers who may have left, ranked by the value at stake.",
            discussion: """
                The rows of `rumbo retention score` for customers with p_alive below --threshold, plus value_at_stake, sorted from the largest:

                  value_at_stake = (1 − p_alive) × expected_spend × frequency/age × horizon

                that is, the spend the customer would bring over the horizon at their historical purchase rate if still active, weighted by the probability they have left. Customers without a repeat purchase have no historical rate, so their value at stake is 0 (they are listed last); under --model bgnbd their p_alive is 1, so they are never listed.

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

        func run() async throws {
            let data = try await input.load()
            data.noteIgnored()
            let ranked = try options.scores(data).atRisk(below: threshold)
            say(options.render(ranked, valueColumn: true))
        }
    }
}

// MARK: - alerts

extension RetentionCommand {
    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Raise an organization's at-risk alerts and post the new ones to its webhook.",
            discussion: """
                Scores the organization's customers from their imported orders as of today (Pareto/NBD, 13 weeks ahead). A customer whose P(alive) is below the organization's threshold and whose value at stake reaches its minimum raises one alert; it clears when they come back. New alerts are posted as one JSON document to the webhook set on the web app's "Customers at risk" page (or with --webhook-url / --threshold / --minimum-value, which save the settings). The server does the same after every orders import; run this daily so that customers who simply go quiet raise their alert too:

                  0 7 * * *  rumbo retention alerts --org spa-el-encanto
                """)

        @Option(help: "Organization slug (optional when there is only one).") var org: String?
        @Option(help: ArgumentHelp("Save a new at-risk threshold: P(alive) below it is at risk.", valueName: "0-1")) var threshold: Double?
        @Option(help: ArgumentHelp("Save a new minimum value at stake for an alert.", valueName: "AMOUNT")) var minimumValue: Double?
        @Option(help: ArgumentHelp("Save a new webhook address (empty: none).", valueName: "URL")) var webhookURL: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { db in
                let organization = try await resolveOrganization(org, in: db)
                if threshold != nil || minimumValue != nil || webhookURL != nil {
                    var settings = try await db.retentionSettings(in: organization.id)
                    settings.threshold = threshold ?? settings.threshold
                    settings.minimumValue = minimumValue ?? settings.minimumValue
                    if let webhookURL { settings.webhookURL = webhookURL.isEmpty ? nil : webhookURL }
                    try await db.saveRetentionSettings(settings, in: organization.id, by: "cli")
                }
                try await refreshAlerts(organization, in: db)
            }
        }
    }
}

/// Scores the organization's customers as of today, raises and clears its at-risk alerts, and
/// posts the ones no webhook has taken yet (new ones and earlier failures); says what it did.
func refreshAlerts(_ organization: Organization, in db: Store) async throws {
    let refresh: Store.AlertRefresh
    do {
        guard let found = try await db.refreshRetentionAlerts(in: organization, asOf: LocalDate(Date(), in: organization.zone)) else {
            throw CLIError("\(organization.name) has no orders yet: import them with `rumbo import orders FILE --org \(organization.slug)`.")
        }
        refresh = found
    } catch let error as AnalyticsError {
        throw CLIError("\(organization.name): the customers could not be scored: \(error.message)")
    }
    let settings = refresh.analysis.settings
    say("\(refresh.analysis.atRisk.count) customer(s) at risk (P(alive) < \(settings.threshold)); \(refresh.open.count) open alert(s), \(refresh.raised.count) new.")
    let pending = refresh.undelivered
    switch try await db.deliverRetentionAlerts(pending, analysis: refresh.analysis, organization: organization) {
    case .none: if !pending.isEmpty { say("No webhook is set: the alerts show in the app only.") }
    case .success: say("Posted \(pending.count) alert(s) to \(settings.webhookURL ?? "").")
    case .failure(let failure):
        throw CLIError("The webhook \(settings.webhookURL ?? "") did not take the alerts (\(failure.reason)); they are kept in the app. Check the address and run again.")
    }
}

// MARK: - holdout

extension RetentionCommand {
    struct Holdout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the models on the data: fit up to the calibration end, compare their forecasts with what happened after.",
            discussion: """
                The models are fitted on the purchases up to --calibration-end; the purchases from the next day to --holdout-end are the holdout. Printed, for each model:

                  - the repeat purchases in the holdout, actual against the sum of the customers' conditional forecasts, and against the aggregate forecast from the parameters alone;
                  - by calibration frequency (0, 1, …, 7+ repeat purchases): the customers' mean holdout purchases, actual and forecast;
                  - the tracking of cumulative repeat purchases per time unit from the first purchase to the holdout end, actual and expected (with --format csv, this table alone, ready to plot).

                Only customers who first bought on or before the calibration end take part.

                Example (the CDNOW sample: calibration to week 39, holdout to week 78):
                  rumbo retention holdout --orders cdnow.csv \\
                    --calibration-end 1997-09-30 --holdout-end 1998-06-30
                  rumbo retention holdout --orders orders.csv --calibration-end 2024-06-30 \\
                    --model pareto --format csv > tracking.csv
                """)

        @OptionGroup var source: OrdersSource
        @Option(help: ArgumentHelp("Last day of the calibration period (required).", valueName: "yyyy-MM-dd"))
        var calibrationEnd: String
        @Option(help: ArgumentHelp("Last day of the holdout period (default: the last purchase day in the file).", valueName: "yyyy-MM-dd"))
        var holdoutEnd: String?
        @Option(help: "Unit of the forecasts and tracking periods: day or week.") var timeUnit: RetentionTimeUnit = .week
        @Option(help: "A model to check: bgnbd, mbgnbd or pareto; repeat it for several (default: all three).")
        var model: [PurchaseModelKind] = []
        @Option(help: "Bins of calibration frequency: 0 … N−1 and N+ (default 7).") var censor = 7
        @Option(help: "table, csv (the tracking table) or json.") var format: OutputFormat = .table

        func validate() throws {
            guard DayNumber(iso: calibrationEnd) != nil else {
                throw ValidationError("--calibration-end '\(calibrationEnd)' is not a date; write it as yyyy-MM-dd, e.g. 1997-09-30.")
            }
            if let holdoutEnd, DayNumber(iso: holdoutEnd) == nil {
                throw ValidationError("--holdout-end '\(holdoutEnd)' is not a date; write it as yyyy-MM-dd, e.g. 1998-06-30.")
            }
            guard (1...100).contains(censor) else { throw ValidationError("--censor must be between 1 and 100, e.g. 7.") }
            guard source.given else { throw ValidationError("Give the orders: --orders FILE (a CSV) or --org SLUG (an organization's imported orders).") }
        }

        func run() async throws {
            let file = try await source.read()
            let calibration = DayNumber(iso: calibrationEnd)!
            let end = holdoutEnd.flatMap { DayNumber(iso: $0) } ?? file.lastDay
            if calibration < file.firstDay {
                throw CLIError("\(file.name)\(file.firstDayPlace): the calibration end \(calibration) is before every purchase (the first is on \(file.firstDay)).")
            }
            guard end > calibration else {
                throw CLIError(
                    "\(file.name): the holdout end \(end) is not after the calibration end \(calibration)\(holdoutEnd == nil ? " (it is the last purchase day in the file)" : ""); give a later --holdout-end or an earlier --calibration-end.")
            }
            let comparisons: [HoldoutComparison]
            do {
                let data = try HoldoutData(transactions: file.transactions, calibrationEnd: calibration, holdoutEnd: end, timeUnit: timeUnit.unit)
                let statistics = try data.statistics
                let models = model.isEmpty ? [PurchaseModelKind.bgnbd, .pareto, .mbgnbd] : model
                comparisons = try models.map { try data.compare($0.fit(statistics), frequencyCensor: censor) }
            } catch let error as AnalyticsError {
                throw CLIError("\(file.name): \(error.message)")
            }
            say(try render(comparisons))
        }

        func render(_ comparisons: [HoldoutComparison]) throws -> String {
            let first = comparisons[0]
            let unit = timeUnit.rawValue
            var tracking = Rows(columns: [unit, "ends", "actual"] + comparisons.map(\.modelName))
            tracking.rows = first.tracking.indices.map { i in
                let point = first.tracking[i]
                return ["\(point.period)", point.end.description, "\(point.actualCumulative)"]
                    + comparisons.map { String(format: "%.1f", $0.tracking[i].expectedCumulative) }
            }
            switch format {
            case .csv:
                return tracking.render(.csv)
            case .json:
                let object: [String: Any] = [
                    "calibration_end": first.calibrationEnd.description, "holdout_end": first.holdoutEnd.description,
                    "time_unit": unit, "holdout_length": first.holdoutLength, "customers": first.customers,
                    "actual_holdout_purchases": first.actualHoldoutPurchases,
                    "models": comparisons.map { c -> [String: Any] in
                        [
                            "model": c.modelName, "predicted_holdout_purchases": c.predictedHoldoutPurchases,
                            "aggregate_holdout_forecast": c.aggregateHoldoutForecast,
                            "by_frequency": c.byFrequency.map {
                                [
                                    "frequency": $0.frequency, "includes_higher": $0.includesHigher, "customers": $0.customers,
                                    "actual_mean": $0.actualMean, "predicted_mean": $0.predictedMean,
                                ] as [String: Any]
                            },
                            "tracking": c.tracking.map {
                                [
                                    "period": $0.period, "end": $0.end.description, "actual_cumulative": $0.actualCumulative,
                                    "expected_cumulative": $0.expectedCumulative, "in_holdout": $0.inHoldout,
                                ] as [String: Any]
                            },
                        ]
                    },
                ]
                let json = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                return String(decoding: json, as: UTF8.self)
            case .table:
                let length = first.holdoutLength == first.holdoutLength.rounded() ? "\(Int(first.holdoutLength))" : String(format: "%.2f", first.holdoutLength)
                var totals = Rows(columns: ["repeat purchases in the holdout", "actual"] + comparisons.map(\.modelName))
                totals.rows = [
                    ["sum of customer forecasts", "\(first.actualHoldoutPurchases)"] + comparisons.map { String(format: "%.1f", $0.predictedHoldoutPurchases) },
                    ["aggregate forecast", "\(first.actualHoldoutPurchases)"] + comparisons.map { String(format: "%.1f", $0.aggregateHoldoutForecast) },
                ]
                var bins = Rows(columns: ["x", "customers", "actual"] + comparisons.map(\.modelName))
                bins.rows = first.byFrequency.indices.map { i in
                    let bin = first.byFrequency[i]
                    return ["\(bin.frequency)\(bin.includesHigher ? "+" : "")", "\(bin.customers)", String(format: "%.3f", bin.actualMean)]
                        + comparisons.map { String(format: "%.3f", $0.byFrequency[i].predictedMean) }
                }
                return """
                    Calibration to \(first.calibrationEnd), holdout to \(first.holdoutEnd) (\(length) \(unit)s), \(first.customers) customers

                    \(totals.render(.table))

                    Mean holdout purchases per customer, by calibration frequency x
                    \(bins.render(.table))

                    Cumulative repeat purchases
                    \(tracking.render(.table))
                    """
            }
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
    /// The line of the first purchase (nil for an organization's imported orders).
    let firstDayLine: Int?
    let lastDay: DayNumber

    /// Where the first purchase is, for messages: ", line N" or nothing.
    var firstDayPlace: String { firstDayLine.map { ", line \($0)" } ?? "" }

    /// An organization's imported orders; the last day is today, so customers who went quiet
    /// since their last order count as quiet.
    static func imported(_ transactions: [Transaction], organization: Organization, today: DayNumber) throws -> OrdersFile {
        let name = "the orders of \(organization.name)"
        guard let first = transactions.map(\.day).min() else {
            throw CLIError("\(organization.name) has no orders yet: import them with `rumbo import orders FILE --org \(organization.slug)`, or score a file with --orders FILE.")
        }
        return OrdersFile(name: name, transactions: transactions, firstDay: first, firstDayLine: nil, lastDay: max(today, transactions.map(\.day).max()!))
    }

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
