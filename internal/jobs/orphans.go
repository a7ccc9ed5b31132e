package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ferryhub/ferry/internal/store"
)

// takeBackOrphans makes the jobs left running on a SQLite file available
// again. Only the process that owns the file runs workers (store.Options.Own),
// so at its start every running job is a dead process's: it runs again within
// seconds instead of after rescue_after. (A job's handler is idempotent; its
// attempt counts as spent.)
func (q *Queue) takeBackOrphans(ctx context.Context) error {
	// River keeps SQLite times as text in this exact format.
	now := time.Now().UTC().Round(time.Millisecond).Format("2006-01-02 15:04:05.000")
	rows, err := q.store.DB().QueryContext(ctx, `UPDATE river_job SET state = 'available', scheduled_at = ? WHERE state = 'running' RETURNING id, metadata, ''`, now)
	if err != nil {
		return fmt.Errorf("jobs: taking back the jobs of a stopped process: %w", err)
	}
	return q.tookBack(ctx, rows, func(string) string {
		return "was running when the previous ferry process stopped; running it again now"
	})
}

// tookBack writes a log line for each job a query made available again; its
// rows are (id, metadata, the process that ran it).
func (q *Queue) tookBack(ctx context.Context, rows *sql.Rows, why func(process string) string) error {
	type orphan struct {
		id      int64
		meta    jobMeta
		process string
	}
	var list []orphan
	for rows.Next() {
		var o orphan
		var meta []byte
		if err := rows.Scan(&o.id, &meta, &o.process); err != nil {
			rows.Close()
			return fmt.Errorf("jobs: taking back jobs: %w", err)
		}
		_ = json.Unmarshal(meta, &o.meta)
		list = append(list, o)
	}
	err := rows.Err()
	rows.Close()
	if err != nil {
		return fmt.Errorf("jobs: taking back jobs: %w", err)
	}
	for _, o := range list {
		q.logLine(ctx, store.LevelWarn, o.id, o.meta.Route, o.meta.Entity, why(o.process), "")
	}
	return nil
}
