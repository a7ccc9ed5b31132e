package odoo

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferryhub/ferry/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from its golden file (go test -update to accept):\n%s", name, got)
	}
}

// Recorded JSON-2 answers (raw results, as Odoo 19 sends them) of a template
// with variants and one without, mapped to canonical products.
func TestRecordedProductsMap(t *testing.T) {
	t.Parallel()
	var templates []templateRow
	var variants []variantRow
	if err := json.Unmarshal(readFile(t, "json2_templates.json"), &templates); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(readFile(t, "json2_variants.json"), &variants); err != nil {
		t.Fatal(err)
	}
	byTemplate := map[int64][]variantRow{}
	for _, v := range variants {
		byTemplate[v.TemplateID.ID] = append(byTemplate[v.TemplateID.ID], v)
	}
	attrs := map[int64]string{7: "S", 8: "M"}
	rates := map[int64]model.Decimal{1: model.MustDecimal("25.5")}
	var out []model.Product
	for _, tr := range templates {
		out = append(out, toProduct(tr, byTemplate[int64(tr.ID)], attrs, rates))
	}
	golden(t, "products", out)
	if out[0].SKU != "" || len(out[0].Variants) != 2 || out[0].Categories[0] != "Hupparit" || out[1].SKU != "MUG" || len(out[1].Variants) != 0 {
		t.Fatalf("mapped %+v", out)
	}
}

// The recorded partners decode to the same rows every time.
func TestRecordedPartnersGolden(t *testing.T) {
	t.Parallel()
	res, err := decodeRPC(readFile(t, "search_read_partners.json"), "res.partner search_read")
	if err != nil {
		t.Fatal(err)
	}
	var rows []partner
	if err := json.Unmarshal(res, &rows); err != nil {
		t.Fatal(err)
	}
	golden(t, "partners", rows)
}

// Recorded pickings (a delivery and its backorder) decode as feed changes, and
// a recorded button_validate answer of 16 is the backorder wizard.
func TestRecordedPickingsAndWizard(t *testing.T) {
	t.Parallel()
	res, err := decodeRPC(readFile(t, "search_read_pickings_17.json"), "stock.picking search_read")
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal(res, &rows); err != nil {
		t.Fatal(err)
	}
	type picking struct {
		Name      Str      `json:"name"`
		State     Str      `json:"state"`
		Sale      Many2one `json:"sale_id"`
		Backorder Many2one `json:"backorder_id"`
		DateDone  Time     `json:"date_done"`
		Moves     IDs      `json:"move_ids"`
	}
	var out []any
	for _, r := range rows {
		ch, err := decodeChange(r)
		if err != nil {
			t.Fatal(err)
		}
		var p picking
		if err := ch.Decode(&p); err != nil {
			t.Fatal(err)
		}
		out = append(out, map[string]any{"id": ch.ID, "write_date": ch.WriteDate, "picking": p})
	}
	golden(t, "pickings", out)
	res, err = decodeRPC(readFile(t, "button_validate_backorder_16.json"), "stock.picking button_validate")
	var wizard struct {
		ResModel string `json:"res_model"`
	}
	if err != nil || json.Unmarshal(res, &wizard) != nil || wizard.ResModel != "stock.backorder.confirmation" {
		t.Fatalf("wizard answer %s %v", res, err)
	}
}
