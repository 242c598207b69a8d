import Testing

@testable import GestaltPostgres

@Suite struct ServerAddressTests {
    @Test func readsEveryPart() throws {
        let address = try PostgresServerAddress(url: "postgres://monitor:p%40ss@db.example:6432/shop?sslmode=require")
        #expect(address.host == "db.example")
        #expect(address.port == 6432)
        #expect(address.user == "monitor")
        #expect(address.password == "p@ss")
        #expect(address.database == "shop")
        #expect(address.tls == .require)
        #expect(address.name == "db.example:6432")
        #expect(address.description == "postgres://monitor@db.example:6432/shop")
    }

    @Test func defaultsLikeLibpq() throws {
        let address = try PostgresServerAddress(url: "postgresql://10.0.0.5")
        #expect(address.port == 5432)
        #expect(address.user == "postgres")
        #expect(address.database == "postgres")
        #expect(address.password == nil)
        #expect(address.tls == .prefer)
        #expect(try PostgresServerAddress(url: "postgres://u@[::1]:5433/d").name == "[::1]:5433")
    }

    @Test(arguments: [
        "http://u:secret@h/d", "postgres://u:secret@/d", "postgres://u:secret@h/d?sslmode=sometimes", "::::",
    ])
    func refusesWithoutShowingThePassword(url: String) {
        #expect {
            try PostgresServerAddress(url: url)
        } throws: { error in
            "\(error)".contains("secret") == false && "\(error)".hasPrefix("configuration:")
        }
    }
}
