package flow

import (
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/ferryhub/ferry/internal/model"
)

// genCompany draws a company whose fields are few values, so that draws
// often agree and often differ.
func genCompany(t *rapid.T, label string) model.Company {
	v := func(name string) string {
		return rapid.SampledFrom([]string{"", "a", "b", "c d"}).Draw(t, label+"."+name)
	}
	return model.Company{ID: rapid.StringMatching(`[1-9][0-9]{0,3}`).Draw(t, label+".id"), Ref: v("ref"), Name: v("name"), LegalName: v("legal"),
		Phone: v("phone"), City: v("city"), Country: v("country"), Archived: rapid.Bool().Draw(t, label+".archived"),
		UpdatedAt: time.Unix(rapid.Int64Range(0, 5).Draw(t, label+".at"), 0)}
}

// Nothing is lost silently: after a sync decides a pair, every field
// changed on either side since the link last saw it holds one value on both
// sides — the changed side's where one side changed it, the newer side's
// where both did (and those are the logged conflicts) — and a field neither
// side changed is left as each side has it. Archiving travels nowhere.
func TestDecideKeepsEveryChange(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		seenX, seenY := fieldsOf(genCompany(t, "seenX")), fieldsOf(genCompany(t, "seenY"))
		x, y := genCompany(t, "x"), genCompany(t, "y")
		fx, fy := fieldsOf(x), fieldsOf(y)
		s := &syncRun[model.Company]{k: companiesKind}
		p := &syncPlan[model.Company]{x: x, fx: fx, y: y, fy: fy, hasY: true}
		dX, dY := diff(seenX, fx), diff(seenY, fy)
		s.decide(p, dX, dY)
		x2, y2 := fieldsOf(overlay(x, y, p.toX)), fieldsOf(overlay(y, x, p.toY))
		xNewer := !y.UpdatedAt.After(x.UpdatedAt)
		for _, f := range append(slices.Clone(dX), dY...) {
			if f == archivedField {
				if slices.Contains(p.toX, f) || slices.Contains(p.toY, f) {
					t.Fatalf("archived was written: toX %v toY %v", p.toX, p.toY)
				}
				continue
			}
			if !x2.equal(y2, f) {
				t.Fatalf("field %s differs after the sync: x %s, y %s (dX %v dY %v toX %v toY %v)", f, x2[f], y2[f], dX, dY, p.toX, p.toY)
			}
			inX, inY := slices.Contains(dX, f), slices.Contains(dY, f)
			switch {
			case inX && inY && !fx.equal(fy, f):
				if !slices.Contains(p.conflicts, f) {
					t.Fatalf("field %s changed on both sides to different values is no conflict", f)
				}
				want := fy
				if xNewer {
					want = fx
				}
				if !x2.equal(want, f) {
					t.Fatalf("conflict on %s: %s kept, want the newer side's %s", f, x2[f], want[f])
				}
			case inX && !inY:
				if !y2.equal(fx, f) {
					t.Fatalf("x's change of %s did not reach y", f)
				}
			case inY && !inX:
				if !x2.equal(fy, f) {
					t.Fatalf("y's change of %s did not reach x", f)
				}
			}
		}
		for f := range fx {
			if !slices.Contains(dX, f) && !slices.Contains(dY, f) && !x2.equal(fx, f) {
				t.Fatalf("field %s, changed on neither side, was written to x", f)
			}
		}
		for _, f := range p.conflicts {
			if !slices.Contains(dX, f) || !slices.Contains(dY, f) {
				t.Fatalf("conflict on %s, which one side did not change", f)
			}
		}
	})
}

// A record's fields are what it holds: empty values are no field, the id
// and update time are not compared, and overlay takes exactly the fields
// named from its source.
func TestFieldsAndOverlay(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		a, b := genCompany(t, "a"), genCompany(t, "b")
		fa := fieldsOf(a)
		for k, v := range fa {
			if emptyRaw(v) || k == "id" || k == "updated_at" {
				t.Fatalf("field %s=%s", k, v)
			}
		}
		c := a
		c.ID, c.UpdatedAt = "other", time.Unix(99, 0)
		if fieldsOf(c).hash() != fa.hash() {
			t.Fatal("the id or update time changed the hash")
		}
		keys := rapid.SliceOfDistinct(rapid.SampledFrom([]string{"ref", "name", "legal_name", "phone", "city", "country", "archived"}), func(s string) string { return s }).Draw(t, "keys")
		o := overlay(a, b, keys)
		if o.ID != a.ID || !o.UpdatedAt.Equal(a.UpdatedAt) {
			t.Fatalf("overlay changed the base's id or time: %+v", o)
		}
		fo, fb := fieldsOf(o), fieldsOf(b)
		for _, k := range []string{"ref", "name", "legal_name", "phone", "city", "country", "archived"} {
			want := fa
			if slices.Contains(keys, k) {
				want = fb
			}
			if !fo.equal(want, k) {
				t.Fatalf("overlay of %v: field %s is %s, want %s", keys, k, fo[k], want[k])
			}
		}
		if d := diff(fa, fb); len(d) == 0 != (fa.hash() == fb.hash()) {
			t.Fatalf("diff %v but hashes %s %s", d, fa.hash(), fb.hash())
		}
	})
}
