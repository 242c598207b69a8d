import ArgumentParser
import Foundation
import NATSClient
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `gestalt-bench nats`: publish and subscribe throughput of 128-byte
/// messages through NATSClient, side by side in the same run with a raw
/// baseline that writes PUB lines to and reads MSG frames from a blocking
/// POSIX socket, against one nats-server this command starts itself.
struct NATSBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nats",
        abstract: "NATSClient publish/subscribe throughput against a raw-socket baseline, on a real nats-server."
    )

    @Option(help: "Messages per measurement.") var messages = 1_000_000
    @Option(help: "Payload bytes per message.") var size = 128
    @Option(help: "Rounds of each measurement; the median is reported.") var rounds = 3
    @Option(help: "The nats-server binary.") var natsServer = "nats-server"
    @Option(help: "Run one measurement only (publish, batch or subscribe), e.g. under a profiler.") var only: String?
    @Option(help: "Messages per NATSPublishBatch in the batch measurement (the raw side writes 500 per chunk).")
    var batch = 500

    func run() async throws {
        let server = try BenchNATSServer(executable: natsServer)
        defer { server.stop() }
        try await server.waitUntilListening()
        print(
            "nats-server on 127.0.0.1:\(server.port), \(messages) messages of \(size) bytes, \(rounds) rounds (median)")
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: size)

        // Wall-clock rates, and CPU time per message: this process's (all its
        // threads, so the subscribe measurements include the raw feeder, the
        // same for both sides) and nats-server's. On a loaded machine the wall
        // rates swing from round to round; CPU per message much less.
        var results: [String: [Measured]] = [:]
        let kinds = ["raw publish", "client publish", "client batch", "raw subscribe", "client subscribe"]
        for round in 1...rounds {
            let publish = only == nil || only == "publish", batched = only == nil || only == "batch"
            let subscribe = only == nil || only == "subscribe"
            let port = server.port
            if publish || batched {
                results["raw publish", default: []].append(
                    try await server.measure(messages) { try await rawPublishRate(port: port, payload: payload) })
            }
            if publish {
                results["client publish", default: []].append(
                    try await server.measure(messages) { try await clientPublishRate(port: port, payload: payload) })
            }
            if batched {
                results["client batch", default: []].append(
                    try await server.measure(messages) {
                        try await clientBatchPublishRate(port: port, payload: payload)
                    })
            }
            if subscribe {
                results["raw subscribe", default: []].append(
                    try await server.measure(messages) { try await rawSubscribeRate(port: port, payload: payload) })
                results["client subscribe", default: []].append(
                    try await server.measure(messages) { try await clientSubscribeRate(port: port, payload: payload) })
            }
            print(
                "round \(round): "
                    + kinds.compactMap { kind in
                        results[kind]?.last.map {
                            "\(kind) \(format($0.rate)) msgs/s \(nanos($0.cpu)) ns (server \(nanos($0.serverCPU)) ns)"
                        }
                    }.joined(separator: "; "))
        }
        func median(_ kind: String, _ value: (Measured) -> Double) -> Double {
            let values = (results[kind] ?? []).map(value).sorted()
            return values.isEmpty ? .nan : values[values.count / 2]
        }
        print("")
        print(
            "Medians of \(rounds) rounds. Ratio = client / raw msgs/s; CPU ratio = raw / client CPU per message (1 = the client costs what the raw socket does)."
        )
        print("")
        print(
            "| direction | NATSClient msgs/s | raw socket msgs/s | ratio | CPU ns/msg client / raw (nats-server) | CPU ratio |"
        )
        print("| --- | --- | --- | --- | --- | --- |")
        for (name, client, raw) in [
            ("publish", "client publish", "raw publish"),
            ("publish, batches of \(batch)", "client batch", "raw publish"),
            ("subscribe", "client subscribe", "raw subscribe"),
        ] where results[client] != nil {
            let (clientRate, rawRate) = (median(client, \.rate), median(raw, \.rate))
            let (clientCPU, rawCPU) = (median(client, \.cpu), median(raw, \.cpu))
            print(
                "| \(name) | \(format(clientRate)) | \(format(rawRate)) | \(ratio(clientRate, rawRate)) | "
                    + "\(nanos(clientCPU)) / \(nanos(rawCPU)) (\(nanos(median(client, \.serverCPU))) / \(nanos(median(raw, \.serverCPU)))) | \(ratio(rawCPU, clientCPU)) |"
            )
        }
    }

    // MARK: Publish: N PUBs, then a PING/PONG so the server has processed them all.

    private func clientPublishRate(port: Int, payload: [UInt8]) async throws -> Double {
        let nats = try await NATSConnection.connect(NATSConnectionOptions(port: port, name: "bench-client-pub"))
        let buffer = ByteBuffer(bytes: payload)
        let start = ContinuousClock.now
        for _ in 0..<messages { try await nats.publish(buffer, to: "bench.pub") }
        try await nats.flush(timeout: .seconds(120))
        let elapsed = ContinuousClock.now - start
        await nats.close()
        return Double(messages) / elapsed.seconds
    }

    /// The same through `NATSPublishBatch`: each batch is encoded message by message, then queued in one call.
    private func clientBatchPublishRate(port: Int, payload: [UInt8]) async throws -> Double {
        let nats = try await NATSConnection.connect(NATSConnectionOptions(port: port, name: "bench-client-batch"))
        let buffer = ByteBuffer(bytes: payload)
        let perBatch = max(1, batch), messages = self.messages
        var pending = NATSPublishBatch(capacity: perBatch * (payload.count + 32))
        let start = ContinuousClock.now
        var sent = 0
        while sent < messages {
            pending.removeAll()
            for _ in 0..<min(perBatch, messages - sent) { try pending.append(buffer, to: "bench.pub") }
            try await nats.publish(pending)
            sent += pending.count
        }
        try await nats.flush(timeout: .seconds(120))
        let elapsed = ContinuousClock.now - start
        await nats.close()
        return Double(messages) / elapsed.seconds
    }

    private func rawPublishRate(port: Int, payload: [UInt8]) async throws -> Double {
        let messages = self.messages
        return try await onThread {
            let socket = try RawNATSSocket(port: port)
            defer { socket.close() }
            let batch = 500
            var chunk: [UInt8] = []
            for _ in 0..<batch { chunk += Array("PUB bench.pub \(payload.count)\r\n".utf8) + payload + [13, 10] }
            let start = ContinuousClock.now
            var sent = 0
            while sent < messages {
                let count = min(batch, messages - sent)
                let bytes = count == batch ? chunk : Array(chunk.prefix(chunk.count / batch * count))
                try socket.write(bytes)
                sent += count
            }
            try socket.write(Array("PING\r\n".utf8))
            try socket.readUntilPong()
            return Double(messages) / (ContinuousClock.now - start).seconds
        }
    }

    // MARK: Subscribe: a raw publisher feeds N messages, kept at most `window` ahead of the subscriber.

    private static let window = 100_000

    private func clientSubscribeRate(port: Int, payload: [UInt8]) async throws -> Double {
        let nats = try await NATSConnection.connect(NATSConnectionOptions(port: port, name: "bench-client-sub"))
        let subscription = try await nats.subscribe(
            to: "bench.sub", limits: .init(maxMessages: 4 * Self.window, maxBytes: 1 << 30))
        try await nats.flush()
        let received = Counter()
        let feeding = feed(port: port, payload: payload, received: received)
        // A local, as the raw side has: reading the @Option per message cost a copy of its parsed state.
        let messages = self.messages
        var count = 0
        var start = ContinuousClock.now
        for await _ in subscription {
            count += 1
            if count == 1 { start = .now }
            if count % 1000 == 0 { received.set(count) }
            if count == messages { break }
        }
        let elapsed = ContinuousClock.now - start
        received.set(count)
        try await feeding.value
        await nats.close()
        if subscription.dropped > 0 { print("warning: the client subscription dropped \(subscription.dropped)") }
        return Double(messages - 1) / elapsed.seconds
    }

    private func rawSubscribeRate(port: Int, payload: [UInt8]) async throws -> Double {
        let messages = self.messages
        let received = Counter()
        let subscriber = try RawNATSSocket(port: port)
        defer { subscriber.close() }
        try subscriber.write(Array("SUB bench.sub 1\r\nPING\r\n".utf8))
        try subscriber.readUntilPong()
        let feeding = feed(port: port, payload: payload, received: received)
        let rate = try await onThread {
            let elapsed = try subscriber.countMessages(messages, received: received)
            return Double(messages - 1) / elapsed.seconds
        }
        try await feeding.value
        return rate
    }

    private func feed(port: Int, payload: [UInt8], received: Counter) -> Task<Void, any Error> {
        let messages = self.messages
        return Task {
            try await onThread {
                let socket = try RawNATSSocket(port: port)
                defer { socket.close() }
                let batch = 500
                var chunk: [UInt8] = []
                for _ in 0..<batch { chunk += Array("PUB bench.sub \(payload.count)\r\n".utf8) + payload + [13, 10] }
                var sent = 0
                while sent < messages {
                    while sent - received.value > Self.window { usleep(50) }
                    let count = min(batch, messages - sent)
                    try socket.write(count == batch ? chunk : Array(chunk.prefix(chunk.count / batch * count)))
                    sent += count
                }
                try socket.write(Array("PING\r\n".utf8))
                try socket.readUntilPong()
            }
        }
    }
}

