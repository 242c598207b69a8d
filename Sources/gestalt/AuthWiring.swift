import GestaltConfig
import GestaltServer
import Logging

/// Turns the file's `auth` section into the server's token checker, and
/// warns when the server would answer anyone beyond this machine.
enum AuthWiring {
    static func verifier(file: GestaltConfiguration?, host: String, logger: Logger) async throws -> TokenVerifier? {
        guard let settings = file?.auth else {
            if !isLoopback(host) {
                logger.warning(
                    "listening on \(host) without authentication: anyone who can reach this address sees the whole map and may change it; add an auth section (docs/AUTH.md) or listen on 127.0.0.1"
                )
            }
            return nil
        }
        // The description names tokens and keys, never their secrets.
        logger.info("authentication on: \(settings)")
        return try await TokenVerifier.make(settings)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
