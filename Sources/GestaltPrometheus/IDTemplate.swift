/// How a series' labels name an entity id: `{k8s}:pod/{namespace}/{pod}`.
///
/// `{label}` is the value of that label; `{k8s}` is the Kubernetes id prefix
/// of the configured cluster (`k8s`, or `k8s@prod` for a named one), so the
/// ids match those the Kubernetes source writes. A series that lacks a named
/// label names no entity.
package struct IDTemplate: Sendable, Hashable, CustomStringConvertible {
    enum Part: Sendable, Hashable {
        case literal(String)
        case label(String)
        case kubernetesPrefix
    }

    let parts: [Part]
    package let description: String

    /// Parses `template`; a `{` without its `}` is taken literally.
    package init(_ template: String) {
        description = template
        var parts: [Part] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
            let name = String(rest[rest.index(after: open)..<close])
            parts.append(name == "k8s" ? .kubernetesPrefix : .label(name))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        self.parts = parts
    }

    /// The labels this template reads.
    package var labels: [String] {
        parts.compactMap { if case .label(let name) = $0 { name } else { nil } }
    }

    /// What every id this template renders begins with (`k8s:pod/`): its
    /// parts before the first label.
    package func head(kubernetesPrefix: String) -> String {
        var head = ""
        for part in parts {
            switch part {
            case .literal(let text): head += text
            case .kubernetesPrefix: head += kubernetesPrefix
            case .label: return head
            }
        }
        return head
    }

    /// The id for a series' labels, or nil when one of the named labels is missing or empty.
    package func render(_ labels: [String: String], kubernetesPrefix: String) -> String? {
        var id = ""
        for part in parts {
            switch part {
            case .literal(let text): id += text
            case .kubernetesPrefix: id += kubernetesPrefix
            case .label(let name):
                guard let value = labels[name], !value.isEmpty else { return nil }
                id += value
            }
        }
        return id
    }
}
