package odoo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// Payouts (flow.PayoutSink). A payout is an account.bank.statement in the
// bank journal, its reference "payout <id>" (the statement's reference,
// "External Reference", exists 14–19), made in one create with its lines so
// that it exists whole or not at all: one line per payout line at its gross
// amount (ref the balance transaction's id, payment_ref the order number and
// type) and one per fee, negative, against the bank fees account
// (counterpart_account_id, which the line's create takes out of its values on
// 14–19). Community has no reconciliation widget over RPC, so a line is
// reconciled with the journal items: its suspense item is moved to the
// account of what it pays (the invoice's receivable, a credit note's, or the
// outstanding receipts of a payment already registered on the invoice) and
// account.move.line.reconcile matches the two (16 answers a summary, 17+
// None). A repeated call finds the statement and only reconciles what is
// still open. On 14 and 15 a statement is made with its journal and date,
// posted before its lines are reconciled (their entries are drafts until
// then) and validated once none is left open (account_bank_statement.py).

// feeAccountCode is the bank fees account of Odoo's generic chart
// (l10n_generic_coa 16, account's generic_coa template 18: 6200 → 620000).
const feeAccountCode = "620000"

type statementRow struct {
	ID        Int      `json:"id"`
	Name      Str      `json:"name"`
	Reference Str      `json:"reference"`
	JournalID Many2one `json:"journal_id"`
}

type statementLineRow struct {
	ID            Int      `json:"id"`
	Ref           Str      `json:"ref"`
	PaymentRef    Str      `json:"payment_ref"`
	Amount        Num      `json:"amount"`
	MoveID        Many2one `json:"move_id"`
	IsReconciled  Bool     `json:"is_reconciled"`
	PartnerID     Many2one `json:"partner_id"`
	StatementID   Many2one `json:"statement_id"`
	JournalID     Many2one `json:"journal_id"`
	AmountResidue Num      `json:"amount_residual"`
}

type bankJournalRow struct {
	ID        Int      `json:"id"`
	Name      Str      `json:"name"`
	Suspense  Many2one `json:"suspense_account_id"`
	Liquidity Many2one `json:"default_account_id"`
}

type accountRow struct {
	ID   Int `json:"id"`
	Code Str `json:"code"`
	Name Str `json:"name"`
}

// payoutTarget is what a payout line pays: an open journal item (an
// invoice's or credit note's receivable, a payment's outstanding receipt).
type payoutTarget struct {
	item journalItemRow
	what string // "invoice INV/2026/00001"
}

