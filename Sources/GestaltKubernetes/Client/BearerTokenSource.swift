import Foundation
import Synchronization

/// Supplies the Authorization header value: a fixed token, a token file
/// re-read every minute (projected service-account tokens rotate), basic auth,
/// or an exec credential plugin's token cached until it expires.
final class BearerTokenSource: Sendable {
    private let credentials: KubernetesCredentials
    private let cached = Mutex<(value: String?, expires: ContinuousClock.Instant)>((nil, .now))

    init(credentials: KubernetesCredentials) {
        self.credentials = credentials
    }

    func authorization() throws(KubernetesError) -> String? {
        if let token = credentials.token, !token.isEmpty { return "Bearer \(token)" }
        if let username = credentials.username, let password = credentials.password {
            return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        }
        guard credentials.tokenFile != nil || credentials.exec != nil else { return nil }
        if let value = cached.withLock({ $0.expires > .now ? $0.value : nil }) { return value }
        let (value, lifetime) = try fetch()
        cached.withLock { $0 = (value, .now + lifetime) }
        return value
    }

    /// Forgets a cached token, after the server answered 401.
    func invalidate() { cached.withLock { $0 = (nil, .now) } }

    private func fetch() throws(KubernetesError) -> (String, Duration) {
        if let file = credentials.tokenFile {
            guard let data = FileManager.default.contents(atPath: file),
                let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                !token.isEmpty
            else {
                throw .configuration("cannot read token file \(file)")
            }
            return ("Bearer \(token)", .seconds(60))
        }
        guard let exec = credentials.exec else { throw .configuration("no credentials") }
        return try ExecCredentialPlugin(plugin: exec).run()
    }
}
