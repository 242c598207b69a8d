/// FNV-1a over UTF-8: a hash that is the same in every process, unlike
/// `Hasher`, which is seeded per process. Used to give each entity a stable
/// "personality" (its baseline load) without storing one per entity.
enum StableHash {
    static func of(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// A value in `0..<1` derived from the text and a salt.
    static func unit(_ text: String, salt: UInt64 = 0) -> Double {
        var z = of(text) ^ salt
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z = (z ^ (z >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        z ^= z >> 33
        return Double(z >> 11) * 0x1.0p-53
    }
}
