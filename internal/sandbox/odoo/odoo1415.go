package odoo

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Odoo 14 and 15, where they differ from 16, written from their source
// (14.0: KarimGil/odoo14base, the 14.0 nightly of 2022-07-27; 15.0:
// LucasLei-python/odoo15, the 15.0 nightly of 2022-06; 16.0 for comparison:
// osamamagar/odoo16). The other files switch on the version where the
// difference sits in their own behaviour; what is only 14's and 15's is here.

func init() {
	// 15 (product/models/product_template.py _sanitize_vals, create and
	// write): a type given without detailed_type sets detailed_type (on a
	// write, when it is none of the records' type), a detailed_type without
	// type sets type; _constrains_detailed_type refuses the two apart.
	prepareHooks["product.template"] = func(s *Server, ids []int64, vals map[string]any) map[string]any {
		if s.opts.Version != 15 {
			return vals
		}
		typ, hasType := vals["type"]
		det, hasDet := vals["detailed_type"]
		if hasType == hasDet {
			return vals
		}
		out := make(map[string]any, len(vals)+1)
		for k, v := range vals {
			out[k] = v
		}
		if hasDet {
			out["type"] = det
			return out
		}
		for _, id := range ids {
			if r, ok := s.tables["product.template"].get(id); ok && r["type"] == typ {
				return vals
			}
		}
		out["detailed_type"] = typ
		return out
	}
	constraints["product.template"] = func(s *Server, id int64, vals map[string]any) error {
		if s.opts.Version != 15 {
			return nil
		}
		if r := s.tables["product.template"].rows[id]; r["type"] != r["detailed_type"] {
			return validationError("The Type of this product doesn't match the Detailed Type")
		}
		return nil
	}
}

// cancel14 is 14's and 15's sale.order action_cancel (sale/models/sale.py,
// sale_order.py): the sale.order.cancel wizard only while an order has a
// draft invoice (_show_cancel_wizard) and the context has no
// disable_cancel_warning, its action's context {default_order_id} (self.id:
// several orders, one with a draft invoice, are "Expected singleton");
// otherwise _action_cancel at once, whatever the state, and true.
func (s *Server) cancel14(ids []int64, ctx map[string]any) (any, bool, error) {
	if !truthy(ctx["disable_cancel_warning"]) {
		warn := false
		for _, id := range ids {
			o, ok := s.tables["sale.order"].get(id)
			if !ok {
				continue
			}
			for _, mid := range computeOrderInvoices(s, withID(o, id)).([]int64) {
				if s.tables["account.move"].rows[mid]["state"] == "draft" {
					warn = true
				}
			}
		}
		if warn {
			if len(ids) != 1 {
				return nil, false, valueError("Expected singleton: sale.order%s", idTuple(ids))
			}
			return map[string]any{"name": "Cancel Sales Order", "view_mode": "form", "res_model": "sale.order.cancel", "view_id": 1000,
				"type": "ir.actions.act_window", "context": map[string]any{"default_order_id": ids[0]}, "target": "new"}, false, nil
		}
	}
	return true, false, s.cancelOrders(ids)
}

// Inventory adjustments on stock.quant (stock/models/stock_quant.py).
//
// 14 has no action_apply_inventory: inventory_quantity is a computed field
// (0 outside inventory mode, the quantity in it) whose inverse, in inventory
// mode (context inventory_mode True, a stock manager), moves the difference
// at once; a create in inventory mode with inventory_quantity (only
// product_id, location_id, lot_id, package_id, owner_id besides: "Quant's
// creation is restricted, you can't do this operation.") gathers the quant
// of that product and location (or makes one) and sets it; a write in
// inventory mode of inventory_quantity with other fields is "Quant's editing
// is restricted, you can't do this operation.". Outside inventory mode
// writing inventory_quantity does nothing.
//
// 15 stores inventory_quantity (the count; a create in inventory mode
// gathers the existing quant and sets its count, applying nothing) with
// inventory_diff_quantity (count less quantity, computed when the count is
// written) and inventory_quantity_set; action_apply_inventory moves the
// difference, resets the count to 0 and answers None, or, when the quantity
// moved since the count (is_outdated), answers the stock.inventory.conflict
// wizard and applies nothing; inventory_quantity_auto_apply (the quantity)
// written in inventory mode counts and applies at once.

// inventoryMode is _is_inventory_mode: 14 wants context inventory_mode to be
// True itself, 15 any true value (the admin is a stock manager).
func (s *Server) inventoryMode() bool {
	if s.opts.Version <= 14 {
		return s.ctx["inventory_mode"] == true
	}
	return truthy(s.ctx["inventory_mode"])
}

