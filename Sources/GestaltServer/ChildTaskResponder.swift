import Hummingbird

/// Answers each request in a child task of the connection's task.
///
/// A task keeps every block of its async-frame allocator until it ends, so a
/// connection task that once ran the deep router and middleware frames held
/// about 20 KiB for as long as the connection stayed open: idle keep-alive
/// connections and every SSE client. In a child task those frames are freed
/// when the response is returned; the connection keeps only its shallow frames.
struct ChildTaskResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context: Sendable {
    typealias Context = Inner.Context
    let inner: Inner

    func respond(to request: Request, context: Context) async throws -> Response {
        try await withThrowingTaskGroup(of: Response.self) { group in
            group.addTask { try await inner.respond(to: request, context: context) }
            return try await group.next()!
        }
    }
}
