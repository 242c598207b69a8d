import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The HTTP side of the source: GETs for lists and long-lived GETs for
/// watches, with authentication and TLS from the configuration. It knows
/// nothing of objects; the reflector decodes what it returns.
final class KubernetesClient: Sendable {
    private let http: HTTPClient
    private let server: String
    private let tokens: BearerTokenSource

    /// Lists are collected whole; this bounds one page.
    static let maxListBytes = 512 * 1024 * 1024

    init(configuration: KubernetesConfiguration) throws(KubernetesError) {
        var tls = TLSConfiguration.makeClientConfiguration()
        if configuration.insecureSkipTLSVerify { tls.certificateVerification = .none }
        do {
            if let ca = configuration.certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
            if let cert = configuration.credentials.clientCertificatePEM,
                let key = configuration.credentials.clientKeyPEM
            {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(cert).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            }
        } catch {
            throw .configuration("cannot load TLS material: \(error)")
        }
        var http = HTTPClient.Configuration(tlsConfiguration: tls)
        // Watches are long; no read timeout (the watchdog catches stalls instead).
        http.timeout = .init(connect: .seconds(10), read: nil)
        // Every watch holds an HTTP/1.1 connection for minutes; AHC's default of 8
        // per host would queue the rest behind them forever.
        let watches = ResourceKind.allCases.count * max(1, configuration.namespaces.count)
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = watches + 8
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
        self.server = configuration.server
        self.tokens = BearerTokenSource(credentials: configuration.credentials)
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    /// A whole response body of a GET, or the Status failure it answered.
    func get(path: String, query: [(String, String)] = [], accept: String = "application/json") async throws -> Data {
        let response = try await send(path: path, query: query, accept: accept, deadline: .seconds(60))
        do {
            let body = try await response.body.collect(upTo: Self.maxListBytes)
            return Data(body.readableBytesView)
        } catch {
            throw KubernetesError.transport("reading \(path): \(error)")
        }
    }

    /// Opens a watch; the caller reads and splits the body.
    func watch(path: String, query: [(String, String)], accept: String) async throws -> HTTPClientResponse.Body {
        try await send(path: path, query: query + [("watch", "true")], accept: accept, deadline: .seconds(30)).body
    }

    /// Sends a GET and checks the status. The deadline covers the response head only.
    private func send(
        path: String, query: [(String, String)], accept: String, deadline: Duration
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: server + path + Self.encode(query))
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "gestalt-live")
        if let authorization = try tokens.authorization() {
            request.headers.add(name: "Authorization", value: authorization)
        }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .init(deadline))
        } catch let error as CancellationError {
            throw error
        } catch {
            throw KubernetesError.transport("\(server)\(path): \(error)")
        }
        guard response.status.code >= 300 else { return response }
        let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data($0.readableBytesView) } ?? Data()
        if response.status.code == 401 { tokens.invalidate() }
        throw Self.failure(status: Int(response.status.code), body: body, path: path)
    }

    /// A Status body turned into an error; 410 is `gone` so callers can relist.
    static func failure(status: Int, body: Data, path: String) -> KubernetesError {
        struct Status: Decodable { var code: Int?; var reason: String?; var message: String? }
        let decoded = try? JSONDecoder().decode(Status.self, from: body)
        let message = decoded?.message ?? String(decoding: body.prefix(200), as: UTF8.self)
        if status == 410 { return .gone(message) }
        return .status(code: status, reason: decoded?.reason ?? "HTTP \(status)", message: "\(path): \(message)")
    }

    private static func encode(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "?"
            + query.map { name, value in
                "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
            }.joined(separator: "&")
    }
}
