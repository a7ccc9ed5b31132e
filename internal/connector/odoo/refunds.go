package odoo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// Refunds (flow.RefundSink). A shop refund becomes a credit note (an
// out_refund account.move) made directly rather than by the reversal
// wizard, the same way on 16–19, with:
//   - ref "<order reference> refund <refund id>": account.move's ref exists
//     and is searchable on every version (payment_reference is the
//     customer's payment communication, which 16 and 17 fill in on posting),
//     so a second call finds the credit note and makes none;
//   - reversed_entry_id the order's posted invoice, so that posting it
//     reconciles it with the invoice from 17 (account_move.py _post's
//     draft_reverse_moves); on 16 it stays open until
//     js_assign_outstanding_line applies it, which ferry calls;
//   - a line per refunded SKU with the order line's product and taxes, priced
//     so that the line's total with tax is the shop's refunded amount (Odoo
//     rounds per line), a shipping line on the delivery product and an
//     adjustment line; the lines do not point at sale lines, so the order's
//     invoiced quantities (and its invoice status) stay as they are.
//
// Goods of lines marked Restock are returned (stock.return.picking on the
// done deliveries, create_returns on 16/17, action_create_returns from 18) and
// the return validated; the return picking's origin gets the credit note's
// ref, which finds it again.

type refundLineRow struct {
	ID        Int      `json:"id"`
	ProductID Many2one `json:"product_id"`
	Name      Str      `json:"name"`
	Qty       Num      `json:"product_uom_qty"`
	IsDeliv   Bool     `json:"is_delivery"`
	TaxID     IDs      `json:"tax_id"`
	TaxIDs    IDs      `json:"tax_ids"`
}

func (r refundLineRow) taxes() []int64 {
	if len(r.TaxIDs) > 0 {
		return r.TaxIDs
	}
	return r.TaxID
}

type codeOnlyRow struct {
	ID          Int `json:"id"`
	DefaultCode Str `json:"default_code"`
}

// refundRef is the credit note's ref of refund r on order o.
func refundRef(o orderRow, r model.Refund) string {
	return nonEmpty(string(o.ClientOrderRef), string(o.Name)) + " refund " + string(r.ID)
}

