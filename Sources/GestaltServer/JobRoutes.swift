import GestaltEngine
import GestaltModel
import Hummingbird

/// `/api/jobs`: on-demand rescans and exports (docs/PROTOCOL.md, Jobs).
/// `GET /api/jobs/{id}` keeps the legacy shape forever; `/extended` adds
/// progress, plugin timings, warnings and plugin statuses.
struct JobRoutes {
    let jobs: JobRunner
    let maxBodyBytes: Int

    func register(on router: Router<GestaltRequestContext>) {
        let jobs = jobs, maxBodyBytes = maxBodyBytes
        let api = router.group("api/jobs")

        api.get { _, _ -> Response in
            var w = JSONWriter()
            w.beginArray()
            for job in jobs.all { job.writeExtended(to: &w) }
            w.endArray()
            return .json(w.bytes)
        }

        api.post { request, _ -> Response in
            let body = try await GraphRoutes.body(request, limit: maxBodyBytes)
            let job = try Self.submit(try Self.parse(body), to: jobs)
            var w = JSONWriter()
            job.writeExtended(to: &w)
            var response = Response.json(w.bytes, status: .accepted)
            response.headers[.location] = "/api/jobs/\(job.id)"
            return response
        }

        api.get(":id") { _, context -> Response in
            var w = JSONWriter()
            try Self.job(context, in: jobs).writeLegacy(to: &w)
            return .json(w.bytes)
        }

        api.get(":id/extended") { _, context -> Response in
            var w = JSONWriter()
            try Self.job(context, in: jobs).writeExtended(to: &w)
            return .json(w.bytes)
        }

        api.get(":id/result") { _, context -> Response in
            let job = try Self.job(context, in: jobs)
            guard let result = job.result else {
                guard job.kind != .rescan else {
                    throw APIError.notFound("job '\(job.id)' is a rescan; only exports and replays have a result")
                }
                throw APIError(
                    .conflict, code: "job_not_completed",
                    "job '\(job.id)' is \(job.state.rawValue); its result is there once it completes")
            }
            var response = Response.json(result)
            response.headers[.contentDisposition] = "attachment; filename=\"topology-\(job.id).json\""
            return response
        }

        api.delete(":id") { _, context -> Response in
            let id = try Self.id(context)
            let job: Job
            do throws(JobError) { job = try jobs.cancel(id) } catch { throw Self.apiError(error) }
            var w = JSONWriter()
            job.writeLegacy(to: &w)
            return .json(w.bytes)
        }
    }

    static func id(_ context: GestaltRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else { throw APIError.notFound("no job id given") }
        return id
    }

    static func job(_ context: GestaltRequestContext, in jobs: JobRunner) throws -> Job {
        let id = try id(context)
        guard let job = jobs.job(id) else {
            throw APIError.notFound(
                "no job with id '\(id)' (finished jobs are kept \(jobs.limits.keepFinishedMilliseconds / 60_000) minutes)"
            )
        }
        return job
    }

    static func submit(_ request: JobRequest, to jobs: JobRunner) throws -> Job {
        do throws(JobError) { return try jobs.submit(request) } catch { throw apiError(error) }
    }

    /// `{"kind": "rescan", "sources": [...]}`, `{"kind": "export", "at": revision}`
    /// or `{"kind": "replay", "from": revision, "to": revision}`.
    static func parse(_ object: [String: JSONValue]) throws -> JobRequest {
        let allowed: Set = ["kind", "sources", "at", "from", "to"]
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError.invalidBody(
                "unknown field '\(unknown)'; a job takes 'kind', 'sources' (rescan), 'at' (export), 'from' and 'to' (replay)"
            )
        }
        let fields = BodyFields(object: object)
        guard let kindName = try fields.string("kind") else {
            throw APIError.invalidBody(
                "field 'kind' is required: one of \(Job.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let kind = Job.Kind(rawValue: kindName) else {
            throw APIError.invalidBody(
                "field 'kind' has unknown value '\(kindName)'; known: \(Job.Kind.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        var request = JobRequest(kind: kind)
        switch object["sources"] {
        case nil: break
        case .array(let items)?:
            guard kind == .rescan else { throw APIError.invalidBody("field 'sources' applies to rescan jobs only") }
            guard !items.isEmpty else {
                throw APIError.invalidBody("field 'sources' is empty; leave it out to rescan every source")
            }
            request.sources = try items.map { item in
                guard case .string(let name) = item else {
                    throw APIError.invalidBody("field 'sources' must hold strings, not \(item.typeName)")
                }
                return name
            }
        case let other?:
            throw APIError.invalidBody("field 'sources' must be an array of source names, not \(other.typeName)")
        }
        request.at = try revision("at", in: fields, for: .export, kind: kind)
        request.from = try revision("from", in: fields, for: .replay, kind: kind)
        request.to = try revision("to", in: fields, for: .replay, kind: kind)
        if kind == .replay, request.from == nil {
            throw APIError.invalidBody("field 'from' is required for a replay: the revision to start at")
        }
        return request
    }

    /// A revision field that only one kind of job takes.
    private static func revision(
        _ name: String, in fields: BodyFields, for owner: Job.Kind, kind: Job.Kind
    ) throws -> UInt64? {
        guard let value = try fields.number(name) else { return nil }
        guard kind == owner else {
            throw APIError.invalidBody("field '\(name)' applies to \(owner.rawValue) jobs only")
        }
        guard value >= 0, value.rounded() == value, value < 9e15 else {
            throw APIError.invalidBody("field '\(name)' must be a revision: a whole number from 0")
        }
        return UInt64(value)
    }

    static func apiError(_ error: JobError) -> APIError {
        switch error {
        case .book(.notFound(let id)): APIError.notFound("no job with id '\(id)'")
        case .book(.alreadyFinished(let id, let state)):
            APIError(.conflict, code: "job_finished", "job '\(id)' is already \(state.rawValue)")
        case .book(.tooManyQueued(let limit)):
            APIError(
                .tooManyRequests, code: "too_many_jobs",
                "\(limit) jobs are already waiting; try again when some have run")
        case .unknownSources(let names, let known):
            APIError.invalidBody(
                "unknown source\(names.count == 1 ? "" : "s") \(names.map { "'\($0)'" }.joined(separator: ", ")); known: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
            )
        case .historyUnavailable:
            APIError(
                .serviceUnavailable, code: "history_unavailable",
                "exporting at a revision or replaying needs history, which is off (--no-history)")
        case .badParameter(let message):
            APIError.invalidBody(message)
        }
    }
}
