/// Why the fake refused a write made through its Swift API.
package enum FakeAPIError: Error, Sendable, Hashable {
    case invalid(String)
    case conflict(String)
    case notFound(String)
}
