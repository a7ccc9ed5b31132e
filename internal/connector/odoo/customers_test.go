package odoo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

var _ flow.CustomerSink = (*Client)(nil)

// shopCustomer is shop customer n, its e-mail in mixed case as shops keep it.
func shopCustomer(n int) model.Party {
	return model.Party{ID: fmt.Sprint(n), Name: fmt.Sprintf("Kauppa Asiakas %d", n), Email: fmt.Sprintf("Shop.Customer%d@Example.fi", n), Phone: fmt.Sprintf("+358 40 %07d", n),
		Address: model.Address{Street: fmt.Sprintf("Kauppakatu %d", n), PostalCode: "00100", City: "Helsinki", Country: "FI"}}
}

func upserts(ps ...model.Party) []model.CustomerUpsert {
	out := make([]model.CustomerUpsert, len(ps))
	for i, p := range ps {
		out[i] = model.CustomerUpsert{Customer: p}
	}
	return out
}

// linked gives each upsert the partner of the result before it.
func linked(ups []model.CustomerUpsert, res []model.WriteResult) []model.CustomerUpsert {
	out := append([]model.CustomerUpsert(nil), ups...)
	for i := range out {
		out[i].RemoteID = res[i].RemoteID
	}
	return out
}

func mustUpsert(t *testing.T, c *Client, ups []model.CustomerUpsert) []model.WriteResult {
	t.Helper()
	res, err := c.UpsertCustomers(context.Background(), ups)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(ups) {
		t.Fatalf("%d results for %d customers", len(res), len(ups))
	}
	for i, r := range res {
		if r.Err != nil || r.RemoteID == "" {
			t.Fatalf("customer %s: %+v", ups[i].Customer.Email, r)
		}
	}
	return res
}

func readPartner(t *testing.T, c *Client, id string) customerRow {
	t.Helper()
	rows := map[int64]customerRow{}
	if err := c.readCustomers(context.Background(), []int64{partnerID(id)}, rows); err != nil {
		t.Fatal(err)
	}
	r, ok := rows[partnerID(id)]
	if !ok {
		t.Fatalf("no partner %s", id)
	}
	return r
}

// partnersWithEmail counts the top-level partners of an e-mail, any case,
// archived too.
func partnersWithEmail(t *testing.T, c *Client, email string) int {
	t.Helper()
	rows, err := SearchRead[partnerRow](context.Background(), c, "res.partner", Query{Domain: emailDomain([]any{emailKey(email)}), Fields: []string{"email"}, Context: inactiveToo})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if emailKey(string(r.Email)) == emailKey(email) {
			n++
		}
	}
	return n
}

func countryID(t *testing.T, c *Client, code string) int64 {
	t.Helper()
	m, err := c.countryIDs(context.Background(), []string{code})
	if err != nil || m[code] == 0 {
		t.Fatalf("country %s: %v %v", code, m, err)
	}
	return m[code]
}

