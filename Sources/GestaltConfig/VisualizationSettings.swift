/// What the browser is asked to draw.
package struct VisualizationSettings: Sendable, Hashable {
    package enum LayoutAlgorithm: String, Sendable, Hashable, CaseIterable {
        /// The server's incremental Barnes-Hut layout (the plan's only algorithm).
        case forceDirected3D = "force-directed-3d"
        /// No server layout: positions stay at the origin (like `--no-layout`).
        case none
    }

    /// Most entities to render, 1...1000000.
    package var maxEntities: Int
    package var layoutAlgorithm: LayoutAlgorithm
    /// Target frame rate, 1...240.
    package var animationFPS: Int

    package init(maxEntities: Int = 1000, layoutAlgorithm: LayoutAlgorithm = .forceDirected3D, animationFPS: Int = 60) {
        self.maxEntities = maxEntities
        self.layoutAlgorithm = layoutAlgorithm
        self.animationFPS = animationFPS
    }
}

extension VisualizationSettings {
    static let sectionKeys = ["max_entities", "layout_algorithm", "animation_fps"]

    static func read(_ node: ConfigNode) throws -> VisualizationSettings {
        let section = try node.mapping(keys: sectionKeys)
        var settings = VisualizationSettings()
        if let node = section["max_entities"] {
            settings.maxEntities = try node.integer(in: 1...1_000_000, "a number of entities")
        }
        if let node = section["layout_algorithm"] {
            let name = try node.choice(LayoutAlgorithm.allCases.map(\.rawValue))
            settings.layoutAlgorithm = LayoutAlgorithm(rawValue: name) ?? .forceDirected3D
        }
        if let node = section["animation_fps"] {
            settings.animationFPS = try node.integer(in: 1...240, "a number of frames per second")
        }
        return settings
    }
}
