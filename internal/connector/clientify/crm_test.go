package clientify

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/clientify"
)

// word draws a short text without outer blanks (or "").
func word(t *rapid.T, label string, empty bool) string {
	re := `[A-Za-zÁÉÍÑáéíñ][a-zñ]{0,7}( [A-Za-zñ]{1,6})?`
	if empty && rapid.Bool().Draw(t, label+"?") {
		return ""
	}
	return rapid.StringMatching(re).Draw(t, label)
}

func phone(t *rapid.T, label string) string {
	return rapid.StringMatching(`\+34 [69][0-9]{2} [0-9]{3} [0-9]{3}`).Draw(t, label)
}

// A whole name written to a contact (Odoo's one field) reads back as that
// name, whatever last name the contact had: kept when the name ends with
// it, else blanked and the name sent whole as first_name.
func TestNameBodyKeepsTheName(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		last := word(t, "last", true)
		name := word(t, "name", false)
		if rapid.Bool().Draw(t, "ends with the last name") && last != "" {
			name += " " + last
		}
		body := map[string]any{}
		nameBody(body, name, last)
		first, _ := body["first_name"].(string)
		after := last
		if v, ok := body["last_name"]; ok {
			after = v.(string)
		}
		if got := strings.TrimSpace(first + " " + after); got != strings.Join(strings.Fields(name), " ") || first == "" {
			t.Fatalf("name %q over last name %q: first %q last %q", name, last, first, after)
		}
	})
}

