import NIOCore
import Testing

@testable import NATSClient

@Suite struct ClientOpsTests {
    @Test func publishLines() throws {
        var buffer = ByteBuffer()
        try NATSClientOps.writePublish(
            subject: "a.b", replyTo: nil, headers: nil, payload: ByteBuffer(string: "hi"), into: &buffer)
        try NATSClientOps.writePublish(
            subject: "a.b", replyTo: "r.1", headers: nil, payload: ByteBuffer(string: "0123456789ab"), into: &buffer)
        try NATSClientOps.writePublish(subject: "e", replyTo: nil, headers: nil, payload: ByteBuffer(), into: &buffer)
        #expect(String(buffer: buffer) == "PUB a.b 2\r\nhi\r\nPUB a.b r.1 12\r\n0123456789ab\r\nPUB e 0\r\n\r\n")
    }

    @Test func headerPublish() throws {
        var buffer = ByteBuffer()
        let headers = NATSHeaders([("Trace", "x"), ("A", "1")])
        try NATSClientOps.writePublish(
            subject: "s", replyTo: nil, headers: headers, payload: ByteBuffer(string: "hey"), into: &buffer)
        let block = "NATS/1.0\r\nTrace: x\r\nA: 1\r\n\r\n"
        #expect(String(buffer: buffer) == "HPUB s \(block.utf8.count) \(block.utf8.count + 3)\r\n\(block)hey\r\n")
    }

    @Test func subscribeAndUnsubscribeLines() {
        var buffer = ByteBuffer()
        NATSClientOps.writeSubscribe(subject: "a.*", queue: nil, sid: 1, into: &buffer)
        NATSClientOps.writeSubscribe(subject: "a.>", queue: "workers", sid: 2, into: &buffer)
        NATSClientOps.writeUnsubscribe(sid: 1, max: nil, into: &buffer)
        NATSClientOps.writeUnsubscribe(sid: 2, max: 5, into: &buffer)
        #expect(String(buffer: buffer) == "SUB a.* 1\r\nSUB a.> workers 2\r\nUNSUB 1\r\nUNSUB 2 5\r\n")
    }

    @Test func connectCarriesCredentials() {
        var buffer = ByteBuffer()
        NATSClientOps.writeConnect(
            NATSConnectionOptions(auth: .userPassword(user: "u", password: "p\"w")), into: &buffer)
        let line = String(buffer: buffer)
        #expect(line.hasPrefix("CONNECT {") && line.hasSuffix("}\r\n"))
        #expect(line.contains(#""user":"u""#) && line.contains(#""pass":"p\"w""#) && line.contains(#""headers":true"#))
    }

    @Test(arguments: ["", "a b", "a\r\nPUB x 1", "tab\there"])
    func subjectsThatWouldBreakTheLineAreRefused(_ subject: String) {
        #expect(throws: NATSError.self) { try NATSClientOps.validateSubject(subject) }
    }

    @Test func wildcardsCannotBePublishedTo() {
        #expect(throws: NATSError.self) { try NATSClientOps.validateSubject("a.*", wildcardsAllowed: false) }
        #expect(throws: NATSError.self) { try NATSClientOps.validateSubject("a.>", wildcardsAllowed: false) }
    }

    @Test func headerInjectionIsRefused() {
        var buffer = ByteBuffer()
        #expect(throws: NATSError.self) {
            try NATSHeaders([("A", "1\r\nPUB x 1")]).write(to: &buffer)
        }
        #expect(throws: NATSError.self) { try NATSHeaders([("Bad: name", "1")]).write(to: &buffer) }
    }

    @Test func urlsParse() throws {
        let plain = try NATSConnectionOptions(url: "nats://10.0.0.1:4333")
        #expect(plain.host == "10.0.0.1" && plain.port == 4333)
        let user = try NATSConnectionOptions(url: "nats://me:s%40cret@host")
        #expect(user.host == "host" && user.port == 4222)
        guard case .userPassword("me", "s@cret") = user.auth else { Issue.record("auth \(user.auth)"); return }
        let token = try NATSConnectionOptions(url: "nats://tok@localhost:1")
        guard case .token("tok") = token.auth else { Issue.record("auth \(token.auth)"); return }
        #expect(throws: NATSError.self) { try NATSConnectionOptions(url: "http://x") }
        #expect(throws: NATSError.self) { try NATSConnectionOptions(url: "nats://x:notaport") }
    }
}
