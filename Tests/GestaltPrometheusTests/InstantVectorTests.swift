import GestaltPrometheus
import Testing

/// The HTTP API's JSON, good and bad: every bad answer is a clear error.
@Suite struct InstantVectorTests {
    func decode(_ text: String, status: Int = 200) throws(PrometheusError) -> [VectorSample] {
        try InstantVector.decode(Array(text.utf8), httpStatus: status)
    }

    @Test func readsAVector() throws {
        let samples = try decode(
            """
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"namespace":"shop","pod":"web-1"},"value":[1700000000.123,"52.5"]},
              {"metric":{},"value":[1700000000.123,"NaN"]},
              {"metric":{"pod":"x"},"value":[1700000000,"+Inf"]}
            ]}}
            """)
        #expect(samples.count == 3)
        #expect(samples[0] == VectorSample(labels: ["namespace": "shop", "pod": "web-1"], value: 52.5))
        #expect(samples[1].value.isNaN)
        #expect(samples[2].value == .infinity)
    }

    @Test func emptyVectorIsNoSeries() throws {
        #expect(try decode(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#).isEmpty)
    }

    @Test func prometheusErrorIsQueryFailed() {
        #expect(
            throws: PrometheusError.queryFailed(status: 400, errorType: "bad_data", message: "parse error at char 5")
        ) {
            try decode(#"{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"#, status: 400)
        }
    }

    @Test func otherResultTypesAreNotAVector() {
        #expect(throws: PrometheusError.notAVector(resultType: "scalar")) {
            try decode(#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"1"]}}"#)
        }
        #expect(throws: PrometheusError.notAVector(resultType: "matrix")) {
            try decode(#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#)
        }
    }

    @Test(arguments: [
        "",
        "<html>502 Bad Gateway</html>",
        #"{"status":"success"}"#,
        #"{"status":"success","data":{"resultType":"vector"}}"#,
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"twelve"]}]}}"#,
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}}"#,
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"1"]}]}}"#,
        #"{"status":"success","data":{"resultType":"vector","result":{"#,
    ])
    func garbageIsMalformed(body: String) {
        #expect {
            try decode(body)
        } throws: { error in
            if case .malformed = error as? PrometheusError { true } else { false }
        }
    }

    @Test func htmlErrorPageNamesTheStatus() {
        #expect(throws: PrometheusError.malformed("HTTP 502 with a body that is not Prometheus JSON")) {
            try decode("<html>bad gateway</html>", status: 502)
        }
    }
}
