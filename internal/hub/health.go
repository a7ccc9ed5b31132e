package hub

import (
	"context"
	"time"

	"github.com/ferryhub/ferry/internal/store"
)

// callHealthEvery is how often a process writes what its calls did; the
// dashboard's health lags the calls by at most this. callHealthKeep is how long
// the store keeps the minutes.
const (
	callHealthEvery = 5 * time.Second
	callHealthKeep  = time.Hour
)

// KeepCallHealth writes the minutes of this process's remote calls to the store
// every few seconds until ctx ends, so that every process's dashboard sees the
// calls of every process's routes.
func (h *Hub) KeepCallHealth(ctx context.Context) {
	t := time.NewTicker(callHealthEvery)
	defer t.Stop()
	pruned := time.Time{}
	for {
		select {
		case <-ctx.Done():
			// The last seconds still count for whoever reads next.
			_ = h.FlushCallHealth(context.WithoutCancel(ctx))
			return
		case now := <-t.C:
			if err := h.FlushCallHealth(ctx); err != nil && ctx.Err() == nil {
				h.Log.Warn("writing connection health", "err", err)
			}
			if now.Sub(pruned) > 10*time.Minute {
				if err := h.Store.PruneCallHealth(ctx, now.Add(-callHealthKeep)); err != nil && ctx.Err() == nil {
					h.Log.Warn("pruning connection health", "err", err)
				}
				pruned = now
			}
		}
	}
}

// FlushCallHealth writes the last two minutes of this process's calls.
func (h *Hub) FlushCallHealth(ctx context.Context) error {
	mins := h.Calls.Minutes(time.Now().Add(-2 * time.Minute))
	if len(mins) == 0 {
		return nil
	}
	rows := make([]store.CallHealth, len(mins))
	for i, m := range mins {
		rows[i] = store.CallHealth{Connection: m.Account, Minute: m.Minute, Process: h.process, OK: m.OK, Failed: m.Failed,
			LastAt: m.LastAt, LastOK: m.LastOK, LastError: m.LastError}
	}
	return h.Store.PutCallHealth(ctx, rows)
}