// BookPayout records payout p as a bank statement in journal (a bank
// journal's name or code) and reconciles each charge with its order's open
// invoice and each refund with its credit note (flow.PayoutSink). orders maps
// a line's OrderID to the Odoo sale order's id; lines of unknown orders or
// without an open invoice stay to reconcile by hand, and the result's
// Warning lists them.
func (c *Client) BookPayout(ctx context.Context, journal string, p model.Payout, orders map[model.RemoteID]string) (model.WriteResult, error) {
	entity := "payout " + string(p.ID)
	res := model.WriteResult{}
	jid, err := c.journalNamed(ctx, journal, []string{"bank"}, nil)
	if err != nil {
		return res, fmt.Errorf("%s: %w", entity, err)
	}
	if jid == 0 {
		return res, &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo has no bank journal named %q (name or code) to book the payout in; create it or fix the route's journal", journal), Action: true}
	}
	js, err := SearchRead[bankJournalRow](ctx, c, "account.journal", Query{Domain: []any{[]any{"id", "=", jid}}, Fields: []string{"name", "suspense_account_id", "default_account_id"}})
	if err != nil || len(js) == 0 {
		return res, fmt.Errorf("%s: reading journal %q: %w", entity, journal, err)
	}
	bank := js[0]
	version, err := c.Version(ctx)
	if err != nil {
		return res, fmt.Errorf("%s: %w", entity, err)
	}
	ref := "payout " + string(p.ID)
	st, found, err := c.statementByRef(ctx, ref, jid)
	if err != nil {
		return res, fmt.Errorf("%s: looking up its statement: %w", entity, err)
	}
	targets, err := c.payoutTargets(ctx, p, orders)
	if err != nil {
		return res, fmt.Errorf("%s: %w", entity, err)
	}
	if !found {
		var sum model.Decimal
		for _, l := range p.Lines {
			sum += l.Amount - l.Fee
		}
		if len(p.Lines) > 0 && sum != p.Net {
			warn(&res, fmt.Sprintf("the payout's lines come to %s, its net is %s", sum.StringFixed(2), p.Net.StringFixed(2)))
		}
		fees, err := c.feeAccount(ctx)
		if err != nil {
			return res, fmt.Errorf("%s: %w", entity, err)
		}
		date := p.Date.UTC().Format("2006-01-02")
		var lines []any
		hasFees := false
		for _, l := range p.Lines {
			v := map[string]any{"journal_id": jid, "date": date, "amount": l.Amount.Float64(), "ref": string(l.ID), "payment_ref": lineLabel(l)}
			if t, ok := targets[l.ID]; ok && t.item.PartnerID.ID != 0 {
				v["partner_id"] = t.item.PartnerID.ID
			}
			lines = append(lines, []any{0, 0, v})
			if !l.Fee.IsZero() {
				hasFees = true
				f := map[string]any{"journal_id": jid, "date": date, "amount": -l.Fee.Float64(), "ref": string(l.ID) + " fee", "payment_ref": lineLabel(l) + " fee"}
				if fees != 0 {
					f["counterpart_account_id"] = fees
				}
				lines = append(lines, []any{0, 0, f})
			}
		}
		if hasFees && fees == 0 {
			warn(&res, fmt.Sprintf("Odoo has no bank fees account (%s), so the fees stay to reconcile by hand", feeAccountCode))
		}
		// journal_id, date and the balances follow from the lines (16–19:
		// computed): the starting balance is the previous statement's end.
		vals := map[string]any{"name": "Payout " + string(p.ID), "reference": ref, "line_ids": lines}
		if version <= 15 {
			// 14 and 15 require the journal and take the lines' dates
			// from the statement (account_bank_statement.py).
			vals["journal_id"], vals["date"] = jid, date
		}
		_, cerr := c.Create(ctx, "account.bank.statement", []map[string]any{vals}, nil)
		if isName(cerr, "AccessError") {
			return res, fmt.Errorf("%s: creating its bank statement in %s: %w (the Odoo user needs Show Full Accounting Features, account.group_account_user; from 18 its Basic group, account.group_account_basic, is enough)", entity, bank.Name, cerr)
		}
		if cerr != nil && !remote.IsAmbiguous(cerr) {
			return res, fmt.Errorf("%s: creating its bank statement in %s: %w", entity, bank.Name, cerr)
		}
		// The create may have committed although its answer was lost.
		if st, found, err = c.statementByRef(ctx, ref, jid); err != nil || !found {
			return res, errors.Join(fmt.Errorf("%s: creating its bank statement in %s: %w", entity, bank.Name, cerr), err)
		}
		res.Created = true
	}
	res.RemoteID, res.Number = st.ID.String(), string(st.Name)
	if version <= 15 {
		if err := c.postStatement(ctx, entity, st); err != nil {
			return res, err
		}
	}
	open, err := c.reconcilePayout(ctx, entity, st, bank, p, targets)
	if err != nil {
		return res, err
	}
	if len(open) > 0 {
		warn(&res, "to reconcile by hand: "+strings.Join(open, ", "))
	} else if version <= 15 {
		// The lines are booked and reconciled already, so a refused
		// validation is a warning, not a failed payout.
		if err := c.validateStatement(ctx, entity, st); refused(err) {
			warn(&res, fmt.Sprintf("statement %s stays posted: %v", st.Name, err))
		} else if err != nil {
			return res, err
		}
	}
	return res, nil
}

// statementState is a 14 or 15 statement's state and balances.
type statementState struct {
	State      Str `json:"state"`
	BalanceEnd Num `json:"balance_end"`
	EndReal    Num `json:"balance_end_real"`
}

