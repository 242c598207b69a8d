import Foundation
import GestaltConfig
import Testing

/// The `auth` section: tokens, JWT keys, and each mistake named at its key.
@Suite struct AuthConfigTests {
    @Test func readsTokensAndKeys() throws {
        let directory = NSTemporaryDirectory() + "auth-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "  from-a-file-0123456789\n".write(toFile: directory + "/ci.token", atomically: true, encoding: .utf8)
        try "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n".write(
            toFile: directory + "/es.pem", atomically: true, encoding: .utf8)
        let configuration = try GestaltConfiguration.parse(
            yaml: """
                auth:
                  tokens:
                    - name: dashboard
                      token: dashboard-secret-0123
                    - name: ci
                      token_file: ci.token
                      scopes: [read, write]
                      namespaces: [shop]
                      clusters: [prod]
                  jwt:
                    issuer: https://sso.example.com
                    keys:
                      - algorithm: HS256
                        secret: a-shared-secret-of-32-bytes-or-more
                      - algorithm: ES256
                        kid: es
                        public_key_file: es.pem
                """, file: "x.yaml", directory: directory)
        let auth = try #require(configuration.auth)
        #expect(auth.tokens.map(\.name) == ["dashboard", "ci"])
        #expect(auth.tokens[0].scopes == [.read], "read is the default scope")
        #expect(auth.tokens[1].token == "from-a-file-0123456789")
        #expect(auth.tokens[1].scopes == [.read, .write])
        #expect(auth.tokens[1].namespaces == ["shop"])
        #expect(auth.tokens[1].clusters == ["prod"])
        #expect(auth.jwtKeys.map(\.algorithm) == [.hs256, .es256])
        #expect(auth.jwtKeys[1].kid == "es")
        #expect(auth.issuer == "https://sso.example.com")
        // The summary and the description name tokens, never their secrets.
        for text in [configuration.summary.joined(separator: "\n"), auth.description] {
            #expect(text.contains("dashboard"))
            #expect(!text.contains("dashboard-secret-0123"))
            #expect(!text.contains("from-a-file"))
            #expect(!text.contains("a-shared-secret"))
        }
    }

    @Test func offWithoutTheSectionOrWhenDisabled() throws {
        #expect(try GestaltConfiguration.parse(yaml: "history:\n  enabled: false\n").auth == nil)
        #expect(try GestaltConfiguration.parse(yaml: "auth:\n  enabled: false\n").auth == nil)
    }

    @Test func mistakesAreNamedAtTheirKey() throws {
        let cases: [(String, String, String)] = [
            ("auth:\n  tokens: []\n", "auth.tokens", "at least one entry"),
            ("auth:\n  tokens:\n    - token: long-enough-token-123\n", "auth.tokens[0].name", "needs a name"),
            ("auth:\n  tokens:\n    - name: a\n      token: short\n", "auth.tokens[0].token", "at least 16"),
            (
                "auth:\n  tokens:\n    - name: a\n      token: long-enough-token-123\n      scopes: [admin]\n",
                "auth.tokens[0].scopes[0]", "expected one of read, write"
            ),
            (
                "auth:\n  tokens:\n    - name: a\n      token: long-enough-token-123\n    - name: a\n      token: long-enough-token-456\n",
                "auth.tokens[1].name", "already named"
            ),
            (
                "auth:\n  tokens:\n    - name: a\n      tokn: long-enough-token-123\n", "auth.tokens[0].tokn",
                "unknown key"
            ),
            (
                "auth:\n  jwt:\n    keys:\n      - algorithm: HS512\n        secret: x\n", "auth.jwt.keys[0].algorithm",
                "expected one of HS256, RS256, ES256"
            ),
            (
                "auth:\n  jwt:\n    keys:\n      - algorithm: HS256\n        secret: too-short\n",
                "auth.jwt.keys[0].secret", "at least 32 bytes"
            ),
            (
                "auth:\n  jwt:\n    keys:\n      - algorithm: RS256\n", "auth.jwt.keys[0].public_key_file",
                "needs public_key_file"
            ),
            (
                "auth:\n  jwt:\n    keys:\n      - algorithm: ES256\n        public_key_file: /no/such.pem\n",
                "auth.jwt.keys[0].public_key_file", "no such file"
            ),
        ]
        for (yaml, keyPath, message) in cases {
            let error = try #require(failure(yaml))
            #expect(error.keyPath == keyPath, "\(yaml)")
            #expect(error.message.contains(message), "\(error.message)")
            #expect(!error.description.contains("long-enough-token"), "an error never repeats a secret")
        }
    }
}