// RefundOrder books refund r on the imported order remoteID (flow.RefundSink):
// a credit note for the refunded lines, shipping and adjustment, posted and
// reconciled with the order's invoice while that is open, and the goods of
// restocked lines returned to stock. The credit note is found by its ref
// first, also after a call that committed and failed, so nothing is
// credited twice. An order without a posted invoice needs a person.
func (c *Client) RefundOrder(ctx context.Context, remoteID string, r model.Refund) (model.WriteResult, error) {
	id := parseInt(remoteID)
	o, _, err := c.orderState(ctx, id)
	if err != nil {
		return model.WriteResult{}, err
	}
	entity := orderEntity(string(o.Name), string(o.ClientOrderRef))
	key := refundRef(o, r)
	res := model.WriteResult{}
	if r.Total.IsZero() {
		// Goods back without money (a restock only): nothing to credit.
		msgs, err := c.restock(ctx, o, entity, key, r)
		if err != nil {
			return res, err
		}
		res.Warning = fmt.Sprintf("refund %s gives no money back, so Odoo order %s gets no credit note", r.ID, o.Name)
		for _, m := range msgs {
			warn(&res, m)
		}
		return res, nil
	}
	cn, found, err := c.creditNoteByRef(ctx, key)
	if err != nil {
		return res, fmt.Errorf("%s: looking up the credit note of refund %s: %w", entity, r.ID, err)
	}
	invs, err := c.orderInvoices(ctx, o)
	if err != nil {
		return res, fmt.Errorf("%s: reading its invoices: %w", entity, err)
	}
	var inv moneyMoveRow
	for _, m := range invs {
		if found && int64(m.ID) == cn.ReversedEntry.ID || !found && m.AmountResidual.D() > 0 {
			inv = m
			break
		}
	}
	if inv.ID == 0 && len(invs) > 0 {
		inv = invs[0]
	}
	if !found && !r.CreatedAt.IsZero() && !o.CreateDate.IsZero() && r.CreatedAt.Before(o.CreateDate.Time) {
		// The shop refunded before the order came into Odoo: the order was
		// imported as it stood then, net of this refund, so nothing that was
		// invoiced is given back.
		res.Warning = fmt.Sprintf("refund %s was made before order %s came into Odoo as %s, which was imported net of it: no credit note", r.ID, nonEmpty(string(o.ClientOrderRef), string(o.Name)), o.Name)
		return res, nil
	}
	if !found && len(invs) == 0 && o.State == "cancel" {
		// Cancelled before it was invoiced (a shop cancel with its money
		// back): there is nothing to credit.
		res.Warning = fmt.Sprintf("Odoo order %s was cancelled before it was invoiced, so refund %s needs no credit note", o.Name, r.ID)
		return res, nil
	}
	if !found {
		if inv.ID == 0 {
			return res, &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo order %s has no posted invoice to credit refund %s on; invoice the order in Odoo first", o.Name, r.ID), Action: true}
		}
		lines, err := c.refundLines(ctx, o, entity, r)
		if err != nil {
			return res, err
		}
		vals := map[string]any{"move_type": "out_refund", "partner_id": inv.PartnerID.ID, "reversed_entry_id": int64(inv.ID), "ref": key,
			"invoice_origin": string(o.Name), "invoice_line_ids": lines}
		if inv.JournalID.ID != 0 {
			vals["journal_id"] = inv.JournalID.ID
		}
		if inv.CurrencyID.ID != 0 {
			vals["currency_id"] = inv.CurrencyID.ID
		}
		if !r.CreatedAt.IsZero() {
			vals["invoice_date"] = r.CreatedAt.UTC().Format("2006-01-02")
		}
		if n := strings.TrimSpace(r.Note); n != "" {
			vals["narration"] = n
		}
		_, cerr := c.Create(ctx, "account.move", []map[string]any{vals}, nil)
		if cerr != nil && !remote.IsAmbiguous(cerr) {
			return res, fmt.Errorf("%s: creating the credit note of refund %s: %w", entity, r.ID, cerr)
		}
		// The create may have committed although its answer was lost.
		if cn, found, err = c.creditNoteByRef(ctx, key); err != nil || !found {
			return res, errors.Join(fmt.Errorf("%s: creating the credit note of refund %s: %w", entity, r.ID, cerr), err)
		}
		res.Created = true
	}
	if cn.State == "cancel" {
		return model.WriteResult{RemoteID: cn.ID.String(), Number: string(cn.Name), Warning: fmt.Sprintf("credit note %s of refund %s was cancelled in Odoo; ferry leaves it so", cn.Name, r.ID)}, nil
	}
	if cn.State == "draft" {
		if got := cn.AmountTotal.D(); math.Round(got.Float64()*100) != math.Round(r.Total.Float64()*100) {
			warn(&res, fmt.Sprintf("credit note of refund %s totals %s in Odoo, the shop refunded %s", r.ID, got.StringFixed(2), r.Total.StringFixed(2)))
		}
		if err := c.postInvoices(ctx, []int64{int64(cn.ID)}); err != nil {
			return res, fmt.Errorf("%s: posting the credit note of refund %s: %w", entity, r.ID, err)
		}
		if cn, _, err = c.creditNoteByRef(ctx, key); err != nil {
			return res, err
		}
	}
	res.RemoteID, res.Number = cn.ID.String(), string(cn.Name)
	if err := c.applyCredit(ctx, cn, entity); err != nil {
		return res, err
	}
	msgs, err := c.restock(ctx, o, entity, key, r)
	if err != nil {
		return res, err
	}
	for _, m := range msgs {
		warn(&res, m)
	}
	if len(msgs) > 0 {
		if err := c.postNote(ctx, "account.move", int64(cn.ID), "Refund "+string(r.ID)+": "+strings.Join(msgs, "; ")+"."); err != nil && !refused(err) {
			return res, err
		}
	}
	return res, nil
}

