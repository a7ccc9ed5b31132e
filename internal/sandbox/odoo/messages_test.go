package odoo

import (
	"net/http/httptest"
	"testing"
)

// A quotation held for review: left draft with a note, a note posted on it
// (message_post answers the mail.message id; 19 [id]), cancelled straight
// from draft (no wizard on a draft), back to draft, confirmed later. 14 and
// 15 post an unknown subtype_xmlid as a note, refuse the subtype keyword
// with their own text and have no auto_comment.
func TestQuotationHeldForReview(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 1}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		so := result[int64](t, kw(t, srv.URL, "sale.order", "create", []any{map[string]any{"partner_id": 1, "note": "Held: address check",
			"order_line": []any{[]any{0, 0, map[string]any{"product_id": 1, "product_uom_qty": 1, "price_unit": 10}}}}}, nil))
		got := c.call("sale.order", "message_post", []any{[]any{so}}, map[string]any{"body": "Held for review <fraud>", "message_type": "comment", "subtype_xmlid": "mail.mt_note"})
		var msg int64
		if version >= 19 {
			l, ok := got.([]any)
			if !ok || len(l) != 1 {
				t.Fatalf("19 message_post answered %v", got)
			}
			msg = int64(l[0].(float64))
		} else {
			f, ok := got.(float64)
			if !ok {
				t.Fatalf("%d message_post answered %v", version, got)
			}
			msg = int64(f)
		}
		m := c.one("mail.message", msg, "model", "res_id", "body", "message_type", "subtype_id")
		want := "<p>Held for review <fraud></p>"
		if version >= 18 {
			want = "<p>Held for review &lt;fraud&gt;</p>"
		}
		if m["model"] != "sale.order" || m["res_id"] != float64(so) || m["body"] != want || m["message_type"] != "comment" || m2oID(m["subtype_id"]) == 0 {
			t.Errorf("%d message: %v", version, m)
		}
		if ids := c.one("sale.order", so, "message_ids")["message_ids"].([]any); len(ids) != 1 {
			t.Errorf("%d message_ids %v", version, ids)
		}
		n, text := errName(kw(t, srv.URL, "sale.order", "message_post", []any{[]any{so}}, map[string]any{"body": "x", "message_type": "user_notification"}))
		if n != "builtins.ValueError" || version == 14 && text != "message_post should only be call to post message on record. Use message_notify instead" {
			t.Errorf("%d user_notification: %s %q", version, n, text)
		}
		if version <= 15 {
			// 14, 15: an unknown subtype_xmlid is no subtype, so a note.
			got := c.call("sale.order", "message_post", []any{[]any{so}}, map[string]any{"body": "x", "subtype_xmlid": "mail.mt_nope"})
			if st := c.one("mail.message", int64(got.(float64)), "subtype_id")["subtype_id"]; m2oID(st) != m2oID(m["subtype_id"]) {
				t.Errorf("%d unknown subtype posted with %v", version, st)
			}
			c.call("mail.message", "unlink", []any{[]any{got}}, nil)
			n, text := errName(kw(t, srv.URL, "sale.order", "message_post", []any{[]any{so}}, map[string]any{"body": "x", "subtype": "mt_note"}))
			want := map[int]string{14: "message_post doesn't support subtype parameter anymore. Please give a valid subtype_id or subtype_xmlid value instead.",
				15: "message_post does not support subtype parameter anymore. Please give a valid subtype_id or subtype_xmlid value instead."}[version]
			if n != "builtins.ValueError" || text != want {
				t.Errorf("%d subtype kwarg: %s %q", version, n, text)
			}
			if n, _ := errName(kw(t, srv.URL, "sale.order", "message_post", []any{[]any{so}}, map[string]any{"body": "x", "message_type": "auto_comment"})); n != "builtins.ValueError" {
				t.Errorf("%d auto_comment: %s", version, n)
			}
		} else if n, _ := errName(kw(t, srv.URL, "sale.order", "message_post", []any{[]any{so}}, map[string]any{"body": "x", "subtype_xmlid": "mail.mt_nope"})); n != "builtins.ValueError" {
			t.Errorf("%d unknown subtype: %s", version, n)
		}
		state := func() any { return c.one("sale.order", so, "state")["state"] }
		if state() != "draft" {
			t.Fatalf("%d held quotation %v", version, state())
		}
		if r := c.call("sale.order", "action_cancel", []any{[]any{so}}, nil); r != true || state() != "cancel" {
			t.Errorf("%d action_cancel of a draft: %v, %v", version, r, state())
		}
		c.call("sale.order", "action_draft", []any{[]any{so}}, nil)
		if state() != "draft" {
			t.Errorf("%d action_draft: %v", version, state())
		}
		c.call("sale.order", "action_confirm", []any{[]any{so}}, nil)
		if state() != "sale" {
			t.Errorf("%d action_confirm: %v", version, state())
		}
		// account.move is a thread too.
		_, inv := c.postedInvoice(10)
		c.call("account.move", "message_post", []any{[]any{inv}}, map[string]any{"body": "Paid via Shopify"})
		rows := c.call("mail.message", "search_read", []any{[]any{[]any{"model", "=", "account.move"}, []any{"res_id", "=", inv}}}, map[string]any{"fields": []string{"body", "message_type"}}).([]any)
		if len(rows) != 1 || rows[0].(map[string]any)["message_type"] != "notification" {
			t.Errorf("%d invoice messages %v", version, rows)
		}
	}
}
