import Foundation
import RumboCore
import Testing

@testable import RumboIngest

/// The shapes files come in: separators, encodings, line ends, quotes, JSON Lines, mappings.
@Suite struct FormatTests {
    @Test func semicolonDecimalCommaAndDayMonthYear() throws {
        let result = try Ingest.readAll(
            kind: .tickets, from: .file(fixture("tickets-semicolon.csv")), options: options(madrid, dateFormat: "dd/MM/yyyy HH:mm"))
        #expect(result.report.delimiter == .semicolon)
        #expect(result.rows.count == 2)
        let t1 = result.rows[0]
        #expect(t1.externalID == "T-1")
        #expect(t1("created_at", in: .tickets) == .timestamp(1_772_353_800_000))  // 09:30 in Madrid = 08:30Z
        #expect(t1("first_response_at", in: .tickets) == .timestamp(millis(2026, 3, 1, 10, 5, in: madrid)))
        #expect(t1("resolved_at", in: .tickets) == .timestamp(millis(2026, 3, 2, 17, in: madrid)))
        #expect(t1("reopened", in: .tickets) == .boolean(false))
        #expect(t1("escalated", in: .tickets) == .boolean(true))
        #expect(t1("sla_first_response_min", in: .tickets) == .decimal(60.5))
        #expect(t1("team", in: .tickets) == .text("Soporte"))
        let t2 = result.rows[1]
        #expect(t2("created_at", in: .tickets) == .timestamp(millis(2026, 3, 15, 23, 10, in: madrid)))
        #expect(t2("reopened", in: .tickets) == .boolean(false))
        #expect(t2("sla_first_response_min", in: .tickets) == nil)
    }

    @Test func byteOrderMarkCRLFAndQuotedLineBreaks() throws {
        let result = try Ingest.readAll(kind: .surveys, from: .file(fixture("surveys-bom-crlf.csv")), options: options(madrid))
        #expect(result.rows.map(\.externalID) == ["S1", "S2", "S3"])
        #expect(result.rows[0]("comment", in: .surveys) == .text("Muy buena atención, gracias"))
        #expect(result.rows[1]("kind", in: .surveys) == .text("csat"))
        #expect(result.rows[1]("comment", in: .surveys) == .text("Dijo \"perfecto\"\r\ny volvió"))
        #expect(result.rows[1]("sent_at", in: .surveys) == .timestamp(1_772_438_400_000))
        #expect(result.rows[2]("sent_at", in: .surveys) == .timestamp(millis(2026, 3, 3, 8, in: madrid)))
        #expect(result.rows[2]("score", in: .surveys) == nil)
    }

    @Test func lineNumbersCountLineBreaksInsideQuotes() throws {
        let csv = "id,name,email,segment,created_at\nC1,\"Ana\nMaría\",a@x,vip,2026-13-01\nC2,\"\",b@x,,2026-02-30\r\n\r\nC3,Luis,c@x,,2026-02-03\n"
        let failure = try expectFailure(.customers, csv)
        #expect(failure.issues.map(\.line) == [2, 4])
        #expect(failure.issues.map(\.columnNumber) == [5, 5])
    }

    @Test func lineEndsOfEveryKindAndNoFinalNewline() throws {
        for ending in ["\n", "\r\n", "\r"] {
            let csv = ["id,name", "C1,Ana", "", "C2,\"Luis\(ending)Pérez\"", "C3,Eva"].joined(separator: ending)
            let result = try read(.customers, csv)
            #expect(result.rows.map(\.externalID) == ["C1", "C2", "C3"], "line end \(ending.debugDescription)")
            #expect(result.rows[1]("name", in: .customers) == .text("Luis\(ending)Pérez"))
        }
    }

    @Test func delimiterIsDetectedFromTheHeaderOrGiven() throws {
        #expect(try read(.customers, "id\tname\nC1\tAna, la de Soria\n").report.delimiter == .tab)
        #expect(try read(.customers, "id;name\nC1;Ana, la de Soria\n").report.delimiter == .semicolon)
        var given = try options()
        given.delimiter = .semicolon
        let result = try Ingest.readAll(kind: .customers, from: .data(Data("id;name\nC1;Ana, la de Soria\n".utf8), name: "c.txt"), options: given)
        #expect(result.rows[0]("name", in: .customers) == .text("Ana, la de Soria"))
    }

