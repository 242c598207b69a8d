import Foundation
import GestaltConfig
import GestaltServer
import Logging

extension SourceFlags {
    /// The OTLP export `--otlp-endpoint` or `collectors.otel.otlp_endpoint` asks for (the flag wins); nil without either.
    func otlpExport(file: GestaltConfiguration?, logger: Logger) throws -> OTLPExport? {
        guard let endpoint = otlpEndpoint.flatMap(URL.init(string:)) ?? file?.otel?.otlpEndpoint else { return nil }
        logger.info("exporting gestalt's own traces and metrics over OTLP/HTTP to \(endpoint.absoluteString)")
        return try OTLPExport(endpoint: endpoint, logger: logger)
    }
}
