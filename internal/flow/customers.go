package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// The customers route (seed 003's Customer queue) brings a shop's customers
// with their addresses into the ERP: matched by the link the route made, else
// by e-mail, so a customer is never created twice, and updated when it
// changes in the shop. The orders route finds the same partner by e-mail.

const customerLink = "customer"

// CustomersOptions configure a customers route.
type CustomersOptions struct {
	// BatchSize is the customers per job. Default 50.
	BatchSize int `yaml:"batch_size" json:"batch_size"`
	// Overlap is how far before its cursor each pass re-reads. Default 2m.
	Overlap time.Duration `yaml:"overlap" json:"overlap"`
}

// Validate checks the options.
func (o *CustomersOptions) Validate() error {
	if o.BatchSize < 1 || o.BatchSize > 500 {
		return fmt.Errorf("batch_size %d: want 1 to 500", o.BatchSize)
	}
	if o.Overlap < 0 {
		return errors.New("overlap must not be negative")
	}
	return nil
}

func init() {
	RegisterKind(Kind{
		Name:       "customers",
		Title:      "Customers",
		NewOptions: func() any { return &CustomersOptions{BatchSize: 50, Overlap: DefaultOverlap} },
		Register:   registerCustomers,
		Pass:       passCustomers,
		From:       need[CustomerSource]("a customer source"),
		To:         need[CustomerSink]("a customer target"),
	})
}

// customerHash is what a customer's link remembers of it: a change of any
// of these is written, a new updated_at alone is not.
func customerHash(p model.Party) string {
	p.UpdatedAt = time.Time{}
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	return Hash(p)
}

// CustomerArgs writes one page of customers.
type CustomerArgs struct {
	Route     string        `json:"route" river:"unique"`
	Key       string        `json:"key" river:"unique"`
	Customers []model.Party `json:"customers"`
}

// Kind implements river.JobArgs.
func (CustomerArgs) Kind() string { return "customers.upsert" }

// JobRoute implements jobs.Args.
func (a CustomerArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a CustomerArgs) JobEntity() string {
	if len(a.Customers) == 1 {
		return "customer " + a.Customers[0].Email
	}
	return fmt.Sprintf("page of %d customers", len(a.Customers))
}

func registerCustomers(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[CustomerArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		res, err := upsertCustomers(ctx, rt, r, job.Args.Customers, nil)
		rt.Count(r.Name, countStop(ctx, res, err, len(job.Args.Customers)))
		return err
	})
}

func customersOptions(r Route) *CustomersOptions {
	if o, ok := r.Options.(*CustomersOptions); ok && o != nil {
		return o
	}
	return &CustomersOptions{BatchSize: 50, Overlap: DefaultOverlap}
}

func passCustomers(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	opts := customersOptions(r)
	src, err := As[CustomerSource](ctx, rt, r, r.From, "a customer source")
	if err != nil {
		return Result{}, err
	}
	since := p.Since
	if since.IsZero() {
		if since, err = ReadCursor(ctx, rt.Store, r.Name, "customers", opts.Overlap); err != nil {
			return Result{}, err
		}
	}
	var res Result
	var pageErr error
	err = src.ChangedCustomers(ctx, since, func(customers []model.Party, bad []error, through time.Time) error {
		var skips []store.Skip
		for _, e := range bad {
			res.Skipped++
			skips = append(skips, store.Skip{Route: r.Name, Entity: "bad:" + Hash(e.Error()), Label: "customer", Reason: e.Error()})
		}
		local := make([]string, len(customers))
		for i, c := range customers {
			local[i] = r.From + ":" + c.ID
		}
		links, err := rt.linksByLocal(ctx, r.To, customerLink, local)
		if err != nil {
			return err
		}
		var todo []model.Party
		for i, c := range customers {
			if l, ok := links[local[i]]; ok && l.Hash == customerHash(c) {
				res.Unchanged++
				continue
			}
			todo = append(todo, c)
		}
		if p.DryRun != nil {
			r2, err := upsertCustomers(ctx, rt, r, todo, p.DryRun)
			res = res.Add(r2)
			return err
		}
		if err := rt.Store.PutSkips(ctx, skips); err != nil {
			return err
		}
		var ins []jobs.Insert
		for start := 0; start < len(todo); start += opts.BatchSize {
			page := todo[start:min(start+opts.BatchSize, len(todo))]
			keys := make([]string, len(page))
			for i, c := range page {
				keys[i] = c.ID + "@" + customerHash(c)
			}
			ins = append(ins, jobs.Insert{Args: CustomerArgs{Route: r.Name, Key: Hash(keys), Customers: page}, Queue: jobs.QueueName(r.To)})
		}
		if _, err := rt.Queue.EnqueueMany(ctx, ins); err != nil {
			pageErr = err
			return err
		}
		res.Enqueued += len(ins)
		res.Queued += len(todo)
		pageErr = AdvanceCursor(ctx, rt.Store, r.Name, "customers", through)
		return pageErr
	})
	if err != nil && err != pageErr {
		err = fmt.Errorf("route %s: reading customers from %s: %w", r.Name, r.From, err)
	}
	return res, err
}

// customerData is what a customer's link keeps for the dashboard.
type customerData struct {
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
	City    string `json:"city,omitempty"`
	Country string `json:"country,omitempty"`
}

