import Foundation
import Testing

@testable import RumboCore

private let start = LocalDate(year: 2026, month: 10, day: 1)
private let due = LocalDate(year: 2026, month: 12, day: 31)

private func kr(_ kind: KeyResult.Kind, baseline: Double?, target: Double, commit: Double? = nil, stretch: Double? = nil) -> KeyResult {
    KeyResult(id: "kr", objectiveID: "obj", title: "Reduce waiting", kind: kind, baseline: baseline, target: target, commit: commit, stretch: stretch, start: start, due: due)
}

private func field(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as RumboError {
        #expect(error.code == .invalid)
        #expect(!error.messageEN.isEmpty && !error.messageES.isEmpty && error.messageEN != error.messageES)
        return error.field
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

@Suite("Validation rejects what cannot be meant")
struct ValidationTests {
    @Test("A target equal to its baseline")
    func targetEqualsBaseline() {
        #expect(field { try kr(.increase, baseline: 10, target: 10).validate() } == "target")
    }

    @Test("Increase needs target above baseline; decrease below")
    func direction() {
        #expect(field { try kr(.increase, baseline: 10, target: 5).validate() } == "target")
        #expect(field { try kr(.decrease, baseline: 10, target: 15).validate() } == "target")
        #expect(field { try kr(.decrease, baseline: 10, target: 5).validate() } == nil)
    }

    @Test("Increase and decrease need a baseline")
    func baselineRequired() {
        #expect(field { try kr(.increase, baseline: nil, target: 5).validate() } == "baseline")
        #expect(field { try kr(.keepAbove, baseline: nil, target: 95).validate() } == nil)
    }

    @Test("Milestones count whole items")
    func milestones() {
        #expect(field { try kr(.milestone, baseline: nil, target: 0).validate() } == "target")
        #expect(field { try kr(.milestone, baseline: nil, target: 2.5).validate() } == "target")
        #expect(field { try kr(.milestone, baseline: nil, target: 3).validate() } == nil)
    }

    @Test("Levels lie in the direction of travel")
    func levels() {
        #expect(field { try kr(.increase, baseline: 0, target: 70, stretch: 60).validate() } == "stretch")
        #expect(field { try kr(.increase, baseline: 0, target: 70, commit: 80).validate() } == "commit")
        #expect(field { try kr(.decrease, baseline: 100, target: 60, commit: 90, stretch: 50).validate() } == nil)
        #expect(field { try kr(.keepAbove, baseline: nil, target: 95, stretch: 99).validate() } == "stretch")
    }

    @Test("Dates, weights, titles, non-finite numbers")
    func misc() {
        var bad = kr(.increase, baseline: 1, target: 2)
        bad.due = start
        #expect(field { try bad.validate() } == "due")
        bad = kr(.increase, baseline: 1, target: 2)
        bad.weight = 0
        #expect(field { try bad.validate() } == "weight")
        bad.weight = 1
        bad.title = "   "
        #expect(field { try bad.validate() } == "title")
        #expect(field { try kr(.increase, baseline: 1, target: .infinity).validate() } == "target")
        #expect(field { try Cycle(id: "c", name: "Q", start: due, end: start, status: .active).validate() } == "end")
        #expect(field { try Team(id: "t", name: "A", parentID: "t").validate() } == "parentID")
    }

    @Test("Check-ins: confidence 0–10, open cycle, finite value, milestone range")
    func checkIns() {
        let keyResult = kr(.increase, baseline: 1, target: 2)
        let open = Cycle(id: "c", name: "2026 Q4", start: start, end: due, status: .active)
        func checkIn(_ value: Double, confidence: Int?) -> CheckIn {
            CheckIn(id: "ci", keyResultID: "kr", value: value, confidence: confidence, recordedAt: Date(), day: start)
        }
        #expect(field { try checkIn(1.5, confidence: 11).validate(for: keyResult, in: open) } == "confidence")
        #expect(field { try checkIn(1.5, confidence: -1).validate(for: keyResult, in: open) } == "confidence")
        #expect(field { try checkIn(1.5, confidence: 10).validate(for: keyResult, in: open) } == nil)
        #expect(field { try checkIn(.nan, confidence: nil).validate(for: keyResult, in: open) } == "value")
        var closed = open
        closed.status = .closed
        #expect(field { try checkIn(1.5, confidence: 5).validate(for: keyResult, in: closed) } == "keyResultID")
        #expect(field { try checkIn(5, confidence: nil).validate(for: kr(.milestone, baseline: nil, target: 4), in: open) } == "value")
    }

    @Test("Organization slugs and time zones")
    func organizations() {
        #expect(field { try Organization(id: "o", slug: "Spa El Encanto", name: "Spa", language: .spanish, timeZone: "Europe/Madrid").validate() } == "slug")
        #expect(field { try Organization(id: "o", slug: "spa", name: "Spa", language: .spanish, timeZone: "Mars/Olympus").validate() } == "timeZone")
        #expect(field { try Organization(id: "o", slug: "spa-el-encanto", name: "Spa", language: .spanish, timeZone: "Europe/Madrid").validate() } == nil)
    }
}

@Suite("Calendar days and languages")
struct LocalDateTests {
    @Test("Parses only real days")
    func parsing() {
        #expect(LocalDate("2028-02-29") != nil)
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2026-13-01") == nil)
        #expect(LocalDate("26-01-01") == nil)
        #expect(LocalDate("2026-1-01") == nil)
    }

    @Test("Day numbers round-trip over four centuries")
    func dayNumbers() {
        #expect(LocalDate(year: 1970, month: 1, day: 1).dayNumber == 0)
        for n in stride(from: -200_000, through: 200_000, by: 97) {
            #expect(LocalDate(dayNumber: n).dayNumber == n)
        }
        #expect(LocalDate(year: 2026, month: 12, day: 31).adding(days: 1) == LocalDate(year: 2027, month: 1, day: 1))
    }

    @Test("Quarters")
    func quarters() {
        let day = LocalDate(year: 2026, month: 11, day: 25)
        #expect(day.startOfQuarter == LocalDate(year: 2026, month: 10, day: 1))
        #expect(day.endOfQuarter == LocalDate(year: 2026, month: 12, day: 31))
        #expect(LocalDate(year: 2028, month: 2, day: 10).endOfQuarter == LocalDate(year: 2028, month: 3, day: 31))
    }

    @Test("The local day depends on the time zone")
    func zones() {
        let instant = Date(timeIntervalSince1970: 1_794_902_400)  // 2026-11-17 08:00 UTC
        #expect(LocalDate(instant, in: TimeZone(identifier: "UTC")!) == LocalDate(year: 2026, month: 11, day: 17))
        let late = Date(timeIntervalSince1970: 1_794_951_000)  // 2026-11-17 21:30 UTC
        #expect(LocalDate(late, in: TimeZone(identifier: "Europe/Madrid")!) == LocalDate(year: 2026, month: 11, day: 17))
        #expect(LocalDate(late, in: TimeZone(identifier: "Asia/Tokyo")!) == LocalDate(year: 2026, month: 11, day: 18))
    }

    @Test("Accept-Language picks the best supported language")
    func acceptLanguage() {
        #expect(Language.from(acceptLanguage: "es-ES,es;q=0.9,en;q=0.8") == .spanish)
        #expect(Language.from(acceptLanguage: "fr-FR,en-US;q=0.7,es;q=0.3") == .english)
        #expect(Language.from(acceptLanguage: "de") == nil)
        #expect(Language.from(acceptLanguage: nil) == nil)
    }

    @Test("Team tree: company first, then departments depth-first; cycles in data do not loop")
    func tree() {
        let teams = [
            Team(id: "t3", name: "Tier 2", parentID: "t2"), Team(id: "t1", name: "Company"),
            Team(id: "t2", name: "Support", parentID: "t1"), Team(id: "t4", name: "Customer Success", parentID: "t1"),
        ]
        #expect(TeamTree(teams: teams).ordered.map { "\($0.team.id):\($0.depth)" } == ["t1:0", "t4:1", "t2:1", "t3:2"])
    }
}
