import Foundation

/// One series of an instant-vector result: its labels and its value.
package struct VectorSample: Sendable, Hashable {
    package var labels: [String: String]
    /// The value as Prometheus wrote it: may be NaN or ±Inf.
    package var value: Double

    package init(labels: [String: String], value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// Reads the body of `/api/v1/query` (the HTTP API's JSON envelope) into
/// samples. Pure: bytes in, samples or a `PrometheusError` out, so garbage
/// from a peer is a clear error and never a crash.
package enum InstantVector {
    package static func decode(
        _ body: some Collection<UInt8>, httpStatus: Int = 200
    ) throws(PrometheusError) -> [VectorSample] {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(body))
        } catch {
            // A proxy's HTML error page, a truncated body: say which status came with it.
            let why = httpStatus == 200 ? "\(error)" : "HTTP \(httpStatus) with a body that is not Prometheus JSON"
            throw .malformed(why)
        }
        guard envelope.status == "success" else {
            throw .queryFailed(
                status: httpStatus, errorType: envelope.errorType ?? "unknown", message: envelope.error ?? "")
        }
        guard let data = envelope.data else { throw .malformed("status success without data") }
        guard data.resultType == "vector" else { throw .notAVector(resultType: data.resultType) }
        guard let result = data.result else { throw .malformed("vector without result") }
        return result.map { VectorSample(labels: $0.metric, value: $0.value.value) }
    }

    private struct Envelope: Decodable {
        var status: String
        var data: ResultData?
        var errorType: String?
        var error: String?
    }

    private struct ResultData: Decodable {
        var resultType: String
        var result: [Series]?

        enum CodingKeys: String, CodingKey { case resultType, result }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            resultType = try c.decode(String.self, forKey: .resultType)
            // Only a vector's result is an array of series; a scalar's is one pair.
            result = resultType == "vector" ? try c.decodeIfPresent([Series].self, forKey: .result) : nil
        }
    }

    private struct Series: Decodable {
        var metric: [String: String]
        var value: Pair
    }

    /// `[<unix seconds>, "<value>"]`: the value is a string so NaN and ±Inf survive JSON.
    private struct Pair: Decodable {
        var value: Double

        init(from decoder: any Decoder) throws {
            var c = try decoder.unkeyedContainer()
            _ = try c.decode(Double.self)
            let text = try c.decode(String.self)
            guard let value = Double(text) else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "sample value '\(text)' is not a number")
            }
            self.value = value
        }
    }
}
