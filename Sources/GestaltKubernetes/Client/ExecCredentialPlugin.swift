import Foundation

/// Runs a kubeconfig `exec` credential plugin and reads the ExecCredential it prints.
struct ExecCredentialPlugin {
    var plugin: KubernetesCredentials.ExecPlugin

    private struct ExecCredential: Decodable {
        struct Status: Decodable { var token: String?; var expirationTimestamp: String? }
        var status: Status?
    }

    func run() throws(KubernetesError) -> (String, Duration) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [plugin.command] + plugin.arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in plugin.environment { environment[key] = value }
        // The plugin reads KUBERNETES_EXEC_INFO to learn what is asked of it.
        environment["KUBERNETES_EXEC_INFO"] =
            #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}"#
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .configuration("cannot run credential plugin \(plugin.command): \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .configuration("credential plugin \(plugin.command) exited with status \(process.terminationStatus)")
        }
        guard let credential = try? JSONDecoder().decode(ExecCredential.self, from: data),
            let token = credential.status?.token
        else {
            throw .configuration(
                "credential plugin \(plugin.command) printed no status.token (client certificates from plugins are not supported)"
            )
        }
        var lifetime = Duration.seconds(300)
        if let expiry = credential.status?.expirationTimestamp, let date = ISO8601DateFormatter().date(from: expiry) {
            // Refresh a little early so a request never carries an expired token.
            lifetime = .seconds(max(0, date.timeIntervalSinceNow - 30))
        }
        return ("Bearer \(token)", lifetime)
    }
}
