import AsyncHTTPClient
import Foundation
import GestaltModel
import NIOCore
import NIOHTTP1

/// A server the fan-out bench drives: where its SSE and WebSocket clients
/// connect, how one message is published, and which process does the work
/// (for CPU and memory).
protocol FanoutPeer: Sendable {
    var name: String { get }
    var target: LoadTarget { get }
    /// The process whose CPU and memory are the peer's cost.
    var worker: ServerProcess { get }
    /// The SSE path of the stream for `load` (each load gets a fresh one where the peer allows).
    func streamPath(_ load: String) -> String
    /// How a WebSocket client takes the same stream of `load`.
    func webSocket(_ load: String) -> FanoutWebSocket
    /// Publishes one message of `payload` bytes for the stream of `load`; true when accepted.
    func publish(_ load: String, sequence: Int, client: HTTPClient) async -> Bool
    func stop()
}

/// Where a WebSocket client of a peer connects, what it sends once
/// connected, and whether the messages come in gestalt's envelope.
struct FanoutWebSocket: Sendable {
    let path: String
    let subscribe: String?
    let enveloped: Bool
}

/// A child process with its output in a file, ended with SIGTERM.
struct ChildProcess: Sendable {
    let process: Process

    static func start(_ executable: String, _ arguments: [String], log: URL) throws -> ChildProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return ChildProcess(process: process)
    }

    var pid: Int32 { process.processIdentifier }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// The payload published per message: about `bytes` of JSON whose first
/// `"timestamp"` is the publish time (nchan passes it through; the load
/// client reads it for latency), and a sequence so every one differs.
enum FanoutPayload {
    static func labels(sequence: Int, bytes: Int) -> [UInt8] {
        let head = "{\"labels\":{\"seq\":\"\(sequence)\",\"pad\":\""
        let tail = "\"}}"
        let pad = max(0, bytes - head.utf8.count - tail.utf8.count)
        return Array((head + String(repeating: "x", count: pad) + tail).utf8)
    }

    static func stamped(sequence: Int, bytes: Int) -> [UInt8] {
        let stamp = String(decoding: Timestamp.now().rfc3339Bytes, as: UTF8.self)
        let head = "{\"timestamp\":\"\(stamp)\",\"labels\":{\"seq\":\"\(sequence)\",\"pad\":\""
        let tail = "\"}}"
        let pad = max(0, bytes - head.utf8.count - tail.utf8.count)
        return Array((head + String(repeating: "x", count: pad) + tail).utf8)
    }
}

/// Debian's nginx-light with libnginx-mod-nchan, one worker, on a loopback
/// port with a config of its own in a temp directory. Its subscribers take
/// EventSource or WebSocket (each message's body as one text frame). With
/// `deflate`, nchan 1.3.6 keeps a deflated copy of each message
/// (`nchan_deflate_message_for_websocket`) for WebSocket clients that
/// negotiated permessage-deflate; without it nchan still accepts the offer
/// but sends plain frames, and SSE runs do not pay for the copy.
struct NchanPeer: FanoutPeer {
    let name = "nchan"
    let target: LoadTarget
    let worker: ServerProcess
    let master: ChildProcess
    let payloadBytes: Int