// creditNoteByRef finds the credit note whose ref is key.
func (c *Client) creditNoteByRef(ctx context.Context, key string) (moneyMoveRow, bool, error) {
	rows, err := SearchRead[moneyMoveRow](ctx, c, "account.move", Query{Domain: []any{[]any{"move_type", "=", "out_refund"}, []any{"ref", "=", key}}, Fields: moneyMoveFields, Order: "id desc"})
	if err != nil || len(rows) == 0 {
		return moneyMoveRow{}, false, err
	}
	// One not cancelled before a cancelled one.
	for _, r := range rows {
		if r.State != "cancel" {
			return r, true, nil
		}
	}
	return rows[0], true, nil
}

type journalItemRow struct {
	ID             Int      `json:"id"`
	MoveID         Many2one `json:"move_id"`
	AccountID      Many2one `json:"account_id"`
	PartnerID      Many2one `json:"partner_id"`
	AmountResidual Num      `json:"amount_residual"`
	Balance        Num      `json:"balance"`
	Reconciled     Bool     `json:"reconciled"`
}

var journalItemFields = []string{"move_id", "account_id", "partner_id", "amount_residual", "balance", "reconciled"}

// receivableLeaf is the domain leaf of journal items on (op "=") or off
// (op "!=") a receivable account: account_type from 16; on 14 and 15 the
// account's internal_type, stored from its user_type_id
// (account/models/account_account.py).
func receivableLeaf(version int, op string) []any {
	if version <= 15 {
		return []any{"account_id.internal_type", op, "receivable"}
	}
	return []any{"account_id.account_type", op, "asset_receivable"}
}

// receivableItems are the open receivable journal items of moves.
func (c *Client) receivableItems(ctx context.Context, moves []any) ([]journalItemRow, error) {
	if len(moves) == 0 {
		return nil, nil
	}
	version, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	return SearchRead[journalItemRow](ctx, c, "account.move.line", Query{Domain: []any{[]any{"move_id", "in", moves}, receivableLeaf(version, "="), []any{"reconciled", "=", false}}, Fields: journalItemFields})
}

// applyCredit reconciles a posted credit note with the invoice it reverses
// while both are open. From 17 posting did it; 16 needs
// js_assign_outstanding_line, the payment widget's "add".
func (c *Client) applyCredit(ctx context.Context, cn moneyMoveRow, entity string) error {
	version, err := c.Version(ctx)
	if err != nil || version >= 17 || cn.State != "posted" || cn.ReversedEntry.ID == 0 {
		return err
	}
	items, err := c.receivableItems(ctx, []any{int64(cn.ID), cn.ReversedEntry.ID})
	if err != nil {
		return err
	}
	var credit int64
	open := false
	for _, it := range items {
		switch {
		case it.MoveID.ID == int64(cn.ID) && it.AmountResidual.D() < 0:
			credit = int64(it.ID)
		case it.MoveID.ID == cn.ReversedEntry.ID && it.AmountResidual.D() > 0:
			open = true
		}
	}
	if credit == 0 || !open {
		return nil
	}
	if _, err := c.Execute(ctx, "account.move", "js_assign_outstanding_line", []any{[]int64{cn.ReversedEntry.ID}, credit}, nil, false); err != nil {
		return fmt.Errorf("%s: applying credit note %s to its invoice: %w", entity, cn.Name, err)
	}
	return nil
}

