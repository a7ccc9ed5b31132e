package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// jobDuration times each run of a job by kind and outcome (ok, retry, snoozed,
// parked, failed, failed_permanent).
var jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
	Name:    "ferry_job_duration_seconds",
	Help:    "Duration of job runs by kind and outcome.",
	Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
}, []string{"kind", "outcome"})

// Collectors returns the queue's Prometheus collectors: the run-time histogram
// and a collector that counts jobs by kind and state and measures queue lag from
// the database at scrape time, so every process reports the shared truth.
func (q *Queue) Collectors() []prometheus.Collector {
	// Series of the registered kinds exist from the start, so that dashboards and
	// alerts see zeros rather than nothing.
	for _, k := range q.kinds {
		jobDuration.WithLabelValues(k, "ok")
	}
	return []prometheus.Collector{jobDuration, &stateCollector{q: q}}
}

var (
	jobsDesc = prometheus.NewDesc("ferry_jobs", "Jobs by kind and state as ferry shows them: River's states, with stopped jobs that wait for a person as parked or failed.", []string{"kind", "state"}, nil)
	lagDesc  = prometheus.NewDesc("ferry_queue_lag_seconds", "Age of the oldest job that is due but not yet running, by queue.", []string{"queue"}, nil)
)

type stateCollector struct{ q *Queue }

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- jobsDesc; ch <- lagDesc }

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, lags, err := c.q.Stats(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(jobsDesc, err)
		return
	}
	type key struct{ kind, state string }
	seen := map[key]int64{}
	for _, s := range counts {
		seen[key{s.Kind, s.State}] = s.Count
	}
	for _, k := range c.q.kinds {
		for _, st := range States {
			if _, ok := seen[key{k, string(st)}]; !ok {
				seen[key{k, string(st)}] = 0
			}
		}
	}
	for k, n := range seen {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(n), k.kind, k.state)
	}
	// Every queue reports its lag, 0 when nothing waits, so that an alert on the
	// lag sees a value rather than a gap.
	for _, queue := range c.q.queueNames() {
		if _, ok := lags[queue]; !ok {
			lags[queue] = 0
		}
	}
	for queue, lag := range lags {
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, lag.Seconds(), queue)
	}
}

// KindState is a count of jobs of one kind in one state as ferry shows it.
type KindState struct {
	Kind  string
	State string
	Count int64
}

// Stats counts jobs by kind and state (cancelled jobs with an open issue count as
// parked or failed, discarded ones as failed, as List shows them), and returns
// each queue's lag: how long its oldest due, available job has waited.
func (q *Queue) Stats(ctx context.Context) ([]KindState, map[string]time.Duration, error) {
	rows, err := q.db().QueryContext(ctx, `SELECT j.kind,
		CASE WHEN i.class = 'needs_action' THEN 'parked'
		     WHEN i.job_id IS NOT NULL OR CAST(j.state AS TEXT) = 'discarded' THEN 'failed'
		     ELSE CAST(j.state AS TEXT) END AS st,
		COUNT(*)
		FROM river_job j LEFT JOIN job_issues i ON i.job_id = j.id AND i.resolved_at IS NULL
		  AND CAST(j.state AS TEXT) IN ('cancelled', 'discarded')
		GROUP BY j.kind, st ORDER BY j.kind, st`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []KindState
	for rows.Next() {
		var ks KindState
		if err := rows.Scan(&ks.Kind, &ks.State, &ks.Count); err != nil {
			return nil, nil, err
		}
		out = append(out, ks)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	lags := map[string]time.Duration{}
	qrows, err := q.db().QueryContext(ctx, `SELECT DISTINCT queue FROM river_job WHERE state = 'available'`)
	if err != nil {
		return nil, nil, err
	}
	var queues []string
	for qrows.Next() {
		var name string
		if err := qrows.Scan(&name); err != nil {
			qrows.Close()
			return nil, nil, err
		}
		queues = append(queues, name)
	}
	qrows.Close()
	now := time.Now()
	for _, name := range queues {
		res, err := q.client.JobList(ctx, river.NewJobListParams().Queues(name).States(rivertype.JobStateAvailable).OrderBy(river.JobListOrderByScheduledAt, river.SortOrderAsc).First(1))
		if err != nil {
			return nil, nil, err
		}
		if len(res.Jobs) == 1 {
			if lag := now.Sub(res.Jobs[0].ScheduledAt); lag > 0 {
				lags[name] = lag
			} else {
				lags[name] = 0
			}
		}
	}
	return out, lags, nil
}
