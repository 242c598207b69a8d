import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// The request figures of Hummingbird's `MetricsMiddleware`, with the same
/// names and dimensions (docs/OTEL.md), counted without making a whole body
/// a streamed one.
///
/// Hummingbird's middleware counts a request once its body is written, by
/// wrapping every body in a closure. A one-buffer body (every JSON answer)
/// then loses Hummingbird's fast path: head, body and end go to the event
/// loop as three writes, each a hop and a flush, instead of one. Here a body
/// of known length is counted when the route returns it (its write follows at
/// once); a body of unknown length (a stream) is still counted when written
/// out, so `http.server.active_requests` keeps counting open streams.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let cache = RequestMetricsCache()

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = cache.active(request.method)
        active.increment()
        do {
            var response = try await next(request, context)
            let key = RequestMetricsCache.Key(
                endpoint: context.endpointPath ?? "Unknown", method: request.method, status: response.status)
            let cache = cache
            let done: @Sendable () -> Void = {
                let metrics = cache.endpoint(key)
                metrics.counter.increment()
                metrics.timer.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
                active.decrement()
            }
            if response.body.contentLength != nil {
                done()
            } else {
                let body = response.body
                response.body = ResponseBody { writer in
                    defer { done() }
                    try await body.write(writer)
                }
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let metrics = cache.endpoint(
                .init(endpoint: context.endpointPath ?? "NotFound", method: request.method, status: status))
            metrics.counter.increment()
            metrics.errorCounter.increment()
            active.decrement()
            throw error
        }
    }
}

/// The metric handles by method and by route, made once: the factory's own
/// lookup is slower than a dictionary under a lock.
final class RequestMetricsCache: Sendable {
    struct Key: Hashable, Sendable {
        let endpoint: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }

    struct Endpoint: Sendable {
        let counter: Counter
        let timer: Timer
        let errorCounter: Counter

        init(_ key: Key) {
            let dimensions = [
                ("http.route", key.endpoint), ("http.request.method", key.method.description),
                ("http.response.status_code", key.status.code.description),
            ]
            counter = Counter(label: "hb.requests", dimensions: dimensions)
            timer = Timer(
                label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
            errorCounter = Counter(
                label: "hb.request.errors",
                dimensions: [
                    ("http.route", key.endpoint), ("http.request.method", key.method.description),
                    ("error.type", key.status.code.description),
                ])
        }
    }

    private let methods = Mutex<[HTTPRequest.Method: Meter]>([:])
    private let endpoints = Mutex<[Key: Endpoint]>([:])

    func active(_ method: HTTPRequest.Method) -> Meter {
        methods.withLock { methods in
            if let meter = methods[method] { return meter }
            let meter = Meter(
                label: "http.server.active_requests", dimensions: [("http.request.method", method.description)])
            methods[method] = meter
            return meter
        }
    }

    func endpoint(_ key: Key) -> Endpoint {
        endpoints.withLock { endpoints in
            if let endpoint = endpoints[key] { return endpoint }
            let endpoint = Endpoint(key)
            endpoints[key] = endpoint
            return endpoint
        }
    }
}