// refundLines are the credit note's invoice_line_ids for r: each refunded
// SKU on its order line's product and taxes, the shipping on the delivery
// line's, the adjustment (and anything of Total no line explains) on the
// first product line's taxes, each priced to its tax-included amount.
func (c *Client) refundLines(ctx context.Context, o orderRow, entity string, r model.Refund) ([]any, error) {
	taxField, err := c.lineTaxField(ctx)
	if err != nil {
		return nil, err
	}
	lines, err := SearchRead[refundLineRow](ctx, c, "sale.order.line", Query{Domain: []any{[]any{"order_id", "=", int64(o.ID)}}, Fields: []string{"product_id", "name", "product_uom_qty", "is_delivery", taxField}})
	if err != nil {
		return nil, fmt.Errorf("%s: reading its lines: %w", entity, err)
	}
	var pids []any
	var taxIDs []any
	for _, l := range lines {
		if l.ProductID.ID != 0 {
			pids = append(pids, l.ProductID.ID)
		}
		for _, t := range l.taxes() {
			taxIDs = append(taxIDs, t)
		}
	}
	codes := map[int64]string{}
	if len(pids) > 0 {
		rows, err := SearchRead[codeOnlyRow](ctx, c, "product.product", Query{Domain: []any{[]any{"id", "in", pids}}, Fields: []string{"default_code"}, Context: inactiveToo})
		if err != nil {
			return nil, err
		}
		for _, p := range rows {
			codes[int64(p.ID)] = string(p.DefaultCode)
		}
	}
	taxes := map[int64]taxRow{}
	if len(taxIDs) > 0 {
		rows, err := SearchRead[taxRow](ctx, c, "account.tax", Query{Domain: []any{[]any{"id", "in", taxIDs}}, Fields: []string{"name", "amount", "price_include"}, Context: inactiveToo})
		if err != nil {
			return nil, err
		}
		for _, t := range rows {
			taxes[int64(t.ID)] = t
		}
	}
	taxesOf := func(l refundLineRow) []taxRow {
		var out []taxRow
		for _, id := range l.taxes() {
			if t, ok := taxes[id]; ok {
				out = append(out, t)
			}
		}
		return out
	}
	var first, shipping *refundLineRow
	for k := range lines {
		switch {
		case bool(lines[k].IsDeliv) && shipping == nil:
			shipping = &lines[k]
		case !bool(lines[k].IsDeliv) && first == nil:
			first = &lines[k]
		}
	}
	var plan []creditLine
	var sum float64
	add := func(cl []creditLine) {
		for _, l := range cl {
			sum += l.total()
		}
		plan = append(plan, cl...)
	}
	for _, rl := range r.Lines {
		var line *refundLineRow
		for k := range lines {
			if !bool(lines[k].IsDeliv) && codes[lines[k].ProductID.ID] == rl.SKU {
				line = &lines[k]
				break
			}
		}
		if line == nil {
			return nil, &RecordError{Entity: entity, Msg: fmt.Sprintf("refund %s credits SKU %q, which Odoo order %s has no line of; credit it in Odoo", r.ID, rl.SKU, o.Name), Action: true}
		}
		qty := max(rl.Quantity, 1)
		add(grossLines(line.ProductID.ID, string(line.Name), qty, rl.Amount.Float64(), taxesOf(*line)))
	}
	if !r.Shipping.IsZero() {
		var product int64
		var tx []taxRow
		name := "Shipping"
		if shipping != nil {
			product, tx, name = shipping.ProductID.ID, taxesOf(*shipping), string(shipping.Name)
		} else if first != nil {
			tx = taxesOf(*first)
		}
		add(grossLines(product, name, 1, r.Shipping.Float64(), tx))
	}
	var adjTaxes []taxRow
	if first != nil {
		adjTaxes = taxesOf(*first)
	}
	// The adjustment, and whatever of the total the lines do not make
	// (a shop's data that does not add up, or a cent of rounding).
	if adj := round2(r.Total.Float64() - sum); adj != 0 {
		add(grossLines(0, "Refund adjustment", 1, adj, adjTaxes))
	}
	if rest := round2(r.Total.Float64() - sum); rest != 0 {
		// Taxes that no 2-decimal price reaches exactly: the cents on their
		// own untaxed line.
		add([]creditLine{{name: "Rounding", qty: 1, price: rest}})
	}
	out := make([]any, 0, len(plan))
	for _, l := range plan {
		v := map[string]any{"name": l.name, "quantity": float64(l.qty), "price_unit": l.price, "tax_ids": []any{[]any{6, 0, l.taxIDs()}}}
		if l.product != 0 {
			v["product_id"] = l.product
		}
		out = append(out, []any{0, 0, v})
	}
	return out, nil
}

// creditLine is one credit note line: qty units at price with taxes.
type creditLine struct {
	product int64
	name    string
	qty     int
	price   float64
	taxes   []taxRow
}

func (l creditLine) taxIDs() []int64 {
	ids := []int64{}
	for _, t := range l.taxes {
		ids = append(ids, int64(t.ID))
	}
	return ids
}