    static func start(
        nginx: String, module: String, port: Int, directory: URL, connections: Int, payloadBytes: Int,
        deflate: Bool = false
    ) async throws -> NchanPeer {
        let config = directory.appendingPathComponent("nginx.conf")
        // Above the hard limit nginx only logs an alert and keeps the inherited one.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let files = min(connections * 2 + 1000, Int(clamping: limit.rlim_max))
        try """
        load_module \(module);
        worker_processes 1;
        worker_rlimit_nofile \(files);
        daemon off;
        user root;
        pid \(directory.path)/nginx.pid;
        error_log \(directory.path)/error.log warn;
        events { worker_connections \(connections + 1000); }
        http {
            access_log off;
            client_body_temp_path \(directory.path)/body;
            proxy_temp_path \(directory.path)/proxy;
            fastcgi_temp_path \(directory.path)/fastcgi;
            uwsgi_temp_path \(directory.path)/uwsgi;
            scgi_temp_path \(directory.path)/scgi;
            # nginx closes a kept-alive connection after 1,000 requests by default: the publisher's.
            keepalive_requests 10000000;
            keepalive_timeout 600s;
            server {
                listen 127.0.0.1:\(port);
                location ~ ^/pub/(\\w+)$ {
                    nchan_publisher;
                    nchan_channel_id $1;
                    nchan_message_buffer_length 16;
                    nchan_message_timeout 60s;
                    nchan_deflate_message_for_websocket \(deflate ? "on" : "off");
                }
                location ~ ^/sub/(\\w+)$ {
                    nchan_subscriber eventsource websocket;
                    nchan_channel_id $1;
                    nchan_subscriber_first_message newest;
                }
            }
        }
        """.write(to: config, atomically: true, encoding: .utf8)
        let master = try ChildProcess.start(
            nginx, ["-p", directory.path, "-e", "\(directory.path)/error.log", "-c", config.path],
            log: directory.appendingPathComponent("nginx.out"))
        let target = try LoadTarget(url: "http://127.0.0.1:\(port)")
        try await waitForServer(
            "http://\(target.host):\(target.port)/pub/ready", what: "nginx (see \(directory.path)/error.log)",
            requireOK: false)
        // The master only supervises; the one worker serves.
        let deadline = ContinuousClock.now + .seconds(10)
        var workerPID: Int32?
        while workerPID == nil, ContinuousClock.now < deadline {
            workerPID = childPIDs(of: master.pid).first
            if workerPID == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let workerPID else { master.stop(); throw LoadTargetError(message: "nginx started no worker") }
        return NchanPeer(
            target: target, worker: ServerProcess(pid: workerPID), master: master, payloadBytes: payloadBytes)
    }

    func streamPath(_ load: String) -> String { "/sub/bench\(load)" }

    func webSocket(_ load: String) -> FanoutWebSocket {
        FanoutWebSocket(path: "/sub/bench\(load)", subscribe: nil, enveloped: false)
    }

    func publish(_ load: String, sequence: Int, client: HTTPClient) async -> Bool {
        var request = HTTPClientRequest(url: "http://\(target.host):\(target.port)/pub/bench\(load)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: FanoutPayload.stamped(sequence: sequence, bytes: payloadBytes)))
        guard let response = try? await client.execute(request, timeout: .seconds(10)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return (200..<300).contains(response.status.code)
    }

    func stop() { master.stop() }
}

/// A release `gestalt serve` with the simulator frozen, no history, and one
/// graph API node in namespace `bench` whose labels each publish patches.
struct GestaltPeer: FanoutPeer {
    let name = "gestalt"
    let target: LoadTarget
    let worker: ServerProcess
    let child: ChildProcess
    let payloadBytes: Int
    let delta: String
    static let nodeID = "bench-node"

    static func start(
        binary: String, port: Int, directory: URL, payloadBytes: Int, delta: String, extraArguments: [String],
        client: HTTPClient
    ) async throws -> GestaltPeer {
        let arguments =
            [
                "serve", "--host", "127.0.0.1", "--port", "\(port)", "--no-history", "--demo-rate", "0", "--demo-size",
                "100",
                "--log-level", "warning",
            ] + extraArguments
        let child = try ChildProcess.start(binary, arguments, log: directory.appendingPathComponent("gestalt.out"))
        let target = try LoadTarget(url: "http://127.0.0.1:\(port)")
        try await waitForServer(
            "http://\(target.host):\(target.port)/api/infra/subscriptions",
            what: "gestalt (see \(directory.path)/gestalt.out)", requireOK: false)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/graph/nodes")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"id":"\#(nodeID)","name":"bench","namespace":"bench","health":1}"#))
        let response = try await client.execute(request, timeout: .seconds(10))
        guard response.status == .created else {
            child.stop()
            throw LoadTargetError(message: "creating the bench node answered \(response.status.code)")
        }
        return GestaltPeer(
            target: target, worker: ServerProcess(pid: child.pid), child: child, payloadBytes: payloadBytes,
            delta: delta)
    }

    func streamPath(_ load: String) -> String { "/api/infra/topology/stream?namespaces=bench&delta=\(delta)" }

    /// The SSE stream's filter and delta form, as a WebSocket subscribe (docs/PROTOCOL.md).
    func webSocket(_ load: String) -> FanoutWebSocket {
        FanoutWebSocket(
            path: "/api/infra/ws",
            subscribe:
                #"{"type":"subscribe","payload":{"channels":["topology"],"filter":{"namespaces":["bench"]},"delta":""#
                + delta + #""}}"#,
            enveloped: true)
    }

    func publish(_ load: String, sequence: Int, client: HTTPClient) async -> Bool {
        var request = HTTPClientRequest(url: "http://\(target.host):\(target.port)/api/graph/nodes/\(Self.nodeID)")
        request.method = .PATCH
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: FanoutPayload.labels(sequence: sequence, bytes: payloadBytes)))
        guard let response = try? await client.execute(request, timeout: .seconds(10)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return response.status == .ok
    }

    func stop() { child.stop() }
}

/// Children of `pid`, from /proc (Linux).
private func childPIDs(of pid: Int32) -> [Int32] {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) else {
        return []
    }
    return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
}