/// One measurement: its rate, and CPU seconds per message here and in nats-server.
private struct Measured {
    var rate: Double
    var cpu: Double
    var serverCPU: Double
}

/// How many messages the subscriber has seen, for the publisher's pacing.
private final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func set(_ value: Int) { count.store(value, ordering: .relaxed) }
}

/// Blocking socket work runs on its own thread, never on the cooperative pool.
private func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

private func nanos(_ seconds: Double) -> String { seconds.isFinite ? "\(Int(seconds * 1e9))" : "?" }

private func ratio(_ client: Double, _ raw: Double) -> String { String(format: "%.2f", client / raw) }

private func format(_ rate: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.maximumFractionDigits = 0
    return formatter.string(from: NSNumber(value: rate)) ?? "\(Int(rate))"
}

extension Duration {
    fileprivate var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// The baseline: the NATS protocol spoken by hand over a blocking POSIX socket.
private final class RawNATSSocket: Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { Glibc.close(fd); throw BenchError("connect to \(port) failed") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        try write(Array("CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"bench-raw\"}\r\nPING\r\n".utf8))
        try readUntilPong()
    }

    func close() { Glibc.close(fd) }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else { throw BenchError("write failed: \(errno)") }
                offset += written
            }
        }
    }

    /// Reads (discarding INFO, +OK, MSGs) until a PONG line.
    func readUntilPong() throws {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            guard read(fd, &byte, 1) == 1 else { throw BenchError("connection closed before PONG") }
            if byte == 10 {
                if line.starts(with: Array("PONG".utf8)) { return }
                if line.starts(with: Array("-ERR".utf8)) { throw BenchError(String(decoding: line, as: UTF8.self)) }
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
    }

    /// Reads MSG frames until `count` arrived: finds each control line, takes
    /// the size from its last field and skips the payload. Returns the time
    /// from the first message to the last.
    func countMessages(_ count: Int, received: Counter) throws -> Duration {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var start = 0, end = 0, skip = 0, seen = 0
        var first = ContinuousClock.now
        while seen < count {
            if start == end {
                start = 0; end = 0
            } else if end == buffer.count {
                buffer.replaceSubrange(0..<(end - start), with: buffer[start..<end])
                end -= start
                start = 0
            }
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + end, $0.count - end) }
            guard got > 0 else { throw BenchError("subscriber connection closed after \(seen) messages") }
            end += got
            while true {
                if skip > 0 {
                    let taken = min(skip, end - start)
                    start += taken
                    skip -= taken
                    if skip > 0 { break }
                    continue
                }
                guard let newline = buffer[start..<end].firstIndex(of: 10) else { break }
                if buffer[start] == UInt8(ascii: "M") {
                    var size = 0
                    var index = newline - 2  // before CR
                    var scale = 1
                    while buffer[index] != 32 { size += Int(buffer[index] - 48) * scale; scale *= 10; index -= 1 }
                    skip = size + 2
                    seen += 1
                    if seen == 1 { first = .now }
                    if seen % 1000 == 0 { received.set(seen) }
                } else if buffer[start] == UInt8(ascii: "P"), buffer[start + 1] == UInt8(ascii: "I") {
                    try write(Array("PONG\r\n".utf8))
                }
                start = newline + 1
            }
        }
        received.set(seen)
        return ContinuousClock.now - first
    }
}

