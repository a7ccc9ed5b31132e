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
// ("odoo:<connection>:post:<journal>") and a refused post is tried again
// with the drafts' names reset to "/", which makes Odoo number them afresh.
// A conflict that persists is transient for the job, never a warning that
// leaves the invoices draft for good.
func (c *Client) postInvoices(ctx context.Context, ids []int64) error {
	unlock, err := c.lockPosting(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	const attempts = 4
	for attempt := 1; ; attempt++ {
		_, err := c.Call(ctx, "account.move", "action_post", ids, map[string]any{"context": bulkContext})
		if err == nil || !duplicateName(err) {
			return err
		}
		if attempt == attempts {
			return &transientError{fmt.Errorf("posting %d invoices: %w (tried %d times; the job tries again)", len(ids), err, attempts)}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		}
		if err := c.Write(ctx, "account.move", ids, map[string]any{"name": "/"}); err != nil {
			return err
		}
	}
}

// duplicateName reports Odoo refusing a post for a number another entry has.
func duplicateName(err error) bool {
	if !IsValidation(err) && !IsUserError(err) && !strings.Contains(err.Error(), "account_move_unique_name") {
		return false
	}
	return strings.Contains(err.Error(), "Another entry with the same name already exists") || strings.Contains(err.Error(), "account_move_unique_name")
}

func (c *Client) lockPosting(ctx context.Context) (func(), error) {
	if c.locks != nil {
		return c.locks.Lock(ctx, "odoo:"+c.name+":post:"+postJournal)
	}
	v, _ := postLocks.LoadOrStore(c.s.URL+"|"+c.s.Database, make(chan struct{}, 1))
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