// createOverrides answer a create before it makes a record (handled true),
// as an override of create that returns another record does.
var createOverrides = map[string]func(s *Server, vals map[string]any) (id int64, handled bool, err error){}

// gatherQuant is _gather(strict=True) without lots, packages or owners.
func (s *Server) gatherQuant(product, location int64) int64 {
	t := s.tables["stock.quant"]
	for _, id := range t.ids() {
		if r := t.rows[id]; asID(r["product_id"]) == product && asID(r["location_id"]) == location {
			return id
		}
	}
	return 0
}

func init() {
	modelHooks = append(modelHooks, func(version int, defs map[string]*modelDef) {
		q := defs["stock.quant"].fields
		switch version {
		case 14:
			q["inventory_quantity"] = &field{typ: fFloat, compute: func(s *Server, r record) any {
				if !s.inventoryMode() {
					return 0.0
				}
				return r["quantity"]
			}, set: func(s *Server, id int64, v any) error {
				if !s.inventoryMode() {
					return nil
				}
				x, ok := v.(float64)
				if !ok && v != false && v != nil {
					return valueError("Wrong value for stock.quant.inventory_quantity: %v", v)
				}
				s.setField("stock.quant", id, "quantity", x)
				return nil
			}}
		case 15:
			q["inventory_diff_quantity"] = &field{typ: fFloat}
			q["inventory_quantity_set"] = &field{typ: fBool}
			q["is_outdated"] = &field{typ: fBool, compute: func(s *Server, r record) any {
				inv, _ := r["inventory_quantity"].(float64)
				diff, _ := r["inventory_diff_quantity"].(float64)
				qty, _ := r["quantity"].(float64)
				return r["inventory_quantity_set"] == true && round2(inv-diff) != round2(qty)
			}}
			q["inventory_quantity_auto_apply"] = &field{typ: fFloat, compute: func(s *Server, r record) any { return r["quantity"] },
				set: func(s *Server, id int64, v any) error {
					if !s.inventoryMode() {
						return nil
					}
					x, _ := v.(float64)
					s.countQuant(id, x)
					_, _, err := s.applyInventory15([]int64{id})
					return err
				}}
		}
	})
	createOverrides["stock.quant"] = func(s *Server, vals map[string]any) (int64, bool, error) {
		if s.opts.Version > 15 || !s.inventoryMode() {
			return 0, false, nil
		}
		count, given := vals["inventory_quantity"]
		if s.opts.Version == 15 {
			if a, ok := vals["inventory_quantity_auto_apply"]; ok && !truthy(count) {
				count, given = a, true
			}
		}
		if !given {
			return 0, false, nil
		}
		allowed := []string{"product_id", "location_id", "lot_id", "package_id", "owner_id", "inventory_quantity"}
		if s.opts.Version == 15 {
			allowed = append(allowed, "inventory_quantity_auto_apply", "inventory_diff_quantity", "inventory_date", "user_id", "inventory_quantity_set", "is_outdated")
		}
		for k := range vals {
			if !slices.Contains(allowed, k) {
				return 0, true, userError("Quant's creation is restricted, you can't do this operation.")
			}
		}
		prod, _ := vals["product_id"].(float64)
		loc, _ := vals["location_id"].(float64)
		id := s.gatherQuant(int64(prod), int64(loc))
		if id == 0 {
			var err error
			if id, err = s.create("stock.quant", map[string]any{"product_id": prod, "location_id": loc}); err != nil {
				return 0, true, err
			}
		}
		x, _ := count.(float64)
		if s.opts.Version <= 14 {
			s.setField("stock.quant", id, "quantity", x)
		} else {
			s.countQuant(id, x)
		}
		return id, true, nil
	}
	constraints["stock.quant"] = func(s *Server, id int64, vals map[string]any) error {
		_, counted := vals["inventory_quantity"]
		switch {
		case s.opts.Version <= 14 && counted && s.inventoryMode():
			for k := range vals {
				if k != "inventory_quantity" {
					return userError("Quant's editing is restricted, you can't do this operation.")
				}
			}
		case s.opts.Version == 15 && counted:
			x, _ := s.tables["stock.quant"].rows[id]["inventory_quantity"].(float64)
			s.countQuant(id, x)
		}
		return nil
	}
}

// countQuant sets a 15 quant's count, its difference and inventory_quantity_set.
func (s *Server) countQuant(id int64, count float64) {
	r := s.tables["stock.quant"].rows[id]
	qty, _ := r["quantity"].(float64)
	if r["inventory_quantity"] != count {
		s.setField("stock.quant", id, "inventory_quantity", count)
	}
	s.setField("stock.quant", id, "inventory_diff_quantity", round2(count-qty))
	s.setField("stock.quant", id, "inventory_quantity_set", true)
}