func (c *Client) statementState(ctx context.Context, st statementRow) (statementState, error) {
	rows, err := SearchRead[statementState](ctx, c, "account.bank.statement", Query{Domain: []any{[]any{"id", "=", int64(st.ID)}}, Fields: []string{"state", "balance_end", "balance_end_real"}})
	if err != nil || len(rows) == 0 {
		return statementState{}, fmt.Errorf("reading statement %s: %w", st.Name, err)
	}
	return rows[0], nil
}

// postStatement posts a 14 or 15 statement still new ("open"): its lines'
// entries stay drafts, which cannot be reconciled, until button_post, which
// refuses a bank statement whose ending balance is not the computed one
// (account_bank_statement.py button_post), so that is set first.
func (c *Client) postStatement(ctx context.Context, entity string, st statementRow) error {
	s, err := c.statementState(ctx, st)
	if err != nil {
		return fmt.Errorf("%s: %w", entity, err)
	}
	if s.State != "open" {
		return nil
	}
	if s.EndReal != s.BalanceEnd {
		if err := c.Write(ctx, "account.bank.statement", []int64{int64(st.ID)}, map[string]any{"balance_end_real": s.BalanceEnd.D().Float64()}); err != nil {
			return fmt.Errorf("%s: setting the ending balance of statement %s: %w", entity, st.Name, err)
		}
	}
	if _, err := c.Call(ctx, "account.bank.statement", "button_post", []int64{int64(st.ID)}, nil); err != nil {
		return fmt.Errorf("%s: posting statement %s: %w", entity, st.Name, err)
	}
	return nil
}

// validateStatement validates a posted 14 or 15 statement whose lines are
// all reconciled (button_validate), as 16 has no further step after the
// reconciliation.
func (c *Client) validateStatement(ctx context.Context, entity string, st statementRow) error {
	s, err := c.statementState(ctx, st)
	if err != nil {
		return fmt.Errorf("%s: %w", entity, err)
	}
	if s.State != "posted" {
		return nil
	}
	if _, err := c.Call(ctx, "account.bank.statement", "button_validate", []int64{int64(st.ID)}, nil); err != nil {
		return fmt.Errorf("%s: validating statement %s: %w", entity, st.Name, err)
	}
	return nil
}

// lineLabel is a statement line's label: the order number and the type.
func lineLabel(l model.PayoutLine) string {
	if l.OrderNumber != "" {
		return strings.TrimSpace(l.OrderNumber + " " + l.Type)
	}
	return strings.TrimSpace(l.Type + " " + string(l.ID))
}

func (c *Client) statementByRef(ctx context.Context, ref string, journal int64) (statementRow, bool, error) {
	rows, err := SearchRead[statementRow](ctx, c, "account.bank.statement", Query{Domain: []any{[]any{"reference", "=", ref}, []any{"journal_id", "=", journal}}, Fields: []string{"name", "reference", "journal_id"}, Order: "id asc"})
	if err != nil || len(rows) == 0 {
		return statementRow{}, false, err
	}
	return rows[0], true, nil
}

// feeAccount is the bank fees account: code 620000, else an expense account
// named like bank fees (a localized chart); 0 when Odoo has neither.
func (c *Client) feeAccount(ctx context.Context) (int64, error) {
	version, err := c.Version(ctx)
	if err != nil {
		return 0, err
	}
	// 14 and 15 have no account_type: the account's internal_group, stored
	// from its user_type_id (account/models/account_account.py).
	expense := []any{"account_type", "=", "expense"}
	if version <= 15 {
		expense = []any{"internal_group", "=", "expense"}
	}
	for _, d := range [][]any{{[]any{"code", "=", feeAccountCode}}, {[]any{"name", "ilike", "bank fee"}, expense}} {
		rows, err := SearchRead[accountRow](ctx, c, "account.account", Query{Domain: d, Fields: []string{"code", "name"}, Limit: 1})
		if err != nil {
			return 0, fmt.Errorf("looking up the bank fees account: %w", err)
		}
		if len(rows) > 0 {
			return int64(rows[0].ID), nil
		}
	}
	return 0, nil
}

