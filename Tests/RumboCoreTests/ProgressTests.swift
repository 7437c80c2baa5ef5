import Foundation
import Testing

@testable import RumboCore

private let q4Start = LocalDate(year: 2026, month: 10, day: 1)
private let q4End = LocalDate(year: 2026, month: 12, day: 31)

private func kr(
    _ kind: KeyResult.Kind, baseline: Double? = nil, target: Double, commit: Double? = nil, stretch: Double? = nil,
    start: LocalDate = q4Start, due: LocalDate = q4End
) -> KeyResult {
    KeyResult(
        id: "kr_1", objectiveID: "obj_1", title: "KR", kind: kind, baseline: baseline, target: target, commit: commit, stretch: stretch,
        start: start, due: due)
}

private func checkIn(_ value: Double, on day: LocalDate, confidence: Int? = nil) -> CheckIn {
    CheckIn(
        id: "ci_\(day)_\(value)", keyResultID: "kr_1", value: value, confidence: confidence,
        recordedAt: day.startOfDay(in: TimeZone(identifier: "UTC")!).addingTimeInterval(9 * 3600), day: day)
}

@Suite("Progress of a key result")
struct ProgressTests {
    @Test("Increase: (value − baseline) / (target − baseline), clamped", arguments: [
        (30.0, 0.0), (40.0, 0.5), (50.0, 1.0), (20.0, 0.0), (65.0, 1.0), (35.0, 0.25),
    ])
    func increase(value: Double, expected: Double) {
        #expect(abs(kr(.increase, baseline: 30, target: 50).progress(of: value) - expected) < 1e-12)
    }

    @Test("Decrease uses the same formula: 30 h → 18 h", arguments: [
        (30.0, 0.0), (24.0, 0.5), (18.0, 1.0), (36.0, 0.0), (12.0, 1.0),
    ])
    func decrease(value: Double, expected: Double) {
        #expect(abs(kr(.decrease, baseline: 30, target: 18).progress(of: value) - expected) < 1e-12)
    }

    @Test("Values past the target show as over-achievement but grade at 1")
    func overAchievement() {
        let increase = kr(.increase, baseline: 30, target: 50)
        #expect(increase.rawProgress(of: 60) == 1.5)
        #expect(increase.progress(of: 60) == 1)
        let decrease = kr(.decrease, baseline: 120, target: 45)
        #expect(abs(decrease.rawProgress(of: 30) - 1.2) < 1e-12)
        let state = increase.state(history: [checkIn(60, on: q4Start.adding(days: 10))], on: q4Start.adding(days: 20))
        #expect(state.progress == 1 && state.rawProgress == 1.5)
        #expect(Grade.of(increase, history: [checkIn(60, on: q4Start.adding(days: 10))], cycleEnd: q4End) == 1)
    }

    @Test("Stretch levels: progress runs from the baseline to the stretch; commit defaults to 30% of the range")
    func levels() {
        let withStretch = kr(.increase, baseline: 0, target: 70, stretch: 100)
        #expect(withStretch.progress(of: 70) == 0.7)
        #expect(withStretch.levels == Levels(commit: 30, target: 70, stretch: 100))
        #expect(kr(.increase, baseline: 0, target: 70).levels == nil)
        #expect(kr(.decrease, baseline: 100, target: 60, commit: 90).levels == Levels(commit: 90, target: 60, stretch: 60))
    }

    @Test("Milestone: items done over the item count")
    func milestone() {
        let milestone = kr(.milestone, target: 4)
        #expect(milestone.progress(of: 0) == 0)
        #expect(milestone.progress(of: 3) == 0.75)
        #expect(milestone.progress(of: 4) == 1)
        #expect(kr(.milestone, target: 1).progress(of: 1) == 1)
    }

    @Test("Pace is judged on the day of the latest check-in, so a weekly rhythm does not drift to yellow")
    func paceAtCheckIn() {
        let k = kr(.increase, baseline: 0, target: 91)
        let monday = q4Start.adding(days: 20)
        let history = [checkIn(20, on: monday)]
        let sunday = k.state(history: history, on: monday.adding(days: 6))
        #expect(abs(sunday.expectedProgress - 20.0 / 91) < 1e-12)
        #expect(sunday.status == .onTrack)
        // Without any check-in, the viewing day is what counts.
        #expect(k.state(history: [], on: monday).expectedProgress == 20.0 / 91)
    }

    @Test("No check-in yet: progress 0 from the baseline, no current value")
    func noHistory() {
        let state = kr(.increase, baseline: 30, target: 50).state(history: [], on: q4Start)
        #expect(state.currentValue == nil && state.progress == 0 && state.status == .onTrack)
    }

    @Test("The latest check-in on or before the day counts; later ones are ignored")
    func latestCheckIn() {
        let history = [checkIn(35, on: q4Start.adding(days: 7)), checkIn(45, on: q4Start.adding(days: 30)), checkIn(40, on: q4Start.adding(days: 14), confidence: 6)]
        let state = kr(.increase, baseline: 30, target: 50).state(history: history, on: q4Start.adding(days: 20))
        #expect(state.currentValue == 40)
        #expect(state.confidence == 6)
        #expect(state.progress == 0.5)
    }
}

