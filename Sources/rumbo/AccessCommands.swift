import ArgumentParser
import Foundation
import RumboCore
import RumboServer
import RumboStore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create accounts.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account and give it a role in an organization.",
            discussion: """
                The first administrator of a new installation:
                  rumbo user create --email ana@example.com --name "Ana" --org spa-el-encanto --admin
                The password is read from standard input (one line), or asked for on a terminal;
                it needs at least 10 characters. Others join through invitation links from the Access page.
                """)

        @OptionGroup var store: StoreOptions
        @Option(help: "The email address used to sign in.") var email: String
        @Option(help: "The name shown in the app.") var name: String
        @Option(help: "The organization (slug) to join.") var org: String
        @Option(help: "owner, admin, editor, member or viewer.") var role: Role = .viewer
        @Flag(help: "Shorthand for --role owner: the first administrator.") var admin = false
        @Option(help: "For editors: a team id whose OKRs they edit (repeat for several).") var team: [String] = []

        func run() async throws {
            let password = try readPassword()
            try Passwords.validate(password)
            try await store.withStore { store in
                let organization = try await store.organization(org)
                let hash = try await Passwords.hash(password, cost: 12)
                let user = try await store.createUser(email: email, name: name, passwordHash: hash)
                try await store.setMembership(
                    Membership(organizationID: organization.id, userID: user.id, role: admin ? .owner : role, teamIDs: team), by: "cli")
                say("Created \(user.email) as \(admin ? Role.owner.rawValue : role.rawValue) of \(organization.name). Sign in at /login.")
            }
        }
    }
}

extension Role: ExpressibleByArgument {}
extension TokenScope: ExpressibleByArgument {}

/// One line from standard input: piped, or typed at a prompt without echo.
func readPassword() throws -> String {
    if isatty(STDIN_FILENO) == 1 {
        guard let typed = getpass("Password (at least 10 characters): ") else { throw CLIError("No password given.") }
        return String(cString: typed)
    }
    guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
        throw CLIError("No password on standard input. Pipe one line, e.g.: echo 'a long passphrase' | rumbo user create …")
    }
    return line
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create and revoke API tokens.", subcommands: [Create.self, Revoke.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token; the secret is printed once and only its hash is stored.",
            discussion: "Use it as: curl -H 'Authorization: Bearer <token>' http://127.0.0.1:8080/api/v1/orgs/<org>/key-results")

        @OptionGroup var store: StoreOptions
        @Option(help: "The organization (slug).") var org: String
        @Option(help: "read (read everything), write (OKRs and check-ins) or ingest (push customer data only).") var scope: TokenScope
        @Option(help: "A name to recognise it by (\"helpdesk sync\").") var name = "cli"

        func run() async throws {
            try await store.withStore { store in
                let organization = try await store.organization(org)
                let secret = APITokens.newSecret()
                let token = try await store.createToken(
                    name: name, scope: scope, hash: APITokens.hash(secret), in: organization.id, by: "cli")
                say("Token \(token.id) (\(scope.rawValue)) for \(organization.name). Copy it now, it is not shown again:")
                say(secret)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API token by its id (tok_…).")

        @OptionGroup var store: StoreOptions
        @Option(help: "The organization (slug).") var org: String
        @Argument(help: "The token id, from `rumbo token list`.") var id: String

        func run() async throws {
            try await store.withStore { store in
                let organization = try await store.organization(org)
                try await store.revokeToken(id: id, in: organization.id, by: "cli")
                say("Revoked \(id).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organization's API tokens (never their secrets).")

        @OptionGroup var store: StoreOptions
        @Option(help: "The organization (slug).") var org: String
        @Option(help: "Output format.") var format: OutputFormat = .table

        func run() async throws {
            try await store.withStore { store in
                let organization = try await store.organization(org)
                var rows = Rows(columns: ["id", "name", "scope", "created_at", "last_used_at", "revoked_at"])
                let iso = Date.ISO8601FormatStyle()
                for token in try await store.tokens(in: organization.id) {
                    rows.rows.append([
                        token.id, token.name, token.scope.rawValue, token.createdAt.formatted(iso),
                        token.lastUsedAt?.formatted(iso) ?? "", token.revokedAt?.formatted(iso) ?? "",
                    ])
                }
                print(rows.render(format))
            }
        }
    }
}
