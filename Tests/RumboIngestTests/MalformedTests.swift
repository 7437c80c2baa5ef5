import Foundation
import RumboCore
import Testing

@testable import RumboIngest

/// Bad input: each problem is reported with its file, line, column and reason, in both languages.
@Suite struct MalformedTests {
    let tickets = header(.tickets, without: ["team"])

    @Test func missingRequiredColumns() throws {
        let failure = try expectFailure(.tickets, "customer_id,channel\nC1,email\n", name: "tickets.csv")
        let columns =
            "(required: id, created_at; all columns: id, customer_id, channel, priority, created_at, first_response_at, resolved_at, agent_replies, reopened, escalated, sla_first_response_min, team)"
        #expect(
            failure.issues.map(\.description) == [
                "tickets.csv:1: column id: the header has no column id, which is required \(columns)",
                "tickets.csv:1: column created_at: the header has no column created_at, which is required \(columns)",
            ])
        #expect(failure.issues.map(\.code) == [.missingColumn, .missingColumn])
        #expect(failure.issues[0].reasonES.hasPrefix("la cabecera no tiene la columna id, que es obligatoria (obligatorias: id, created_at;"))
    }

    @Test func unknownAndDuplicateColumns() throws {
        let failure = try expectFailure(.customers, "id,name,Name,colour,\nC1,Ana,Ana,red,\n", name: "customers.csv")
        #expect(
            failure.issues.map(\.description) == [
                "customers.csv:1: column Name (3): the column appears twice in the header (columns 2 and 3)",
                "customers.csv:1: column colour (4): unknown column; the columns of a customers file are: id, name, email, segment, created_at (map it in a column mapping, or ask to ignore unknown columns)",
                "customers.csv:1: column \"\" (5): a column without a name; the columns of a customers file are: id, name, email, segment, created_at (or ask to ignore unknown columns)",
            ])
        let ignored = try read(.customers, "id,name,colour,\nC1,Ana,red,\n", try options(ignoreUnknownColumns: true))
        #expect(ignored.rows == [DataRow(externalID: "C1", values: [.text("Ana"), nil, nil, nil])])
    }

    @Test func impossibleDates() throws {
        let csv = tickets + "\nT1,,,,2026-13-01,,,,,,\nT2,,,,2026-02-29T10:00,,,,,,\nT3,,,,2026-03-01T25:00,,,,,,\nT4,,,,1/3/2026,,,,,,\n"
        let failure = try expectFailure(.tickets, csv, name: "tickets.csv")
        #expect(
            failure.issues.map(\.description) == [
                #"tickets.csv:2: column created_at (5): "2026-13-01": not a date: there is no month 13"#,
                #"tickets.csv:3: column created_at (5): "2026-02-29T10:00": not a date: February 2026 has 28 days"#,
                #"tickets.csv:4: column created_at (5): "2026-03-01T25:00": not a time: there is no hour 25"#,
                #"tickets.csv:5: column created_at (5): "1/3/2026": not a date/time; expected ISO 8601 such as 2026-03-01T09:30:00Z, 2026-03-01 09:30 or 2026-03-01 (or give the file's date format)"#,
            ])
        #expect(failure.issues[1].description(in: .spanish) == #"tickets.csv:3: columna created_at (5): "2026-02-29T10:00": no es una fecha: febrero de 2026 tiene 28 días"#)
        #expect(failure.issues.allSatisfy { $0.code == .invalidTimestamp })
    }

    @Test func impossibleDatesInAGivenFormat() throws {
        let csv = "id;customer_id;placed_at;amount\nO1;C1;31/02/2026;10\nO2;C1;2026-02-03;10\nO3;C1;03/02/2026 10:00;10\n"
        let failure = try expectFailure(.orders, csv, name: "orders.csv", try options(dateFormat: "dd/MM/yyyy"))
        #expect(
            failure.issues.map(\.description) == [
                #"orders.csv:2: column placed_at (3): "31/02/2026": not a date: February 2026 has 28 days"#,
                #"orders.csv:3: column placed_at (3): "2026-02-03": not a date/time in the format dd/MM/yyyy (such as 01/03/2026)"#,
                #"orders.csv:4: column placed_at (3): "03/02/2026 10:00": not a date/time in the format dd/MM/yyyy (such as 01/03/2026)"#,
            ])
    }

    @Test func surveyScores() throws {
        let csv = """
            id,customer_id,kind,score,touchpoint,sent_at,answered_at,comment
            S1,C1,nps,11,support,2026-03-01T09:00:00Z,2026-03-01T10:00:00Z,
            S2,C1,csat,0,support,2026-03-01T09:00:00Z,2026-03-01T10:00:00Z,
            S3,C1,xps,3,support,2026-03-01T09:00:00Z,2026-03-01T10:00:00Z,
            S4,C1,nps,3,support,,,
            S5,C1,ces,,support,,,
            S6,C1,nps,9.5,support,,2026-03-01T10:00:00Z,
            """
        let failure = try expectFailure(.surveys, csv, name: "surveys.csv")
        #expect(
            failure.issues.map(\.description) == [
                #"surveys.csv:2: column score (4): "11": out of range: must be between 0 and 10"#,
                #"surveys.csv:3: column score (4): "0": a CSAT score must be 1–5, not 0"#,
                #"surveys.csv:4: column kind (3): "xps": not one of: nps, csat, ces, enps"#,
                "surveys.csv:5: column sent_at (6): a survey row needs sent_at (an invitation) or answered_at (an answer)",
                "surveys.csv:6: column sent_at (6): a survey row needs sent_at (an invitation) or answered_at (an answer)",
                #"surveys.csv:7: column score (4): "9.5": not a whole number"#,
            ])
        #expect(failure.issues.map(\.code) == [.outOfRange, .inconsistent, .invalidChoice, .inconsistent, .inconsistent, .invalidNumber])
        #expect(failure.issues[1].reasonES == "una puntuación CSAT debe estar entre 1 y 5, no 0")
    }

    @Test func negativeDurations() throws {
        let csv = tickets + "\nT1,,,,2026-03-01T10:00:00Z,2026-03-01T09:59:00Z,,,,,\nT2,,,,2026-03-01T10:00:00+02:00,2026-03-01T09:30:00+01:00,2026-03-01T07:00:00Z,,,,\n"
        let failure = try expectFailure(.tickets, csv, name: "tickets.csv")
        #expect(
            failure.issues.map(\.description) == [
                #"tickets.csv:2: column first_response_at (6): "2026-03-01T09:59:00Z": first_response_at is before created_at (a negative duration); check both times and their time zone"#,
                #"tickets.csv:3: column resolved_at (7): "2026-03-01T07:00:00Z": resolved_at is before created_at (a negative duration); check both times and their time zone"#,
            ])
    }

    @Test func duplicateIDs() throws {
        let csv = "id,name\nC1,Ana\nC2,Eva\n C1 ,Ana otra vez\nC10,Luis\nC2,Eva\n"
        let duplicates = try expectFailure(.customers, csv, name: "customers.csv")
        #expect(
            duplicates.issues.map(\.description) == [
                #"customers.csv:4: column id (1): "C1": the same id is on line 2 too; an id may appear once per file"#,
                #"customers.csv:6: column id (1): "C2": the same id is on line 3 too; an id may appear once per file"#,
            ])
        #expect(duplicates.issues[0].reasonES == "el mismo id está también en la línea 2; un id solo puede aparecer una vez por archivo")
        // Ids out of order switch the registry from its sorted fast path to the hash table.
        var many = "id\n"
        for k in stride(from: 5000, to: 0, by: -1) { many += "C\(k * 7919 % 10007)\n" }
        many += "C\(1234 * 7919 % 10007)\n"
        #expect(try expectFailure(.customers, many).issues.map(\.line) == [5002])
    }

    @Test func emptyAndMissingIDs() throws {
        let long = String(repeating: "é", count: 201)
        let csv = "id,name\n,Ana\n\"  \",Eva\n\(long),Luis\n\(String(repeating: "é", count: 200)),Marta\n"
        let failure = try expectFailure(.customers, csv, name: "c.csv")
        #expect(
            failure.issues.map(\.description) == [
                "c.csv:2: column id (1): every row needs an id (the row's id in the source system)",
                "c.csv:3: column id (1): every row needs an id (the row's id in the source system)",
                "c.csv:4: column id (1): \"\(String(repeating: "é", count: 40))…\": the id has 201 characters; at most 200 are allowed",
            ])
    }

    @Test func invalidUTF8() throws {
        let failure = try expectFailure(.customers, .file(fixture("customers-latin1.csv")))
        #expect(
            failure.issues.map(\.description) == [
                #"customers-latin1.csv:3: column name (2): not valid UTF-8 (byte 0xE9); save the file as UTF-8 (in Excel: "CSV UTF-8")"#
            ])
        #expect(failure.issues[0].code == .invalidUTF8)
        let utf16 = try expectFailure(.customers, .data(Data([0xFF, 0xFE, 0x69, 0x00, 0x64, 0x00]), name: "u.csv"))
        #expect(utf16.description == #"u.csv:1: the file is UTF-16 text; save it as UTF-8 (in Excel: "CSV UTF-8")"#)
        let json = try expectFailure(.customers, .data(Data("{\"id\": \"C\u{1}\"}\n{\"id\": \"\u{E9}\"}\n".utf8.map { $0 } + [0x7B, 0x22, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xE9, 0x22, 0x7D]), name: "c.jsonl"))
        #expect(
            json.issues.map(\.description) == [
                "c.jsonl:1: not a JSON object: a control character inside a string at character 10",
                #"c.jsonl:3: not valid UTF-8 (byte 0xE9); save the file as UTF-8 (in Excel: "CSV UTF-8")"#,
            ])
    }

    @Test func emptyFile() throws {
        let failure = try expectFailure(.tickets, .file(fixture("empty.csv")))
        #expect(
            failure.description
                == "empty.csv: the file is empty; it needs a header line naming the columns (id, customer_id, channel, priority, created_at, first_response_at, resolved_at, agent_replies, reopened, escalated, sla_first_response_min, team)"
        )
        #expect(failure.code == .emptyFile)
        #expect(try MalformedTests.failureCode(.tickets, "\u{FEFF}\r\n\n  \n") == .emptyFile)
        #expect(try MalformedTests.failureCode(.tickets, "", name: "t.jsonl") == .emptyFile)
        #expect(try MalformedTests.failureCode(.tickets, "\n\n", name: "t.jsonl") == .emptyFile)
    }

    static func failureCode(_ kind: DataKind, _ text: String, name: String = "t.csv") throws -> ImportIssue.Code {
        try expectFailure(kind, text, name: name).code
    }

    @Test func truncatedLastLine() throws {
        let failure = try expectFailure(.orders, .file(fixture("orders-truncated.csv")))
        #expect(
            failure.description
                == "orders-truncated.csv:3: column service (5): a quoted value is never closed: the file ends inside it (a truncated last line?)"
        )
        #expect(failure.issues[0].code == .unterminatedQuote)
        #expect(failure.issues[0].reasonES == "un valor entre comillas nunca se cierra: el archivo termina dentro de él (¿última línea truncada?)")
    }

    @Test func strayQuoteAndRecordTooLong() throws {
        let stray = try expectFailure(.customers, "id,name\nC1,\"Ana \"la\" grande\"\nC2,Eva\n", name: "c.csv")
        #expect(
            stray.description
                == #"c.csv:2: column name (2): text after the closing quote of a quoted value; a quote inside a quoted value must be doubled ("")"#)
        var small = try options()
        small.chunkSize = 64
        small.maxRecordBytes = 256
        let long = try expectFailure(.customers, "id,name\nC1,\"" + String(repeating: "x", count: 2000) + "\n", small)
        #expect(long.issues.map(\.code) == [.recordTooLong])
        #expect(long.issues[0].line == 2)
    }

    @Test func wrongNumberOfFields() throws {
        let csv = tickets + "\nT1,,,,2026-03-01T10:00:00Z,,,,\nT2,,,,2026-03-01T10:00:00Z,,,,,,,\n"
        let failure = try expectFailure(.tickets, csv, name: "tickets.csv")
        #expect(
            failure.issues.map(\.description) == [
                "tickets.csv:2: this record has 9 values but the header has 11 columns (a missing separator, or a separator inside a value without quotes?)",
                "tickets.csv:3: this record has 12 values but the header has 11 columns (a missing separator, or a separator inside a value without quotes?)",
            ])
    }

    @Test func numbersAndBooleans() throws {
        let csv = """
            id,customer_id,channel,priority,created_at,first_response_at,resolved_at,agent_replies,reopened,escalated,sla_first_response_min
            T1,,,,2026-03-01,,,,,,"1.234,50"
            T2,,,,2026-03-01,,,,,,"1,234.5"
            T3,,,,2026-03-01,,,,maybe,,
            T4,,,,2026-03-01,,,-1,,,12 €
            T5,,,,2026-03-01,,,1.000,,,1 234
            T6,,,,2026-03-01,,,99999999999999999999,,,abc
            """
        let failure = try expectFailure(.tickets, csv, name: "tickets.csv")
        let thousands =
            "thousands separators are not accepted (1.234 could be one thousand or one point two); write the number without them, such as 1234,50 or 1234.50"
        #expect(
            failure.issues.map(\.description) == [
                #"tickets.csv:2: column sla_first_response_min (11): "1.234,50": \#(thousands)"#,
                #"tickets.csv:3: column sla_first_response_min (11): "1,234.5": \#(thousands)"#,
                #"tickets.csv:4: column reopened (9): "maybe": not a yes/no value; use true/false, yes/no, sí/no or 1/0"#,
                #"tickets.csv:5: column agent_replies (8): "-1": out of range: must be between 0 and 1000000"#,
                #"tickets.csv:5: column sla_first_response_min (11): "12 €": not a number; write it without the currency symbol"#,
                #"tickets.csv:6: column agent_replies (8): "1.000": \#(thousands)"#,
                #"tickets.csv:6: column sla_first_response_min (11): "1 234": \#(thousands)"#,
                #"tickets.csv:7: column agent_replies (8): "99999999999999999999": out of range: must be between 0 and 1000000"#,
                #"tickets.csv:7: column sla_first_response_min (11): "abc": not a number"#,
            ])
        #expect(failure.issues[2].reasonES == "no es un valor sí/no; usa true/false, sí/no, yes/no o 1/0")
    }

    @Test func requiredValues() throws {
        let failure = try expectFailure(.orders, "id,customer_id,placed_at,amount\nO1,C1,, \n", name: "orders.csv")
        #expect(
            failure.issues.map(\.description) == [
                "orders.csv:2: column placed_at (3): a value is required",
                "orders.csv:2: column amount (4): a value is required",
            ])
        #expect(failure.issues[0].description(in: .spanish) == "orders.csv:2: columna placed_at (3): el valor es obligatorio")
    }

    @Test func badJSONLines() throws {
        let lines = """
            {"id": "T1", "created_at": "2026-03-01T09:00:00Z"}
            {"id": "T2", "created_at": "2026-03-01T09:00:00Z",}
            ["T3"]
            {"id": "T4", "created_at": {"at": 1}}
            {"id": "T5", "created_at": "2026-03-01T09:00:00Z", "colour": "red", "id": "T6"}
            {"id": "T7", "created_at": "2026-03-01T09:00:00Z"} x

            {"id": "T8"}
            """
        let failure = try expectFailure(.tickets, lines, name: "tickets.jsonl")
        let keys =
            "id, customer_id, channel, priority, created_at, first_response_at, resolved_at, agent_replies, reopened, escalated, sla_first_response_min, team"
        #expect(
            failure.issues.map(\.description) == [
                "tickets.jsonl:2: not a JSON object: expected a key in double quotes at character 51",
                "tickets.jsonl:3: not a JSON object: each line must be one object in braces, {…} at character 1",
                #"tickets.jsonl:4: not a JSON object: the value of "created_at" is a nested object or list; only plain values are read at character 28"#,
                "tickets.jsonl:5: column id: the key appears twice in the object",
                "tickets.jsonl:6: not a JSON object: text after the closing '}' (one object per line) at character 52",
                "tickets.jsonl:8: column created_at: a value is required",
            ])
        let unknown = try expectFailure(.tickets, #"{"id": "T5", "created_at": "2026-03-01", "colour": "red"}"#, name: "t.jsonl")
        #expect(
            unknown.description
                == "t.jsonl:1: column colour: unknown key; the keys of a tickets line are: \(keys) (map it in a column mapping, or ask to ignore unknown columns)"
        )
        let ignored = try read(.tickets, #"{"id": "T5", "created_at": "2026-03-01", "colour": "red"}"#, name: "t.jsonl", try options(ignoreUnknownColumns: true))
        #expect(ignored.rows.count == 1)
    }

    @Test func badOptions() throws {
        let letters = #expect(throws: ImportFailure.self) { try DateFormat("dd/mm/yyyy hh:mm") }
        #expect(letters?.description == "the date format 'dd/mm/yyyy hh:mm' has 'hh', which it does not understand; use dd, MM, yyyy, HH, mm, ss, SSS and separators")
        let year = #expect(throws: ImportFailure.self) { try DateFormat("dd/MM/yy") }
        #expect(year?.description == "the date format 'dd/MM/yy' has 'yy': write the year with four digits (yyyy)")
        let missing = #expect(throws: ImportFailure.self) { try DateFormat("MM/yyyy") }
        #expect(missing?.code == .invalidOption)
        let unreadable = try expectFailure(.tickets, .path("/nonexistent/tickets.csv"))
        #expect(unreadable.description == "tickets.csv: no such file (/nonexistent/tickets.csv)")
    }

    @Test func errorsInSpanishAndTheLimit() throws {
        var csv = tickets + "\n"
        for k in 1...30 { csv += "T\(k),,,,2026-13-01,,,,,,\n" }
        let failure = try expectFailure(.tickets, csv, name: "t.csv", try options(maxErrors: 5))
        #expect(failure.issues.count == 5)
        #expect(failure.stoppedEarly)
        #expect(failure.description.hasSuffix("\n(stopped after 5 errors; there may be more)"))
        #expect(failure.description(in: .spanish).hasSuffix("\n(se detuvo tras 5 errores; puede haber más)"))
        #expect(failure.issues[0].description(in: .spanish) == #"t.csv:2: columna created_at (5): "2026-13-01": no es una fecha: no existe el mes 13"#)
    }
}
