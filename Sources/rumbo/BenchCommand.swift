import ArgumentParser
import Foundation
import RumboAnalytics
import RumboCore
import RumboStore

/// `rumbo bench`: measurements that are not tests.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks: how well the forecast is calibrated.", subcommands: [Forecast.self])

    struct Forecast: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forecast",
            abstract: "Brier score and reliability of the status's probability against the straight-line pace rule.",
            discussion: """
                Every check-in from the second week to the week before the due date is a prediction: the
                probability of reaching the target, from what was known that day, set against whether the
                target was reached on the due date. Three methods are scored (lower Brier is better):
                  forecast    Rumbo's status: the trend's probability, or the pace ratio mapped onto the same
                              scale while the history is too short for a trend
                  pace_ratio  actual over expected progress (the straight line), capped at 1
                  pace_light  the pace rule's light as the middle of its band (0.85 / 0.55 / 0.2)
                The corpora: simulated quarters (steady trends, plateaus, late starts, shocks, random
                walks, keep-above thresholds, with measurement noise) and the demo organizations' own
                history (key results whose due date has passed), loaded into a temporary SQLite file.
                  rumbo bench forecast --histories 3000
                """)

        @Option(help: "How many simulated key-result histories.") var histories = 3_000
        @Option(help: "The simulation's seed.") var seed: UInt64 = 2026
        @Option(help: "The demo's day (default: today).") var asOf: String?
        @Option(help: "table or json.") var format: OutputFormat = .table

        func validate() throws {
            guard histories >= 6 else { throw ValidationError("--histories is at least 6 (one of each shape).") }
            if format == .csv { throw ValidationError("Choose --format table or json.") }
            if let asOf, LocalDate(asOf) == nil { throw ValidationError("--as-of is a day like 2026-11-25.") }
        }

        func run() async throws {
            progress("Simulating \(histories) key-result histories…")
            let simulated = ForecastCalibration.evaluate(ForecastCalibration.simulatedCorpus(count: histories, seed: seed))
            progress("Loading the demo into a temporary database…")
            let demo = ForecastCalibration.evaluate(try await demoHistories())
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.keyEncodingStrategy = .convertToSnakeCase
                print(String(decoding: try encoder.encode(["simulated": simulated, "demo": demo]), as: UTF8.self))
                return
            }
            for (name, report) in [("Simulated corpus", simulated), ("Demo history", demo)] {
                print("\n\(name): \(report.histories) histories, \(report.predictions) predictions (\(report.trendPredictions) with a fitted trend), target reached in \(percent(report.baseRate)) of them")
                var brier = Rows(columns: ["method", "brier_all", "brier_with_trend"])
                for (all, trend) in zip(report.scores, report.trendScores) {
                    brier.rows.append([all.method, String(format: "%.4f", all.brier), report.trendPredictions == 0 ? "—" : String(format: "%.4f", trend.brier)])
                }
                print(brier.render(.table))
                for score in report.scores where score.method != "pace_light" {
                    print("\nReliability, \(score.method): predicted band, predictions, mean predicted, observed rate")
                    var table = Rows(columns: ["band", "n", "predicted", "observed"])
                    table.rows = score.reliability.map {
                        [String(format: "%.1f–%.1f", $0.lower, $0.upper), String($0.count), String(format: "%.3f", $0.meanPredicted), String(format: "%.3f", $0.observedRate)]
                    }
                    print(table.render(.table))
                }
            }
        }

        func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

        /// The demo's key results whose due date has passed, with their whole history, read back
        /// from a real (temporary) SQLite database so automatic check-ins are included.
        func demoHistories() async throws -> [ForecastCalibration.History] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rumbo-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let day = asOf.flatMap(LocalDate.init) ?? LocalDate(Date(), in: TimeZone(identifier: "Europe/Madrid")!)
            return try await Store.withMigrated(.sqlite(path: folder.appendingPathComponent("bench.sqlite").path), logger: quietLogger("rumbo.store")) { store in
                var result: [ForecastCalibration.History] = []
                for demo in RumboCore.Demo.organizations(asOf: day) {
                    let end = day.adding(days: 1).startOfDay(in: demo.organization.zone).addingTimeInterval(-1)
                    _ = try await store.loadDemo(demo, today: day, now: end)
                    for cycle in demo.cycles {
                        guard let data = try await store.cycleData(for: demo.organization, cycleID: cycle.id, today: day) else { continue }
                        let history = Dictionary(grouping: data.checkIns, by: \.keyResultID)
                        for kr in data.keyResults where kr.due < day {
                            result.append(.init(keyResult: kr, checkIns: history[kr.id] ?? [], shape: demo.organization.slug))
                        }
                    }
                }
                return result
            }
        }
    }
}
