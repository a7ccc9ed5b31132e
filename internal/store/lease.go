package store

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"
)

// Locker serializes work on natural keys (an order's reference in the target, a
// customer's e-mail) across every process sharing the store, with leases that
// expire, so a process killed while it holds keys blocks them for one lease at
// most.
type Locker struct {
	st     Store
	prefix string
	// TTL is how long a lease lasts unless renewed; it is renewed every TTL/3
	// while held. Default 30 s.
	TTL time.Duration
}

// NewLocker returns a Locker on st; process names this process in the leases
// (for people reading the table).
func NewLocker(st Store, process string) *Locker {
	return &Locker{st: st, prefix: process, TTL: 30 * time.Second}
}

// Lock takes every key (all or none), waiting while another owner holds one,
// until ctx ends. unlock releases them; it is safe to call more than once.
func (l *Locker) Lock(ctx context.Context, keys ...string) (unlock func(), err error) {
	var b [8]byte
	_, _ = crand.Read(b[:])
	// Each call is its own owner: two jobs of one process exclude each other too.
	owner := l.prefix + "/" + hex.EncodeToString(b[:])
	wait := 10 * time.Millisecond
	for {
		ok, err := l.st.TryLease(ctx, owner, keys, time.Now().Add(l.TTL))
		if err != nil {
			return nil, err
		}
		if ok {
			break
		}
		// Jittered so that waiters do not retry in step.
		d := wait/2 + time.Duration(rand.Int64N(int64(wait)))
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("store: waiting for %d keys held by another job: %w", len(keys), ctx.Err())
		case <-time.After(d):
		}
		wait = min(wait*2, time.Second)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(l.TTL / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				rctx, cancel := context.WithTimeout(context.Background(), l.TTL/3)
				// A failed renewal is tried again at the next tick; the lease
				// still holds until it expires.
				_, _ = l.st.TryLease(rctx, owner, keys, time.Now().Add(l.TTL))
				cancel()
			}
		}
	}()
	released := false
	return func() {
		if released {
			return
		}
		released = true
		close(stop)
		<-done
		rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// An unreleased lease expires by itself after TTL.
		_ = l.st.ReleaseLease(rctx, owner, keys)
	}, nil
}
