// Package mycashflow is a stateful fake of the MyCashflow REST API over real HTTP,
// written from shared/reference/mycashflow-ongoing-ogoship.md §1. It shares no code
// with the client in internal/connector/mycashflow, so a misreading of the API
// cannot hide in both. Tests, benchmarks and `ferry demo` use it.
//
// # What it serves
//
// Every resource is served under both /api/v1 and /api/v0 (the reference has orders
// and campaigns under v0 in older clients). Authentication is HTTP Basic with the
// API user's e-mail and API key. Resources: products (+ variations, stock items,
// category links, image links, visibilities, brand, translations), variations,
// stock (/stock/{product_code}), stock-changes, categories (+ subcategories),
// brands, versions, shipping-methods, payment-methods, customer-groups, customers,
// orders with their actions, shipments and payments, campaigns with prices, and
// webhooks. /_sandbox/faults is the fault.Injector admin endpoint.
//
// # Choices for facts the reference marks unconfirmed [U]
//
//   - Errors: {"code": <http status>, "error": "<status text>", "message": "..."}.
//     400 malformed JSON or query parameters, 401 bad credentials (with
//     WWW-Authenticate), 404 unknown id or path, 405 wrong method (with Allow),
//     413 body over 1 MiB, 422 validation (the message names the field, e.g.
//     "field quantity: must not be negative, got -1"), 409 an action repeated on
//     a record already in the state it sets (below). A wrong method on a known
//     path is a 405 even when the id in it does not exist; an unknown path is a
//     404 whatever the method.
//   - A path ending in "/" answers 404 in that shape (checked after auth, before
//     routing).
//   - APIDisabled ("API" extension not installed): every /api call answers 403
//     Forbidden in the error shape, even with good credentials or none.
//   - Paging: default page_size 50, maximum 10000 (larger is a 400). meta is
//     {page, page_size, page_count, item_count, next}; next is the absolute URL of
//     the next page (same query, page+1, page_size set) and is present only while
//     page < page_count. A page past the end is an empty list without next.
//     Single records and actions answer {"data": {...}, "meta": {}}.
//   - Sort: sort=<field>-asc|desc; id everywhere, plus updated_at and created_at on
//     orders, products and customers, updated_at on stock. Default id-asc. Ties
//     (the same updated_at second) are in id order, reversed for -desc, so the
//     order is stable between reads. An unknown sort or expand is a 400. Unknown
//     filters are ignored.
//   - Filters: orders created_at, updated_at, archived_at, shipments_completed_at
//     with -from/-to (inclusive; a null timestamp never matches a bound) and status;
//     products id=<comma list> and product_code=; variations product_id=;
//     customers email=; stock-changes changed_at-from/-to and product_code=.
//     Filter times are ISO-8601 with offset; without an offset they are Helsinki
//     local time; a plain date is Helsinki midnight; "+" decoded to a space is
//     tolerated.
//   - Timestamps are RFC 3339 in Europe/Helsinki with the offset (+02:00/+03:00),
//     whole seconds; an absent time is null. Filter bounds are compared at the
//     precision given (fractions allowed), against the stored whole second.
//   - Numbers are JSON numbers: money as euros with up to 2 decimals (24.9),
//     quantities as integers. Writes accept numbers or numeric strings; stock
//     quantities must be whole numbers.
//   - Prices include VAT (the Finnish B2C convention). Shipping and payment costs
//     carry 25.5 % VAT.
//   - Orders carry two fields beyond the reference: currency (from the version) and
//     shipments_completed_at (set when the last shipment completes; what the
//     shipments_completed_at filter reads).
//   - Order totals: subtotal = Σ unit_price × quantity; total = subtotal +
//     shipping_costs + payment_costs − discount. discount is a positive amount.
//     Campaign lines carry campaign_id and the campaign's unit_price.
//     tax_summary: lines by VAT rate; the discount split over the rates in
//     proportion to their subtotal (remainder on the highest rate); each row
//     {tax_rate, total (incl. VAT), total_tax, total_without_tax}; total rows
//     are the sums of the component rows, so taxes add up to the cent.
//   - POST /orders body (invented): {"version_id", "customer_id", "customer_information"
//     {…}, "shipping_address" {…}, "shipping_method_id", "payment_method_id",
//     "products": [{"product_code", "quantity", "unit_price"?}], "details",
//     "external_id", "shipping_costs"?, "payment_costs"?, "discount"?,
//     "gift_card_amount"?}. The
//     customer's address is used when customer_information is absent; e-mail is
//     required. Lines of a product with variations must name a variation. Unit
//     price defaults to the catalogue price or a cheaper active campaign price.
//     Ordering more than the balance of an enabled stock item without backorder is
//     a 422. Each shipping method gives one OPEN shipment (lines split over more
//     only through NewOrder.Shipments), each payment method one payment whose
//     status is OPEN for "Lasku" (invoice) and "Postiennakko" (cash on delivery),
//     PAID for card and bank, PENDING_ACTIVATION for Klarna.
//   - Split payments (issue 12 item 8): gift_card_amount (more than 0, less than
//     the total) adds a PAID payment of the "Lahjakortti" method (provider
//     giftcard) before the payment of payment_method_id, whose amount is the
//     rest. Each payment carries its own payment_method_id; the order's
//     payment_method_id stays the checkout method that pays the rest (the
//     reference gives an order one method [U]). "Lahjakortti" cannot be an
//     order's payment_method_id. Such orders have two payments, so quick-process
//     refuses them (422, per the reference); mark each payment instead.
//   - Stock: balance = quantity − reserved. An order reserves its lines; cancel
//     releases the reservation (or, for delivered lines, returns them to quantity);
//     delivery (quick-process or shipment completion) lowers quantity and reserved
//     together: the shop lowers its own quantity by what it delivers and releases
//     that order's reservation, so balance does not move (a stock sync must
//     compare quantities, not re-send only what changed at its source).
//     Variations carry product_codes of their own (TSHIRT-M of TSHIRT); stock is
//     kept per variation code and /stock/{code} reads and writes it; a parent
//     with variations has no stock item (its stock_item expands as [], and
//     /stock/TSHIRT is a 404). PATCH /stock/{code} of a product or variation without a stock item
//     creates one (stock management on), as the first stock move from an ERP does;
//     reserved and balance are read-only; negative or fractional quantity is a 422;
//     an unknown product_code is a 404.
//   - Stock-change rows (invented fields beyond id and changed_at): stock_item_id,
//     product_code, product_id, variation_id, quantity_change, reserved_change,
//     quantity, reserved, balance (after the change), reason (api, order_reserved,
//     order_cancelled, order_delivered, order_returned) and order_id.
//   - Cancel: only open or completed orders; appends a negative return row per line
//     (return_to_stock when it had a stock item, return_reasons ["Order cancelled"]),
//     zeroes subtotal, costs, discount and total, and cancels OPEN and
//     PENDING_ACTIVATION payments (PAID ones stay; a refund is manual).
//   - quick-process: 409 "Order is already completed (order N, status completed)"
//     on a completed order (observed on the second implementation of the API);
//     422 unless the order is open and has exactly one payment; an
//     OPEN cash-on-delivery payment needs allow_open_cash_on_delivery_payments;
//     PENDING_ACTIVATION payments are activated (PAID); every shipment is completed
//     with tracking_code; every line is delivered; the order becomes completed.
//     An empty body is allowed. send_emails records an order event.
//   - POST /orders (201), cancel and quick-process answer {"data": order} with
//     products, shipments, payments and tax_summary expanded.
//   - Setting a shipment's tracking_code without completing it is not offered
//     (PATCH on a shipment answers 405); use quick-process or shipment completion.
//   - POST /orders/{id}/shipments/{sid}/complete accepts an optional
//     {"tracking_code"} body (invented) and answers the shipment.
//   - Payment actions answer the payment. An action whose target status the
//     payment already has answers 409 "Payment is already PAID (payment P of
//     order N)" (mark-as-paid on PAID observed on the second implementation of
//     the API; mark-as-unpaid on OPEN, mark-as-cancelled on CANCELLED and
//     activate on PAID follow it [U]). Otherwise activate needs
//     PENDING_ACTIVATION (422); a PAID payment cannot be marked cancelled;
//     REFUNDED ones are final.
//   - Campaign prices (invented write API): GET/POST /campaigns/{id}/prices and
//     PATCH/DELETE /campaigns/{id}/prices/{pid}; a price is {id, created_at,
//     updated_at, campaign_id, product_id, variation_id, product_code, min_quantity,
//     price}; a write names product_code, or product_id (+ variation_id);
//     min_quantity ≥ 1; one price per product_code and min_quantity. Campaigns
//     themselves are read-only: {id, created_at, updated_at, name, description,
//     starts_at, ends_at, is_active}.
//   - Versions {id, created_at, updated_at, name, language, currency, domain,
//     is_default}; PATCH writes name and domain. Categories {id, created_at,
//     updated_at, parent_id, name, description, sort} (+ visibilities). Brands {id,
//     created_at, updated_at, name, description, url}; deleting a brand unlinks its
//     products. Category links are {category_id, sort}.
//   - Writes reject unknown fields with a 422 naming the field; id, created_at and
//     updated_at may be echoed back and are ignored. POST answers 201, DELETE 204.
//   - Ids only grow per kind and are never reused (also after DELETE).
//   - Limits (this sandbox's, to keep sums far from overflow): request bodies up
//     to 1 MiB, at most 500 lines per order, line quantity 1..100000, stock
//     quantity up to 10⁹.
//   - updated_at has whole-second resolution, so two changes within one second
//     leave the same updated_at; tests use Options.Now to step the clock.
//   - Webhooks: POST /webhooks {"topic": "order.created", "expands": [...], "url"}
//     answers 201 {"data": {uuid, user_id, topic, expands, url}}; only
//     order.created is accepted. GET /webhooks (paged like every list: page,
//     page_size, meta.next; every list this sandbox serves pages) and GET/DELETE
//     /webhooks/{uuid}.
//     Delivery (invented, per the reference's proposal): after every order
//     creation (API, stream, CreateOrder, /_sandbox/orders) a POST to each URL with
//     "X-MCF-Webhook-UUID: <uuid>", Content-Type application/json and body
//     {"topic": "order.created", "data": <order expanded per expands>}, sent in the
//     background; non-2xx or transport errors are retried 3 more times with
//     doubling delays from 200 ms.
//   - No rate limit by default; the fault injector's RateLimit/RateLimitRate give
//     429 with Retry-After.
//
// # Sandbox-only endpoints (not part of MyCashflow; no auth, no faults)
//
//   - GET/PUT/POST /_sandbox/faults: the fault.Injector admin endpoint.
//   - POST /_sandbox/orders: an empty body creates a random valid order; a body in
//     the POST /orders shape creates that order. Answers 201 {"data": order}.
//   - POST /_sandbox/drop-next-writes {"count": n}: the next n successful API
//     writes take effect and then drop the connection (see DropNextWrites).
//   - GET/PUT/POST /_sandbox/commit-faults: writes that commit and then fail
//     (Options.CommitFaults, SetCommitFaults, CommitFailures; flags
//     --commit-then-fail-rate, --commit-then-fail-routes, --commit-then-fail-drop).
//     A body {"routes": ["POST /orders/{id}/payments/{pid}/mark-as-paid",
//     "POST /orders/{id}/quick-process"], "next": 1, "rate": 0.2, "seed": 7,
//     "drop": false} makes the next matching write, then a seeded 20 % of them,
//     take effect and answer 500 {"code": 500, …, "message": "an internal error
//     occurred"} (or drop the connection with "drop": true); no routes means every
//     write; {} turns it off. GET answers {"config", "failures"}. A refused write
//     (4xx) is never committed-then-failed. The fault injector cannot do this: it
//     fails requests before they reach the shop. The retry of such a write meets
//     the 409 of the action (above).
//   - GET/PUT/POST /_sandbox/page-churn: records that move while a client pages
//     (issue 12 item 1; Options.PageChurn, SetPageChurn, ChurnTouches; flags
//     --page-churn N, --page-churn-resources orders,products,stock). A body
//     {"resources": ["orders", "products", "stock"], "per_read": 1, "seed": 7}
//     makes every list read of those resources, after one that returned records,
//     first change per_read records that earlier reads returned (seeded picks)
//     and set their updated_at to now: an order's OPEN payment is marked paid
//     (else an internal comment is added), a product's information text is
//     edited, a stock item moves shelf. Sorted by updated_at, a touched record
//     moves to the end and a page+1 client skips one record per touch; one that
//     re-queries with updated_at-from (inclusive) and drops duplicates misses
//     nothing; id-sorted paging misses nothing. {} turns it off (and forgets
//     what reads returned). GET answers {"config", "touches"}.
//   - GET /_sandbox/state (record counts), /_sandbox/calls (route counters),
//     /_sandbox/webhook-deliveries, /_sandbox/stock.
//
// # Generated data
//
// Options.Seed drives a deterministic generator: 3 versions (fi/EUR, en/EUR,
// sv/SEK), customer groups, brands, categories with parents, 4 shipping and 6
// payment methods (the 6th, Lahjakortti, only in split payments), products from Finnish-shop templates (TSHIRT-M, HOODIE-L, …;
// VAT 25.5, 14 and 10), some with no brand and some with no stock item,
// customers, three campaigns with quantity prices and orders in every status
// created within the 180 days before GeneratedBase (2026-06-01), so the same seed
// gives the same JSON whatever the clock.
//
// Every fourth generated order placed with "Lasku" (by order id) is split: a
// 20 € gift card (5 € when its lines are under 40 €) PAID plus the invoice for
// the rest; those the generator delivers are completed by shipment, not
// quick-process.
//
// Every sixth customer is a business (company, vat_code, group Yritysasiakkaat).
// Their vat_code is a valid Finnish one: "FI" + 7 digits + the Y-tunnus check
// digit (weights 7, 9, 10, 5, 8, 4, 2; remainder 0 → 0, remainder 1 is never
// issued, else 11 − remainder), as Odoo's base_vat checks it. On purpose, the
// 4th business customer and every 20th after it (1 in 20; one in the default
// shop) has company "Huono Oy" and a code with a wrong check digit, so a refusal
// downstream is easy to recognise.
package mycashflow
