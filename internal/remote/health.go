package remote

import (
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// A connection's health must come from the calls its routes make, not only from
// a test every few minutes: every attempt of every call is counted here, per
// account and minute, and the hub writes the counts to the store, where the
// dashboard reads every process's.

// CallMinute is what this process's calls to one account did in one minute.
type CallMinute struct {
	Account string
	Minute  time.Time
	OK      int64
	Failed  int64
	// LastAt is when the minute's last call ended; LastOK whether it worked, and
	// LastError why not ("HTTP 503", "timeout").
	LastAt    time.Time
	LastOK    bool
	LastError string
}

type minuteKey struct {
	account string
	minute  int64
}

// CallBook keeps what calls did per account and minute, for the last hour;
// older minutes are dropped as new ones start. A hub keeps one for all its
// connections (Policy.Calls). It is safe for concurrent use.
type CallBook struct {
	mu      sync.Mutex
	minutes map[minuteKey]*CallMinute
}

// NewCallBook returns an empty CallBook.
func NewCallBook() *CallBook { return &CallBook{minutes: map[minuteKey]*CallMinute{}} }

// keepMinutes is how long callBook keeps a minute.
const keepMinutes = 60

// failedStatus reports whether an HTTP status says the remote system, or ferry's
// access to it, does not work: 5xx, 401, 403 and 407. 429 is the system working
// as agreed; other 4xx are answers about one record.
func failedStatus(status int) bool {
	return status >= 500 || status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusProxyAuthRequired
}

// noteCall records one attempt: status is the HTTP status, 0 when no answer
// came (label says why).
func (b *CallBook) note(account string, status int, label string) {
	if b == nil || account == "" {
		return
	}
	now := time.Now().UTC()
	ok := status != 0 && !failedStatus(status)
	why := ""
	if !ok {
		why = label
		if status != 0 {
			why = "HTTP " + strconv.Itoa(status)
		}
	}
	k := minuteKey{account, now.Unix() / 60}
	b.mu.Lock()
	defer b.mu.Unlock()
	m := b.minutes[k]
	if m == nil {
		m = &CallMinute{Account: account, Minute: time.Unix(k.minute*60, 0).UTC()}
		b.minutes[k] = m
		for old := range b.minutes {
			if old.minute < k.minute-keepMinutes {
				delete(b.minutes, old)
			}
		}
	}
	if ok {
		m.OK++
	} else {
		m.Failed++
	}
	m.LastAt, m.LastOK, m.LastError = now, ok, why
}

// Minutes returns the book's minutes from since on, oldest first.
func (b *CallBook) Minutes(since time.Time) []CallMinute {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []CallMinute
	for _, m := range b.minutes {
		if !m.Minute.Before(since.Truncate(time.Minute)) {
			out = append(out, *m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Minute.Equal(out[j].Minute) {
			return out[i].Minute.Before(out[j].Minute)
		}
		return out[i].Account < out[j].Account
	})
	return out
}

// noAnswer says briefly why a call got no answer.
func noAnswer(err error) string {
	msg := err.Error()
	if len(msg) > 160 {
		msg = msg[:160] + "…"
	}
	if statusLabel(err) == "timeout" {
		return "timed out: " + msg
	}
	return "no answer: " + msg
}

// CountCalls makes the caller count every attempt in b (nil: none). Call it
// before the caller is used.
func (c *Caller) CountCalls(b *CallBook) { c.policy.Calls = b }
