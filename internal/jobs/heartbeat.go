package jobs

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/ferryhub/ferry/internal/store"
)

// On PostgreSQL many processes work one queue, so a running job can belong to
// a live process or a dead one. Each working process beats in the workers table
// (every Options.Heartbeat), and each looks for processes whose beat is three
// beats old: River appended the client's id to attempted_by when it fetched
// the job, so the running jobs last attempted by a dead client are made
// available again at once, long before queue.rescue_after.

// beat records this process as alive and takes back the jobs of dead ones.
func (q *Queue) beat(ctx context.Context) error {
	host, _ := os.Hostname()
	if _, err := q.store.DB().ExecContext(ctx, `INSERT INTO workers (id, host, pid, started_at, beat_at) VALUES ($1, $2, $3, now(), now())
		ON CONFLICT (id) DO UPDATE SET beat_at = now()`, q.id, host, os.Getpid()); err != nil {
		return fmt.Errorf("jobs: heartbeat: %w", err)
	}
	dead := fmt.Sprintf("%f seconds", (3 * q.heartbeat).Seconds())
	rows, err := q.store.DB().QueryContext(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now()
		WHERE state = 'running' AND attempted_by[array_length(attempted_by, 1)] IN
			(SELECT id FROM workers WHERE beat_at < now() - $1::interval)
		RETURNING id, metadata, attempted_by[array_length(attempted_by, 1)]`, dead)
	if err != nil {
		return fmt.Errorf("jobs: taking back the jobs of dead processes: %w", err)
	}
	if err := q.tookBack(ctx, rows, func(process string) string {
		return fmt.Sprintf("was running in process %s, which stopped beating; running it again now", process)
	}); err != nil {
		return err
	}
	// Dead processes with no running jobs left are forgotten.
	_, err = q.store.DB().ExecContext(ctx, `DELETE FROM workers w WHERE beat_at < now() - $1::interval
		AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.state = 'running' AND j.attempted_by[array_length(j.attempted_by, 1)] = w.id)`, dead)
	if err != nil {
		return fmt.Errorf("jobs: forgetting dead processes: %w", err)
	}
	return nil
}

// heartbeats beats until ctx ends, then removes this process from the table.
func (q *Queue) heartbeats(ctx context.Context) {
	t := time.NewTicker(q.heartbeat)
	defer t.Stop()
	for {
		if err := q.beat(ctx); err != nil && ctx.Err() == nil {
			q.log.Warn("queue heartbeat", "err", err)
		}
		select {
		case <-ctx.Done():
			bctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			q.store.DB().ExecContext(bctx, `DELETE FROM workers WHERE id = $1`, q.id)
			cancel()
			return
		case <-t.C:
		}
	}
}

// Owner says which process runs a running job, and whether it still beats.
func (q *Queue) Owner(ctx context.Context, id int64) (process string, alive bool, err error) {
	if q.store.Dialect() != store.Postgres {
		return "", true, nil
	}
	err = q.store.DB().QueryRowContext(ctx, `SELECT j.attempted_by[array_length(j.attempted_by, 1)], COALESCE(w.beat_at > now() - $2::interval, false)
		FROM river_job j LEFT JOIN workers w ON w.id = j.attempted_by[array_length(j.attempted_by, 1)] WHERE j.id = $1`,
		id, fmt.Sprintf("%f seconds", (3*q.heartbeat).Seconds())).Scan(&process, &alive)
	if err != nil {
		return "", false, fmt.Errorf("jobs: owner of job %d: %w", id, err)
	}
	return process, alive, nil
}