// The mappings of companies, contacts and products read back what they
// wrote, through the sandbox: every field of a create, and on an update
// exactly the fields asked for (an empty one leaves what was there).
func TestCRMMappingsRoundTrip(t *testing.T) {
	t.Parallel()
	e := startSandbox(t, sandbox.Options{Companies: -1, Contacts: -1, Products: -1, RateLimit: -1})
	c := e.client(nil)
	ctx := context.Background()
	n := 0
	next := func() int { n++; return n }

	t.Run("companies", func(t *testing.T) {
		gen := func(t *rapid.T, label string) model.Company {
			return model.Company{Ref: fmt.Sprintf("B%08d", next()), Name: word(t, label+".name", false), LegalName: word(t, label+".legal", true),
				Phone: phone(t, label+".phone"), Street: word(t, label+".street", true), City: word(t, label+".city", true),
				State: word(t, label+".state", true), Country: rapid.SampledFrom([]string{"", "ES", "España"}).Draw(t, label+".country"), Zip: rapid.StringMatching(`[0-9]{5}`).Draw(t, label+".zip")}
		}
		rapid.Check(t, func(t *rapid.T) {
			in := gen(t, "in")
			w, err := c.WriteCompanies(ctx, []model.Upsert[model.Company]{{Record: in}})
			if err != nil || w[0].Err != nil {
				t.Fatalf("%v %v", err, w[0].Err)
			}
			got := w[0].Record
			want := in
			want.ID, want.UpdatedAt = got.ID, got.UpdatedAt
			if got != want || !w[0].Created {
				t.Fatalf("created %+v, read back %+v", want, got)
			}
			again, err := c.ReadCompanies(ctx, []string{got.ID})
			if err != nil || len(again) != 1 || again[0] != got {
				t.Fatalf("read by id %+v (%v), written %+v", again, err, got)
			}
			upd := gen(t, "upd")
			upd.Ref = in.Ref
			fields := rapid.SliceOfDistinct(rapid.SampledFrom([]string{"name", "legal_name", "phone", "street", "city", "state", "country", "zip"}), func(s string) string { return s }).Draw(t, "fields")
			w, err = c.WriteCompanies(ctx, []model.Upsert[model.Company]{{Record: upd, RemoteID: got.ID, Fields: fields}})
			if err != nil || w[0].Err != nil {
				t.Fatalf("%v %v", err, w[0].Err)
			}
			want = got
			for _, f := range fields {
				switch f {
				case "name":
					want.Name = upd.Name
				case "legal_name":
					want.LegalName = orStr(upd.LegalName, want.LegalName)
				case "phone":
					want.Phone = upd.Phone
				case "street":
					want.Street = orStr(upd.Street, want.Street)
				case "city":
					want.City = orStr(upd.City, want.City)
				case "state":
					want.State = orStr(upd.State, want.State)
				case "country":
					want.Country = orStr(upd.Country, want.Country)
				case "zip":
					want.Zip = upd.Zip
				}
			}
			want.UpdatedAt = w[0].Record.UpdatedAt
			if w[0].Record != want {
				t.Fatalf("update of %v: want %+v, read back %+v", fields, want, w[0].Record)
			}
		})
	})

	t.Run("contacts", func(t *testing.T) {
		co, err := c.WriteCompanies(ctx, []model.Upsert[model.Company]{{Record: model.Company{Ref: "A99999999", Name: "Casa"}}})
		if err != nil || co[0].Err != nil {
			t.Fatal(err, co[0].Err)
		}
		rapid.Check(t, func(t *rapid.T) {
			i := next()
			in := model.Contact{Name: word(t, "name", false), Email: fmt.Sprintf("p%d@example.es", i), Ref: rapid.SampledFrom([]string{"", fmt.Sprintf("%08dZ", i)}).Draw(t, "ref"),
				CompanyRef: rapid.SampledFrom([]string{"", "A 99999999"}).Draw(t, "company"), Street: word(t, "street", true), City: word(t, "city", true),
				Country: rapid.SampledFrom([]string{"", "ES"}).Draw(t, "country"), Zip: rapid.StringMatching(`[0-9]{5}`).Draw(t, "zip"), Customer: rapid.Bool().Draw(t, "customer")}
			for k := rapid.IntRange(0, 2).Draw(t, "phones"); k > 0; k-- {
				in.Phones = append(in.Phones, phone(t, fmt.Sprint("phone", k)))
			}
			if len(in.Phones) == 2 && in.Phones[0] == in.Phones[1] {
				in.Phones = in.Phones[:1]
			}
			w, err := c.WriteContacts(ctx, []model.Upsert[model.Contact]{{Record: in}})
			if err != nil || w[0].Err != nil {
				t.Fatalf("%v %v", err, w[0].Err)
			}
			got := w[0].Record
			want := in
			want.ID, want.UpdatedAt = got.ID, got.UpdatedAt
			if want.CompanyRef != "" {
				want.CompanyRef = "A99999999" // as the company holds it
			}
			want.Status = map[bool]string{true: "client", false: "cold-lead"}[in.Customer]
			if !equalContacts(got, want) {
				t.Fatalf("created %+v, read back %+v", want, got)
			}
			// A new name, e-mail and phone list.
			upd := model.Contact{Name: word(t, "new name", false), Email: fmt.Sprintf("q%d@example.es", i), Phones: []string{phone(t, "new phone")}}
			w, err = c.WriteContacts(ctx, []model.Upsert[model.Contact]{{Record: upd, RemoteID: got.ID, Fields: []string{"name", "email", "phones"}}})
			if err != nil || w[0].Err != nil {
				t.Fatalf("%v %v", err, w[0].Err)
			}
			want = got
			want.Name, want.Email, want.UpdatedAt = upd.Name, upd.Email, w[0].Record.UpdatedAt
			want.Phones = append([]string{upd.Phones[0]}, got.Phones[min(1, len(got.Phones)):]...)
			if !equalContacts(w[0].Record, want) {
				t.Fatalf("update: want %+v, read back %+v", want, w[0].Record)
			}
		})
	})

	t.Run("products", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			in := model.CRMProduct{SKU: fmt.Sprintf("SKU-%d", next()), Name: word(t, "name", false), Price: model.Decimal(rapid.Int64Range(0, 1e6).Draw(t, "cents") * 100)}
			w, err := c.WriteCRMProducts(ctx, []model.Upsert[model.CRMProduct]{{Record: in}})
			if err != nil || w[0].Err != nil {
				t.Fatalf("%v %v", err, w[0].Err)
			}
			got := w[0].Record
			in.ID, in.UpdatedAt = got.ID, got.UpdatedAt
			if got != in {
				t.Fatalf("created %+v, read back %+v", in, got)
			}
		})
	})

	// A record deleted in Clientify is model.ErrGone to an update, and
	// missing from a read.
	co, err := c.WriteCompanies(ctx, []model.Upsert[model.Company]{{Record: model.Company{Ref: "B00000001", Name: "Borrada"}}})
	if err != nil || co[0].Err != nil {
		t.Fatal(err, co[0].Err)
	}
	var id int
	fmt.Sscan(co[0].Record.ID, &id)
	if err := e.sb.UserDelete("companies", id); err != nil {
		t.Fatal(err)
	}
	w, err := c.WriteCompanies(ctx, []model.Upsert[model.Company]{{Record: model.Company{Name: "x"}, RemoteID: co[0].Record.ID, Fields: []string{"name"}}})
	if err != nil || !errors.Is(w[0].Err, model.ErrGone) {
		t.Fatalf("update of a deleted company: %v %v", err, w[0].Err)
	}
	if got, err := c.ReadCompanies(ctx, []string{co[0].Record.ID}); err != nil || len(got) != 0 {
		t.Fatalf("read of a deleted company: %v %v", got, err)
	}
}

func equalContacts(a, b model.Contact) bool {
	if !slices.Equal(a.Phones, b.Phones) {
		return false
	}
	a.Phones, b.Phones = nil, nil
	return reflect.DeepEqual(a, b)
}
