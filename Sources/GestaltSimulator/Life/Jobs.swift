import GestaltModel

/// CronJobs fire: a Job with one pod runs to completion. The last Job is
/// kept (as Kubernetes keeps job history) until the next run replaces it.
extension SimulatedCluster {
    func runRandomCronJob() {
        guard !cronJobs.isEmpty else { return }
        let index = rng.below(cronJobs.count)
        let cronJob = cronJobs[index]
        guard !cronJob.active else { return }
        if let previous = cronJob.jobID { mirror.remove(previous) }
        // Kubernetes names a job after its scheduled time in minutes.
        var minutes = nowMillis / 60_000
        var jobName = "\(cronJob.name)-\(minutes)"
        while mirror.contains(Entity.kubernetesID(kind: .job, namespace: cronJob.namespace, name: jobName)) {
            minutes += 1
            jobName = "\(cronJob.name)-\(minutes)"
        }
        let jobID = addJob(of: index, name: jobName, active: true, createdAt: now)
        event(.successfulCreate, "Created job \(jobName)", about: cronJob.id, kind: .cronjob, name: cronJob.name)
        let podID = spawnPod(
            name: "\(jobName)-\(KubeNames.podSuffix(using: &rng))", template: cronJob.template,
            owner: .job(cronJob: index),
            ownerID: jobID, labels: ["app": cronJob.template.app, "job-name": jobName], running: false
        )
        cronJobs[index].active = true
        cronJobs[index].podID = podID
    }

    @discardableResult
    func addJob(of index: Int, name: String, active: Bool, createdAt: Timestamp) -> String {
        let cronJob = cronJobs[index]
        let id = Entity.kubernetesID(kind: .job, namespace: cronJob.namespace, name: name)
        mirror.add(
            Entity(
                id: id, kind: .job, name: name, namespace: cronJob.namespace, source: Self.source,
                status: active ? .processing : .running, labels: ["app": cronJob.template.app, "job-name": name],
                annotations: ["completions": active ? "0/1" : "1/1"],
                customMetrics: ["active": active ? 1 : 0, "succeeded": active ? 0 : 1], createdAt: createdAt
            ))
        mirror.connect(Connection(sourceID: cronJob.id, targetID: id, kind: .owns))
        cronJobs[index].jobID = id
        cronJobs[index].jobName = name
        return id
    }

    /// The job's pod has run to completion.
    func finishJob(_ index: Int) {
        let cronJob = cronJobs[index]
        guard cronJob.active, let jobID = cronJob.jobID, let jobName = cronJob.jobName else { return }
        if let podID = cronJob.podID, let record = pods[podID] { removePod(record) }
        mirror.update(jobID, now: now) {
            $0.status = .running
            $0.annotations["completions"] = "1/1"
            $0.customMetrics = ["active": 0, "succeeded": 1]
        }
        event(.completed, "Job completed", about: jobID, kind: .job, name: jobName)
        event(
            .sawCompletedJob, "Saw completed job: \(jobName), status: Complete", about: cronJob.id, kind: .cronjob,
            name: cronJob.name)
        cronJobs[index].active = false
        cronJobs[index].podID = nil
    }
}
