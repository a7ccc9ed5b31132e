package odoo

import (
	"fmt"
	"sort"
	"strings"
)

// Variants (reference §2, "Variants"): a template's attribute lines make one
// product.product per combination of their values, each combination held as
// product.template.attribute.value records.

func init() {
	createHooks["product.template"] = func(s *Server, id int64) error {
		if s.delegating > 0 || s.pending > 0 {
			return nil // the variant being created is the template's own, or lines are still coming
		}
		return s.syncVariants(id)
	}
	createHooks["product.template.attribute.line"] = func(s *Server, id int64) error {
		if s.pending > 0 {
			return nil // the template syncs once all its lines exist
		}
		l := s.tables["product.template.attribute.line"].rows[id]
		return s.syncVariants(asID(l["product_tmpl_id"]))
	}
}

// syncVariants makes the template's variants match its attribute lines: the
// values get product.template.attribute.value records, a missing combination a
// new variant, and a variant whose combination is gone is archived (Odoo
// archives variants it cannot delete). A template without lines has one
// variant without values.
func (s *Server) syncVariants(tid int64) error {
	tpl, ok := s.tables["product.template"].get(tid)
	if !ok {
		return nil
	}
	lines := s.o2m(s.tables["product.template"].def.fields["attribute_line_ids"], tid)
	ptavs := s.tables["product.template.attribute.value"]
	var axes [][]int64
	for _, lid := range lines {
		l := s.tables["product.template.attribute.line"].rows[lid]
		attr := asID(l["attribute_id"])
		values, _ := l["value_ids"].([]int64)
		if len(values) == 0 {
			return validationError("The attribute %s must have at least one value for the product %s.", s.displayName("product.attribute", attr), tpl["name"])
		}
		have := map[int64]int64{}
		for _, pid := range ptavs.ids() {
			if p := ptavs.rows[pid]; p["attribute_line_id"] == lid {
				have[asID(p["product_attribute_value_id"])] = pid
			}
		}
		var axis []int64
		for _, v := range values {
			pid, ok := have[v]
			if !ok {
				var err error
				pid, err = s.create("product.template.attribute.value", map[string]any{
					"name": s.displayName("product.attribute.value", v), "product_tmpl_id": float64(tid), "attribute_id": float64(attr),
					"attribute_line_id": float64(lid), "product_attribute_value_id": float64(v), "price_extra": 0.0,
				})
				if err != nil {
					return err
				}
			} else if ptavs.rows[pid]["ptav_active"] == false {
				s.setField("product.template.attribute.value", pid, "ptav_active", true)
			}
			delete(have, v)
			axis = append(axis, pid)
		}
		for _, pid := range have {
			s.setField("product.template.attribute.value", pid, "ptav_active", false)
		}
		if a, _ := s.tables["product.attribute"].get(attr); a["create_variant"] != "no_variant" {
			axes = append(axes, axis)
		}
	}
	combos := [][]int64{{}}
	for _, axis := range axes {
		var next [][]int64
		for _, c := range combos {
			for _, v := range axis {
				next = append(next, append(append([]int64(nil), c...), v))
			}
		}
		combos = next
	}
	pt := s.tables["product.product"]
	byKey := map[string]int64{}
	var all []int64
	for _, id := range pt.ids() {
		if r := pt.rows[id]; r["product_tmpl_id"] == tid {
			ids, _ := r["product_template_attribute_value_ids"].([]int64)
			byKey[comboKey(ids)] = id
			all = append(all, id)
		}
	}
	used := map[int64]bool{}
	for _, c := range combos {
		key := comboKey(c)
		if id, ok := byKey[key]; ok {
			used[id] = true
			if pt.rows[id]["active"] == false {
				s.setField("product.product", id, "active", true)
			}
			continue
		}
		// A template's only variant takes the only new combination (single-value
		// lines), keeping its reference and stock.
		if old, ok := byKey[""]; ok && len(combos) == 1 && !used[old] {
			used[old] = true
			s.setField("product.product", old, "product_template_attribute_value_ids", append([]int64(nil), c...))
			continue
		}
		var ids []any
		for _, v := range c {
			ids = append(ids, float64(v))
		}
		id, err := s.create("product.product", map[string]any{"product_tmpl_id": float64(tid), "product_template_attribute_value_ids": []any{[]any{6.0, 0.0, ids}}})
		if err != nil {
			return fmt.Errorf("creating a variant of template %d: %w", tid, err)
		}
		used[id] = true
	}
	for _, id := range all {
		if !used[id] && pt.rows[id]["active"] != false {
			s.setField("product.product", id, "active", false)
		}
	}
	return nil
}

func comboKey(ids []int64) string {
	c := append([]int64(nil), ids...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	parts := make([]string, len(c))
	for i, x := range c {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ",")
}
