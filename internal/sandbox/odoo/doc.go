// Package odoo is a stateful fake of an Odoo server (14, 15, 16, 17, 18 or 19)
// over real HTTP, written from shared/reference/odoo.md and, for 14 and 15,
// from their source (see "Odoo 14 and 15" below). Tests, benchmarks and
// `ferry demo` use it; it shares no code with the client in
// internal/connector/odoo.
//
// What it serves:
//
//   - POST /jsonrpc with the JSON-RPC 2.0 envelope of §1.3: service common
//     (version, login, authenticate — false on a wrong login or key, an
//     OperationalError for a database that does not exist) and object
//     (execute_kw with the database, uid and API key on every call).
//
//   - Errors as HTTP 200 with error{code: 200, message: "Odoo Server Error",
//     data{name, message, arguments, context, debug}} (§1.7); a method that
//     returns None answers with no "result" key.
//
//   - Records kept in memory per model with Odoo's wire habits (§1.5): false for
//     empty values, [id, "display name"] for many2one, [ids] for x2many,
//     "YYYY-MM-DD HH:MM:SS" UTC datetimes, create_date and write_date (which
//     moves on every write), archived records hidden unless active_test is false.
//
//   - search, search_read, search_count, read, create (one vals or a list),
//     write, unlink, fields_get and name_search (domain as "args" before 18,
//     "domain" from 18), with domains of "&", "|", "!" and =, !=, in, not in,
//     like, ilike, =like, =ilike, <, >, <=, >=, child_of, parent_of (following
//     parent_id), and dotted many2one paths; limit, offset and order; x2many
//     commands (0,0,v) (1,id,v) (2,id) (3,id) (4,id) (5,) (6,0,ids).
//
//   - product.product _inherits product.template: the template's fields
//     (name, list_price, categ_id, type…) read, write and search through the
//     variant, and a variant created without a template gets one. Attribute
//     lines (product.attribute, product.attribute.value,
//     product.template.attribute.line) make one variant per combination of
//     values, held as product.template.attribute.value (with price_extra in
//     lst_price); a combination that goes archives its variant, one that
//     returns restores it. The template's default_code and barcode show and
//     set those of its single variant.
//
//   - Errors for an unknown model ("Object x doesn't exist"), an invalid field
//     (ValueError "Invalid field"), a private method (AccessError), a missing
//     required field (ValidationError) and bad credentials (AccessDenied).
//     Every call is one transaction: an error undoes what the call changed.
//
//   - JSON-2 for version 19 (§1.9): POST /json/2/<model>/<method> with
//     "Authorization: bearer <key>", named parameters, the raw result. Errors
//     answer {name, message, arguments, context, debug} with the status of the
//     exception's class, as 19's Json2Dispatcher.handle_error (odoo/http.py,
//     odoo/exceptions.py): 422 UserError and ValidationError, 403 AccessError
//     (private methods), 404 MissingError and werkzeug NotFound (unknown model
//     or method), 401 "Invalid apikey", 500 for any other class
//     (builtins.ValueError for an invalid field…); debug is a traceback naming
//     server paths. An X-Odoo-Database that does not exist answers Odoo's HTML
//     404 page. GET /web/version and /json/version give {version,
//     version_info} without a key (19: addons/rpc/controllers/__init__.py; not
//     served before 19). On 19 /jsonrpc and /xmlrpc still work but are
//     deprecated (addons/rpc/controllers/jsonrpc.py): DeprecatedCalls counts
//     them. On 16–18 /json/2 answers 404.
//
//   - The order-to-cash state machine (§2.1–2.2): sale.order action_confirm
//     (an outgoing picking with moves, assigned when stock suffices),
//     action_cancel (16+: refused once a delivery is done), action_draft (only
//     cancelled and sent orders go back to draft; any other is left silently
//     and the answer is true, 16/18/19 sale/models/sale_order.py);
//     stock.picking button_validate (16: the stock.immediate.transfer wizard
//     action when no quantity_done is set; 17+: refused without a reservation,
//     quantity being the reservation and, once any move is picked, only
//     picked moves count) lowering the quants; less than the demand answers
//     the stock.backorder.confirmation wizard action (process makes the
//     backorder, process_cancel_backorder drops the rest), and context
//     skip_backorder decides without it: a backorder picking (backorder_id)
//     with the rest unless the picking is in picking_ids_not_to_backorder; the sale.advance.payment.inv wizard's
//     create_invoices (None on 18+), account.move action_post (false), the
//     account.payment.register wizard's action_create_payments;
//     stock.quant action_apply_inventory (None). Field differences per
//     version: detailed_type (16/17) vs type + is_storable (18+); quantity_done
//     (16) vs quantity + picked (17+); the picking's carrier fields only with
//     delivery (16) or stock_delivery (17+); locked on sale orders from 17.
//
//   - Faults: the fault.Injector (latency, 5xx, 429, dropped connections;
//     admin at /_sandbox/faults), and commit-then-fail (the call's effect
//     stays, the connection drops) by FailAfterCommit, SetCommitThenFailRate
//     or at run time at /_sandbox/commit-then-fail ({"rate": 0.1, "calls":
//     {"sale.order.create": 1}}).
//
//   - XML-RPC at /xmlrpc/2/common and /xmlrpc/2/object (§1.1, §1.7) with integer
//     fault codes (1 application error with a traceback, 2 UserError/
//     ValidationError/MissingError, 3 AccessDenied, 4 AccessError) and the None
//     trap: a method that returns None commits, then answers fault 1 "cannot
//     marshal None unless allow_none is enabled".
//
//   - Invoicing (16, 18, 19: sale/models/sale_order.py _create_invoices and
//     action_view_invoice, sale/wizard/sale_make_invoice_advance.py):
//     account.move with invoice_line_ids (account.move.line with
//     sale_line_ids); a sale line's qty_invoiced (credit notes count down) and
//     the order's invoice_ids and invoice_status are computed from them, so an
//     account.move create of an out_invoice whose lines point at sale lines
//     invoices the order. The wizard's create_invoices invoices what is left to
//     invoice and groups by customer (partner_invoice_id) and currency (19: and
//     partner_shipping_id) into one invoice whose invoice_origin joins the
//     orders' names ("S00001, S00003"); on 18 and 19 only while
//     consolidated_billing, default True, is set. It answers 16/17
//     act_window_close, or with context open_invoices the orders' invoices
//     action (res_id for one, domain for several); 18 None (verified, the
//     reference; the 18 source returns the action); 19 the created invoices'
//     action. Nothing to invoice is the version's UserError. Lines take the
//     product's taxes and price when none are given. default_get answers the
//     wizards' defaults.
//
//   - Cancelling (16, 18: sale/models/sale_order.py _show_cancel_wizard,
//     sale/wizard/sale_order_cancel.py; 19 has neither): action_cancel of any
//     order that is not a draft answers the sale.order.cancel wizard action
//     ({name, view_mode form, res_model sale.order.cancel, type
//     ir.actions.act_window, target new, context{default_order_id,
//     mark_so_as_canceled}}) and cancels nothing, unless context
//     disable_cancel_warning; the wizard (create with order_id, action_cancel)
//     cancels; several orders at once is "Expected singleton". 19 cancels at
//     once; from 17 a locked order refuses. Draft invoices are cancelled with
//     the order, posted ones stay posted.
//
//   - Credit notes (account/wizard/account_move_reversal.py):
//     account.move.reversal with move_ids, journal_id, reason; 16
//     reverse_moves by refund_method (refund: a draft out_refund; cancel: a
//     posted one reconciled with the invoice, which becomes "reversed";
//     modify: that and a new draft copy), 18 and 19 refund_moves and
//     modify_moves; the answer is the action on the new move (res_id) or
//     moves (domain). Credit note lines keep their sale lines, so the order
//     is to invoice again. A paid invoice (payment_state "paid") can be
//     refunded, not cancelled or modified. A credit note can also be created
//     directly (move_type out_refund, reversed_entry_id, ref,
//     invoice_origin, invoice_line_ids); from 17 (18, 19 read, 17 assumed)
//     posting it reconciles it with its reversed_entry_id (_post's
//     draft_reverse_moves), on 16 it stays open until
//     account.move.js_assign_outstanding_line or account.move.line.reconcile
//     applies it. The invoice is "partial" until fully credited, then
//     "reversed"; a used credit note is "paid". A credit note larger than the
//     invoice is accepted, as in Odoo (refunds.go).
//
//   - The ledger (account/models/account_move.py _compute_payment_state,
//     account_move_line.py reconcile): posting writes an invoice's journal
//     items (income, tax, the receivable with amount_residual);
//     account.account (code, name, account_type, reconcile; the generic
//     chart's codes as real databases have them: 121000 receivable, 400000
//     sales, 251000 tax, 620000 bank fees; 16 101401 bank suspense, 101402
//     outstanding receipts, 101403 outstanding payments, 101404 bank; 17+
//     (18 seen, 17 assumed) 101401 bank, 101402 suspense, 101403 and 101404
//     outstanding receipts and payments) is readable and searchable; account.move.line.reconcile matches items by
//     account.partial.reconcile (account.full.reconcile when nothing is left)
//     with Odoo's refusals (already reconciled; not posted (16–18) or
//     cancelled (19); different accounts; an account that does not
//     reconcile). It answers 16 its summary dict (recordsets as their repr
//     over JSON-RPC; over XML-RPC it commits and fails to marshal them, fault
//     1), None from 17 (17 assumed). payment_state is never "in_payment":
//     community's _get_invoice_in_payment_state answers "paid"
//     (ledger.go).
//
//   - Payments (account/wizard/account_payment_register.py,
//     account/models/account_payment.py): account.payment.register create
//     with journal_id, amount, payment_date, communication and context
//     active_model/active_ids, then action_create_payments: an
//     account.payment (journal_id, amount, partner_id, date, ref on 16/17,
//     memo on 18/19; state posted on 16/17, in_process then paid on 18/19)
//     reconciled with the invoice, "partial" for less than the residual. A
//     draft invoice is refused on 16/17 and paid unreconciled from 18
//     (is_register_payment_on_draft). Bank and cash journals created by RPC
//     get a liquidity account and the suspense account (payments.go).
//
//   - Bank statements (account/models/account_bank_statement(_line).py, the
//     16.0 design in all four): account.bank.statement (name, date,
//     journal_id, balance_start, balance_end_real, balance_end, is_complete,
//     line_ids) and account.bank.statement.line (journal_id or statement_id,
//     date, payment_ref, amount, partner_id, ref, narration,
//     counterpart_account_id at create), each posting an entry of the
//     liquidity account against suspense (or the counterpart); is_reconciled
//     once no suspense item is left. A statement created with its lines
//     takes its journal and date from them, its starting balance from the
//     journal's previous statement and its ending balance from the lines
//     (_compute_journal_id, _compute_balance_start, _compute_balance_end_real). Reconciling by RPC: write the suspense
//     item's account_id to the receivable, then account.move.line.reconcile
//     with the invoice's receivable item (statements.go).
//
//   - Returns (stock/wizard/stock_picking_return.py): stock.return.picking
//     with context active_model stock.picking and active_id, lines
//     product_return_moves (product_id, quantity, move_id) and, before 18,
//     the return location_id (18 has none; its own lines are one per move at
//     quantity 0); create_returns (16, 17 assumed) or action_create_returns
//     (18, 19) makes an incoming
//     picking (origin "Return of …", 18+ return_id) whose validation puts the
//     quantity back in stock and lowers qty_delivered. More than delivered is
//     not refused, as in Odoo (returns.go).
//
//   - The chatter (mail/models/mail_thread.py message_post): message_post on
//     sale.order, account.move, stock.picking, res.partner, account.payment
//     with body, message_type, subtype_xmlid, subject answers the new
//     mail.message id (19: [id], call_kw's ids of a recordset); mail.message
//     (model, res_id, body, message_type, subtype_id) is readable
//     (messages.go).
//
//   - Invoice numbers (account/models/sequence_mixin.py): action_post names
//     INV/<year>/00001 per journal and year (RINV/… for credit notes). On 16
//     two action_post calls whose transactions overlap (a call's transaction
//     opens when it arrives and lasts Options.PostLatency) and that post the
//     journal's first entry of the year both take 00001: the later fails with
//     ValidationError "The operation cannot be completed: Another entry with
//     the same name already exists." (account_sequence's unique index
//     account_move_unique_name, odoo/service/model.py) and stays draft;
//     posting it again takes the next number. Later entries serialize on the
//     lock of the last one, as in Odoo.
//
//   - Taxes and rounding (account/models/account_tax.py, round_per_line):
//     price_unit and list_price are stored rounded to 2 decimals ("Product
//     Price"); a line's total is rounded, a price-included tax is taken out of
//     it (56.00 at 25.5 % incl. → 44.62 + 11.38), a price-excluded tax is
//     added per tax and rounded (44.62 → 56.00). Taxes 25.5, 14, 10 and 0 %
//     exist price-excluded and price-included ("… incl."); from 18 the
//     inclusion is price_include_override and price_include is computed.
//
//   - Currencies (base/data/res_currency_data.xml): USD, EUR and SEK exist,
//     only the company's active (Options.Currency, default USD); pricelists
//     have currency_id (the company's by default) and a sale order takes its
//     pricelist's; date_order is writable at create.
//
//   - A confirmed order's lines stay (16–19: sale/models/sale_order_line.py
//     _unlink_except_confirmed): sale.order.line unlink and order_line
//     commands that drop a line ((2, id), (3, id), (5,), (6, 0, ids); the
//     order_id is ondelete cascade) raise UserError while the order is in
//     state sale (16: or done), delivery lines (is_delivery) excepted.
//     16: "You can not remove an order line once the sales order is
//     confirmed.\nYou should rather set the quantity to 0."; 17, 18, 19:
//     "Once a sales order is confirmed, you can't remove one of its lines (we
//     need to track if something gets invoiced or delivered).\n" followed by
//     16 spaces and "Set the quantity to 0 instead." (17 assumed as 18).
//     Quantity 0 and new lines (0, 0, vals) are allowed (orderlines.go).
//
//   - product.pricelist.item defaults (product/models/product_pricelist_item.py,
//     16/18/19): min_quantity 0, applied_on 3_global, compute_price fixed; the
//     generated pricelist has a rule without min_quantity.
//
//   - base_vat, off by default (Options.BaseVAT, --base-vat, GET/PUT/POST
//     /_sandbox/base-vat {"enabled": bool}; ir.module.module base_vat follows):
//     res.partner vat checked against the commercial partner's country on
//     create and write, ValidationError with the version's message, the whole
//     call undone (a create of several partners makes none); context
//     no_vat_validation skips it. 16–18 (17 assumed) check_vat/_run_vat_test:
//     "\nThe VAT number [FI52468398] for partner [Huono Oy] does not seem to
//     be valid. \nNote: the expected format is FI12345671", a number without
//     a country prefix checked against the partner's country, a partner
//     without a country only for a country prefix (then the format is
//     "'CC##' (CC=Country Code, ##=VAT Number)"). 19 _run_vat_checks: no
//     country, no check; the message shows the number without its prefix and
//     two spaces before "\nNote"; one character other than "/" is refused.
//     Checks for FI, SE, EE and DE (stdnum's algorithms); other countries are
//     accepted (see vat.go).
//
//   - stock_sms, off by default (Options.StockSMS, --stock-sms, GET/PUT/POST
//     /_sandbox/stock-sms {"enabled": bool}), 16–19 addons/stock_sms: after
//     the other pre-validation wizards, button_validate of an outgoing
//     picking whose partner has a phone (16–18: or mobile) answers the
//     confirm.stock.sms act_window (name "SMS", res_id the wizard, the call's
//     context with button_validate_picking_ids) and validates nothing, unless
//     context skip_sms; the wizard's send_sms and dont_send_sms validate the
//     context's button_validate_picking_ids and set the company's
//     has_received_warning_stock_sms, so it asks once; dont_send_sms also
//     turns off stock_move_sms_validation (16–18) or stock_text_confirmation
//     (19). Generated customers have a phone (stocksms.go).
//
// Odoo 14 and 15 (odoo1415.go and the version switches of each file) were
// read in 14.0 (KarimGil/odoo14base, the 14.0 nightly of 2022-07-27, paths
// under odoo/addons) and 15.0 (LucasLei-python/odoo15, the 15.0 nightly of
// 2022-06, likewise) against 16.0 (osamamagar/odoo16); no 14 or 15 server
// ran. Where they differ from 16:
//
//   - Transport: the same JSON-RPC and XML-RPC (base/controllers/rpc.py,
//     service/wsgi_server.py fault codes, http.py serialize_exception, the
//     None trap), version {server_version "14.0", server_version_info [14, 0,
//     0, "final", 0, ""]} (service/common.py), API keys (14.0 added
//     res.users.apikeys). An unknown model is a UserError (service/model.py
//     execute_cr; fault 2), an unknown method Python's AttributeError "type
//     object 'sale.order' has no attribute 'x'" (api.py call_kw).
//
//   - Products: 14 has type alone (consu, service, and stock's product =
//     storable); 15 adds detailed_type, a type or detailed_type written alone
//     sets the other, and the two apart are "The Type of this product doesn't
//     match the Detailed Type" (product_template.py _sanitize_vals,
//     _constrains_detailed_type).
//
//   - Orders (14 sale/models/sale.py, 15 sale_order.py): action_confirm
//     refuses only done and cancelled orders, "It is not allowed to confirm
//     an order in the following states: done, cancel" (the order of Python's
//     set is assumed), and confirms a confirmed order again (true, no second
//     delivery). action_cancel answers the sale.order.cancel wizard (context
//     {default_order_id}) only for an order with a draft invoice, several such
//     orders being "Expected singleton", and otherwise cancels at once,
//     posted invoices or not; a done delivery stays done and does not refuse
//     the cancel (sale_stock _action_cancel). The invoicing wizard has no
//     sale_order_ids (deduct_down_payments, default True): create_invoices
//     invoices the context's active_ids, none being the version's "There is
//     nothing to invoice!" text; it answers act_window_close, or with
//     open_invoices the invoices' action, as 16.
//
//   - Stock: a picking's moves are move_lines. 14 has no
//     action_apply_inventory (AttributeError): inventory_quantity is 0
//     outside inventory mode (context inventory_mode True), where writing it
//     does nothing; in inventory mode it reads the quantity and a write or a
//     create (which gathers the product's quant in the location; other fields
//     are "Quant's creation/editing is restricted, you can't do this
//     operation.") sets the quantity at once (stock_quant.py
//     _set_inventory_quantity, create, write). 15 stores the count with
//     inventory_diff_quantity and inventory_quantity_set; its
//     action_apply_inventory applies the difference, sets the count back to 0
//     and answers None, or the stock.inventory.conflict wizard when the
//     quantity moved since the count (is_outdated); a create in inventory
//     mode gathers the quant and only counts; inventory_quantity_auto_apply
//     written in inventory mode counts and applies. (15 sets
//     inventory_quantity_set on every new quant; here only a count does.)
//     The validation wizards (immediate transfer, backorder, stock_sms) and
//     the return wizard are as 16. 14's stock.inventory adjustments are not
//     served.
//
//   - Accounting: account.account has user_type_id (an account.account.type:
//     Receivable, Payable, Bank and Cash, Current Assets, Current
//     Liabilities, Income, Expenses; account/data/data_account_type.xml) with
//     internal_type and internal_group, no account_type. Journal items'
//     display_type is false but for sections and notes, exclude_from_invoice_tab
//     marks the tax and receivable items (invoice_line_ids' domain), and
//     account_internal_type is the account's type. Entries are numbered
//     (_get_starting_sequence) by month on 14 (INV/2026/03/0001,
//     RINV/2026/03/0001, BNK/2026/03/0001 for a payment) and on 15 by year in
//     sales journals (INV/2026/00001) and by month in the others; payments
//     have no P. Neither has account_sequence's unique index: two
//     overlapping first posts of a period both commit number 1 (derived from
//     the source, assumed). The chart: 15 as 16 (its chart_template.py makes
//     the outstanding accounts before the journals); 14 (derived, assumed)
//     101401 suspense, 101402 bank, 101403 and 101404 the bank journal's own
//     outstanding receipts and payments (account.journal
//     payment_debit_account_id and payment_credit_account_id, which payments
//     take), 101501 cash. An invoice settled to nothing is "reversed" only
//     when posted credit notes reversing it (reversed_entry_id) settle it
//     alone in their full reconciliation, else "paid" (_compute_amount).
//     reconcile checks line by line (account, posted, "a != b" accounts) and
//     answers partials and full_reconcile, no exchange_partials.
//
//   - Bank statements (account_bank_statement.py): journal_id required,
//     state open/posted/confirm; lines need statement_id and payment_ref, take
//     the statement's journal (and date), only while it is open; their
//     entries stay draft ("/") until button_post, which refuses a statement
//     not open and a bank statement whose ending balance is not the computed
//     one ("The ending balance is incorrect !\nThe expected balance ($ 13.00)
//     is different from the computed one ($ 12.00)."; formatLang's spacing
//     and symbol position assumed), names it "<code> Statement
//     2026/03/00001" and posts the entries; button_validate wants every line
//     reconciled. Both answer None. A cash journal's difference line is not
//     made.
//
//   - Chatter (mail_thread.py message_post): no auto_comment; an unknown
//     subtype_xmlid posts a note; 14's texts ("message_post should only be
//     call to post message on record. Use message_notify instead", "doesn't
//     support …"), the subtype keyword refused with its own message.
//
//   - base_vat (res_partner.py check_vat, 15 _run_vat_test): the prefix is
//     always two characters, every non-empty vat is checked (one character
//     too), no "eu" exception, no Steuernummer (no check_vat_de), DE, GR, HU
//     formats of their _ref_vat; the message names the partner's country's
//     format, on 14 the prefix's when the partner has none.
//
// For seed 004's merchants, every version has Spain and its states:
// res.country ES and res.country.state (name, code, country_id; display name
// "Name (CC)", base/models/res_country.py), res.partner state_id; and
// sale.order.line qty_to_deliver (sale_stock: product_uom_qty less
// qty_delivered).
//
// Fields that differ per version, checked against each version's models
// (14: KarimGil/odoo14base, 15: LucasLei-python/odoo15, 16:
// osamamagar/odoo16, 18: KaiO277/odoo, 19: jnvdx6/skymedic-odoo; 17 from the
// reference):
//
//	model            field                    14   15   16   17   18   19   source
//	sale.order.line  tax_id                   yes  yes  yes  yes  yes  no   sale/models/sale_order_line.py
//	sale.order.line  tax_ids                  no   no   no   no   no   yes  sale/models/sale_order_line.py
//	sale.order       locked                   no   no   no   yes  yes  yes  sale/models/sale_order.py
//	res.partner      mobile                   yes  yes  yes  yes  yes  no   base/models/res_partner.py
//	product.template type product (storable)  yes  yes  yes  yes  no   no   stock/models/product.py
//	product.template detailed_type            no   yes  yes  yes  no   no   product/models/product_template.py
//	product.template is_storable              no   no   no   no   yes  yes  stock/models/product.py
//	stock.picking    move_lines               yes  yes  no   no   no   no   stock/models/stock_picking.py
//	stock.picking    move_ids                 no   no   yes  yes  yes  yes  stock/models/stock_picking.py
//	stock.move       quantity_done            yes  yes  yes  no   no   no   stock/models/stock_move.py
//	stock.move       quantity, picked         no   no   no   yes  yes  yes  stock/models/stock_move.py
//	stock.quant      inventory_quantity       comp stor stor stor stor stor stock/models/stock_quant.py
//	stock.quant      inventory_diff_quantity  no   yes  no*  no*  no*  no*  stock/models/stock_quant.py
//	account.tax      price_include_override   no   no   no   no   yes  yes  account/models/account_tax.py
//	account.account  user_type_id, internal_type yes yes no  no   no   no   account/models/account_account.py
//	account.account  account_type             no   no   yes  yes  yes  yes  account/models/account_account.py
//	account.move.line exclude_from_invoice_tab yes yes no  no   no   no   account/models/account_move.py
//	account.move.line account_internal_type  yes  yes  no   no   no   no   account/models/account_move.py
//	account.move.line display_type product…  no   no   yes  yes  yes  yes  account/models/account_move_line.py
//	account.journal  payment_debit_account_id yes no   no   no   no   no   account/models/account_journal.py
//	account.bank.statement state              yes  yes  no   no   no   no   account/models/account_bank_statement.py
//	account.bank.statement is_complete        no   no   yes  yes  yes  yes  account/models/account_bank_statement.py
//	sale.advance.payment.inv sale_order_ids   no   no   yes  yes  yes  yes  sale/wizard/sale_make_invoice_advance.py
//	sale.advance.payment.inv consolidated_billing no no no no yes yes  sale/wizard/sale_make_invoice_advance.py
//
// (comp: computed, 0 outside inventory mode; stor: stored; no*: Odoo 16+ has
// the field, the sandbox serves it only on 15; "display_type product…" is
// the product, tax and payment_term values, 14 and 15 having only sections
// and notes; payment_debit_account_id with payment_credit_account_id.)
// Every other field
// served (sale.order, account.move(.line), stock.picking, product.product,
// product.pricelist(.item), delivery.carrier) exists in all six.
//
// Product images (images.go, all six versions, product/models of 13+):
// product.template image_1920 (stored) and image_1024, image_512, image_256,
// image_128 (the same bytes: Odoo shrinks only larger images [U]);
// product.product image_variant_1920 (stored) and image_1920 and the sizes,
// its own image or else the template's. Writing a variant's image_1920 is
// _set_image_1920: the template takes it when the variant is its only active
// one or the template has none, else the variant keeps it. Values are base64
// strings, false when empty; fields_get type "binary". A write that is not
// base64 is binascii.Error "Incorrect padding"; bytes that are not an image
// (GIF, JPEG, PNG, a WebP header) are UserError "This file could not be
// decoded as an image file." (14 adds " Please try with a different file.").
// Writing an image moves write_date. Generated products get a 16×16 PNG of
// their own but every fourth (ODOO-004, -008 …), which has none. The web
// client's bin_size context is not honoured [U].
//
// Not yet: read_group, multi-step routes, partial reservations (a short
// move reserves nothing), and no_variant attributes beyond leaving them out of
// the combinations.
//
// Choices where the reference is silent: ids start at 1 per model and only
// grow; display names are the record's name (partners: "Parent, Child" is not
// reproduced; variants are "[CODE] Template (values)"); order by any field,
// "id asc" by default; the template's default_code is computed from its
// variant rather than stored, so its write_date does not move with it.
package odoo