    @Test func chunkBoundariesFallAnywhere() throws {
        // Quotes, doubled quotes, CRLF, multi-byte characters and a BOM, read 1 to 13 bytes at a time.
        var csv = "\u{FEFF}id,customer_id,kind,score,touchpoint,sent_at,answered_at,comment\r\n"
        for k in 1...40 {
            csv += "S\(k),C\(k % 7),nps,\(k % 11),\"post,service\",2026-03-01T09:00:00Z,2026-03-0\(k % 9 + 1)T10:00:00Z,\"¡Qué \"\"bien\"\"!\r\nñandú 🐦 \(k)\"\r\n"
        }
        let whole = try read(.surveys, csv)
        #expect(whole.rows.count == 40)
        #expect(whole.rows[4]("comment", in: .surveys) == .text("¡Qué \"bien\"!\r\nñandú 🐦 5"))
        for chunk in 1...13 {
            let pieces = try read(.surveys, csv, try options(chunkSize: chunk))
            #expect(pieces.rows == whole.rows, "chunk size \(chunk)")
        }
    }

    @Test func jsonLines() throws {
        let result = try Ingest.readAll(kind: .surveys, from: .file(fixture("surveys.jsonl")), options: options())
        #expect(result.report.format == .jsonLines)
        #expect(result.rows.count == 2)
        #expect(result.rows[0]("score", in: .surveys) == .integer(10))
        #expect(result.rows[0]("comment", in: .surveys) == .text("Excelente \"trato\"\nvolveré é"))
        #expect(result.rows[1] == DataRow(externalID: "2", values: [nil, .text("ces"), nil, nil, .timestamp(millis(2026, 3, 2, 9)), nil, nil]))
    }

    @Test func jsonLinesShapes() throws {
        let lines = """
            {"ID":"T1","created_at":"2026-03-01T09:00:00Z","reopened":true,"escalated":0,"agent_replies":2.0,"sla_first_response_min":1.5e1,"team":"s\\u00f3porte \\ud83d\\ude00"}
              {  "id" : "T2" , "created_at" : "2026-03-01 10:00" , "reopened" : "no" }  \r
            {"id":"T3","created_at":"2026-03-01T11:00:00Z","channel":12}
            """
        let result = try read(.tickets, lines, name: "body", try options(format: .jsonLines))
        #expect(result.rows.map(\.externalID) == ["T1", "T2", "T3"])
        #expect(result.rows[0]("reopened", in: .tickets) == .boolean(true))
        #expect(result.rows[0]("escalated", in: .tickets) == .boolean(false))
        #expect(result.rows[0]("agent_replies", in: .tickets) == .integer(2))
        #expect(result.rows[0]("sla_first_response_min", in: .tickets) == .decimal(15))
        #expect(result.rows[0]("team", in: .tickets) == .text("sóporte 😀"))
        #expect(result.rows[1]("reopened", in: .tickets) == .boolean(false))
        #expect(result.rows[2]("channel", in: .tickets) == .text("12"))
    }

    @Test func formatFromTheContentWhenTheNameDoesNotTell() throws {
        let json = try read(.customers, "\n  {\"id\": \"C1\"}\n", name: "upload")
        #expect(json.report.format == .jsonLines)
        let csv = try read(.customers, "id,name\nC1,Ana\n", name: "upload")
        #expect(csv.report.format == .csv)
    }

