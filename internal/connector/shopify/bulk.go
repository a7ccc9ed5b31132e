package shopify

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// BulkOperation is a BulkOperation as polled. objectCount and fileSize are
// UnsignedInt64, which comes as a string.
type BulkOperation struct {
	ID          string          `json:"id"`
	Status      string          `json:"status"`
	ErrorCode   *string         `json:"errorCode"`
	ObjectCount json.RawMessage `json:"objectCount"`
	URL         *string         `json:"url"`
	PartialURL  *string         `json:"partialDataUrl"`
}

// bulkPage is how many products one page of a bulk read hands over.
const bulkPage = 250

// bulkProducts reads the whole catalogue by bulk operation (reference §1.6):
// bulkOperationRunQuery, node(id:) polled every settings.bulk_poll until
// COMPLETED, then the JSONL result, where each variant line follows its
// product with "__parentId". Pages carry a zero checkpoint but the last,
// whose through is when the operation started: the bulk query read every
// product changed before then.
func (c *Client) bulkProducts(ctx context.Context, page func([]model.Product, time.Time) error) error {
	started := c.now().UTC().Add(-time.Second)
	var run struct {
		BulkOperationRunQuery *struct {
			BulkOperation *BulkOperation `json:"bulkOperation"`
			UserErrors    []UserError    `json:"userErrors"`
		} `json:"bulkOperationRunQuery"`
	}
	if err := c.do(ctx, "BulkRun", map[string]any{"query": bulkProductsQuery}, &run); err != nil {
		return fmt.Errorf("shopify %s: starting the products bulk read: %w", c.settings.Shop, err)
	}
	r := run.BulkOperationRunQuery
	if r == nil || r.BulkOperation == nil {
		var ue []UserError
		if r != nil {
			ue = r.UserErrors
		}
		// Another bulk query of this app runs (one per shop before 2026-01):
		// transient, the job retries.
		return fmt.Errorf("shopify %s: the products bulk read did not start: %v", c.settings.Shop, userErrors(c.settings.Shop, "bulkOperationRunQuery", "products", ue))
	}
	op := r.BulkOperation
	for op.Status != "COMPLETED" {
		switch op.Status {
		case "FAILED", "CANCELED", "CANCELING", "EXPIRED":
			return fmt.Errorf("shopify %s: the products bulk read %s ended %s (%s)", c.settings.Shop, op.ID, op.Status, str(op.ErrorCode))
		}
		t := time.NewTimer(c.settings.BulkPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		var d struct {
			Node *BulkOperation `json:"node"`
		}
		if err := c.do(ctx, "BulkPoll", map[string]any{"id": op.ID}, &d); err != nil {
			return fmt.Errorf("shopify %s: polling bulk read %s: %w", c.settings.Shop, op.ID, err)
		}
		if d.Node == nil {
			return fmt.Errorf("shopify %s: bulk read %s is gone", c.settings.Shop, op.ID)
		}
		op = d.Node
	}
	url := str(op.URL)
	if url == "" {
		return page(nil, started) // an empty result has no file
	}
	// The file is read as it arrives, a page of products at a time: a
	// catalogue of any size costs one page of memory.
	resp, err := c.caller.Do(ctx, remote.Request{Method: http.MethodGet, URL: url, Idempotent: true, Op: "GET bulk result",
		Stream: func(r io.Reader) error { return c.streamProducts(r, page, started) }})
	if err != nil {
		return fmt.Errorf("shopify %s: reading bulk result %s: %w", c.settings.Shop, op.ID, err)
	}
	if resp.Status != http.StatusOK {
		return &HTTPError{Shop: c.settings.Shop, Op: "GET bulk result", Status: resp.Status, Body: remote.Excerpt(resp.Body, 200)}
	}
	return nil
}

// streamProducts reads product JSONL: a product line, then its variants'
// lines; a product is complete when the next product line comes.
func (c *Client) streamProducts(r io.Reader, page func([]model.Product, time.Time) error, through time.Time) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var cur *Product
	var out []model.Product
	flush := func() error {
		if cur == nil {
			return nil
		}
		m, err := ToProduct(*cur)
		if err != nil {
			err.(*RecordError).Shop = c.settings.Shop
			return err
		}
		out = append(out, m)
		cur = nil
		if len(out) >= bulkPage {
			err := page(out, time.Time{})
			out = nil
			return err
		}
		return nil
	}
	for n := 1; sc.Scan(); n++ {
		line, err := DecodeBulkLine(sc.Bytes())
		if err != nil {
			return fmt.Errorf("shopify %s: bulk result line %d: %w", c.settings.Shop, n, err)
		}
		switch {
		case line.ParentID == "" && isProductGID(line.ID):
			if err := flush(); err != nil {
				return err
			}
			var p Product
			if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
				return &RecordError{Shop: c.settings.Shop, Kind: "product", ID: line.ID, Err: err}
			}
			cur = &p
		case line.ParentID != "" && cur != nil && line.ParentID == cur.ID:
			var v Variant
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				return &RecordError{Shop: c.settings.Shop, Kind: "product", ID: cur.Title + " (" + cur.ID + ")", Field: "variant " + line.ID, Err: err}
			}
			cur.Variants.Nodes = append(cur.Variants.Nodes, v)
		default:
			return fmt.Errorf("shopify %s: bulk result line %d (%s): its parent %q is not the product before it", c.settings.Shop, n, line.ID, line.ParentID)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("shopify %s: reading the bulk result: %w", c.settings.Shop, err)
	}
	if err := flush(); err != nil {
		return err
	}
	return page(out, through)
}

// BulkLine is the head of one JSONL line: its id, parent and type.
type BulkLine struct {
	ID       string `json:"id"`
	ParentID string `json:"__parentId"`
	Typename string `json:"__typename"`
}

// DecodeBulkLine reads one JSONL line's head; the line must be one JSON
// object.
func DecodeBulkLine(b []byte) (BulkLine, error) {
	var l BulkLine
	if err := json.Unmarshal(b, &l); err != nil {
		return l, err
	}
	return l, nil
}
