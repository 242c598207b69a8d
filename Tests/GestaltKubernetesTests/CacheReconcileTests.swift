import Foundation
import Testing

@testable import GestaltKubernetes

/// A rescan's list is taken while the watches run: reconciling it into the
/// cache must never take back what a watch brought in after the list.
@Suite struct CacheReconcileTests {
    static func configMap(_ name: String, version: Int) throws -> KubeObject {
        let json = #"{"name":"\#(name)","namespace":"shop","resourceVersion":"\#(version)"}"#
        let meta = try JSONDecoder().decode(ObjectMeta.self, from: Data(json.utf8))
        return KubeObject(resource: .configmaps, metadata: meta, payload: .none)
    }

    static func versions(_ cache: ObjectCache) -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: cache.objects(.configmaps).map { ($0.metadata.name, $0.metadata.resourceVersion) })
    }

    /// The cache after the watch: `newer` changed at 10 and `created` at 12, both after the list at 8; `deleted` is old.
    static func watchedCache() throws -> ObjectCache {
        let cache = ObjectCache()
        for object in [
            try configMap("newer", version: 10), try configMap("created", version: 12),
            try configMap("deleted", version: 3),
        ] {
            cache.upsert(object)
        }
        return cache
    }

    @Test func aRescanListNeverGoesBackInTime() throws {
        let cache = try Self.watchedCache()
        let list = [try Self.configMap("newer", version: 5), try Self.configMap("listed", version: 7)]
        cache.replace(.configmaps, namespace: "shop", with: list, listedAt: "8")
        // `newer` and `created` are the watch's newer news; `deleted` is gone; `listed` the watch had missed.
        #expect(Self.versions(cache) == ["newer": "10", "created": "12", "listed": "7"])
    }

    @Test func aReflectorRelistReplacesEverything() throws {
        let cache = try Self.watchedCache()
        let list = [try Self.configMap("newer", version: 5), try Self.configMap("listed", version: 7)]
        cache.replace(.configmaps, namespace: "shop", with: list)
        #expect(Self.versions(cache) == ["newer": "5", "listed": "7"])
    }
}
