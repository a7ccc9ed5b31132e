package odoo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

var _ flow.RefundSink = (*Client)(nil)

// importDelivered imports imp (default workflow: confirmed, invoiced,
// posted) and, when deliver is set, validates its delivery.
func importDelivered(t *testing.T, c *Client, sb *sandbox.Server, imp model.OrderImport, deliver bool) string {
	t.Helper()
	ctx := context.Background()
	res, err := c.ImportOrders(ctx, []model.OrderImport{imp})
	if err != nil || res[0].Err != nil || res[0].Warning != "" {
		t.Fatalf("import %s: %+v %v", imp.Ref, res, err)
	}
	if deliver {
		o := one(t, sb, "sale.order", res[0].RemoteID, "picking_ids")
		for _, p := range idsOf(o["picking_ids"]) {
			if err := c.ValidateDelivery(ctx, p, "JJFI"+imp.Order.Number); err != nil {
				t.Fatal(err)
			}
		}
	}
	return res[0].RemoteID
}

func onHand(t *testing.T, sb *sandbox.Server, sku string) float64 {
	t.Helper()
	rows := sb.SearchRead("product.product", []any{[]any{"default_code", "=", sku}}, []string{"qty_available"})
	if len(rows) != 1 {
		t.Fatalf("product %s: %v", sku, rows)
	}
	return rows[0]["qty_available"].(float64)
}

func invoiceOf(t *testing.T, sb *sandbox.Server, order string) map[string]any {
	t.Helper()
	invs := sb.SearchRead("account.move", []any{[]any{"move_type", "=", "out_invoice"}, []any{"invoice_origin", "=", one(t, sb, "sale.order", order, "name")["name"]}}, []string{"payment_state", "amount_residual", "amount_total"})
	if len(invs) != 1 {
		t.Fatalf("order %s: %d invoices", order, len(invs))
	}
	return invs[0]
}