// payoutTargets finds, per charge or refund line of p whose order is known,
// the open journal item it pays: a charge the receivable of the order's open
// invoice (the one of the same amount first), else a payment's outstanding
// receipt on an invoice paid already; a refund a credit note's open
// receivable. Lines without one are not in the map.
func (c *Client) payoutTargets(ctx context.Context, p model.Payout, orders map[model.RemoteID]string) (map[model.RemoteID]payoutTarget, error) {
	out := map[model.RemoteID]payoutTarget{}
	var ids []any
	for _, l := range p.Lines {
		if id, ok := orders[l.OrderID]; ok && l.OrderID != "" && id != "" {
			ids = append(ids, parseInt(id))
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	sos, err := SearchRead[orderRow](ctx, c, "sale.order", Query{Domain: []any{[]any{"id", "in", ids}}, Fields: orderFields, Context: inactiveToo})
	if err != nil {
		return nil, fmt.Errorf("reading the payout's orders: %w", err)
	}
	var invIDs []any
	for _, o := range sos {
		for _, i := range o.InvoiceIDs {
			invIDs = append(invIDs, i)
		}
	}
	if len(invIDs) == 0 {
		return out, nil
	}
	moves, err := SearchRead[moneyMoveRow](ctx, c, "account.move", Query{Domain: []any{"|", []any{"id", "in", invIDs}, []any{"reversed_entry_id", "in", invIDs}, []any{"state", "=", "posted"}, []any{"move_type", "in", []any{"out_invoice", "out_refund"}}}, Fields: moneyMoveFields})
	if err != nil {
		return nil, fmt.Errorf("reading the invoices of the payout's orders: %w", err)
	}
	var moveIDs []any
	moveByID := map[int64]moneyMoveRow{}
	for _, m := range moves {
		moveIDs = append(moveIDs, int64(m.ID))
		moveByID[int64(m.ID)] = m
	}
	items, err := c.receivableItems(ctx, moveIDs)
	if err != nil {
		return nil, err
	}
	// The order of each move: its invoice's, for a credit note.
	orderOf := map[int64]int64{}
	for _, o := range sos {
		for _, i := range o.InvoiceIDs {
			orderOf[i] = int64(o.ID)
		}
	}
	for _, m := range moves {
		if m.MoveType == "out_refund" && m.ReversedEntry.ID != 0 {
			if o, ok := orderOf[m.ReversedEntry.ID]; ok {
				orderOf[int64(m.ID)] = o
			}
		}
	}
	used := map[int64]bool{}
	pick := func(order int64, amount model.Decimal, credit bool) (payoutTarget, bool) {
		var best *journalItemRow
		for k := range items {
			it := &items[k]
			m := moveByID[it.MoveID.ID]
			if used[int64(it.ID)] || orderOf[int64(m.ID)] != order || (m.MoveType == "out_refund") != credit {
				continue
			}
			if r := it.AmountResidual.D(); credit && r >= 0 || !credit && r <= 0 {
				continue
			}
			if best == nil || it.AmountResidual.D() == amount && best.AmountResidual.D() != amount {
				best = it
			}
		}
		if best == nil {
			return payoutTarget{}, false
		}
		used[int64(best.ID)] = true
		return payoutTarget{item: *best, what: "invoice " + string(moveByID[best.MoveID.ID].Name)}, true
	}
	var paidCharges []model.PayoutLine
	for _, l := range p.Lines {
		id, ok := orders[l.OrderID]
		if !ok || l.OrderID == "" || l.Amount.IsZero() {
			continue
		}
		if t, ok := pick(parseInt(id), l.Amount, l.Amount < 0); ok {
			out[l.ID] = t
		} else if l.Amount > 0 {
			paidCharges = append(paidCharges, l)
		}
	}
	if len(paidCharges) == 0 {
		return out, nil
	}
	// Charges whose invoice a registered payment paid: the payment's
	// outstanding receipt is what the bank line settles.
	receipts, err := c.outstandingReceipts(ctx, moves)
	if err != nil {
		return nil, err
	}
	for _, l := range paidCharges {
		order := parseInt(orders[l.OrderID])
		var best *journalItemRow
		for k := range receipts {
			it := &receipts[k].item
			if used[int64(it.ID)] || receipts[k].order(orderOf) != order {
				continue
			}
			if best == nil || it.AmountResidual.D() == l.Amount && best.AmountResidual.D() != l.Amount {
				best = it
			}
		}
		if best != nil {
			used[int64(best.ID)] = true
			out[l.ID] = payoutTarget{item: *best, what: "payment " + best.MoveID.Name}
		}
	}
	return out, nil
}

type partialRow struct {
	ID     Int      `json:"id"`
	Debit  Many2one `json:"debit_move_id"`
	Credit Many2one `json:"credit_move_id"`
}

type receiptItem struct {
	item    journalItemRow
	invoice int64
}

func (r receiptItem) order(orderOf map[int64]int64) int64 { return orderOf[r.invoice] }

// outstandingReceipts are the open outstanding-receipt items of the payments
// matched with the invoices among moves: the invoice's receivable, its
// partials, their credit items' moves (the payments), those moves' open
// items on a reconcilable account other than the receivable.
func (c *Client) outstandingReceipts(ctx context.Context, moves []moneyMoveRow) ([]receiptItem, error) {
	var invs []any
	for _, m := range moves {
		if m.MoveType == "out_invoice" {
			invs = append(invs, int64(m.ID))
		}
	}
	if len(invs) == 0 {
		return nil, nil
	}
	version, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	type recvRow struct {
		ID      Int      `json:"id"`
		MoveID  Many2one `json:"move_id"`
		Matched IDs      `json:"matched_credit_ids"`
	}
	recv, err := SearchRead[recvRow](ctx, c, "account.move.line", Query{Domain: []any{[]any{"move_id", "in", invs}, receivableLeaf(version, "=")}, Fields: []string{"move_id", "matched_credit_ids"}})
	if err != nil {
		return nil, fmt.Errorf("reading the invoices' receivables: %w", err)
	}
	var partialIDs []any
	invOfItem := map[int64]int64{}
	for _, r := range recv {
		invOfItem[int64(r.ID)] = r.MoveID.ID
		for _, p := range r.Matched {
			partialIDs = append(partialIDs, p)
		}
	}
	if len(partialIDs) == 0 {
		return nil, nil
	}
	partials, err := SearchRead[partialRow](ctx, c, "account.partial.reconcile", Query{Domain: []any{[]any{"id", "in", partialIDs}}, Fields: []string{"debit_move_id", "credit_move_id"}})
	if err != nil {
		return nil, fmt.Errorf("reading the invoices' payments: %w", err)
	}
	var creditItems []any
	invOfCredit := map[int64]int64{}
	for _, p := range partials {
		creditItems = append(creditItems, p.Credit.ID)
		invOfCredit[p.Credit.ID] = invOfItem[p.Debit.ID]
	}
	paying, err := SearchRead[journalItemRow](ctx, c, "account.move.line", Query{Domain: []any{[]any{"id", "in", creditItems}}, Fields: journalItemFields})
	if err != nil {
		return nil, fmt.Errorf("reading the invoices' payments: %w", err)
	}
	var payMoves []any
	invOfMove := map[int64]int64{}
	for _, it := range paying {
		if !slices.Contains(payMoves, any(it.MoveID.ID)) {
			payMoves = append(payMoves, it.MoveID.ID)
		}
		invOfMove[it.MoveID.ID] = invOfCredit[int64(it.ID)]
	}
	open, err := SearchRead[journalItemRow](ctx, c, "account.move.line", Query{Domain: []any{[]any{"move_id", "in", payMoves}, []any{"reconciled", "=", false}, []any{"account_id.reconcile", "=", true},
		receivableLeaf(version, "!="), []any{"amount_residual", ">", 0}}, Fields: journalItemFields})
	if err != nil {
		return nil, fmt.Errorf("reading the payments' outstanding receipts: %w", err)
	}
	var out []receiptItem
	for _, it := range open {
		out = append(out, receiptItem{item: it, invoice: invOfMove[it.MoveID.ID]})
	}
	return out, nil
}

// reconcilePayout matches each open line of statement st with its target
// and answers the lines left to reconcile by hand, by order number.
func (c *Client) reconcilePayout(ctx context.Context, entity string, st statementRow, bank bankJournalRow, p model.Payout, targets map[model.RemoteID]payoutTarget) ([]string, error) {
	lines, err := SearchRead[statementLineRow](ctx, c, "account.bank.statement.line", Query{Domain: []any{[]any{"statement_id", "=", int64(st.ID)}}, Fields: []string{"ref", "payment_ref", "amount", "move_id", "is_reconciled", "partner_id"}})
	if err != nil {
		return nil, fmt.Errorf("%s: reading the lines of statement %s: %w", entity, st.Name, err)
	}
	byRef := map[string]statementLineRow{}
	var moves []any
	for _, l := range lines {
		byRef[string(l.Ref)] = l
		if !l.IsReconciled {
			moves = append(moves, l.MoveID.ID)
		}
	}
	var items []journalItemRow
	if len(moves) > 0 {
		if items, err = SearchRead[journalItemRow](ctx, c, "account.move.line", Query{Domain: []any{[]any{"move_id", "in", moves}, []any{"reconciled", "=", false}}, Fields: journalItemFields}); err != nil {
			return nil, fmt.Errorf("%s: reading the journal items of statement %s: %w", entity, st.Name, err)
		}
	}
	var open []string
	for _, pl := range p.Lines {
		who := nonEmpty(pl.OrderNumber, lineLabel(pl))
		l, ok := byRef[string(pl.ID)]
		if !ok {
			open = append(open, who+" (not on the statement)")
			continue
		}
		if l.IsReconciled {
			continue
		}
		t, ok := targets[pl.ID]
		if !ok {
			why := "no open invoice"
			if pl.OrderID == "" {
				why = "no order"
			} else if pl.Amount < 0 {
				why = "no open credit note"
			}
			open = append(open, who+" ("+why+")")
			continue
		}
		// The line's item still to match: on suspense, or moved to the
		// target's account by an earlier call that stopped there.
		var item *journalItemRow
		for k := range items {
			it := &items[k]
			if it.MoveID.ID != l.MoveID.ID || it.AccountID.ID == bank.Liquidity.ID {
				continue
			}
			if it.AccountID.ID == bank.Suspense.ID || it.AccountID.ID == t.item.AccountID.ID {
				item = it
				break
			}
		}
		if item == nil {
			open = append(open, who+" (its statement line has no open item)")
			continue
		}
		if item.AccountID.ID != t.item.AccountID.ID || item.PartnerID.ID != t.item.PartnerID.ID && t.item.PartnerID.ID != 0 {
			vals := map[string]any{"account_id": t.item.AccountID.ID}
			if t.item.PartnerID.ID != 0 {
				vals["partner_id"] = t.item.PartnerID.ID
			}
			if err := c.Write(ctx, "account.move.line", []int64{int64(item.ID)}, vals); err != nil {
				if !refused(err) {
					return nil, fmt.Errorf("%s: matching %s with %s: %w", entity, who, t.what, err)
				}
				open = append(open, fmt.Sprintf("%s (Odoo refused to match it with %s: %v)", who, t.what, err))
				continue
			}
		}
		if _, err := c.Call(ctx, "account.move.line", "reconcile", []int64{int64(item.ID), int64(t.item.ID)}, nil); err != nil {
			if !refused(err) {
				return nil, fmt.Errorf("%s: reconciling %s with %s: %w", entity, who, t.what, err)
			}
			open = append(open, fmt.Sprintf("%s (Odoo refused to reconcile it with %s: %v)", who, t.what, err))
		}
	}
	return open, nil
}
