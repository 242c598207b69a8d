import Foundation

/// Who may use the API, the streams and the WebSocket (docs/AUTH.md).
/// Secrets are kept as given; `description` never shows them, so the
/// settings can be logged.
package struct AuthSettings: Sendable, Hashable, CustomStringConvertible {
    /// What a token may do.
    package enum Scope: String, Sendable, Hashable, CaseIterable {
        case read, write
    }

    /// A fixed bearer token from the file.
    package struct StaticToken: Sendable, Hashable {
        /// Names the client in logs; the token itself is never logged.
        package var name: String
        package var token: String
        package var scopes: Set<Scope>
        package var namespaces: Set<String>?
        package var clusters: Set<String>?

        package init(
            name: String, token: String, scopes: Set<Scope>, namespaces: Set<String>? = nil,
            clusters: Set<String>? = nil
        ) {
            self.name = name
            self.token = token
            self.scopes = scopes
            self.namespaces = namespaces
            self.clusters = clusters
        }
    }

    /// A key that signs JWTs.
    package struct JWTKey: Sendable, Hashable {
        package enum Algorithm: String, Sendable, Hashable, CaseIterable {
            case hs256 = "HS256", rs256 = "RS256", es256 = "ES256"
        }

        package var algorithm: Algorithm
        /// The `kid` header the key answers to; nil: tokens without a `kid`.
        package var kid: String?
        /// The shared secret (HS256) or the public key in PEM (RS256, ES256).
        package var material: String

        package init(algorithm: Algorithm, kid: String? = nil, material: String) {
            self.algorithm = algorithm
            self.kid = kid
            self.material = material
        }
    }

    package var tokens: [StaticToken]
    package var jwtKeys: [JWTKey]
    /// When set, a JWT's `iss` must equal it.
    package var issuer: String?
    /// When set, a JWT's `aud` must contain it.
    package var audience: String?

    package init(tokens: [StaticToken] = [], jwtKeys: [JWTKey] = [], issuer: String? = nil, audience: String? = nil) {
        self.tokens = tokens
        self.jwtKeys = jwtKeys
        self.issuer = issuer
        self.audience = audience
    }

    package var description: String {
        let keys = jwtKeys.map { "\($0.algorithm.rawValue)\($0.kid.map { " kid \($0)" } ?? "")" }
        return
            "auth: \(tokens.count) static token(s) [\(tokens.map(\.name).joined(separator: ", "))], JWT keys [\(keys.joined(separator: ", "))]"
    }
}

extension AuthSettings {
    static let sectionKeys = ["enabled", "tokens", "jwt"]
    static let tokenKeys = ["name", "token", "token_file", "scopes", "namespaces", "clusters"]
    static let jwtKeys = ["keys", "issuer", "audience"]
    static let keyKeys = ["algorithm", "kid", "secret", "secret_file", "public_key_file"]

    /// `auth`; nil when disabled. Needs at least one token or key.
    static func read(_ node: ConfigNode) throws -> AuthSettings? {
        let section = try node.mapping(keys: sectionKeys)
        let enabled = try section.enabled()
        var settings = AuthSettings()
        var names = Set<String>()
        for item in try section["tokens"]?.sequence() ?? [] {
            let entry = try item.mapping(keys: tokenKeys)
            guard let nameNode = entry["name"] else {
                throw entry.missing("name", "each token needs a name (it names the client in logs)")
            }
            let name = try nameNode.nonEmptyString()
            guard names.insert(name).inserted else {
                throw nameNode.error("another token is already named \"\(name)\"")
            }
            let token = try secret(entry, inline: "token", file: "token_file", what: "the token")
            guard token.utf8.count >= 16 else {
                throw (entry["token"] ?? entry["token_file"]!).error("a token must be at least 16 characters")
            }
            let scopes = try readScopes(entry)
            settings.tokens.append(
                StaticToken(
                    name: name, token: token, scopes: scopes,
                    namespaces: try entry["namespaces"].map { Set(try $0.stringList()) },
                    clusters: try entry["clusters"].map { Set(try $0.stringList()) }
                ))
        }
        if let jwtNode = section["jwt"] {
            let jwt = try jwtNode.mapping(keys: jwtKeys)
            settings.issuer = try jwt["issuer"]?.nonEmptyString()
            settings.audience = try jwt["audience"]?.nonEmptyString()
            for item in try jwt["keys"]?.sequence() ?? [] {
                let entry = try item.mapping(keys: keyKeys)
                guard let algorithmNode = entry["algorithm"] else {
                    throw entry.missing("algorithm", "each key needs an algorithm: HS256, RS256 or ES256")
                }
                let algorithm = JWTKey.Algorithm(
                    rawValue: try algorithmNode.choice(JWTKey.Algorithm.allCases.map(\.rawValue)))!
                let material: String
                switch algorithm {
                case .hs256:
                    material = try secret(entry, inline: "secret", file: "secret_file", what: "an HS256 key's secret")
                    guard material.utf8.count >= 32 else {
                        throw (entry["secret"] ?? entry["secret_file"]!).error(
                            "an HS256 secret must be at least 32 bytes")
                    }
                case .rs256, .es256:
                    guard let file = entry["public_key_file"] else {
                        throw entry.missing(
                            "public_key_file", "an \(algorithm.rawValue) key needs public_key_file (a PEM public key)")
                    }
                    material = try contents(of: file)
                    guard material.contains("-----BEGIN") else { throw file.error("not a PEM file") }
                }
                settings.jwtKeys.append(
                    JWTKey(algorithm: algorithm, kid: try entry["kid"]?.nonEmptyString(), material: material))
            }
        }
        guard enabled else { return nil }
        guard !settings.tokens.isEmpty || !settings.jwtKeys.isEmpty else {
            throw section.missing("tokens", "auth needs at least one entry in tokens or jwt.keys (or enabled: false)")
        }
        return settings
    }

    private static func readScopes(_ entry: ConfigMapping) throws -> Set<Scope> {
        guard let node = entry["scopes"] else { return [.read] }
        var scopes = Set<Scope>()
        for item in try node.sequence() {
            scopes.insert(Scope(rawValue: try item.choice(Scope.allCases.map(\.rawValue)))!)
        }
        return scopes
    }

    /// A secret written inline or read from a file (so it can stay out of the config file).
    private static func secret(_ entry: ConfigMapping, inline: String, file: String, what: String) throws -> String {
        switch (entry[inline], entry[file]) {
        case (let node?, nil): return try node.nonEmptyString()
        case (nil, let node?): return try contents(of: node).trimmingCharacters(in: .whitespacesAndNewlines)
        case (_?, let node?): throw node.error("give \(inline) or \(file), not both")
        case (nil, nil): throw entry.missing(inline, "\(what) is missing: give \(inline) or \(file)")
        }
    }

    private static func contents(of node: ConfigNode) throws -> String {
        let path = try node.readableFile()
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw node.error("cannot read \(path) as UTF-8 text")
        }
        return text
    }
}
