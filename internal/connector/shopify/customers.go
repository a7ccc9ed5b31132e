package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// ChangedCustomers reads the customers updated at or after since (all when
// since is zero), oldest change first, a page at a time (flow.CustomerSource),
// by the same keyset on (updatedAt, id) as ChangedOrders, so a customer that
// changes while the pass pages is read again later and none is skipped.
// through is the updatedAt of the page's last customer. Customers that cannot
// be read come in bad, naming the customer and the field.
func (c *Client) ChangedCustomers(ctx context.Context, since time.Time, page func(customers []model.Party, bad []error, through time.Time) error) error {
	vars := map[string]any{}
	if !since.IsZero() {
		vars["q"] = fmt.Sprintf("updated_at:>='%s'", since.UTC().Truncate(time.Second).Format(time.RFC3339))
	}
	first, err := c.pageSize("Customers", "first", vars)
	if err != nil {
		return err
	}
	vars["first"] = first
	through := since
	for {
		var raw struct {
			Customers struct {
				PageInfo PageInfo          `json:"pageInfo"`
				Nodes    []json.RawMessage `json:"nodes"`
			} `json:"customers"`
		}
		if err := c.do(ctx, "Customers", vars, &raw); err != nil {
			return fmt.Errorf("shopify %s: listing customers changed since %s: %w", c.settings.Shop, since.Format(time.RFC3339), err)
		}
		var out []model.Party
		var bad []error
		for _, n := range raw.Customers.Nodes {
			p, at, err := DecodeCustomer(n)
			if err != nil {
				if re, ok := err.(*RecordError); ok {
					re.Shop = c.settings.Shop
				}
				bad = append(bad, err)
			} else {
				out = append(out, p)
			}
			if at.After(through) {
				through = at
			}
		}
		if err := page(out, bad, through); err != nil {
			return err
		}
		pi := raw.Customers.PageInfo
		if !pi.HasNextPage || pi.EndCursor == "" {
			return nil
		}
		vars["after"] = pi.EndCursor
	}
}

// DecodeCustomer maps one customer node to a party with its default address
// and says when it last changed.
func DecodeCustomer(data []byte) (model.Party, time.Time, error) {
	var n struct {
		ID        string          `json:"id"`
		Email     *string         `json:"email"`
		Phone     *string         `json:"phone"`
		FirstName *string         `json:"firstName"`
		LastName  *string         `json:"lastName"`
		UpdatedAt *time.Time      `json:"updatedAt"`
		Address   *MailingAddress `json:"defaultAddress"`
	}
	if err := json.Unmarshal(data, &n); err != nil {
		return model.Party{}, time.Time{}, &RecordError{Kind: "customer", Field: "customer", Err: err}
	}
	if n.ID == "" {
		return model.Party{}, time.Time{}, &RecordError{Kind: "customer", Field: "id", Err: fmt.Errorf("missing")}
	}
	var at time.Time
	if n.UpdatedAt == nil {
		return model.Party{}, at, &RecordError{Kind: "customer", ID: n.ID, Field: "updatedAt", Err: fmt.Errorf("missing")}
	}
	at = n.UpdatedAt.UTC()
	email := strings.TrimSpace(str(n.Email))
	p := model.Party{ID: model.RemoteID(n.ID), Email: email, Phone: str(n.Phone), UpdatedAt: at,
		Name: strings.TrimSpace(str(n.FirstName) + " " + str(n.LastName)), Address: toAddress(n.Address, email)}
	if p.Phone == "" {
		p.Phone = p.Address.Phone
	}
	if p.Name == "" {
		p.Name = p.Address.FullName()
	}
	if p.Address.Company != "" && p.Name == "" {
		p.Name, p.IsCompany = p.Address.Company, true
	}
	if p.Email == "" {
		return p, at, &RecordError{Kind: "customer", ID: n.ID, Field: "email", Err: fmt.Errorf("the customer has no e-mail address; the ERP matches customers by it")}
	}
	return p, at, nil
}
