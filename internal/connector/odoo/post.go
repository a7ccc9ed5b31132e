package odoo

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// postJournal names the journal ferry's invoices are posted in for the lock
// key: the invoicing wizard puts every customer invoice in the company's sale
// journal, so one key per connection serializes exactly the numbering that
// collides.
const postJournal = "sale"

// postLocks serialize posting per database in this process, for a client
// without Env.Locks.
var postLocks sync.Map

// postInvoices posts the draft invoices ids in one action_post. Posting the
// first invoices of a journal or year at once gives two drafts the same
// number on 16 (account_move_unique_name: "Another entry with the same name
// already exists"), so posting takes the journal's lock
// ("odoo:<connection>:post:<journal>"), and after such a refusal the
// invoices are posted again one at a time, each refused one again after a
// short wait (Odoo gives it the next number). A conflict that persists is
// transient for the job, never a warning that leaves invoices draft for good.
func (c *Client) postInvoices(ctx context.Context, ids []int64) error {
	unlock, err := c.lockPosting(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = c.Call(ctx, "account.move", "action_post", ids, map[string]any{"context": bulkContext})
	if err == nil || !duplicateName(err) {
		return err
	}
	left := ids
	const rounds = 4
	for round := 1; len(left) > 0; round++ {
		if round > rounds {
			return &transientError{fmt.Errorf("posting %d invoices: %w (tried %d times; the job tries again)", len(left), err, rounds)}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(round) * 100 * time.Millisecond):
		}
		var refused []int64
		for _, id := range left {
			_, perr := c.Call(ctx, "account.move", "action_post", []int64{id}, map[string]any{"context": bulkContext})
			switch {
			case perr == nil:
			case duplicateName(perr):
				refused, err = append(refused, id), perr
			default:
				return perr
			}
		}
		left = refused
	}
	return nil
}

// duplicateName reports Odoo refusing a post for a number another entry has.
func duplicateName(err error) bool {
	if !IsValidation(err) && !IsUserError(err) && !strings.Contains(err.Error(), "account_move_unique_name") {
		return false
	}
	return strings.Contains(err.Error(), "Another entry with the same name already exists") || strings.Contains(err.Error(), "account_move_unique_name")
}

func (c *Client) lockPosting(ctx context.Context) (func(), error) {
	return c.lockStep(ctx, "post:"+postJournal)
}

// lockStep serializes one step of the import (posting a journal, confirming)
// per database: through the store's locks ("odoo:<connection>:<step>")
// across processes, or within this process without them.
func (c *Client) lockStep(ctx context.Context, step string) (func(), error) {
	if c.locks != nil {
		return c.locks.Lock(ctx, "odoo:"+c.name+":"+step)
	}
	v, _ := postLocks.LoadOrStore(c.s.URL+"|"+c.s.Database+"|"+step, make(chan struct{}, 1))
	sem := v.(chan struct{})
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// transientError is a failure a later try can pass, whatever Odoo called it.
type transientError struct{ error }

func (e *transientError) Unwrap() error { return e.error }

// FailureClass: transient.
func (e *transientError) FailureClass() string { return "transient" }