// total is the line's total with tax as Odoo computes it per line
// (round_per_line, the default): the rounded amount, a price-included tax
// taken out of it, price-excluded taxes added on the rest, each rounded.
func (l creditLine) total() float64 {
	amount := round2(float64(l.qty) * l.price)
	var incl float64
	for _, t := range l.taxes {
		if bool(t.PriceInclude) {
			incl += t.Amount.D().Float64()
		}
	}
	sub, tax := amount, 0.0
	if incl != 0 {
		tax = round2(amount - amount/(1+incl/100))
		sub = round2(amount - tax)
	}
	for _, t := range l.taxes {
		if !bool(t.PriceInclude) {
			tax += round2(sub * t.Amount.D().Float64() / 100)
		}
	}
	return round2(sub + tax)
}

// grossLines prices qty units whose total with taxes is gross: one line when
// a 2-decimal unit price reaches it, else the units but one at one price and
// the last at another; with price-excluded taxes the prices within a few
// cents of the exact net are tried. What no price reaches is left for the
// caller's rounding line.
func grossLines(product int64, name string, qty int, gross float64, taxes []taxRow) []creditLine {
	rate := 0.0
	for _, t := range taxes {
		if !bool(t.PriceInclude) {
			rate += t.Amount.D().Float64()
		}
	}
	line := func(n int, p float64) creditLine {
		return creditLine{product: product, name: name, qty: n, price: p, taxes: taxes}
	}
	// near are the 2-decimal unit prices around the one whose n units total
	// want, nearest first.
	near := func(n int, want float64) []float64 {
		exact := want / float64(n) / (1 + rate/100)
		base := math.Round(exact * 100)
		out := []float64{base / 100}
		for d := 1.0; d <= 3; d++ {
			out = append(out, (base-d)/100, (base+d)/100)
		}
		return out
	}
	for _, p := range near(qty, gross) {
		if l := line(qty, p); l.total() == round2(gross) {
			return []creditLine{l}
		}
	}
	if qty > 1 {
		for _, p := range near(qty, gross) {
			head := line(qty-1, p)
			for _, q := range near(1, round2(gross-head.total())) {
				if last := line(1, q); round2(head.total()+last.total()) == round2(gross) {
					return []creditLine{head, last}
				}
			}
		}
	}
	return []creditLine{line(qty, near(qty, gross)[0])}
}

type returnMoveRow struct {
	ID           Int      `json:"id"`
	ProductID    Many2one `json:"product_id"`
	PickingID    Many2one `json:"picking_id"`
	State        Str      `json:"state"`
	Demand       Num      `json:"product_uom_qty"`
	Quantity     Num      `json:"quantity"`
	QuantityDone Num      `json:"quantity_done"`
	Returned     Many2one `json:"origin_returned_move_id"`
}

// done is what the move moved: quantity_done on 16, quantity from 17.
func (m returnMoveRow) done() float64 {
	return max(m.QuantityDone.D().Float64(), m.Quantity.D().Float64())
}

type returnPickRow struct {
	ID     Int `json:"id"`
	Name   Str `json:"name"`
	State  Str `json:"state"`
	Origin Str `json:"origin"`
}

