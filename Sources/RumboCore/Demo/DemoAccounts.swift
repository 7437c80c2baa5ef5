import Foundation

extension Demo {
    /// A sign-in of the demo: one per role, so each role's view can be tried.
    public struct Account: Sendable, Hashable {
        public var email: String
        public var name: String
        public var organizationSlug: String
        public var role: Role
        /// Editors edit this team's OKRs (by name).
        public var teamName: String?
        /// Members check in as this person (by name).
        public var personName: String?
    }

    /// The demo's shared password; the demo is public, so is this.
    public static let password = "rumbo-demo-2026"

    public static let accounts: [Account] = [
        Account(email: "lucia@spa.demo", name: "Lucía Ortega", organizationSlug: "spa-el-encanto", role: .owner),
        Account(email: "admin@spa.demo", name: "Administración", organizationSlug: "spa-el-encanto", role: .admin),
        Account(email: "marta@spa.demo", name: "Marta Jiménez", organizationSlug: "spa-el-encanto", role: .editor, teamName: "Recepción"),
        Account(email: "carmen@spa.demo", name: "Carmen Ruiz", organizationSlug: "spa-el-encanto", role: .member, personName: "Carmen Ruiz"),
        Account(email: "viewer@spa.demo", name: "Invitado", organizationSlug: "spa-el-encanto", role: .viewer),
        Account(email: "sofia@nimbus.demo", name: "Sofia Herrera", organizationSlug: "nimbus-support", role: .owner),
    ]
}