// Refunds as credit notes, per version: a partial refund (one of two units
// restocked, a restocking fee kept) and the rest (the other unit, the
// shipping, the fee given back after all) credit the invoice to its total,
// each credit note to the shop's total to the cent, reconciled with the
// invoice (16 by js_assign_outstanding_line, 17+ on posting), the returned
// goods back on hand. Repeating a refund, also after its create committed
// and then failed, or after create_returns did, makes nothing twice. Goods
// not delivered yet are not returned (a warning and a note); an order
// without an invoice needs a person.
func TestRefundOrder(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb, sku := moneyClient(t, version)
			order := importDelivered(t, c, sb, moneyOrder("R1", sku, 2), true) // 2 × 12.55 + 5.90 = 31.00
			stock := onHand(t, sb, sku)
			// A refund the shop made before the order came into Odoo is in the
			// imported order already (its quantities are net of it).
			early := model.Refund{ID: "9000", OrderID: "R1", CreatedAt: time.Now().Add(-48 * time.Hour), Lines: []model.RefundLine{{SKU: sku, Quantity: 1, Amount: model.MustDecimal("12.55")}}, Total: model.MustDecimal("12.55")}
			if res, err := c.RefundOrder(ctx, order, early); err != nil || res.RemoteID != "" || !strings.Contains(res.Warning, "imported net of it") {
				t.Fatalf("a refund older than the order: %+v %v", res, err)
			}
			refunded := time.Now().UTC().Add(time.Minute)
			r1 := model.Refund{ID: "9001", OrderID: "R1", CreatedAt: refunded, Note: "size",
				Lines: []model.RefundLine{{SKU: sku, Quantity: 1, Amount: model.MustDecimal("12.55"), Restock: true}}, Adjustment: model.MustDecimal("-2"), Total: model.MustDecimal("10.55")}
			res, err := c.RefundOrder(ctx, order, r1)
			if err != nil || !res.Created || res.RemoteID == "" || !strings.HasPrefix(res.Number, "RINV/") || res.Warning != "" {
				t.Fatalf("first refund: %+v %v", res, err)
			}
			cn := one(t, sb, "account.move", res.RemoteID, "amount_total", "state", "ref", "reversed_entry_id", "move_type", "invoice_date")
			if cn["amount_total"] != 10.55 || cn["state"] != "posted" || cn["ref"] != "SHOP-R1 refund 9001" || cn["move_type"] != "out_refund" || cn["invoice_date"] != refunded.Format("2006-01-02") {
				t.Errorf("credit note %v", cn)
			}
			if inv := invoiceOf(t, sb, order); inv["payment_state"] != "partial" || inv["amount_residual"] != 20.45 {
				t.Errorf("invoice after the first refund %v", inv)
			}
			if got := onHand(t, sb, sku); got != stock+1 {
				t.Errorf("on hand %v after restocking 1 of %v", got, stock)
			}
			again, err := c.RefundOrder(ctx, order, r1)
			if err != nil || again.Created || again.RemoteID != res.RemoteID || again.Number != res.Number {
				t.Fatalf("the same refund again: %+v %v", again, err)
			}
			if got := onHand(t, sb, sku); got != stock+1 {
				t.Errorf("on hand %v after the repeat", got)
			}

			// The rest, through a create that commits and drops.
			r2 := model.Refund{ID: "9002", OrderID: "R1", Lines: []model.RefundLine{{SKU: sku, Quantity: 1, Amount: model.MustDecimal("12.55"), Restock: true}},
				Shipping: model.MustDecimal("5.90"), Adjustment: model.MustDecimal("2"), Total: model.MustDecimal("20.45")}
			sb.FailAfterCommit("account.move", "create", 1)
			res2, err := c.RefundOrder(ctx, order, r2)
			if err != nil || !res2.Created || res2.RemoteID == res.RemoteID {
				t.Fatalf("second refund: %+v %v", res2, err)
			}
			if n := len(sb.SearchRead("account.move", []any{[]any{"ref", "=", "SHOP-R1 refund 9002"}}, []string{"id"})); n != 1 {
				t.Errorf("%d credit notes of refund 9002", n)
			}
			if cn := one(t, sb, "account.move", res2.RemoteID, "amount_total", "payment_state"); cn["amount_total"] != 20.45 || cn["payment_state"] != "paid" {
				t.Errorf("second credit note %v", cn)
			}
			if inv := invoiceOf(t, sb, order); inv["payment_state"] != "reversed" || inv["amount_residual"] != 0.0 {
				t.Errorf("invoice credited in full %v", inv)
			}
			if got := onHand(t, sb, sku); got != stock+2 {
				t.Errorf("on hand %v after both returns", got)
			}
			returns := sb.SearchRead("stock.picking", []any{[]any{"sale_id", "=", parseInt(order)}, []any{"picking_type_code", "=", "incoming"}}, []string{"state", "origin"})
			if len(returns) != 2 || returns[0]["state"] != "done" || !strings.Contains(fmt.Sprint(returns[0]["origin"]), "Return of ") || !strings.HasSuffix(fmt.Sprint(returns[1]["origin"]), "(SHOP-R1 refund 9002)") {
				t.Errorf("returns %v", returns)
			}

			// create_returns commits and drops: the retry adopts its return.
			order3 := importDelivered(t, c, sb, moneyOrder("R3", sku, 1), true)
			method := "action_create_returns"
			if version < 18 {
				method = "create_returns"
			}
			sb.FailAfterCommit("stock.return.picking", method, 1)
			r3 := model.Refund{ID: "9003", Lines: []model.RefundLine{{SKU: sku, Quantity: 1, Amount: model.MustDecimal("12.55"), Restock: true}}, Total: model.MustDecimal("12.55")}
			if _, err := c.RefundOrder(ctx, order3, r3); err == nil {
				t.Fatal("the dropped create_returns was not reported")
			}
			before := onHand(t, sb, sku)
			if res3, err := c.RefundOrder(ctx, order3, r3); err != nil || res3.Created || res3.Warning != "" {
				t.Fatalf("refund after the dropped return: %+v %v", res3, err)
			}
			if n := len(sb.SearchRead("stock.picking", []any{[]any{"sale_id", "=", parseInt(order3)}, []any{"picking_type_code", "=", "incoming"}}, []string{"id"})); n != 1 || onHand(t, sb, sku) != before+1 {
				t.Errorf("%d returns of order R3, on hand %v from %v", n, onHand(t, sb, sku), before)
			}

			// Not delivered: credited, nothing returned, said so.
			order4 := importDelivered(t, c, sb, moneyOrder("R4", sku, 1), false)
			res4, err := c.RefundOrder(ctx, order4, model.Refund{ID: "9004", Lines: []model.RefundLine{{SKU: sku, Quantity: 1, Amount: model.MustDecimal("12.55"), Restock: true}}, Total: model.MustDecimal("12.55")})
			if err != nil || !strings.Contains(res4.Warning, "was not delivered yet") {
				t.Fatalf("refund of an undelivered order: %+v %v", res4, err)
			}
			if got := notes(sb, "account.move", res4.RemoteID); len(got) != 1 || !strings.Contains(got[0], "not delivered yet") {
				t.Errorf("notes on the credit note %q", got)
			}
			if n := len(sb.SearchRead("stock.picking", []any{[]any{"sale_id", "=", parseInt(order4)}, []any{"picking_type_code", "=", "incoming"}}, []string{"id"})); n != 0 {
				t.Errorf("%d returns of an undelivered order", n)
			}

			// Not invoiced: a person invoices it first.
			q := moneyOrder("R5", sku, 1)
			q.Workflow = &model.Workflow{Confirm: true}
			order5 := importDelivered(t, c, sb, q, false)
			var re *RecordError
			if _, err := c.RefundOrder(ctx, order5, model.Refund{ID: "9005", Total: model.MustDecimal("1")}); !errors.As(err, &re) || !re.Action || !strings.Contains(re.Error(), "SHOP-R5") || !strings.Contains(re.Msg, "no posted invoice") {
				t.Errorf("refund of an uninvoiced order: %v", err)
			}
			// A SKU the order does not have.
			if _, err := c.RefundOrder(ctx, order4, model.Refund{ID: "9006", Lines: []model.RefundLine{{SKU: "NOPE", Quantity: 1, Amount: model.MustDecimal("1")}}, Total: model.MustDecimal("1")}); !errors.As(err, &re) || !strings.Contains(re.Msg, `"NOPE"`) {
				t.Errorf("refund of a SKU not on the order: %v", err)
			}
		})
	}
}