func createPartner(t *testing.T, c *Client, vals map[string]any) string {
	t.Helper()
	ids, err := c.Create(context.Background(), "res.partner", []map[string]any{vals}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(ids[0])
}

func TestUpsertCustomers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, c *Client, sb *sandbox.Server)
	}{
		{"new customers are created in one call and then matched, by link or by e-mail", func(t *testing.T, c *Client, sb *sandbox.Server) {
			var ps []model.Party
			for n := 1; n <= 5; n++ {
				ps = append(ps, shopCustomer(n))
			}
			ps[4].IsCompany, ps[4].Name, ps[4].VATCode = true, "Hyvä Oy", "FI12345671"
			ups := upserts(ps...)
			creates := sb.Calls("res.partner", "create")
			res := mustUpsert(t, c, ups)
			if n := sb.Calls("res.partner", "create") - creates; n != 1 {
				t.Fatalf("%d creates for 5 new customers", n)
			}
			for i, r := range res {
				if !r.Created {
					t.Fatalf("customer %d not created: %+v", i, r)
				}
			}
			p := readPartner(t, c, res[0].RemoteID)
			if p.Name != "Kauppa Asiakas 1" || p.Email != "shop.customer1@example.fi" || p.Phone != "+358 40 0000001" || p.Street != "Kauppakatu 1" || p.Zip != "00100" || p.City != "Helsinki" || p.CountryID.ID != countryID(t, c, "FI") || p.IsCompany {
				t.Fatalf("partner of customer 1: %+v", p)
			}
			if !readPartner(t, c, res[4].RemoteID).IsCompany {
				t.Fatal("the company customer is not a company in Odoo")
			}
			if n, err := c.SearchCount(ctx, "res.partner", []any{[]any{"id", "=", partnerID(res[4].RemoteID)}, []any{"vat", "=", "FI12345671"}, []any{"ref", "=", "5"}}); err != nil || n != 1 {
				t.Fatalf("the company's VAT number or reference is not on its partner (%d, %v)", n, err)
			}
			// Linked: nothing differs, nothing is written.
			creates, writes := sb.Calls("res.partner", "create"), sb.Calls("res.partner", "write")
			again := mustUpsert(t, c, linked(ups, res))
			// Links lost: found by e-mail, the same partners.
			lost := mustUpsert(t, c, ups)
			for i := range res {
				if again[i].RemoteID != res[i].RemoteID || again[i].Created || lost[i].RemoteID != res[i].RemoteID || lost[i].Created {
					t.Fatalf("customer %d: %+v, then %+v, then %+v", i, res[i], again[i], lost[i])
				}
			}
			if n, m := sb.Calls("res.partner", "create")-creates, sb.Calls("res.partner", "write")-writes; n != 0 || m != 0 {
				t.Fatalf("unchanged customers: %d creates, %d writes", n, m)
			}
		}},
		{"a partner of the e-mail, archived and in another case, is updated, not made again", func(t *testing.T, c *Client, sb *sandbox.Server) {
			id := createPartner(t, c, map[string]any{"name": "Vanha Nimi", "email": "Maija.Mixedcase@Example.FI", "phone": "+358 9 123", "street": "Vanhakatu 1", "city": "Turku", "active": false})
			p := model.Party{ID: "77", Name: "Maija Mixedcase", Email: "maija.mixedcase@example.fi", Address: model.Address{Street: "Uusikatu 2", PostalCode: "00100", City: "Helsinki", Country: "FI"}}
			res := mustUpsert(t, c, upserts(p))
			if res[0].RemoteID != id || res[0].Created {
				t.Fatalf("%+v, want partner %s found", res[0], id)
			}
			got := readPartner(t, c, id)
			if got.Name != "Maija Mixedcase" || got.Email != "Maija.Mixedcase@Example.FI" || got.Phone != "+358 9 123" || got.Street != "Uusikatu 2" || got.Zip != "00100" || got.City != "Helsinki" || got.CountryID.ID != countryID(t, c, "FI") {
				t.Fatalf("partner after the update: %+v", got)
			}
			if n := partnersWithEmail(t, c, p.Email); n != 1 {
				t.Fatalf("%d partners of %s", n, p.Email)
			}
		}},
		{"a linked customer gets the fields that differ; empty ones never blank Odoo's", func(t *testing.T, c *Client, sb *sandbox.Server) {
			ups := upserts(shopCustomer(1), shopCustomer(2))
			res := mustUpsert(t, c, ups)
			id := partnerID(res[0].RemoteID)
			if err := c.Write(ctx, "res.partner", []int64{id}, map[string]any{"street2": "B 12"}); err != nil {
				t.Fatal(err)
			}
			ups = linked(ups, res)
			ch := &ups[0].Customer
			ch.Name, ch.Phone, ch.Email = "", "", "Uusi.Osoite@Example.fi"
			ch.Address = model.Address{FirstName: "Kalle", LastName: "Kauppa", Street: "Toinenkatu 5", City: "Tampere", PostalCode: "33100", Country: "SE", Phone: "+46 1"}
			ch.IsCompany = false
			writes := sb.Calls("res.partner", "write")
			again := mustUpsert(t, c, ups)
			if again[0].RemoteID != res[0].RemoteID || again[0].Created || again[1].RemoteID != res[1].RemoteID {
				t.Fatalf("%+v, want the linked partners", again)
			}
			if n := sb.Calls("res.partner", "write") - writes; n != 1 {
				t.Fatalf("%d writes for one changed customer", n)
			}
			got := readPartner(t, c, res[0].RemoteID)
			if got.Name != "Kalle Kauppa" || got.Email != "uusi.osoite@example.fi" || got.Phone != "+358 40 0000001" || got.Street != "Toinenkatu 5" || got.Street2 != "B 12" || got.City != "Tampere" || got.Zip != "33100" || got.CountryID.ID != countryID(t, c, "SE") {
				t.Fatalf("partner after the update: %+v", got)
			}
			// Every shop field empty: nothing is written.
			ups[0].Customer = model.Party{ID: "1"}
			writes = sb.Calls("res.partner", "write")
			mustUpsert(t, c, ups)
			if n := sb.Calls("res.partner", "write") - writes; n != 0 {
				t.Fatalf("%d writes for a customer with no values", n)
			}
			if got2 := readPartner(t, c, res[0].RemoteID); got2 != got {
				t.Fatalf("an empty customer changed the partner: %+v, was %+v", got2, got)
			}
			// The company flag is set, never taken away.
			ups[1].Customer.IsCompany = true
			mustUpsert(t, c, ups)
			ups[1].Customer.IsCompany = false
			mustUpsert(t, c, ups)
			if !readPartner(t, c, res[1].RemoteID).IsCompany {
				t.Fatal("the company flag was taken away")
			}
		}},
		{"a linked partner deleted in Odoo is matched by e-mail", func(t *testing.T, c *Client, sb *sandbox.Server) {
			ups := upserts(shopCustomer(1), shopCustomer(2), shopCustomer(3))
			res := mustUpsert(t, c, ups)
			for _, r := range res[:2] {
				if _, err := c.Call(ctx, "res.partner", "unlink", []int64{partnerID(r.RemoteID)}, nil); err != nil {
					t.Fatal(err)
				}
			}
			// Customer 2 has another partner of its e-mail by now.
			other := createPartner(t, c, map[string]any{"name": "Käsin tehty", "email": "SHOP.CUSTOMER2@example.fi"})
			ups = linked(ups, res)
			ups[2].RemoteID = "not-a-partner"
			again := mustUpsert(t, c, ups)
			if !again[0].Created || again[0].RemoteID == res[0].RemoteID {
				t.Fatalf("deleted partner without another: %+v", again[0])
			}
			if again[1].Created || again[1].RemoteID != other {
				t.Fatalf("deleted partner with another of its e-mail: %+v, want %s", again[1], other)
			}
			if again[2].Created || again[2].RemoteID != res[2].RemoteID {
				t.Fatalf("a link that is no partner id: %+v, want %s", again[2], res[2].RemoteID)
			}
			if got := readPartner(t, c, other); got.Name != "Kauppa Asiakas 2" || got.City != "Helsinki" {
				t.Fatalf("the partner found is not updated: %+v", got)
			}
		}},
		{"a VAT number Odoo refuses refuses only its customer", func(t *testing.T, c *Client, sb *sandbox.Server) {
			sb.SetBaseVAT(true)
			var ps []model.Party
			for n := 1; n <= 7; n++ {
				ps = append(ps, shopCustomer(n))
			}
			ps[3].Name, ps[3].VATCode, ps[3].IsCompany = "Huono Oy", badVAT, true
			res, err := c.UpsertCustomers(ctx, upserts(ps...))
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				if i == 3 {
					var re *RecordError
					if !errors.As(r.Err, &re) || jobs.ClassOf(r.Err) != jobs.ClassPermanent || r.RemoteID != "" {
						t.Fatalf("refused customer: %+v", r)
					}
					for _, want := range []string{"customer Shop.Customer4@Example.fi", "The VAT number [", "Huono Oy", "field vat", badVAT} {
						if !strings.Contains(r.Err.Error(), want) {
							t.Errorf("%q lacks %q", r.Err, want)
						}
					}
					continue
				}
				if r.Err != nil || !r.Created {
					t.Fatalf("customer %d: %+v", i, r)
				}
			}
			if n := partnersWithEmail(t, c, ps[3].Email); n != 0 {
				t.Fatalf("%d partners of the refused customer", n)
			}
		}},
		{"a change Odoo refuses fails only its customer, naming the fields", func(t *testing.T, c *Client, sb *sandbox.Server) {
			sb.SetBaseVAT(true)
			a, b := shopCustomer(1), shopCustomer(2)
			a.Name, a.VATCode, a.IsCompany = "Hyvä Oy", "12345671", true // a Finnish number, no prefix
			ups := upserts(a, b)
			res := mustUpsert(t, c, ups)
			ups = linked(ups, res)
			ups[0].Customer.Address.Country = "SE" // base_vat checks the number against the new country
			ups[1].Customer.Address.City = "Espoo"
			out, err := c.UpsertCustomers(ctx, ups)
			if err != nil {
				t.Fatal(err)
			}
			var re *RecordError
			if !errors.As(out[0].Err, &re) || jobs.ClassOf(out[0].Err) != jobs.ClassPermanent || !strings.Contains(out[0].Err.Error(), "customer Shop.Customer1@Example.fi") || !strings.Contains(out[0].Err.Error(), "(country_id)") || !strings.Contains(out[0].Err.Error(), "The VAT number") {
				t.Fatalf("refused change: %+v", out[0])
			}
			if out[1].Err != nil || readPartner(t, c, res[1].RemoteID).City != "Espoo" {
				t.Fatalf("the other customer: %+v", out[1])
			}
			if got := readPartner(t, c, res[0].RemoteID); got.CountryID.ID != countryID(t, c, "FI") {
				t.Fatalf("the refused change was written: %+v", got)
			}
		}},
		{"a create whose answer is lost is found again by e-mail", func(t *testing.T, c *Client, sb *sandbox.Server) {
			ups := upserts(shopCustomer(1), shopCustomer(2), shopCustomer(3))
			creates := sb.Calls("res.partner", "create")
			sb.FailAfterCommit("res.partner", "create", 1)
			res := mustUpsert(t, c, ups)
			for i, r := range res {
				if !r.Created {
					t.Fatalf("customer %d, made by the call whose answer was lost: %+v", i, r)
				}
			}
			// The job retries (its result was lost too): the same partners.
			again := mustUpsert(t, c, ups)
			for i := range res {
				if again[i].RemoteID != res[i].RemoteID || again[i].Created {
					t.Fatalf("retry of customer %d: %+v, first %+v", i, again[i], res[i])
				}
				if n := partnersWithEmail(t, c, ups[i].Customer.Email); n != 1 {
					t.Fatalf("%d partners of %s", n, ups[i].Customer.Email)
				}
			}
			if n := sb.Calls("res.partner", "create") - creates; n != 1 {
				t.Fatalf("%d creates, want the one whose answer was lost", n)
			}
			// A write that commits and loses its answer is for a retry, which
			// finds nothing left to write.
			ups = linked(ups, res)
			// The page's later writes wait for the retry (the connection
			// may be down); a customer with nothing to write is done.
			ups[0].Customer.Address.City, ups[1].Customer.Address.City = "Oulu", "Kemi"
			sb.FailAfterCommit("res.partner", "write", 1)
			writes := sb.Calls("res.partner", "write")
			out, err := c.UpsertCustomers(ctx, ups)
			if err != nil || out[0].Err == nil || jobs.ClassOf(out[0].Err) != jobs.ClassTransient ||
				out[1].Err == nil || jobs.ClassOf(out[1].Err) != jobs.ClassTransient || !strings.Contains(out[1].Err.Error(), "not written") ||
				out[2].Err != nil || out[2].RemoteID != res[2].RemoteID {
				t.Fatalf("lost write: %+v %v", out, err)
			}
			if n := sb.Calls("res.partner", "write") - writes; n != 1 {
				t.Fatalf("%d writes after the lost one", n)
			}
			writes = sb.Calls("res.partner", "write")
			mustUpsert(t, c, ups)
			if n := sb.Calls("res.partner", "write") - writes; n != 1 || readPartner(t, c, res[0].RemoteID).City != "Oulu" || readPartner(t, c, res[1].RemoteID).City != "Kemi" {
				t.Fatalf("retry of the lost write: %d writes, want the one not tried", n)
			}
		}},
		{"under commit-then-fail, retried pages make each customer once", func(t *testing.T, c *Client, sb *sandbox.Server) {
			// Customers arrive three a round for four rounds, and every
			// round changes the city of those linked; half of the creates
			// and writes commit and lose their answer. A page is taken
			// again as the route's job would: the linked ones by their
			// link, the others by e-mail.
			sb.SetCommitThenFailRate(0.5)
			var ups []model.CustomerUpsert
			done := map[int]string{}
			faults, clean := 0, false
			for round := 0; round < 4 || !clean; round++ {
				if round == 40 {
					t.Fatalf("%d of %d customers after %d rounds", len(done), len(ups), round)
				}
				if round < 4 {
					for n := 3*round + 1; n <= 3*round+3; n++ {
						ups = append(ups, upserts(shopCustomer(n))...)
					}
				}
				page := append([]model.CustomerUpsert(nil), ups...)
				for i := range page {
					page[i].RemoteID = done[i]
					if round < 6 {
						page[i].Customer.Address.City = fmt.Sprintf("Kaupunki %d", round)
						ups[i].Customer.Address.City = page[i].Customer.Address.City
					}
				}
				res, err := c.UpsertCustomers(ctx, page)
				if err != nil {
					faults++
					clean = false
					continue
				}
				clean = true
				for i, r := range res {
					switch {
					case r.Err != nil && jobs.ClassOf(r.Err) != jobs.ClassTransient:
						t.Fatalf("customer %d: %v", i, r.Err)
					case r.Err != nil:
						faults++
						clean = false
					default:
						if prev, ok := done[i]; ok && prev != r.RemoteID {
							t.Fatalf("customer %d moved from partner %s to %s", i, prev, r.RemoteID)
						}
						done[i] = r.RemoteID
					}
				}
			}
			sb.SetCommitThenFailRate(0)
			if faults == 0 {
				t.Fatal("no call failed: the test proves nothing")
			}
			for i, u := range ups {
				if n := partnersWithEmail(t, c, u.Customer.Email); n != 1 {
					t.Fatalf("%d partners of %s", n, u.Customer.Email)
				}
				if got := readPartner(t, c, done[i]); string(got.City) != u.Customer.Address.City {
					t.Fatalf("customer %d: city %q, the shop's %q", i, got.City, u.Customer.Address.City)
				}
			}
		}},
		{"results come one per customer, in order", func(t *testing.T, c *Client, sb *sandbox.Server) {
			first := mustUpsert(t, c, upserts(shopCustomer(1), shopCustomer(6)))
			if _, err := c.Call(ctx, "res.partner", "unlink", []int64{partnerID(first[1].RemoteID)}, nil); err != nil {
				t.Fatal(err)
			}
			existing := createPartner(t, c, map[string]any{"name": "Olemassa", "email": "shop.customer3@example.fi"})
			dup := shopCustomer(2)
			dup.ID, dup.Name = "22", "Kaksoisosoite"
			page := []model.CustomerUpsert{
				{Customer: shopCustomer(1), RemoteID: first[0].RemoteID}, // linked
				{Customer: shopCustomer(2)},                              // new
				{Customer: model.Party{ID: "9", Name: "Ei osoitetta"}},   // no e-mail
				{Customer: shopCustomer(3)},                              // found by e-mail
				{Customer: dup},                                          // the same e-mail as the second
				{Customer: shopCustomer(6), RemoteID: first[1].RemoteID}, // linked, deleted
			}
			res, err := c.UpsertCustomers(ctx, page)
			if err != nil || len(res) != len(page) {
				t.Fatalf("%+v %v", res, err)
			}
			var re *RecordError
			switch {
			case res[0].Err != nil || res[0].RemoteID != first[0].RemoteID || res[0].Created:
				t.Fatalf("linked: %+v", res[0])
			case res[1].Err != nil || !res[1].Created:
				t.Fatalf("new: %+v", res[1])
			case !errors.As(res[2].Err, &re) || jobs.ClassOf(res[2].Err) != jobs.ClassPermanent || !strings.Contains(res[2].Err.Error(), "no e-mail (field email)") || res[2].RemoteID != "":
				t.Fatalf("no e-mail: %+v", res[2])
			case res[3].Err != nil || res[3].RemoteID != existing || res[3].Created:
				t.Fatalf("found by e-mail: %+v, want %s", res[3], existing)
			case res[4].Err != nil || res[4].RemoteID != res[1].RemoteID || res[4].Created:
				t.Fatalf("second customer of an e-mail: %+v, first %+v", res[4], res[1])
			case res[5].Err != nil || !res[5].Created || res[5].RemoteID == first[1].RemoteID:
				t.Fatalf("linked, deleted: %+v", res[5])
			}
			if got := readPartner(t, c, res[1].RemoteID); got.Name != "Kaksoisosoite" {
				t.Fatalf("the page's last customer of an e-mail is not what the partner shows: %+v", got)
			}
		}},
		{"the orders import and the customers route share one partner", func(t *testing.T, c *Client, sb *sandbox.Server) {
			levels, err := c.StockLevels(ctx)
			if err != nil || len(levels) == 0 {
				t.Fatalf("%v %v", levels, err)
			}
			order := func(n int, email string) model.OrderImport {
				imps := testOrders(1)
				imps[0].Ref, imps[0].Order.Number = fmt.Sprintf("SHOP-%d", n), fmt.Sprint(n)
				imps[0].Order.Customer.Email = email
				imps[0].Order.Lines[0].SKU, imps[0].Carrier = levels[0].SKU, "Posti SmartPOST"
				return imps[0]
			}
			partnerOf := func(orderID string) string {
				rows, err := SearchRead[orderRow](ctx, c, "sale.order", Query{Domain: []any{[]any{"id", "=", parseInt(orderID)}}, Fields: orderFields})
				if err != nil || len(rows) != 1 {
					t.Fatalf("%v %v", rows, err)
				}
				return fmt.Sprint(rows[0].PartnerID.ID)
			}
			// Customer first, then its order.
			res := mustUpsert(t, c, upserts(shopCustomer(1)))
			imp, err := c.ImportOrders(ctx, []model.OrderImport{order(1, "SHOP.CUSTOMER1@example.fi")})
			if err != nil || imp[0].Err != nil {
				t.Fatalf("%+v %v", imp, err)
			}
			if p := partnerOf(imp[0].RemoteID); p != res[0].RemoteID {
				t.Fatalf("the order's partner is %s, the customer's %s", p, res[0].RemoteID)
			}
			// Order first, then its customer.
			imp, err = c.ImportOrders(ctx, []model.OrderImport{order(2, "shop.customer2@example.fi")})
			if err != nil || imp[0].Err != nil {
				t.Fatalf("%+v %v", imp, err)
			}
			res = mustUpsert(t, c, upserts(shopCustomer(2)))
			if p := partnerOf(imp[0].RemoteID); res[0].Created || p != res[0].RemoteID {
				t.Fatalf("the customer %+v is not its order's partner %s", res[0], p)
			}
			if got := readPartner(t, c, res[0].RemoteID); got.Name != "Kauppa Asiakas 2" || got.Street != "Kauppakatu 2" {
				t.Fatalf("the order's partner is not updated: %+v", got)
			}
		}},
	}
	for _, tc := range tests {
		for _, version := range []int{14, 15, 16, 17, 18, 19} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, version), func(t *testing.T) {
				t.Parallel()
				c, sb := sandboxClient(t, version)
				tc.run(t, c, sb)
			})
		}
	}
}
