/// Names shaped like the ones Kubernetes generates.
enum KubeNames {
    /// The alphabet of Kubernetes' `SafeEncodeString`: no vowels, no
    /// look-alike characters, so generated names never spell words.
    private static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    private static func random(_ length: Int, using rng: inout SplitMix64) -> String {
        var text = ""
        text.reserveCapacity(length)
        for _ in 0..<length { text.append(alphabet[rng.below(alphabet.count)]) }
        return text
    }

    /// A `pod-template-hash`, as in `web-7d9f4b8c6d`.
    static func templateHash(using rng: inout SplitMix64) -> String { random(10, using: &rng) }

    /// The suffix of a ReplicaSet's or DaemonSet's pod, as in `web-7d9f4b8c6d-x2k8p`.
    static func podSuffix(using rng: inout SplitMix64) -> String { random(5, using: &rng) }

    static func clusterIP(using rng: inout SplitMix64) -> String {
        "10.96.\(rng.int(0...255)).\(rng.int(2...254))"
    }
}