// A line with a price-excluded tax (the order's net prices): the credit
// note's lines are net prices whose totals with the tax Odoo rounds per line
// make the shop's refunded amounts to the cent.
func TestRefundPriceExcludedTax(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb, sku := moneyClient(t, version)
			imp := moneyOrder("X1", sku, 3)
			for i := range imp.Order.Lines {
				imp.Order.Lines[i].TaxName = "25.5%"
			}
			order := importDelivered(t, c, sb, imp, false)
			for i, amount := range []string{"25.10", "0.07", "12.56", "33.33"} {
				qty := 1 + i%2
				res, err := c.RefundOrder(ctx, order, model.Refund{ID: model.RemoteID(fmt.Sprint("X", i)), Lines: []model.RefundLine{{SKU: sku, Quantity: qty, Amount: model.MustDecimal(amount)}}, Total: model.MustDecimal(amount)})
				if err != nil || res.Warning != "" {
					t.Fatalf("%s: %+v %v", amount, res, err)
				}
				cn := one(t, sb, "account.move", res.RemoteID, "amount_total")
				if fmt.Sprintf("%.2f", cn["amount_total"]) != amount {
					t.Errorf("credit note of %s totals %v", amount, cn["amount_total"])
				}
			}
		})
	}
}

// grossLines reaches every amount to the cent with a price-included tax, and
// with a price-excluded 25.5 % tax on lines of two or more units; one unit
// misses some cents (a step of 1.255), which the caller's rounding line takes.
func TestGrossLines(t *testing.T) {
	t.Parallel()
	incl := []taxRow{{ID: 1, Amount: Num(model.MustDecimal("25.5")), PriceInclude: true}}
	excl := []taxRow{{ID: 2, Amount: Num(model.MustDecimal("25.5"))}}
	missed := 0
	for cents := 1; cents <= 5000; cents++ {
		gross := float64(cents) / 100
		for qty := 1; qty <= 4; qty++ {
			for _, tx := range [][]taxRow{incl, excl, nil} {
				var sum float64
				n := 0
				for _, l := range grossLines(1, "x", qty, gross, tx) {
					sum += l.total()
					n += l.qty
				}
				if n != qty {
					t.Fatalf("%v × %d: %d units", gross, qty, n)
				}
				if round2(sum) != gross {
					if len(tx) == 0 || tx[0].PriceInclude || qty > 1 && cents >= 2*qty {
						t.Errorf("%v × %d (%v): totals %v", gross, qty, tx, sum)
					}
					missed++
				}
			}
		}
	}
	if missed > 5000/4 {
		t.Errorf("%d amounts missed", missed)
	}
}
