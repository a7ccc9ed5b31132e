package jobs

import (
	"context"
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
	rows, err := q.store.DB().QueryContext(ctx, `UPDATE river_job SET state = 'available', scheduled_at = ? WHERE state = 'running' RETURNING id, metadata`, now)
	if err != nil {
		return fmt.Errorf("jobs: taking back the jobs of a stopped process: %w", err)
	}
	type orphan struct {
		id   int64
		meta jobMeta
	}
	var list []orphan
	for rows.Next() {
		var o orphan
		var meta []byte
		if err := rows.Scan(&o.id, &meta); err != nil {
			rows.Close()
			return fmt.Errorf("jobs: taking back jobs: %w", err)
		}
		_ = json.Unmarshal(meta, &o.meta)
		list = append(list, o)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return fmt.Errorf("jobs: taking back jobs: %w", err)
	}
	for _, o := range list {
		q.logLine(ctx, store.LevelWarn, o.id, o.meta.Route, o.meta.Entity, "was running when the previous ferry process stopped; running it again now", "")
	}
	return nil
}
