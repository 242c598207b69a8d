/// A paged list of one resource (in one namespace, or cluster-wide), as
/// client-go's pager takes it: `limit` pages, and one unpaged list when the
/// continue token expires mid-way. Reflectors list with it, and so does a rescan.
struct ListPager: Sendable {
    let resource: ResourceKind
    let namespace: String?
    let client: KubernetesClient
    let pageSize: Int

    var name: String { namespace.map { "\(resource.rawValue)/\($0)" } ?? resource.rawValue }

    /// Every item, and the resourceVersion the list is consistent at.
    func fetch() async throws -> (items: [KubeObject], resourceVersion: String) {
        let decoder = ObjectDecoder(resource: resource)
        let path = resource.path(namespace: namespace)
        var items: [KubeObject] = []
        var continueToken: String?
        var resourceVersion = ""
        repeat {
            var query: [(String, String)] = [("limit", String(pageSize))]
            if let continueToken { query.append(("continue", continueToken)) }
            let page: ObjectDecoder.ListPage
            do {
                page = try decoder.decodeList(
                    try await client.get(path: path, query: query, accept: resource.accept(watch: false)))
            } catch KubernetesError.gone where continueToken != nil {
                page = try decoder.decodeList(try await client.get(path: path, accept: resource.accept(watch: false)))
                items = []
            } catch let error as DecodingError {
                throw KubernetesError.malformed("list of \(name): \(error)")
            }
            items += page.items
            continueToken = page.continueToken
            resourceVersion = page.resourceVersion
        } while continueToken != nil
        return (items, resourceVersion)
    }
}
