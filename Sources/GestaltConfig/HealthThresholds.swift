/// Fractions of a resource limit (0...1) at which use counts as a warning or
/// as critical. A warning threshold may not exceed its critical one.
package struct HealthThresholds: Sendable, Hashable {
    package var cpuWarning: Double
    package var cpuCritical: Double
    package var memoryWarning: Double
    package var memoryCritical: Double

    package init(
        cpuWarning: Double = 0.7, cpuCritical: Double = 0.9, memoryWarning: Double = 0.8, memoryCritical: Double = 0.95
    ) {
        self.cpuWarning = cpuWarning
        self.cpuCritical = cpuCritical
        self.memoryWarning = memoryWarning
        self.memoryCritical = memoryCritical
    }
}

extension HealthThresholds {
    static let sectionKeys = [
        "cpu_warning_threshold", "cpu_critical_threshold", "memory_warning_threshold", "memory_critical_threshold",
    ]

    static func read(_ node: ConfigNode) throws -> HealthThresholds {
        let section = try node.mapping(keys: sectionKeys)
        var thresholds = HealthThresholds()
        if let node = section["cpu_warning_threshold"] { thresholds.cpuWarning = try node.fraction() }
        if let node = section["cpu_critical_threshold"] { thresholds.cpuCritical = try node.fraction() }
        if let node = section["memory_warning_threshold"] { thresholds.memoryWarning = try node.fraction() }
        if let node = section["memory_critical_threshold"] { thresholds.memoryCritical = try node.fraction() }
        try ordered(section, "cpu", warning: thresholds.cpuWarning, critical: thresholds.cpuCritical)
        try ordered(section, "memory", warning: thresholds.memoryWarning, critical: thresholds.memoryCritical)
        return thresholds
    }

    /// The error points at whichever of the pair was written (the warning first).
    private static func ordered(_ section: ConfigMapping, _ resource: String, warning: Double, critical: Double) throws
    {
        guard warning > critical else { return }
        let message = "\(resource)_warning_threshold (\(warning)) is above \(resource)_critical_threshold (\(critical))"
        if let node = section["\(resource)_warning_threshold"] ?? section["\(resource)_critical_threshold"] {
            throw ConfigurationError(
                file: node.file.name, line: node.line, column: node.column, keyPath: node.path, message: message)
        }
    }
}
