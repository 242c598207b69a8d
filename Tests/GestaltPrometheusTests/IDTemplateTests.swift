import GestaltPrometheus
import Testing

@Suite struct IDTemplateTests {
    @Test func rendersLabelsAndTheClusterPrefix() {
        let template = IDTemplate("{k8s}:pod/{namespace}/{pod}")
        #expect(template.labels == ["namespace", "pod"])
        #expect(
            template.render(["namespace": "shop", "pod": "web-1", "job": "x"], kubernetesPrefix: "k8s")
                == "k8s:pod/shop/web-1")
        #expect(
            template.render(["namespace": "shop", "pod": "web-1"], kubernetesPrefix: "k8s@prod")
                == "k8s@prod:pod/shop/web-1")
    }

    @Test func missingOrEmptyLabelNamesNothing() {
        let template = IDTemplate("{k8s}:pod/{namespace}/{pod}")
        #expect(template.render(["pod": "web-1"], kubernetesPrefix: "k8s") == nil)
        #expect(template.render(["namespace": "", "pod": "web-1"], kubernetesPrefix: "k8s") == nil)
    }

    @Test func unclosedBraceIsLiteral() {
        #expect(IDTemplate("host/{name").render([:], kubernetesPrefix: "k8s") == "host/{name")
        #expect(IDTemplate("plain").render([:], kubernetesPrefix: "k8s") == "plain")
    }

    @Test func configurationPrefixFollowsTheCluster() {
        #expect(PrometheusEnrichmentConfiguration(endpoint: "http://x").kubernetesPrefix == "k8s")
        #expect(PrometheusEnrichmentConfiguration(endpoint: "http://x", cluster: "prod").kubernetesPrefix == "k8s@prod")
    }
}