@Suite("Keep-above and keep-below key results")
struct ThresholdTests {
    @Test("The share of weeks so far in which the condition held")
    func compliance() {
        let keep = kr(.keepAbove, target: 95)
        // Weeks 1–4: 96, 94, (no check-in: carried 94), 97.
        let history = [checkIn(96, on: q4Start), checkIn(94, on: q4Start.adding(days: 8)), checkIn(97, on: q4Start.adding(days: 22))]
        let day = q4Start.adding(days: 27)
        let (compliant, measured) = keep.compliance(history: history, on: day)
        #expect(measured == 4 && compliant == 2)
        let state = keep.state(history: history, on: day)
        #expect(state.progress == 0.5)
        #expect(state.currentlyCompliant == true)
        #expect(state.status == .offTrack)  // 0.5 < 0.6 of the expected 1.0
    }

    @Test("Weeks before the first check-in are not counted")
    func beforeFirstValue() {
        let keep = kr(.keepBelow, target: 5)
        let history = [checkIn(4, on: q4Start.adding(days: 21)), checkIn(6, on: q4Start.adding(days: 28))]
        let (compliant, measured) = keep.compliance(history: history, on: q4Start.adding(days: 30))
        #expect(measured == 2 && compliant == 1)
        #expect(keep.state(history: history, on: q4Start.adding(days: 30)).currentlyCompliant == false)
    }

    @Test("Keep-below: at the threshold is compliant")
    func boundary() {
        #expect(kr(.keepBelow, target: 5).isCompliant(5))
        #expect(!kr(.keepBelow, target: 5).isCompliant(5.01))
        #expect(kr(.keepAbove, target: 95).isCompliant(95))
    }

    @Test("Nothing measured: fine in the first week, off track after")
    func nothingMeasured() {
        let keep = kr(.keepAbove, target: 90)
        #expect(keep.state(history: [], on: q4Start.adding(days: 3)).status == .onTrack)
        #expect(keep.state(history: [], on: q4Start.adding(days: 30)).status == .offTrack)
    }
}

@Suite("Status from pace and from probability")
struct StatusTests {
    @Test("Pace: green ≥ 0.9 of expected, yellow ≥ 0.6, red below")
    func pace() {
        let increase = kr(.increase, baseline: 0, target: 100, start: LocalDate(year: 2026, month: 1, day: 1), due: LocalDate(year: 2026, month: 1, day: 11))
        let day = LocalDate(year: 2026, month: 1, day: 6)  // half way: 50 expected
        for (value, status) in [(50.0, Status.onTrack), (45, .onTrack), (44, .atRisk), (30, .atRisk), (29, .offTrack)] {
            #expect(increase.state(history: [checkIn(value, on: day)], on: day).status == status, "value \(value)")
        }
    }

    @Test("Probability thresholds are configurable", arguments: [(0.7, Status.onTrack), (0.69, .atRisk), (0.4, .atRisk), (0.39, .offTrack)])
    func probability(p: Double, status: Status) {
        #expect(StatusRules.standard.status(probability: p) == status)
        #expect(StatusRules(probabilityGreen: 0.9).status(probability: 0.8) == .atRisk)
    }

    @Test("Expected progress runs 0 → 1 from start to due")
    func expected() {
        let k = kr(.increase, baseline: 0, target: 1)
        #expect(k.expectedProgress(on: q4Start.adding(days: -5)) == 0)
        #expect(k.expectedProgress(on: q4End.adding(days: 5)) == 1)
        #expect(abs(k.expectedProgress(on: q4Start.adding(days: 46)) - 46.0 / 91) < 1e-12)
    }
}

@Suite("Objectives roll up their key results")
struct RollUpTests {
    @Test("Weighted mean of key-result progress")
    func weighted() {
        #expect(Objective.progress(of: [(1, 0.5), (1, 1)]) == 0.75)
        #expect(Objective.progress(of: [(3, 1), (1, 0)]) == 0.75)
        #expect(Objective.progress(of: []) == 0)
    }

    @Test("One over-achiever cannot hide a red key result")
    func statusCap() {
        func state(_ progress: Double, expected: Double) -> KeyResultState {
            KeyResultState(
                currentValue: nil, progress: progress, rawProgress: progress, expectedProgress: expected, currentlyCompliant: nil,
                compliantPeriods: nil, measuredPeriods: nil, status: .onTrack, confidence: nil, lastCheckIn: nil,
                forecast: Forecast(method: .pace, observations: 0))
        }
        // Pace ratios 2.0 (capped to 1: health 0.7) and 0.4 (health 0.28): mean 0.49, yellow.
        // Uncapped, the over-achiever's ratio of 2 would lift the mean into green.
        let status = Objective.status(of: [(1, state(1, expected: 0.5), .increase), (1, state(0.2, expected: 0.5), .increase)])
        #expect(status == .atRisk)
        #expect(Objective.status(of: [(1, state(0.5, expected: 0.5), .increase)]) == .onTrack)
    }
}
