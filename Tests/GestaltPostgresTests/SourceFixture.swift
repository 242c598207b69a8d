import GestaltEngine
import GestaltModel
import GestaltPostgres
import Logging
import PostgresNIO
import TestPeers

/// A store, a status board and a context for one source instance, with the
/// waits the live tests need: every wait polls a condition with a deadline.
struct SourceFixture {
    let store = TopologyStore()
    let board = SourceStatusBoard()
    let instance: SourceInstance

    init(instance: SourceInstance = SourceInstance(kind: "postgres")) {
        self.instance = instance
    }

    var context: SourceContext { SourceContext(instance: instance, sink: store, store: store, statusBoard: board) }
    var status: SourceStatus? { board.status(of: instance.description) }
    var prefix: String { instance.idPrefix("postgres") }

    func serverID(_ server: PostgresServer) -> String { "\(prefix):server/127.0.0.1:\(server.port)" }
    func databaseID(_ server: PostgresServer, _ database: String) -> String {
        "\(prefix):database/127.0.0.1:\(server.port)/\(database)"
    }
    func entity(_ id: String) -> Entity? { store.entity(id: id) }
    func metric(_ id: String, _ name: String) -> Double? { store.entity(id: id)?.customMetrics[name] }
    func events(_ reason: String) -> [InfraEvent] { store.events(limit: 10_000).filter { $0.reason == reason } }

    /// Runs the source as the supervisor does: again after each failure, after a pause.
    func runSupervised(_ source: PostgresSource) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                do { try await source.run(in: context) } catch {}
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

/// Opens a client connection the way an application would.
func connect(
    to server: PostgresServer, database: String = "postgres", user: String = "postgres", password: String? = nil,
    applicationName: String? = nil
) async throws -> PostgresConnection {
    var configuration = PostgresConnection.Configuration(
        host: "127.0.0.1", port: server.port, username: user, password: password, database: database, tls: .disable
    )
    if let applicationName {
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
    }
    return try await PostgresConnection.connect(
        configuration: configuration, id: 1, logger: Logger(label: "test-client"))
}

func configuration(
    _ urls: [String], allowQueryText: Bool = false, longQuery: Duration = .seconds(30)
) -> PostgresSourceConfiguration {
    PostgresSourceConfiguration(
        urls: urls, pollInterval: .milliseconds(100), allowQueryText: allowQueryText, longQuery: longQuery,
        connectTimeout: .seconds(2))
}
