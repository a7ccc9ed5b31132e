package jobs

import (
	"context"
	"fmt"
	"strings"
)

// Phase is where a job stands for a record it owns: it will still run, it
// stopped without finishing (parked, failed, cancelled), or it completed.
type Phase int

// Phases.
const (
	PhaseGone Phase = iota // no such job (deleted)
	PhaseActive
	PhaseStopped
	PhaseCompleted
)

// Phases returns the phase of each job in ids that exists, reading only the
// jobs' states (no arguments), so a pass may ask for every page it reads.
func (q *Queue) Phases(ctx context.Context, ids []int64) (map[int64]Phase, error) {
	out := make(map[int64]Phase, len(ids))
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		marks := make([]string, len(part))
		args := make([]any, len(part))
		for i, id := range part {
			marks[i] = "?"
			if q.driverName == "postgres" {
				marks[i] = fmt.Sprintf("$%d", i+1)
			}
			args[i] = id
		}
		rows, err := q.store.DB().QueryContext(ctx, `SELECT id, state FROM river_job WHERE id IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("jobs: reading the states of %d jobs: %w", len(part), err)
		}
		for rows.Next() {
			var id int64
			var state string
			if err := rows.Scan(&id, &state); err != nil {
				rows.Close()
				return nil, fmt.Errorf("jobs: reading job states: %w", err)
			}
			switch state {
			case "completed":
				out[id] = PhaseCompleted
			case "cancelled", "discarded":
				out[id] = PhaseStopped
			default:
				out[id] = PhaseActive
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("jobs: reading job states: %w", err)
		}
	}
	return out, nil
}
