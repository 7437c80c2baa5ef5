import Foundation
import RumboAnalytics
import RumboCore
import RumboStore
import RumboTestSupport
import Testing

@Suite struct RetentionStoreTests {
    @Test("The spa's customers are scored from its orders; alerts are raised once, cleared when the rule changes, and a dead webhook is recorded", arguments: TestDatabases.engines)
    func atRiskAndAlerts(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            let today = LocalDate("2026-11-25")!
            let (demo, now) = try await TestDatabases.loadDemoWithData("spa-el-encanto", into: store, asOf: today)
            let organization = demo.organization
            let org = organization.id

            #expect(try await store.retentionSettings(in: org) == RetentionSettings())
            let analysis = try #require(try await store.retentionAnalysis(in: organization, asOf: today))
            let orders = try await store.purchaseTransactions(in: org)
            #expect(analysis.scoring.scores.count == Set(orders.map(\.customerID)).count)
            #expect(analysis.scoring.scores.allSatisfy { $0.pAlive.isFinite && (0...1).contains($0.pAlive) })
            #expect(analysis.scoring.scores.contains { $0.summary.frequency == 0 && $0.pAlive < 0.5 }, "one-time buyers can be at risk")
            let atRisk = analysis.atRisk
            #expect(!atRisk.isEmpty && atRisk.count < analysis.scoring.scores.count)
            #expect(analysis.profiles.count > 1_000 && analysis.profiles.values.contains { $0.segment != nil })

            let alerting = analysis.alerting
            #expect(!alerting.isEmpty && alerting.allSatisfy { ($0.valueAtStake ?? 0) >= 100 && $0.pAlive < 0.5 })
            let raised = try await store.refreshRetentionAlerts(analysis, in: org, now: now)
            #expect(Set(raised.map(\.customerID)) == Set(alerting.map(\.customerID)))
            #expect(try await store.refreshRetentionAlerts(analysis, in: org, now: now.addingTimeInterval(60)).isEmpty, "an open alert is not raised twice")
            #expect(try await store.retentionAlerts(in: org, openOnly: true, limit: 10_000).count == raised.count)

            // Nothing listens on port 9: the failure is kept on each alert.
            var settings = RetentionSettings(threshold: 0.5, minimumValue: 100, margin: 0.6, webhookURL: "http://127.0.0.1:9/hook")
            try await store.saveRetentionSettings(settings, in: org, by: "test")
            #expect(try await store.retentionSettings(in: org) == settings)
            let withHook = try #require(try await store.retentionAnalysis(in: organization, asOf: today))
            let outcome = try await store.deliverRetentionAlerts(raised, analysis: withHook, organization: organization)
            guard case .failure = outcome else { Issue.record("a closed port cannot take the alerts"); return }
            let stored = try await store.retentionAlerts(in: org, openOnly: true, limit: 10_000)
            #expect(stored.allSatisfy { $0.deliveredAt == nil && $0.deliveryError != nil })

            // A stricter rule clears every alert that no longer meets it.
            settings.threshold = 0.01
            try await store.saveRetentionSettings(settings, in: org, by: "test")
            let strict = try #require(try await store.retentionAnalysis(in: organization, asOf: today))
            try await store.refreshRetentionAlerts(strict, in: org, now: now.addingTimeInterval(120))
            let open = try await store.retentionAlerts(in: org, openOnly: true, limit: 10_000)
            #expect(Set(open.map(\.customerID)) == Set(strict.alerting.map(\.customerID)))
            #expect(open.count < raised.count)

            // Bad settings are refused, field by field.
            for bad in [
                RetentionSettings(threshold: 0), RetentionSettings(threshold: 1.5), RetentionSettings(minimumValue: -1),
                RetentionSettings(margin: 0), RetentionSettings(webhookURL: "ftp://x"), RetentionSettings(webhookURL: "hook"),
            ] {
                await #expect(throws: RumboError.self) { try await store.saveRetentionSettings(bad, in: org, by: "test") }
            }
        }
    }

    @Test("An organization without orders has no analysis")
    func noOrders() async throws {
        try await TestDatabases.withStore(.sqlite) { (store: Store) async throws in
            let fixture = try await Fixture.make(in: store)
            #expect(try await store.retentionAnalysis(in: fixture.organization, asOf: LocalDate("2026-11-25")!) == nil)
            #expect(try await store.retentionAlerts(in: fixture.organization.id).isEmpty)
        }
    }
}
