import Testing

@testable import GestaltPostgres

@Suite struct QueryTextScrubberTests {
    @Test(arguments: [
        ("SELECT * FROM users WHERE email = 'a@b.c' AND age > 42", "SELECT * FROM users WHERE email = ? AND age > ?"),
        ("SELECT 'it''s', E'a\\'b', 3.14e-2, .5", "SELECT ?, ?, ?, ?"),
        ("SELECT $body$ secret $body$, $$x$$", "SELECT ?, ?"),
        ("UPDATE t SET a = $1 WHERE id = $2", "UPDATE t SET a = $1 WHERE id = $2"),
        ("SELECT col1, t2.x FROM t2", "SELECT col1, t2.x FROM t2"),
        ("SELECT \"Name 1\" FROM x -- where 'secret'\n LIMIT 10", "SELECT \"Name 1\" FROM x LIMIT ?"),
        ("SELECT /* 'hidden' 7 */ 1", "SELECT ?"),
        ("SELECT x'FF', b'101', n'text'", "SELECT ?, ?, ?"),
        ("SELECT   pg_sleep(60)\n\t", "SELECT pg_sleep(?)"),
    ])
    func replacesLiterals(input: String, expected: String) {
        #expect(QueryTextScrubber.scrub(input, limit: 500) == expected)
    }

    @Test func aLiteralCutByTheServerIsStillHidden() {
        #expect(QueryTextScrubber.scrub("INSERT INTO t VALUES ('password123", limit: 500) == "INSERT INTO t VALUES (?")
        #expect(QueryTextScrubber.scrub("SELECT $tag$ unfinished", limit: 500) == "SELECT ?")
        #expect(QueryTextScrubber.scrub("SELECT \"unfinished", limit: 500) == "SELECT \"unfinished")
    }

    @Test func cutsToTheLimit() {
        let long = "SELECT " + String(repeating: "abc, ", count: 100)
        let cut = QueryTextScrubber.scrub(long, limit: 20)
        #expect(cut.count == 20)
        #expect(cut.hasSuffix("…"))
    }

    @Test func garbageNeverCrashes() {
        for text in [
            "'", "$", "$$", "E'", "\\", "/*", "--", "1e", "1e+", "\"", "''''", "$a", "$1$",
            String(repeating: "'$\"", count: 50),
        ] {
            _ = QueryTextScrubber.scrub(text, limit: 10)
        }
    }
}