    @Test func columnMappingFile() throws {
        let mapping = try ColumnMapping(contentsOf: fixture("helpdesk-mapping.json"))
        let result = try Ingest.readAll(
            kind: .tickets, from: .file(fixture("helpdesk-export.csv")),
            options: options(madrid, mapping: mapping, ignoreUnknownColumns: true))
        #expect(result.rows.count == 2)
        let t = result.rows[0]
        #expect(t.externalID == "4211")
        #expect(t("customer_id", in: .tickets) == .text("ana@example.com"))
        #expect(t("channel", in: .tickets) == .text("email"))
        #expect(t("priority", in: .tickets) == .text("high"))
        #expect(t("created_at", in: .tickets) == .timestamp(millis(2026, 3, 1, 9, 30, in: madrid)))
        #expect(t("team", in: .tickets) == .text("Soporte"))
        #expect(result.report.columns == ["id", "customer_id", "channel", "priority", "created_at", "first_response_at", "resolved_at", "team"])

        let strict = try expectFailure(.tickets, .file(fixture("helpdesk-export.csv")), options(madrid, mapping: mapping))
        #expect(
            strict.description
                == "helpdesk-export.csv:1: column Tags (9): unknown column; the columns of a tickets file are: id, customer_id, channel, priority, created_at, first_response_at, resolved_at, agent_replies, reopened, escalated, sla_first_response_min, team (map it in a column mapping, or ask to ignore unknown columns)"
        )
    }

    @Test func columnMappingForJSONLines() throws {
        let mapping = ColumnMapping(["id": "ticket", "created_at": "opened", "team": "channel"])
        let result = try read(
            .tickets, #"{"ticket": 7, "opened": "2026-03-01T09:00:00Z", "channel": "Soporte"}"#, name: "t.jsonl", try options(mapping: mapping))
        #expect(result.rows[0].externalID == "7")
        #expect(result.rows[0]("team", in: .tickets) == .text("Soporte"))
        #expect(result.rows[0]("channel", in: .tickets) == nil)
    }

    @Test func badMappings() throws {
        let notStrings = #expect(throws: ImportFailure.self) { try ColumnMapping(contentsOf: fixture("bad-mapping.json")) }
        #expect(
            notStrings?.description
                == "bad-mapping.json: the column mapping gives created_at a value that is not a column name; every value must be a non-empty string")
        let notJSON = #expect(throws: ImportFailure.self) { try ColumnMapping(json: Data("id: Ticket".utf8), name: "m.json") }
        #expect(notJSON?.description == #"m.json: the column mapping is not valid JSON; write one object such as {"id": "Ticket ID", "created_at": "Created"}"#)
        let missing = #expect(throws: ImportFailure.self) { try ColumnMapping(contentsOf: URL(fileURLWithPath: "/nonexistent/m.json")) }
        #expect(missing?.code == .unreadable)

        let unknownField = ColumnMapping(["id": "Ticket ID", "opened": "Created", "team": "Group", "channel": "group"], name: "m.json")
        let wrong = try expectFailure(.tickets, "Ticket ID,created_at,Group\n1,2026-03-01,x\n", try options(mapping: unknownField))
        #expect(
            wrong.issues.map(\.description) == [
                "m.json: the column mapping names opened, which is not a column of tickets; the native columns are: id, customer_id, channel, priority, created_at, first_response_at, resolved_at, agent_replies, reopened, escalated, sla_first_response_min, team",
                "m.json: the column mapping puts channel and team in the same column 'group'",
            ])
        let absentColumn = ColumnMapping(["created_at": "Created"], name: "m.json")
        let absent = try expectFailure(.tickets, "id,opened\n1,2026-03-01\n", try options(mapping: absentColumn))
        #expect(
            absent.issues.map(\.description) == [
                "test.csv:1: column Created (created_at): the column mapping puts created_at in the column 'Created', but the header has no such column; it has: 'id', 'opened'",
                "test.csv:1: column opened (2): unknown column; the columns of a tickets file are: id, customer_id, channel, priority, created_at, first_response_at, resolved_at, agent_replies, reopened, escalated, sla_first_response_min, team (map it in a column mapping, or ask to ignore unknown columns)",
            ])
    }

    @Test func dataSourceAndFileSourceAgree() throws {
        let url = fixture("tickets-semicolon.csv")
        let data = try Data(contentsOf: url)
        let fromFile = try Ingest.readAll(kind: .tickets, from: .file(url), options: options(dateFormat: "dd/MM/yyyy HH:mm"))
        let fromData = try Ingest.readAll(kind: .tickets, from: .data(data, name: "x.csv"), options: options(dateFormat: "dd/MM/yyyy HH:mm"))
        #expect(fromFile.rows == fromData.rows)
        #expect(fromFile.report.bytesRead == Int64(data.count))
    }
}