// CustomerRecord is a customer a customers route wrote, as the Sales page
// lists it.
type CustomerRecord struct {
	Route     string    `json:"route"`
	Target    string    `json:"target"`
	ID        string    `json:"id"`
	RemoteID  string    `json:"remote_id"`
	TargetURL string    `json:"target_url,omitempty"`
	Name      string    `json:"name,omitempty"`
	Email     string    `json:"email,omitempty"`
	City      string    `json:"city,omitempty"`
	Country   string    `json:"country,omitempty"`
	At        time.Time `json:"at"`
}

// CustomerRecords lists what the customers routes wrote, newest first, at
// most limit (0: 500).
func (rt *Runtime) CustomerRecords(ctx context.Context, limit int) ([]CustomerRecord, error) {
	if limit <= 0 {
		limit = 500
	}
	var out []CustomerRecord
	for _, r := range rt.Routes() {
		if r.Flow != "customers" {
			continue
		}
		links, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.To, Kind: customerLink})
		if err != nil {
			return nil, fmt.Errorf("route %s: reading customers: %w", r.Name, err)
		}
		var linker interface{ RecordURL(kind, id string) string }
		if c, err := rt.Conn(ctx, r.To); err == nil {
			linker, _ = c.(interface{ RecordURL(kind, id string) string })
		}
		for _, l := range links {
			id, ok := strings.CutPrefix(l.LocalID, r.From+":")
			if !ok {
				continue
			}
			var d customerData
			_ = json.Unmarshal(l.Data, &d)
			cr := CustomerRecord{Route: r.Name, Target: r.To, ID: id, RemoteID: l.RemoteID, Name: d.Name, Email: d.Email, City: d.City, Country: d.Country, At: l.SyncedAt}
			if linker != nil {
				cr.TargetURL = linker.RecordURL("partner", l.RemoteID)
			}
			out = append(out, cr)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// upsertCustomers writes a page of customers under a lease per e-mail (the
// ERP's natural key), skipping those whose link is newer than the version in
// hand (a later job wrote a later change).
func upsertCustomers(ctx context.Context, rt *Runtime, r Route, customers []model.Party, dry *DryRun) (Result, error) {
	var res Result
	if len(customers) == 0 {
		return res, nil
	}
	local := make([]string, len(customers))
	keys := make([]string, 0, len(customers))
	for i, c := range customers {
		local[i] = r.From + ":" + c.ID
		keys = append(keys, r.To+":customer:"+strings.ToLower(strings.TrimSpace(c.Email)))
	}
	if dry != nil {
		for _, c := range customers {
			dry.Record(Action{Op: "create or update", Target: r.To, Entity: "customer " + c.Email, Detail: c.Name})
			res.Updated++
		}
		return res, nil
	}
	sink, err := As[CustomerSink](ctx, rt, r, r.To, "a customer target")
	if err != nil {
		return res, err
	}
	err = rt.withKeys(ctx, keys, func() error {
		links, err := rt.linksByLocal(ctx, r.To, customerLink, local)
		if err != nil {
			return err
		}
		var ups []model.CustomerUpsert
		var idx []int
		for i, c := range customers {
			l, ok := links[local[i]]
			switch {
			case ok && l.Hash == customerHash(c):
				res.Unchanged++
				continue
			case ok && l.SourceVersion != "" && l.SourceVersion > c.UpdatedAt.UTC().Format(time.RFC3339Nano):
				// A newer change of this customer was written already.
				res.Unchanged++
				continue
			}
			ups = append(ups, model.CustomerUpsert{Customer: c, RemoteID: l.RemoteID})
			idx = append(idx, i)
		}
		if len(ups) == 0 {
			return nil
		}
		results, err := sink.UpsertCustomers(ctx, ups)
		if err != nil {
			return fmt.Errorf("route %s: writing %d customers to %s: %w", r.Name, len(ups), r.To, err)
		}
		if len(results) != len(ups) {
			return fmt.Errorf("route %s: %s answered %d results for %d customers", r.Name, r.To, len(results), len(ups))
		}
		var retry []error
		var refused []store.Skip
		for j, wr := range results {
			c := customers[idx[j]]
			if wr.Err != nil {
				if jobs.ClassOf(wr.Err) == jobs.ClassTransient {
					retry = append(retry, fmt.Errorf("customer %s: %w", c.Email, wr.Err))
					continue
				}
				// Refused for good (a bad VAT code, say): shown with the
				// reason and taken again when the customer changes.
				res.Failed++
				refused = append(refused, store.Skip{Route: r.Name, Entity: c.ID, Label: "customer " + c.Email, Version: customerHash(c), Reason: wr.Err.Error()})
				rt.logLine(ctx, store.LevelError, r.Name, "customer "+c.Email, wr.Err.Error())
				continue
			}
			data, _ := json.Marshal(customerData{Name: c.Name, Email: c.Email, City: c.Address.City, Country: c.Address.Country})
			err := rt.Store.PutLink(ctx, store.Link{Connection: r.To, Kind: customerLink, LocalID: local[idx[j]], RemoteID: wr.RemoteID,
				Hash: customerHash(c), SourceVersion: c.UpdatedAt.UTC().Format(time.RFC3339Nano), Data: data, SyncedAt: time.Now().UTC()})
			if err != nil && !errors.Is(err, store.ErrLinkConflict) {
				return err
			}
			if wr.Created {
				res.Created++
			} else {
				res.Updated++
			}
		}
		if err := rt.Store.PutSkips(ctx, refused); err != nil {
			return err
		}
		// The others are written and linked: a retry writes only these.
		return errors.Join(retry...)
	})
	return res, err
}
