package flow_test

import (
	"fmt"
	"strings"
	"testing"

	cfysandbox "github.com/ferryhub/ferry/internal/sandbox/clientify"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// cfyBySKU is the only Clientify product with sku.
func (h *crmHarness) cfyBySKU(t *testing.T, sku string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range h.csb.Records("products") {
		if r["sku"] == sku {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("Clientify has %d products with SKU %s", len(found), sku)
	}
	return found[0]
}

// Seed 004's products both ways, one per SKU (an Odoo variant is a
// Clientify product): name, list_price → price, sku; the generator's trap
// (two Clientify products with one SKU) and two Odoo products with one SKU
// are skipped with the reason, never doubled; a price change travels once;
// a variant's name or price, which are its template's in Odoo, is refused
// there with the reason.
func TestCRMProductsBothWays(t *testing.T) {
	t.Parallel()
	for _, dialect := range dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			h := newCRMHarness(t, dbURL(t, dialect), odoosandbox.Options{Partners: -1, Products: 6}, cfysandbox.Options{Companies: -1, Contacts: -1, Products: 4}, twoWay("crm_products", nil))
			traps := cfysandbox.Generate(-1, -1, 4, 1).Traps
			for _, n := range []string{"Kopio A", "Kopio B"} {
				if _, err := h.erp.Create(t.Context(), "product.template", []map[string]any{{"name": n, "default_code": "DUP-1", "list_price": 5}}, nil); err != nil {
					t.Fatal(err)
				}
			}
			h.pass(t, "crm_products-out")
			c := h.rt.Counts()["crm_products-out"]
			// Odoo's generated products: four without variants, two in three
			// sizes; and the two of one SKU.
			if c.Created != 11 || c.Skipped != 1 || c.Failed != 0 {
				t.Fatalf("products erp → crm: %+v; skipped %+v", c, h.skips(t, "crm_products-out"))
			}
			if s := h.skips(t, "crm_products-out"); !strings.Contains(s[0].Reason, `has the SKU "DUP-1" of erp product`) {
				t.Fatalf("the duplicate SKU: %+v", s)
			}
			p1 := h.osb.SearchRead("product.product", []any{[]any{"default_code", "=", "ODOO-001"}}, []string{"lst_price", "product_tmpl_id"})[0]
			got := h.cfyBySKU(t, "ODOO-001")
			if got["name"] != "Tuote 1" || got["price"] != p1["lst_price"] {
				t.Fatalf("ODOO-001 in Clientify: %v (Odoo %v)", got, p1)
			}
			if got = h.cfyBySKU(t, "ODOO-003-S"); got["name"] != "Tuote 3 (S)" {
				t.Fatalf("a variant in Clientify: %v", got)
			}

			h.pass(t, "crm_products-in")
			c = h.rt.Counts()["crm_products-in"]
			if c.Created != 3 || c.Skipped != 1 || c.Unchanged != 11 || c.Failed != 0 {
				t.Fatalf("products crm → erp: %+v; skipped %+v", c, h.skips(t, "crm_products-in"))
			}
			if rows := h.osb.SearchRead("product.product", []any{[]any{"default_code", "=", traps.DuplicateSKU}}, []string{"name", "lst_price"}); len(rows) != 1 {
				t.Fatalf("Odoo has %d products of SKU %s", len(rows), traps.DuplicateSKU)
			}
			data := cfysandbox.Generate(-1, -1, 4, 1)
			for _, sd := range data.Products[2:] {
				rows := h.osb.SearchRead("product.product", []any{[]any{"default_code", "=", sd.Body["sku"]}}, []string{"display_name", "lst_price", "sale_ok"})
				if len(rows) != 1 || rows[0]["lst_price"] != sd.Body["price"] || !strings.HasSuffix(rows[0]["display_name"].(string), sd.Body["name"].(string)) || rows[0]["sale_ok"] != true {
					t.Fatalf("Clientify product %v in Odoo: %v", sd.Body, rows)
				}
			}

			before := h.writes()
			h.pass(t, "crm_products-out", "crm_products-in", "crm_products-out")
			if n := h.writes(); n != before {
				t.Fatalf("passes without changes wrote %d times", n-before)
			}

			// A price change in Odoo.
			h.odooWrite(t, "product.template", fmt.Sprint(p1["product_tmpl_id"].([]any)[0]), map[string]any{"list_price": 123.45})
			h.pass(t, "crm_products-out")
			if got = h.cfyBySKU(t, "ODOO-001"); got["price"] != 123.45 {
				t.Fatalf("ODOO-001's price in Clientify: %v", got["price"])
			}
			// A change in Clientify of a product of its own, and of a variant's price.
			own := h.cfyBySKU(t, data.Products[2].Body["sku"].(string))
			if _, err := h.csb.UserUpdate("products", cfyID(own), map[string]any{"name": "Nombre nuevo", "price": 9.99}); err != nil {
				t.Fatal(err)
			}
			variant := h.cfyBySKU(t, "ODOO-003-M")
			if _, err := h.csb.UserUpdate("products", cfyID(variant), map[string]any{"price": 1}); err != nil {
				t.Fatal(err)
			}
			h.pass(t, "crm_products-in")
			if rows := h.osb.SearchRead("product.product", []any{[]any{"default_code", "=", own["sku"]}}, []string{"display_name", "lst_price"}); rows[0]["lst_price"] != 9.99 || !strings.HasSuffix(rows[0]["display_name"].(string), "Nombre nuevo") {
				t.Fatalf("Clientify's change in Odoo: %v", rows)
			}
			if rows := h.osb.SearchRead("product.product", []any{[]any{"default_code", "=", "ODOO-003-M"}}, []string{"lst_price"}); rows[0]["lst_price"] == 1.0 {
				t.Fatalf("a variant's price was written to its template: %v", rows)
			}
			if l := h.logs(t, "crm_products-in", "ODOO-003-M", "erp refused it", "one of 3 variants"); len(l) != 1 {
				t.Fatalf("the refused variant: %+v", h.logs(t, "crm_products-in"))
			}
			if c := h.rt.Counts()["crm_products-in"]; c.Failed != 1 {
				t.Fatalf("products crm → erp: %+v", c)
			}
			before = h.writes()
			h.pass(t, "crm_products-out", "crm_products-in")
			if n := h.writes(); n != before {
				t.Fatalf("ferry's writes came back: %d more", n-before)
			}
		})
	}
}
