// Package odoo is ferry's client of Odoo 14 to 19 and the mapping
// between Odoo's records and internal/model. It is written from
// shared/reference/odoo.md and shares no code with internal/sandbox/odoo.
//
// Transport: JSON-RPC (POST /jsonrpc, services common and object, execute_kw)
// for 14–18, and the JSON-2 API (POST /json/2/<model>/<method>, bearer API key)
// for 19 and later, chosen from GET /web/version (19+; JSON-2 never calls the
// deprecated /jsonrpc), else common.version, or forced by Settings.Protocol.
// Every call goes through remote.Caller (timeouts, retries, rate limit, metrics,
// redaction of the API key, which JSON-RPC carries in the body).
//
// Odoo's wire habits are decoded once, here: false for empty values, [id, name]
// for many2one, [ids] for x2many, UTC "YYYY-MM-DD HH:MM:SS" datetimes, and a
// missing "result" for methods that return None. Errors are typed by the
// exception's name (error.data.name, or the JSON-2 body's name, read before
// its status: 19 answers 500 for a ValueError): user, validation and missing
// errors and builtins.* are permanent, access errors need action, database
// conflicts are transient. The traceback (debug) is never shown.
//
// Each call is one Odoo transaction and may commit even when the answer is lost
// (a timeout, a dropped connection, the XML-RPC None trap). Writes are therefore
// not retried blindly: creates look records up by their natural key first
// (client_order_ref, default_code, e-mail, name) and again after an ambiguous
// failure.
//
// Choices where Odoo leaves one (docs/odoo.md has each step per version):
//   - One invoice per order: consolidated_billing False (18+), else one
//     invoicing wizard per round of orders of distinct customers (14–17).
//   - Posting is serialized per journal (store lock odoo:<conn>:post:sale);
//     after a duplicate-number refusal the invoices are posted one at a time,
//     a refused one again after a short wait (it takes the next number).
//   - Customers are created under store locks odoo:<conn>:partner:<email>,
//     matched by e-mail with =ilike; a refused one parks only its orders.
//     The customers route's target (UpsertCustomers) finds and makes them
//     the same way, under the same locks, and writes a linked partner's
//     changed fields without ever blanking one the shop leaves empty.
//   - The CRM routes (seed 004, crm.go): companies are partners with
//     is_company matched by ref (blanks, dots and hyphens aside, searched by
//     the ref's digits), people are partners of type contact matched by
//     e-mail (=ilike) or ref, products are variants matched by
//     default_code; each feed reads archived records too, by keyset on
//     (write_date, id). A name or price written to a variant of a template
//     with several is refused with the reason (it is the template's). Sale
//     orders in sale, done or cancel are the sales route's source, their
//     lines' changes included (a delivery writes the lines, not the order).
//   - A cancel or change after invoicing credits an unpaid posted invoice
//     (14–16: account.move.reversal reverse_moves, refund_method "cancel"; 17+:
//     refund_moves, then posted) and parks when it is paid. action_cancel runs
//     with disable_cancel_warning, through sale.order.cancel if answered.
//   - A confirmed order is changed by quantities to 0 and new lines, never
//     by removing lines or action_draft.
//   - Prices follow a price-included tax where one exists; net prices take
//     the cents that give the shop's total, and an order that still differs
//     is deleted as a quotation and parked naming both totals.
//   - button_validate runs with skip_sms (the confirm.stock.sms warning).
//   - date_order is the shop's date; the pricelist is one in its currency.
//   - A held order (OrderImport.Hold) stays a quotation with its reason as
//     an internal note (message_post, mail.mt_note, posted once); a shop
//     order imported cancelled is a cancelled quotation noting the shop's
//     reason. ConfirmHeld and CancelHeld carry out a person's review.
//   - A workflow (OrderImport.Workflow) takes an order up to confirm,
//     invoice, post or pay (account.payment.register in a journal named by
//     name or code, once: what the invoice shows paid is not paid again); a
//     refused step is a warning on the imported order.
//   - A refund is a credit note made directly (out_refund, ref "<order ref>
//     refund <id>", reversed_entry_id the invoice), reconciled on posting
//     from 17 and by js_assign_outstanding_line on 14–16, restocked goods
//     returned (stock.return.picking) and validated.
//   - A payout is a bank statement (reference "payout <id>") made with its
//     lines and fee lines in one create; each line's suspense item is moved
//     to what it pays and reconciled (account.move.line.reconcile).
//   - 14 and 15 (checked against internal/sandbox/odoo's 14 and 15 modes):
//     a picking's moves are move_lines; 14 sets stock by counts in inventory
//     mode (no action_apply_inventory), and a stock.inventory.conflict
//     answer (15+) is counted again and applied once more; receivables are
//     found by the account's internal_type; a payout's statement is posted
//     before its lines are reconciled and validated once all are. Older
//     servers are refused (MinVersion).
//
// Besides the flow capabilities, the client writes products with attributes
// and variants into Odoo (UpsertProducts: the SKU and barcode on each
// variant), ships deliveries in part (ShipPartial, leaving a backorder), and
// reads change feeds (Changes) of partners, products, variants, quants, moves,
// pickings and invoices since a (write_date, id) cursor.
package odoo