// applyInventory15 is 15's action_apply_inventory.
func (s *Server) applyInventory15(ids []int64) (any, bool, error) {
	var outdated []int64
	for _, id := range ids {
		if r, ok := s.tables["stock.quant"].get(id); ok && computeOf(s, "stock.quant", "is_outdated", withID(r, id)) == true {
			outdated = append(outdated, id)
		}
	}
	if len(outdated) > 0 {
		ctx := map[string]any{}
		for k, v := range s.ctx {
			ctx[k] = v
		}
		ctx["default_quant_ids"], ctx["default_quant_to_fix_ids"] = ids, outdated
		return map[string]any{"name": "Conflict in Inventory Adjustment", "type": "ir.actions.act_window", "view_mode": "form",
			"views": []any{[]any{false, "form"}}, "res_model": "stock.inventory.conflict", "target": "new", "context": ctx}, false, nil
	}
	for _, id := range ids {
		r, ok := s.tables["stock.quant"].get(id)
		if !ok {
			continue
		}
		qty, _ := r["quantity"].(float64)
		diff, _ := r["inventory_diff_quantity"].(float64)
		s.setField("stock.quant", id, "quantity", round2(qty+diff))
		s.setField("stock.quant", id, "inventory_quantity", 0.0)
		s.setField("stock.quant", id, "inventory_diff_quantity", 0.0)
		s.setField("stock.quant", id, "inventory_quantity_set", false)
	}
	return nil, true, nil
}

// accountTypes14 are the account.account.type records of 14 and 15
// (account/data/data_account_type.xml) that stand for 16's account_type
// values the sandbox uses.
var accountTypes14 = []struct{ key, name, typ, group string }{
	{"asset_receivable", "Receivable", "receivable", "asset"},
	{"liability_payable", "Payable", "payable", "liability"},
	{"asset_cash", "Bank and Cash", "liquidity", "asset"},
	{"asset_current", "Current Assets", "other", "asset"},
	{"liability_current", "Current Liabilities", "other", "liability"},
	{"income", "Income", "other", "income"},
	{"expense", "Expenses", "other", "expense"},
}

// accountTypeRecord is a 14/15 account's account.account.type.
func (s *Server) accountTypeRecord(a record) record {
	t, _ := s.tables["account.account.type"].get(asID(a["user_type_id"]))
	return t
}

// accountType is an account's kind as 16's account_type names it; on 14 and
// 15 by its user_type_id (a type the sandbox did not make is by its
// internal type).
func (s *Server) accountType(a record) string {
	if s.opts.Version >= 16 {
		k, _ := a["account_type"].(string)
		return k
	}
	t := s.accountTypeRecord(a)
	for _, at := range accountTypes14 {
		if t["name"] == at.name {
			return at.key
		}
	}
	switch t["type"] {
	case "receivable":
		return "asset_receivable"
	case "payable":
		return "liability_payable"
	case "liquidity":
		return "asset_cash"
	}
	return "asset_current"
}

// accountVals are an account.account's create values with its kind as the
// version has it: account_type (16+) or user_type_id (14, 15).
func (s *Server) accountVals(code string, name any, kind string, reconcile bool) map[string]any {
	v := map[string]any{"code": code, "name": name, "reconcile": reconcile}
	if s.opts.Version >= 16 {
		v["account_type"] = kind
		return v
	}
	t := s.tables["account.account.type"]
	for _, id := range t.ids() {
		for _, at := range accountTypes14 {
			if at.key == kind && t.rows[id]["name"] == at.name {
				v["user_type_id"] = float64(id)
				return v
			}
		}
	}
	return v
}

// freeCode is _search_new_account_code: the first unused prefix + 01, 02….
func (s *Server) freeCode(prefix string) string {
	used := map[string]bool{}
	for _, r := range s.tables["account.account"].rows {
		c, _ := r["code"].(string)
		used[c] = true
	}
	for i := 1; ; i++ {
		if c := fmt.Sprintf("%s%02d", prefix, i); !used[c] {
			return c
		}
	}
}

