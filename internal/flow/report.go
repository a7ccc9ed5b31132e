package flow

import (
	"context"
	"fmt"
	"strings"

	"github.com/ferryhub/ferry/internal/store"
)

// report collects what a page job did to each of its records, written as one
// log line of the job when it ends, so that a completed job's page lists its
// records without a log line per record.
type report struct{ lines []string }

func (r *report) add(entity, what string) { r.lines = append(r.lines, entity+": "+what) }

// reportMax caps one report's text; a page is at most a few hundred records.
const reportMax = 64 << 10

func (r *report) write(ctx context.Context, rt *Runtime, route string) {
	if len(r.lines) == 0 {
		return
	}
	text := strings.Join(r.lines, "\n")
	if len(text) > reportMax {
		text = text[:reportMax] + "\n…"
	}
	rt.logLine(ctx, store.LevelInfo, route, fmt.Sprintf("page of %d", len(r.lines)), "did:\n"+text)
}