/// nats-server on a free port, started and stopped by the benchmark.
private final class BenchNATSServer: Sendable {
    let port: Int
    private let process: Process

    init(executable: String) throws {
        let candidates =
            executable.hasPrefix("/")
            ? [executable]
            : ((ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(executable)" }
                + ["/usr/sbin/\(executable)"])
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BenchError("\(executable) is not installed (Debian package nats-server)")
        }
        port = try Self.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-a", "127.0.0.1", "-p", "\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func waitUntilListening() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? RawNATSSocket(port: port))?.close() == nil {
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw BenchError("nats-server did not start")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Runs one measurement of `messages` messages, with the CPU time it took here and in nats-server.
    func measure(_ messages: Int, _ body: () async throws -> Double) async throws -> Measured {
        let (ownBefore, serverBefore) = (Self.ownCPU(), serverCPU())
        let rate = try await body()
        let count = Double(messages)
        return Measured(
            rate: rate, cpu: (Self.ownCPU() - ownBefore) / count, serverCPU: (serverCPU() - serverBefore) / count)
    }

    /// This process's user + system CPU seconds, all threads.
    private static func ownCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
            usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// nats-server's user + system CPU seconds, from /proc (clock ticks of 10 ms).
    private func serverCPU() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return .nan }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw BenchError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