// Journal items of 14 and 15 (account/models/account_move.py
// AccountMoveLine): display_type is only line_section or line_note (false
// for product, tax and receivable lines, which 16 names product, tax and
// payment_term), exclude_from_invoice_tab marks the tax and receivable lines
// that invoice_line_ids leaves out, and account_internal_type is the
// account's user_type_id.type. The sandbox keeps 16's kinds in display_type
// and shows them as 14 does.
func init() {
	legacyHooks = append(legacyHooks, func(version int, defs map[string]*modelDef) {
		if version > 15 {
			return
		}
		l := defs["account.move.line"].fields
		l["display_type"].view = func(v any) any {
			if v == "line_section" || v == "line_note" {
				return v
			}
			return nil
		}
		l["exclude_from_invoice_tab"] = &field{typ: fBool, compute: func(s *Server, r record) any {
			return r["display_type"] == "tax" || r["display_type"] == "payment_term"
		}}
		l["account_internal_type"] = &field{typ: fSelection, compute: func(s *Server, r record) any {
			a, _ := s.tables["account.account"].get(asID(r["account_id"]))
			return s.accountTypeRecord(a)["type"]
		}}
		if version <= 14 {
			j := defs["account.journal"].fields
			j["payment_debit_account_id"] = &field{typ: fMany2one, relation: "account.account"}
			j["payment_credit_account_id"] = &field{typ: fMany2one, relation: "account.account"}
		}
	})
	// A line written with display_type false is a product line.
	prepareHooks["account.move.line"] = func(s *Server, ids []int64, vals map[string]any) map[string]any {
		if v, ok := vals["display_type"]; !ok || s.opts.Version > 15 || v != nil && v != false {
			return vals
		}
		out := make(map[string]any, len(vals))
		for k, v := range vals {
			out[k] = v
		}
		out["display_type"] = "product"
		return out
	}
}

// reversed14 is 14's and 15's test for a paid invoice's "reversed"
// (account_move.py _compute_amount): the posted credit notes whose
// reversed_entry_id is the invoice settle it alone, their full
// reconciliations holding no other entry than the invoice (a payment in the
// same reconciliation makes it "paid").
func (s *Server) reversed14(mid int64, typ string) bool {
	rtype := "out_refund"
	if typ == "in_invoice" {
		rtype = "in_refund"
	}
	var rev []int64
	for id, m := range s.tables["account.move"].rows {
		if asID(m["reversed_entry_id"]) == mid && m["state"] == "posted" && m["move_type"] == rtype {
			rev = append(rev, id)
		}
	}
	if len(rev) == 0 {
		return false
	}
	fulls := map[int64]bool{}
	for _, r := range rev {
		for _, l := range s.o2m(s.tables["account.move"].def.fields["line_ids"], r) {
			if f := asID(s.tables["account.move.line"].rows[l]["full_reconcile_id"]); f != 0 {
				fulls[f] = true
			}
		}
	}
	others := map[int64]bool{}
	for _, l := range s.tables["account.move.line"].rows {
		if m := asID(l["move_id"]); fulls[asID(l["full_reconcile_id"])] && !slices.Contains(rev, m) {
			others[m] = true
		}
	}
	return len(others) == 1 && others[mid]
}

