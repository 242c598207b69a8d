import Foundation
import NIOCore

/// How to reach a server and how to behave when it goes away.
package struct NATSConnectionOptions: Sendable {
    package enum Auth: Sendable {
        case none
        case userPassword(user: String, password: String)
        case token(String)
    }

    /// Exponential backoff between reconnect attempts, with jitter.
    package struct Reconnect: Sendable {
        package var initialDelay: Duration
        package var maxDelay: Duration
        /// Attempts per outage before the connection closes for good; nil retries forever.
        package var maxAttempts: Int?

        package init(
            initialDelay: Duration = .milliseconds(50), maxDelay: Duration = .seconds(2), maxAttempts: Int? = nil
        ) {
            self.initialDelay = initialDelay
            self.maxDelay = maxDelay
            self.maxAttempts = maxAttempts
        }

        /// The delay before attempt `n` (0-based): initial × 2ⁿ capped at max, then scaled by 0.5–1.0 at random.
        func delay(attempt: Int) -> Duration {
            let doubled = initialDelay * Int(1 << Swift.min(attempt, 20))
            let capped = Swift.min(doubled, maxDelay)
            return capped * Double.random(in: 0.5...1.0)
        }
    }

    package var host: String
    package var port: Int
    package var auth: Auth
    /// Sent in CONNECT; shows in the server's /connz.
    package var name: String?
    package var connectTimeout: Duration
    package var reconnect: Reconnect
    /// Bound on outgoing bytes the client holds that the socket has not taken:
    /// while connected a publisher waits when it is reached; while disconnected
    /// a publish that would pass it throws `.pendingBufferFull`. Default 8 MiB.
    package var maxPendingOutgoingBytes: Int
    /// Limits for subscriptions that do not pass their own.
    package var subscriptionLimits: NATSSubscription.Limits

    package init(
        host: String = "127.0.0.1", port: Int = 4222, auth: Auth = .none, name: String? = nil,
        connectTimeout: Duration = .seconds(5), reconnect: Reconnect = Reconnect(),
        maxPendingOutgoingBytes: Int = 8 * 1024 * 1024, subscriptionLimits: NATSSubscription.Limits = .init()
    ) {
        self.host = host
        self.port = port
        self.auth = auth
        self.name = name
        self.connectTimeout = connectTimeout
        self.reconnect = reconnect
        self.maxPendingOutgoingBytes = maxPendingOutgoingBytes
        self.subscriptionLimits = subscriptionLimits
    }

    /// From `nats://[user:password@|token@]host[:port]`.
    package init(url: String) throws(NATSError) {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") {
            guard rest[..<scheme.lowerBound] == "nats" else {
                throw NATSError(.invalidArgument, "only nats:// URLs are supported, not \(url)")
            }
            rest = rest[scheme.upperBound...]
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        var auth = Auth.none
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                auth = .userPassword(
                    user: String(userInfo[..<colon]).removingPercentEncodingIfPossible,
                    password: String(userInfo[userInfo.index(after: colon)...]).removingPercentEncodingIfPossible)
            } else {
                auth = .token(String(userInfo).removingPercentEncodingIfPossible)
            }
        }
        var port = 4222
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let parsed = Int(rest[rest.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw NATSError(.invalidArgument, "bad port in \(url)")
            }
            port = parsed
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { throw NATSError(.invalidArgument, "no host in \(url)") }
        self.init(host: String(rest.trimmingPrefix("[").prefix { $0 != "]" }), port: port, auth: auth)
    }
}

extension String {
    fileprivate var removingPercentEncodingIfPossible: String {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
