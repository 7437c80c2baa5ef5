import Foundation
import RumboCore
import Testing

@testable import RumboIngest

/// The async driver: batches, progress, strict and skip-invalid modes, the rejects file.
@Suite struct ImportDriverTests {
    static func orders(_ count: Int, badEvery: Int? = nil) -> String {
        var csv = "id,customer_id,placed_at,amount,service\n"
        for k in 1...count {
            let amount = badEvery.map { k % $0 == 0 } == true ? "\"12,50 €\"" : "\"12,50\""
            csv += "O\(k),C\(k % 10),2026-03-01T10:00:00Z,\(amount),\"masaje, 60 min\"\n"
        }
        return csv
    }

    @Test func batchesAndProgress() async throws {
        var options = try options()
        options.batchSize = 300
        var batches: [Int] = []
        var progress: [ImportProgress] = []
        let report = try await Ingest.readRows(
            kind: .orders, from: .data(Data(Self.orders(1000).utf8), name: "orders.csv"), options: options,
            progress: { progress.append($0) }
        ) { batch in
            batches.append(batch.count)
        }
        #expect(batches == [300, 300, 300, 100])
        #expect(report.rowsRead == 1000)
        #expect(report.rowsAccepted == 1000)
        #expect(report.rejected.isEmpty)
        #expect(progress.last?.rowsRead == 1000)
        #expect(progress.last?.fraction == 1)
        #expect(progress.map(\.rowsRead) == progress.map(\.rowsRead).sorted())
    }

    @Test func strictModeStopsEmittingAtTheFirstInvalidRow() async throws {
        var options = try options()
        options.batchSize = 100
        var emitted = 0
        await #expect(throws: ImportFailure.self) {
            _ = try await Ingest.readRows(kind: .orders, from: .data(Data(Self.orders(1000, badEvery: 250).utf8), name: "orders.csv"), options: options) {
                emitted += $0.count
            }
        }
        #expect(emitted == 200)  // the batches before the one holding line 251
        do {
            _ = try await Ingest.readRows(kind: .orders, from: .data(Data(Self.orders(1000, badEvery: 250).utf8), name: "orders.csv"), options: options) { _ in }
        } catch let failure as ImportFailure {
            #expect(failure.issues.map(\.line) == [251, 501, 751, 1001])
            #expect(!failure.stoppedEarly)
        }
    }

    @Test func skipInvalidRowsAndWriteTheRejects() async throws {
        let csv = "id,customer_id,placed_at,amount,service\nO1,C1,2026-03-01,10,masaje\nO2,,2026-13-01,\"1.234,50\",\"facial, \"\"premium\"\"\"\nO3,C1,2026-03-02,5,\nO1,C2,2026-03-03,7,sauna\nO4,C1\n"
        let options = try options(skipInvalid: true)
        var rows: [DataRow] = []
        let report = try await Ingest.readRows(kind: .orders, from: .data(Data(csv.utf8), name: "orders.csv"), options: options) { rows += $0 }
        #expect(rows.map(\.externalID) == ["O1", "O3"])
        #expect(report.rowsRead == 5)
        #expect(report.rowsAccepted == 2)
        #expect(report.rejected.map(\.line) == [3, 5, 6])
        #expect(report.rejected[0].record == #"O2,,2026-13-01,"1.234,50","facial, ""premium""""#)
        let lines = report.rejectsCSV().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5)
        #expect(lines[0] == "line,column,reason,record")
        #expect(
            lines[1]
                == #"3,"customer_id; placed_at; amount","customer_id: a value is required; placed_at: ""2026-13-01"": not a date: there is no month 13; amount: ""1.234,50"": thousands separators are not accepted (1.234 could be one thousand or one point two); write the number without them, such as 1234,50 or 1234.50","O2,,2026-13-01,""1.234,50"",""facial, """"premium""""""""#
        )
        #expect(lines[2] == #"5,id,"id: ""O1"": the same id is on line 2 too; an id may appear once per file","O1,C2,2026-03-03,7,sauna""#)
        #expect(
            lines[3]
                == #"6,,"this record has 2 values but the header has 5 columns (a missing separator, or a separator inside a value without quotes?)","O4,C1""#
        )
        #expect(lines[4] == "")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rejects-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try report.writeRejects(to: url, language: .spanish)
        let written = try String(contentsOf: url, encoding: .utf8)
        #expect(written.contains("el mismo id está también en la línea 2"))
        // The rejects file is itself a CSV this reader accepts, with one record per rejected row.
        let reread = try Ingest.readAll(
            kind: .customers, from: .file(url), options: RumboIngestTests.options(mapping: ColumnMapping(["id": "line"]), ignoreUnknownColumns: true))
        #expect(reread.rows.map(\.externalID) == ["3", "5", "6"])
    }

    @Test func onBatchErrorsPropagate() async throws {
        struct StoreDown: Error {}
        await #expect(throws: StoreDown.self) {
            _ = try await Ingest.readRows(kind: .orders, from: .data(Data(Self.orders(10).utf8), name: "o.csv"), options: try options()) { _ in
                throw StoreDown()
            }
        }
    }

    @Test func headerErrorsComeBeforeAnyBatch() async throws {
        var called = false
        await #expect(throws: ImportFailure.self) {
            _ = try await Ingest.readRows(kind: .orders, from: .data(Data("id,amount\nO1,3\n".utf8), name: "o.csv"), options: try options()) { _ in
                called = true
            }
        }
        #expect(!called)
    }

    @Test func bigFileThroughSmallChunks() async throws {
        // A file larger than several chunks, read from disk: same rows as from memory.
        let csv = Self.orders(5000)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("orders-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try csv.write(to: url, atomically: true, encoding: .utf8)
        var options = try options()
        options.chunkSize = 4096
        var fromDisk: [DataRow] = []
        let report = try await Ingest.readRows(kind: .orders, from: .file(url), options: options) { fromDisk += $0 }
        #expect(fromDisk == (try read(.orders, csv).rows))
        #expect(report.bytesRead == Int64(csv.utf8.count))
        if ProcessInfo.processInfo.environment["RUMBO_INGEST_BENCH"] != nil {
            print("orders: \(report.rowsRead) rows in \(report.elapsed) (\(Int(report.rowsPerSecond)) rows/s, debug build)")
        }
    }
}
