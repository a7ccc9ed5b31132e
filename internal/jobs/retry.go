package jobs

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// RetryPolicy spaces the retries of a transiently failing job exponentially with
// jitter: the n-th retry waits Base·2^(n-1), capped at Max, then drawn uniformly
// from [wait/2, wait]. With the defaults (2 s, 1 h) ten attempts span about
// 17 minutes of waiting, enough to ride out a remote's restart without hammering it.
type RetryPolicy struct {
	Base time.Duration
	Max  time.Duration
}

// NextRetry implements river.ClientRetryPolicy.
func (p *RetryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(p.wait(job.Attempt))
}

func (p *RetryPolicy) wait(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := float64(p.Base) * math.Pow(2, float64(attempt-1))
	if d > float64(p.Max) || math.IsInf(d, 0) {
		d = float64(p.Max)
	}
	return time.Duration(d/2 + rand.Float64()*d/2)
}
