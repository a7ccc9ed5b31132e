// Package ongoing is ferry's client of the Ongoing WMS Goods Owner REST API v1
// and the mapping between its wire format and internal/model. It is written
// from shared/reference/mycashflow-ongoing-ogoship.md §2, §4, §5, the field
// mapping of seed 002 (MyCashflow → Ongoing) and the vendor samples in
// shared/samples/ongoing; it shares no code with internal/sandbox/ongoing,
// which its tests use only as a server.
//
// One client is one goods owner (Settings.GoodsOwnerID) in one warehouse
// instance: https://api.ongoingsystems.se/{warehouse}/api/v1 by default, HTTP
// Basic auth, JSON bodies sent with Content-Length (the reference's IIS/WAF
// gotcha).
//
// Choices:
//
//   - No parallel calls per goods owner: every HTTP call, with its retries and
//     backoff, waits its turn among all clients of that goods owner in the
//     process (the routes' and the dashboard's connection test), whatever the
//     route concurrency. Processes sharing one PostgreSQL do not take turns
//     with each other (a call abandoned at its timeout may also still run in
//     Ongoing); Ongoing answers such an overlap 429, which is retried.
//   - Retries, backoff, Retry-After and the rate limit are internal/remote's:
//     5xx, 408, 429 and timeouts. PUT /articles and PUT /orders are sent as
//     not idempotent; an answer that may have committed (a 500 or a dropped
//     connection after sending) is read back by the natural key (GET
//     /articles?articleNumbers=…, GET /orders?orderNumber=…) and counts as done
//     when the record holds what was written, else the PUT is tried again (up
//     to max_attempts). DELETE /orders/{id} is idempotent (cancelling twice
//     answers success).
//   - Success is keyed on the ids in the answer (articleSystemId, orderId) and
//     the status (201 created, 200 updated), never on the message text.
//   - Errors are ASP.NET Web API bodies ({"Message", "MessageDetail" /
//     "ExceptionMessage", "ModelState"}), read case-insensitively (APIError).
//     FailureClass: 401, 403 and a web page where the API should be (a wrong
//     warehouse) are needs_action; other 4xx permanent; 408, 429, 5xx and
//     transport failures transient.
//   - Times: read as RFC 3339 with 0–9 fractional digits, or without a zone
//     (UTC, as webhooks send), or a plain date; null and "" are zero. Filters
//     are sent as UTC with an explicit +00:00 offset, URL-encoded.
//   - Lists are bare arrays paged with …IdFrom + max…ToGet (page_size), the
//     next page from the largest id + 1, until an empty page.
//   - Order number: the shop's order number (seed 002; order_number: shop,
//     the default) or the route's reference "SHOP-1234" (order_number: ref, for
//     several shops in one goods owner). goodsOwnerOrderId is the shop's order
//     id, referenceNumber the route's reference either way. ImportOrders looks
//     the number up first, so a repeat creates nothing; UpdateOrder keeps the
//     number the order has in Ongoing.
//   - Started: an order at or past started_status (default 300, Released) may
//     not be updated or cancelled. The client reads the order first and
//     refuses with StartedError (needs_action) naming the order and its status
//     name; a 4xx of the PUT/DELETE is checked the same way (the warehouse may
//     have started in between). Status names come from GET /orders/statuses,
//     read once per client. An order at status 1000 (or a status named
//     cancel…) is cancelled; cancelling it again is success.
//   - Lines naming article numbers the goods owner lacks are refused
//     (UnknownArticlesError, needs_action, model.ErrUnknownSKU): Ongoing would
//     create empty articles on the fly.
//   - Way of delivery is wayOfDelivery.code = the carrier the route mapped.
//     The consignee's e-mail and phone go as emailNotification /
//     smsNotification (the fields the vendor samples show). deliveryDate is
//     the order's creation date; customsInfo's currency the order's.
//   - Articles (seed 002): one per variant (the product's own without
//     variants), article number = SKU, name "[product] - [variant]", product
//     code "[product id]-[variant id]" (the product id without variants), bar
//     code, customer price, purchase price and net weight, the variant's or
//     else the product's. Not mapped: supplier article number and name
//     translations (the canonical product lacks them) and VAT percent
//     (PostArticleModel has no VAT field in REST).
//   - Stock: Quantity = numberOfItems (physical), Reserved = booked,
//     Available = sellableNumberOfItems (physical − booked when absent). A
//     stock route to a shop that should see sellable stock uses
//     `quantity: available`.
//   - Shipments: orders with shippedTimeFrom = since, one delivery per order
//     (id = orderId; a backorder is its own order, so never Partial), tracking
//     codes orderInfo.wayBill, tracking[].waybill, non-return parcels'
//     tracking waybills (parcel numbers when none), comma-joined; cancelled
//     orders are left out. The checkpoint is since for every page but the
//     last, and the server's Date of the first answer for the last (see
//     DoneShipments); the route's overlap covers clock skew.
//   - Webhooks: Ongoing sets them up in its UI and signs nothing; a webhook
//     can carry a static header (webhook_header, default X-Auth-Token) with a
//     token (credential webhook_token), compared in constant time. An order
//     webhook (key order:ORDERID:EVENTID) triggers the shipments routes, which
//     read the order through the API; the scheduled pass stays the backstop.
//   - RecordURL is not offered: the address of an order in Ongoing's web UI is
//     not documented.
package ongoing
