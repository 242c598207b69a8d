/// Seeded, platform-independent pseudo-randomness for placement jitter.
///
/// Swift's `Hasher` is seeded per process, so it cannot give the same layout
/// twice; FNV-1a over the id's UTF-8 mixed through SplitMix64 can, and it
/// depends only on the seed and the id, never on insertion order.
enum StableRandom {
    /// A 64-bit hash of `id` under `seed`.
    static func hash(_ id: String, seed: UInt64) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        return mix(h ^ mix(seed))
    }

    /// SplitMix64's finaliser: a bijective avalanche of all 64 bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A point inside the unit ball, derived from `hash` alone.
    static func pointInBall(_ hash: UInt64) -> SIMD3<Double> {
        var state = hash
        while true {
            let p = SIMD3(unit(&state), unit(&state), unit(&state)) * 2 - 1
            let r2 = (p * p).sum()
            if r2 <= 1, r2 > 1e-6 { return p }
        }
    }

    /// A direction derived from `index`, for pushing apart coincident points.
    static func direction(_ index: Int32) -> SIMD3<Double> {
        let p = pointInBall(mix(UInt64(UInt32(bitPattern: index))))
        return p / (p * p).sum().squareRoot()
    }

    private static func unit(_ state: inout UInt64) -> Double {
        state = mix(state)
        return Double(state >> 11) * 0x1p-53
    }
}
