// Package ongoing is a stateful fake of the Ongoing WMS Goods Owner REST API v1
// over real HTTP, written from shared/reference/mycashflow-ongoing-ogoship.md §2,
// §4 and §5 and the vendor examples in shared/samples/ongoing. It shares no code
// with the client in internal/connector, so a misreading of the API cannot hide in
// both. One sandbox is one warehouse instance with one goods owner.
//
// # What it serves
//
// The API lives under /{warehouse}/api/v1 (production
// https://api.ongoingsystems.se/{warehouse}/api/v1), HTTP Basic auth, JSON with
// Content-Length:
//
//	GET    /articles                     goodsOwnerId; articleSystemIdFrom + maxArticlesToGet;
//	                                     articleNumber(s), productCode(s), barCode(s),
//	                                     articleNameContains, articleDataLastUpdatedFrom,
//	                                     stockInfoChangedFrom, onlyArticlesInStock
//	PUT    /articles                     upsert by articleNumber: 201 created / 200 updated,
//	                                     {"articleSystemId", "message"}
//	GET    /articles/{articleSystemId}   GetArticleModel with inventoryInfo
//	PUT    /articles/{articleSystemId}   update by id (the article number may change)
//	GET    /articles/inventoryPerWarehouse  goodsOwnerId, the id cursor, articleNumbers,
//	                                     stockInfoChangedFrom, warehouseIds
//	GET    /orders                       goodsOwnerId; orderIdFrom + maxOrdersToGet;
//	                                     orderNumber(s), goodsOwnerOrderId, articleNumbers,
//	                                     orderUpdatedTimeFrom, orderStatusChangedTimeFrom,
//	                                     orderCreatedTimeFrom/To, shippedTimeFrom/To,
//	                                     orderStatusFrom/To
//	PUT    /orders                       upsert by orderNumber: 201 / 200, {"orderId", "message"}
//	GET    /orders/statuses              {"orderStatuses": [{number, text}]}
//	GET    /orders/{orderId}             GetOrderModel
//	PUT    /orders/{orderId}             update by id
//	DELETE /orders/{orderId}             cancel; also DELETE /orders?goodsOwnerId=&orderNumber=
//	PATCH  /orders/{orderId}/orderStatus, deliveryDate, orderNumber, servicePointCode,
//	       transporter, waybill, returnWaybill, setReportedNumberOfItemsToPickedNumberOfItems,
//	       lines/{lineId}/reportedNumberOfItems, lines/{lineId}/reportedReturnedNumberOfItems
//	PUT    /orders/{orderId}/orderTracking  {waybill, trackingUrl, isReturnTracking}
//	PUT    /orders/{orderId}/parcels     {parcelNumber, transportAdministrationType}
//	GET    /transporterContracts, GET /warehouses
//
// Lists are bare JSON arrays in id order; paging is the reference's cursor: ids ≥
// …IdFrom, at most max…ToGet (no max: everything); the client asks again from the
// largest id + 1 until a page is empty. Query parameter names and path literals
// match case-insensitively (ASP.NET), repeated parameters (articleNumbers=a&
// articleNumbers=b) and comma lists both work; unknown parameters are ignored.
//
// Control endpoints (no auth, no faults): PUT/GET /_sandbox/faults (fault.Injector),
// PUT/GET /_sandbox/commit-then-fail (CommitThenFail; GET lists the failures),
// POST /_sandbox/advance (empty body: every order one step; {"orderNumber" or
// "orderId", "status"}: that order to that status; without status one step),
// GET /_sandbox/overlaps, GET /_sandbox/state (State), GET /_sandbox/orders/{orderNumber}
// (the order as GET /orders/{orderId} answers it), PUT /_sandbox/stock
// {"articleNumber", "numberOfItems"} (a stock count: sets the physical quantity),
// PUT/GET /_sandbox/webhooks, /_sandbox/webhooks/faults and GET
// /_sandbox/webhooks/deliveries (below).
//
// # Order webhooks
//
// Ongoing sets webhooks up in its UI, so the sandbox takes them as configuration:
// Options.Webhooks, SetWebhooks or PUT /_sandbox/webhooks with [Webhook…] (url,
// header, token, triggers, statuses, retry, goodsOwnerId). Faithful to §2.7 and
// WEBHOOK_order.payload.json:
//
//   - Triggers: created (PUT /orders creating), status_changed (every status the
//     order takes: each simulation step, MoveOrder/advance, PATCH orderStatus,
//     DELETE → 1000; Statuses narrows it, empty = all) and picked (the first time
//     the order is at ≥ 400 with a picked item).
//   - The body is POSTed as JSON with the example's keys and nesting, filled from
//     the order at the moment of the event (tracking, parcels and
//     currentShipmentId once shipped), plus goodsOwnerOrderId and
//     consigneeOrderNumber, which §2.7 lists but the example lacks. timestamp has
//     7 fractional digits and no Z; system is the warehouse name.
//   - Retry "none" or "one_day": retries 1, 5, 15 and 30 minutes after the first
//     try, then at 2, 4, … 24 hours (17 tries at most); Options.WebhookRetryScale
//     is the length of one schedule minute. Non-2xx, errors and the 5 s timeout
//     are failures. A retry keeps the webhookEventId and body.
//   - A regular webhook fires for its one goods owner (Webhook.GoodsOwnerID,
//     default the sandbox's): one for another goods owner never fires here.
//
// Choices where the reference is silent [U]:
//
//   - Authentication: a static header (default X-Auth-Token, as MEDUSA) with the
//     token; no token, no header. No signing.
//   - webhookOrdersId is the webhook's id (101, 102, … by position);
//     webhookEventId is unique per event and webhook (from 900001);
//     webhookTemplate is "Order created", "Order status changed" or "Order
//     picked"; path is the order's REST path /{warehouse}/api/v1/orders/{orderId};
//     the timestamp is UTC (the Z is missing, not the zone); byUser is user 1001
//     for API calls, user 1002 on computer 11 "SANDBOX-WH{id}" for the
//     warehouse; goodsOwnerClasses is one class, WEBSHOP; currentShipmentId is
//     null until 450, then a shipment id from 7001; webhook tracking lists
//     return tracking too (isReturn true); Retry defaults to one_day.
//   - A status change that takes several steps sends one status_changed per
//     step; creating an order sends only created; other updates send nothing.
//   - Delivery runs apart from the API (never blocking it), one queue and
//     goroutine per webhook while events wait. First tries leave in event order;
//     a failed event waits for its retry without holding up later events, so a
//     retry can arrive after newer events.
//   - For receiver tests, PUT /_sandbox/webhooks/faults (SetWebhookFaults)
//     {"duplicate": n, "drop": n, "wrongToken": n} troubles the next n events:
//     sent twice with the same webhookEventId; logged as sent but never sent (no
//     retry); the first try with a wrong token (the retries carry the right one).
//   - Deliveries (GET /_sandbox/webhooks/deliveries) logs every try: event id,
//     webhook, url, trigger, order, attempt, HTTP status, error, body; at most
//     10,000, the oldest dropped. Close (and the end of Serve's context) stops
//     delivery; what still waits is abandoned.
//
// # Warehouse simulation
//
// Statuses are those of GET_orders_statuses.response.json: 150 Error, 200 Open,
// 300 Released, 320 Allocated, 400 Picked, 450 Sent, 500 Collected, 1000
// Cancelled. A step moves an order 200 → 300 (started) → 320 (allocates: needs the
// physical stock not allocated to other orders, else the order waits) → 400
// (picked and packed, one picked article item per line from the article's
// location) → 450 (sent: shippedTime, the physical stock goes down, a transporter
// PLAB/P19 when the order had none, a waybill "SBX<orderId>FI" in orderInfo.wayBill
// and tracking[], a parcel with an SSCC-like number). 500 and 1000 are reached only
// by an explicit move. Options.StepEvery runs a step every interval while Serve
// runs; Step, MoveOrder and POST /_sandbox/advance do it by hand.
//
// Inventory per article: numberOfItems = physical; numberOfBookedItems = on orders
// in 200 … 400; sellableNumberOfItems = physical − booked (so it drops when an
// order is created and comes back on cancel; it may go negative when orders exceed
// the stock); allocatedNumberOfItems and pickedToBeCollectedNumberOfItems follow
// the order steps; reported.pickedToBeReportedNumberOfItems is picked minus what
// PATCH …/reportedNumberOfItems reported. stockInfoChangedFrom sees every change
// of these; articleDataLastUpdatedFrom only PUTs of the article.
//
// # Choices for what the reference leaves open [U]
//
//   - Errors are ASP.NET Web API bodies with PascalCase keys, as MEDUSA saw on 500:
//     {"Message": "..."}; validation adds "ModelState": {"model.orderNumber":
//     ["The orderNumber field is required."]}, under "The request is invalid.".
//     Malformed JSON is such a 400 under "model". 401 (with WWW-Authenticate
//     Basic) is "Authorization has been denied for this request."; an unknown
//     route 404 "No HTTP resource was found that matches the request URI …"; a
//     known route with another method 405 with Allow. An unknown id is 404
//     {"Message": "No order with orderId … was found."}.
//   - A wrong warehouse name in the path is a plain HTML 404 (another IIS
//     application), before authentication.
//   - goodsOwnerId: required on list calls (query) and PUT bodies (400 with
//     ModelState when missing); a goods owner other than the configured one is
//     403 {"Message": "The user does not have access to goods owner N."}. Records
//     addressed by id belong to the one goods owner.
//   - Parallel requests: the reference only says to avoid them per goods owner. A
//     request that arrives while another of the same goods owner (goodsOwnerId
//     of the query, else of the body, else the configured one) is in flight is an
//     overlap: counted (GET /_sandbox/overlaps, State.Overlaps) and answered 429
//     with Retry-After: 1 and {"Message": "Parallel requests for goods owner N are
//     not allowed. …"}; Options.ServeOverlaps serves it instead. A request is in
//     flight from after authentication to its answer, including the injected
//     latency, so a test makes an overlap with fault latency.
//   - Started = status ≥ 300. PUT of a started order (and PUT after cancel) is 400
//     {"Message": "Order number X can not be updated since the warehouse has
//     started working on it (order status 300 Released)."}; DELETE of a started
//     order is 400 "... can not be cancelled ..."; the PATCHes of deliveryDate,
//     orderNumber, servicePointCode and transporter likewise. PATCH waybill,
//     returnWaybill, reported numbers, orderTracking and parcels work in any
//     status. PATCH orderStatus follows the simulation (forward with effects; back
//     only before 320; 1000 with DELETE's rule).
//   - DELETE cancels (status 1000) and answers 200 {"orderId", "message"}; the order
//     stays readable; cancelling a cancelled order answers 200 again.
//   - PUT /orders replaces the whole order (every field and the line set; lines
//     keep their id by rowNumber). Article numbers in lines that the goods owner
//     lacks are created on the fly with an empty name (as the samples show).
//     Article and order numbers match case-insensitively (SQL Server collation).
//     A customer number answers "Customer with customer number 'CN1' and ID
//     '21628' created." every time, as both samples do.
//   - Request numbers may be JSON numbers or numeric strings (the many-fields
//     article sample sends "1.5"); strings may be numbers (an article number
//     1009). unitCode is stored lower-case ("St" → "st").
//   - Times are UTC with Z and 0–3 fractional digits without trailing zeros; dates
//     are plain "2006-01-02". Filter times take RFC 3339 with an offset; without
//     one they are UTC; a "+" that arrived as a space is read as "+". Filters are
//     inclusive (≥ from, ≤ to); a filter on a time an order does not have yet
//     (shippedTime) excludes it.
//   - Unset strings are "", unset decimals and code/name objects null, decimals
//     are written with a decimal point (2.0).
//   - tracking[] lists non-return waybills; PUT orderTracking with
//     isReturnTracking sets orderInfo.returnWayBill instead.
//   - Commit-then-fail (commitfault.go) applies to every successful non-GET API
//     call: the change stays, the answer is 500 {"Message":"An error has
//     occurred."} or a dropped connection.
//   - Not served: purchase orders, return orders, article items, classes,
//     dangerous goods, files, way-of-delivery types, invoices; shipment,
//     pick-order and automation (several goods owners) webhooks.
package ongoing