// Bank statements of 14 and 15 (account/models/account_bank_statement.py):
// a statement has a journal (required) and a state, open ("New"), posted
// ("Processing") or confirm ("Validated"); its lines need it (statement_id
// required, the journal always the statement's, the date the statement's
// when none is given, payment_ref required) and are made only while it is
// open ("You can only create statement line in open bank statements.").
// Their entries stay draft, named "/", until button_post posts the
// statement: it refuses one that is not open ("Only new statements can be
// posted."), then a bank statement whose ending balance differs from the
// computed one ("The ending balance is incorrect !\nThe expected balance (…)
// is different from the computed one (…)."), names it "<code> Statement
// <year>/<month>/<n>" and posts the entries, which take the journal's
// numbers; a draft entry cannot be reconciled ("You can only reconcile
// posted entries."). button_validate, once every line is reconciled, makes
// it confirm. Both answer None. 16 has neither method: a statement is only a
// grouping there.
func init() {
	legacyHooks = append(legacyHooks, func(version int, defs map[string]*modelDef) {
		if version > 15 {
			return
		}
		st := defs["account.bank.statement"]
		delete(st.fields, "is_complete")
		st.fields["journal_id"].required = true
		st.fields["state"] = &field{typ: fSelection}
		st.fields["date_done"] = &field{typ: fDatetime}
		st.fields["total_entry_encoding"] = &field{typ: fFloat, compute: func(s *Server, r record) any {
			b, _ := r["balance_start"].(float64)
			return round2(computeOf(s, "account.bank.statement", "balance_end", r).(float64) - b)
		}}
		st.fields["difference"] = &field{typ: fFloat, compute: func(s *Server, r record) any {
			end, _ := r["balance_end_real"].(float64)
			return round2(end - computeOf(s, "account.bank.statement", "balance_end", r).(float64))
		}}
		st.fields["all_lines_reconciled"] = &field{typ: fBool, compute: func(s *Server, r record) any {
			for _, l := range s.o2m(s.tables["account.bank.statement"].def.fields["line_ids"], r["id"].(int64)) {
				if computeOf(s, "account.bank.statement.line", "is_reconciled", withID(s.tables["account.bank.statement.line"].rows[l], l)) != true {
					return false
				}
			}
			return true
		}}
		st.defaults = func(s *Server) map[string]any { return map[string]any{"state": "open", "date": s.now()} }
		ln := defs["account.bank.statement.line"].fields
		ln["statement_id"].required = true
		ln["payment_ref"].required = true
		ln["state"] = &field{typ: fSelection, compute: func(s *Server, r record) any {
			return s.tables["account.bank.statement"].rows[asID(r["statement_id"])]["state"]
		}}
	})
	actions["account.bank.statement.button_post"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		if s.opts.Version >= 16 {
			return nil, false, s.noMethod("account.bank.statement", "button_post")
		}
		t := s.tables["account.bank.statement"]
		for _, id := range ids {
			if r, ok := t.get(id); !ok || r["state"] != "open" {
				return nil, false, userError("Only new statements can be posted.")
			}
		}
		for _, id := range ids {
			r := withID(t.rows[id], id)
			j := s.tables["account.journal"].rows[asID(r["journal_id"])]
			if d := computeOf(s, "account.bank.statement", "difference", r).(float64); d != 0 && j["type"] == "bank" {
				end, _ := r["balance_end_real"].(float64)
				return nil, false, userError("The ending balance is incorrect !\nThe expected balance (%s) is different from the computed one (%s).",
					s.formatAmount(end), s.formatAmount(computeOf(s, "account.bank.statement", "balance_end", r).(float64)))
			}
		}
		for _, id := range ids {
			r := t.rows[id]
			date, _ := r["date"].(time.Time)
			if n, _ := r["name"].(string); n == "" {
				code, _ := s.tables["account.journal"].rows[asID(r["journal_id"])]["code"].(string)
				prefix := fmt.Sprintf("%s Statement %04d/%02d", code, date.Year(), int(date.Month()))
				n := 0
				for _, o := range t.rows {
					if name, _ := o["name"].(string); strings.HasPrefix(name, prefix+"/") {
						if k, err := strconv.Atoi(name[len(prefix)+1:]); err == nil && k > n {
							n = k
						}
					}
				}
				s.setField("account.bank.statement", id, "name", fmt.Sprintf("%s/%05d", prefix, n+1))
			}
			s.setField("account.bank.statement", id, "state", "posted")
			for _, l := range s.o2m(t.def.fields["line_ids"], id) {
				line := s.tables["account.bank.statement.line"].rows[l]
				mid := asID(line["move_id"])
				if m, ok := s.tables["account.move"].get(mid); ok && m["state"] != "posted" {
					d, _ := line["date"].(time.Time)
					s.setField("account.move", mid, "state", "posted")
					s.setField("account.move", mid, "name", s.nextName(s.entryPrefix(asID(line["journal_id"]), "entry", d, false)))
				}
			}
		}
		return nil, true, nil
	}
	actions["account.bank.statement.button_validate"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		if s.opts.Version >= 16 {
			return nil, false, s.noMethod("account.bank.statement", "button_validate")
		}
		t := s.tables["account.bank.statement"]
		for _, id := range ids {
			r, ok := t.get(id)
			if !ok || r["state"] != "posted" || computeOf(s, "account.bank.statement", "all_lines_reconciled", withID(r, id)) != true {
				return nil, false, userError("All the account entries lines must be processed in order to validate the statement.")
			}
		}
		for _, id := range ids {
			s.setField("account.bank.statement", id, "state", "confirm")
			s.setField("account.bank.statement", id, "date_done", s.now())
		}
		return nil, true, nil
	}
}

// formatAmount is formatLang with the company's currency: grouped thousands,
// two decimals, the symbol before (USD) or after (EUR, SEK) a no-break space
// (base/data/res_currency_data.xml positions).
func (s *Server) formatAmount(x float64) string {
	c := s.tables["res.currency"].rows[s.companyCurrency()]
	sym, _ := c["symbol"].(string)
	neg := x < 0
	if neg {
		x = -x
	}
	str := strconv.FormatFloat(x, 'f', 2, 64)
	intPart, frac := str[:len(str)-3], str[len(str)-3:]
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	num := b.String() + frac
	if neg {
		num = "-" + num
	}
	if c["name"] == "USD" {
		return sym + "\u00a0" + num
	}
	return num + "\u00a0" + sym
}
