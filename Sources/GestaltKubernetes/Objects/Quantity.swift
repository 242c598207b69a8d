import Foundation

/// Parses Kubernetes resource quantities ("250m", "1.5", "128Mi", "1e3", "500n").
enum Quantity {
    /// CPU in millicores.
    static func millicores(_ text: String) -> Double? {
        value(text).map { $0 * 1000 }
    }

    /// Memory in bytes.
    static func bytes(_ text: String) -> Int64? {
        value(text).map { Int64($0.rounded()) }
    }

    /// The plain value in base units.
    static func value(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        let suffixes: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1024 * 1024), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776),
            ("Pi", 1_125_899_906_842_624), ("Ei", 1_152_921_504_606_846_976),
            ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15),
            ("E", 1e18),
        ]
        for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * factor }
        }
        // Plain numbers, including the decimal exponent form "1e3".
        return Double(text)
    }
}