// restock returns the goods of r's Restock lines from o's done deliveries
// (one return per delivery) and validates the returns, once: a return whose
// origin names key is r's. It answers what could not be returned (goods
// not delivered yet), for the result's warning and a note.
func (c *Client) restock(ctx context.Context, o orderRow, entity, key string, r model.Refund) ([]string, error) {
	want := map[string]float64{}
	var skus []string
	for _, l := range r.Lines {
		if l.Restock && l.Quantity > 0 {
			if _, ok := want[l.SKU]; !ok {
				skus = append(skus, l.SKU)
			}
			want[l.SKU] += float64(l.Quantity)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	version, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	picks, err := SearchRead[returnPickRow](ctx, c, "stock.picking", Query{Domain: []any{[]any{"sale_id", "=", int64(o.ID)}, []any{"state", "!=", "cancel"}}, Fields: []string{"name", "state", "origin"}})
	if err != nil {
		return nil, fmt.Errorf("%s: reading its deliveries: %w", entity, err)
	}
	var mine []returnPickRow
	for _, p := range picks {
		if strings.Contains(string(p.Origin), key) {
			mine = append(mine, p)
		}
	}
	if len(mine) > 0 {
		return nil, c.validateReturns(ctx, entity, mine)
	}
	var pickIDs []any
	for _, p := range picks {
		pickIDs = append(pickIDs, int64(p.ID))
	}
	if len(pickIDs) == 0 {
		return notDelivered(want, skus), nil
	}
	qtyField := "quantity"
	if version < 17 {
		qtyField = "quantity_done"
	}
	moves, err := SearchRead[returnMoveRow](ctx, c, "stock.move", Query{Domain: []any{[]any{"picking_id", "in", pickIDs}, []any{"state", "!=", "cancel"}}, Fields: []string{"product_id", "picking_id", "state", "product_uom_qty", qtyField, "origin_returned_move_id"}})
	if err != nil {
		return nil, fmt.Errorf("%s: reading its stock moves: %w", entity, err)
	}
	var pids []any
	for _, m := range moves {
		pids = append(pids, m.ProductID.ID)
	}
	codes := map[int64]string{}
	if len(pids) > 0 {
		rows, err := SearchRead[codeOnlyRow](ctx, c, "product.product", Query{Domain: []any{[]any{"id", "in", pids}}, Fields: []string{"default_code"}, Context: inactiveToo})
		if err != nil {
			return nil, err
		}
		for _, p := range rows {
			codes[int64(p.ID)] = string(p.DefaultCode)
		}
	}
	pickOf := map[int64]returnPickRow{}
	for _, p := range picks {
		pickOf[int64(p.ID)] = p
	}
	returned := map[int64]float64{}
	for _, m := range moves {
		if m.Returned.ID != 0 {
			returned[m.Returned.ID] += m.Demand.D().Float64()
		}
	}
	// An untagged return that is exactly this refund's: a create_returns
	// that committed before its picking was tagged.
	untagged := map[int64]map[string]float64{}
	for _, m := range moves {
		p := pickOf[m.PickingID.ID]
		if m.Returned.ID != 0 && !strings.Contains(string(p.Origin), " refund ") {
			if untagged[int64(p.ID)] == nil {
				untagged[int64(p.ID)] = map[string]float64{}
			}
			untagged[int64(p.ID)][codes[m.ProductID.ID]] += m.Demand.D().Float64()
		}
	}
	for pid, got := range untagged {
		if sameQuantities(got, want) {
			p := pickOf[pid]
			if err := c.Write(ctx, "stock.picking", []int64{pid}, map[string]any{"origin": strings.TrimSpace(string(p.Origin) + " (" + key + ")")}); err != nil {
				return nil, fmt.Errorf("%s: tagging return %s: %w", entity, p.Name, err)
			}
			return nil, c.validateReturns(ctx, entity, []returnPickRow{p})
		}
	}
	// What each done delivery's moves can give back, by picking.
	type retLine struct {
		product, move int64
		qty           float64
	}
	byPick := map[int64][]retLine{}
	var order []int64
	left := map[string]float64{}
	for k, v := range want {
		left[k] = v
	}
	for _, m := range moves {
		sku := codes[m.ProductID.ID]
		if m.Returned.ID != 0 || m.State != "done" || left[sku] <= 0 {
			continue
		}
		avail := m.done() - returned[int64(m.ID)]
		if avail <= 0 {
			continue
		}
		q := math.Min(avail, left[sku])
		left[sku] -= q
		pid := m.PickingID.ID
		if _, ok := byPick[pid]; !ok {
			order = append(order, pid)
		}
		byPick[pid] = append(byPick[pid], retLine{product: m.ProductID.ID, move: int64(m.ID), qty: q})
	}
	slices.Sort(order)
	hasLocation, err := c.returnWizardHasLocation(ctx)
	if err != nil {
		return nil, err
	}
	var made []returnPickRow
	for _, pid := range order {
		var lines []any
		for _, l := range byPick[pid] {
			lines = append(lines, []any{0, 0, map[string]any{"product_id": l.product, "quantity": l.qty, "move_id": l.move}})
		}
		wctx := map[string]any{"active_model": "stock.picking", "active_id": pid, "active_ids": []int64{pid}}
		vals := map[string]any{"picking_id": pid, "product_return_moves": lines}
		if hasLocation {
			// 16, 17: the return location comes from an onchange an RPC
			// create does not run; the warehouse's stock is where the goods
			// go back.
			loc, err := c.stockLocation(ctx)
			if err != nil {
				return nil, err
			}
			vals["location_id"] = loc
		}
		wiz, err := c.Create(ctx, "stock.return.picking", []map[string]any{vals}, wctx)
		if err != nil {
			return nil, fmt.Errorf("%s: returning the goods of refund %s from %s: %w", entity, r.ID, pickOf[pid].Name, err)
		}
		method := "action_create_returns"
		if version < 18 {
			method = "create_returns"
		}
		ans, err := c.Call(ctx, "stock.return.picking", method, wiz, map[string]any{"context": wctx})
		if err != nil {
			return nil, fmt.Errorf("%s: returning the goods of refund %s from %s: %w", entity, r.ID, pickOf[pid].Name, err)
		}
		a, _ := parseWizard(ans)
		if a.ResID == 0 {
			return nil, fmt.Errorf("%s: returning the goods of refund %s from %s: Odoo answered %s", entity, r.ID, pickOf[pid].Name, excerpt(ans))
		}
		rows, err := SearchRead[returnPickRow](ctx, c, "stock.picking", Query{Domain: []any{[]any{"id", "=", int64(a.ResID)}}, Fields: []string{"name", "state", "origin"}})
		if err != nil || len(rows) == 0 {
			return nil, fmt.Errorf("%s: reading the return of refund %s: %w", entity, r.ID, err)
		}
		p := rows[0]
		p.Origin = Str(strings.TrimSpace(string(p.Origin) + " (" + key + ")"))
		if err := c.Write(ctx, "stock.picking", []int64{int64(p.ID)}, map[string]any{"origin": string(p.Origin)}); err != nil {
			return nil, fmt.Errorf("%s: tagging return %s: %w", entity, p.Name, err)
		}
		made = append(made, p)
	}
	if err := c.validateReturns(ctx, entity, made); err != nil {
		return nil, err
	}
	return notDelivered(left, skus), nil
}

// notDelivered names the quantities of left that no delivery had.
func notDelivered(left map[string]float64, skus []string) []string {
	var out []string
	for _, sku := range skus {
		if q := left[sku]; q > 0 {
			out = append(out, fmt.Sprintf("%s × %s was not delivered yet, so nothing of it went back to stock (the open delivery still has it)", sku, model.DecimalFromFloat(q)))
		}
	}
	return out
}

func sameQuantities(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if math.Abs(b[k]-v) > 1e-9 {
			return false
		}
	}
	return true
}

// validateReturns validates the returns not done yet (ValidateDelivery: 16
// sets the quantities, 17+ validates the reservation).
func (c *Client) validateReturns(ctx context.Context, entity string, picks []returnPickRow) error {
	for _, p := range picks {
		if p.State == "done" {
			continue
		}
		if err := c.ValidateDelivery(ctx, int64(p.ID), ""); err != nil {
			return fmt.Errorf("%s: validating return %s: %w", entity, p.Name, err)
		}
	}
	return nil
}

// returnWizardHasLocation reads once whether stock.return.picking has
// location_id (16, 17; 18 takes the return type's destination).
func (c *Client) returnWizardHasLocation(ctx context.Context) (bool, error) {
	c.mu.Lock()
	known, has := c.returnLocKnown, c.returnLoc
	c.mu.Unlock()
	if known {
		return has, nil
	}
	res, err := c.Execute(ctx, "stock.return.picking", "fields_get", nil, map[string]any{"allfields": []string{"location_id"}, "attributes": []string{"type"}}, true)
	if err != nil {
		return false, err
	}
	has = strings.Contains(string(res), `"location_id"`)
	c.mu.Lock()
	c.returnLocKnown, c.returnLoc = true, has
	c.mu.Unlock()
	return has, nil
}
