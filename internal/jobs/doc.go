// Package jobs is ferry's transaction queue: every unit of work a route does (import
// one order, export one product, poll a source) is a River job, stored in the same
// database as the rest of ferry's state, SQLite or PostgreSQL, through one code path.
//
// Flows register their job kinds with Register. The queue adds what ferry promises
// on top of River:
//
//   - Uniqueness per (route, entity, version): an args type tags those fields with
//     `river:"unique"`, and a job is unique across every state, so overlapping polls
//     and webhook redeliveries never enqueue the same change twice, and a parked job
//     is not shadowed by a new copy of itself.
//   - Three error classes. Any plain error is transient: River retries it with
//     exponential backoff and jitter (RetryPolicy), and a remote's Retry-After
//     snoozes the job without using an attempt. NeedsAction parks the job with a
//     reason people can act on and the config key it depends on; a change of that
//     key, or `ferry jobs retry`, runs it again. Permanent fails it with the reason.
//     Parked and failed jobs are River-cancelled jobs with a store.JobIssue row that
//     says why, and every one is a log line naming the route and the entity.
//   - One queue per remote account (connection), each with its own per-process
//     concurrency limit, so one slow system never starves another.
//   - Periodic jobs from each route's schedule, enqueued by River's elected leader
//     only, however many processes run.
package jobs
