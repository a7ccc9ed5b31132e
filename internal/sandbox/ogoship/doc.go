// Package ogoship is a stateful fake of the OGOship (myOGO) merchant API v1 and
// its OAuth2 token server over real HTTP, written from
// shared/reference/mycashflow-ongoing-ogoship.md §3–§5 and the vendor samples in
// shared/samples/ogoship. It shares no code with the client in
// internal/connector, so a misreading of the API cannot hide in both.
//
// # What it serves
//
// One port serves both hosts: the token server (my.ogoship.com) at /OAuth/Token
// and the API (api.ogoship.com) under /api/v1. Routes match case-insensitively
// (/api/v1/Orders, /Api/v1/Orders, /api/v1/orders); path parameters keep their
// case, and query parameter names match in any case. A trailing "/" is ignored.
//
//	POST   /OAuth/Token                 password and refresh_token grants (form-encoded)
//	GET    /api/v1/Orders               ?reference= &modifiedAfter= &limit= &page=
//	POST   /api/v1/Orders               create; answers the OrderResponse
//	PUT    /api/v1/Orders/{reference}   update or cancel ("status":"cancelled")
//	GET    /api/v1/Products             ?code= &eanCode= &modifiedAfter= &limit= &page=
//	POST   /api/v1/Products             create
//	PUT    /api/v1/Products/{code}      update or rename (PUT to the old code); ?base64url=true
//	GET    /api/v1/Stock                ?productCode= &modifiedAfter= &limit= &page=
//	GET    /api/v1/StockUpdate          ?reference= &autoreference= &modifiedAfter= &limit= &page=
//	POST   /api/v1/StockUpdate          announce an inbound delivery
//	GET    /api/v1/webhooks             the literal body null when there are none
//	POST   /api/v1/webhooks             GET, PUT /api/v1/webhooks/{id}; DELETE → 204
//
// Control endpoints (never faulted, no auth):
//
//	GET      /_sandbox/state              {"counts": {products, orders, orders.<status>, stock_updates,
//	                                       webhooks, token_grants.<password|refresh_token|refresh_lost|failed>,
//	                                       webhook_deliveries, webhook_delivered, requests, commit_failures}}
//	GET      /_sandbox/calls              calls per route ("GET /Orders")
//	GET      /_sandbox/orders/{reference} one order as the API renders it
//	POST     /_sandbox/advance            {} every order one step; {"reference","status"} one order to status
//	POST     /_sandbox/receive            {"code","qty"} goods received; {"stockUpdate": reference} an inbound arrives
//	GET      /_sandbox/shipping-methods   the methods enabled on the merchant
//	GET      /_sandbox/webhook-deliveries every attempt with status, signature and body
//	GET|PUT  /_sandbox/faults             fault.Injector (latency, 5xx, drops, 429)
//	GET|PUT  /_sandbox/commit-faults      CommitFaults: writes take effect, then 500 or a dropped connection
//	GET|PUT  /_sandbox/lose-refresh       LoseRefresh {"next","rate"}: refresh consumed, answer dropped
//	GET|PUT  /_sandbox/token-ttl          {"access":"90m","refresh":"336h"} for tokens granted from now on
//	POST     /_sandbox/expire-tokens      every access token granted so far expires now
//
// # Choices where the reference is silent or unconfirmed [U]
//
//   - Tokens: the token endpoint takes only application/x-www-form-urlencoded;
//     anything else is 400 invalid_request. Errors use the RFC 6749 shape
//     {"error","error_description"} with HTTP 400 for every error, invalid_client
//     included (OWIN's behaviour). scope is required and must be a subset of the
//     eight scopes of §3.1 (invalid_scope otherwise); a refresh keeps the scopes
//     or narrows them. token_type is "bearer", expires_in the TTL in seconds
//     (5400 by default). Access tokens look like JWTs but are opaque: the sandbox
//     looks them up. Refresh tokens last 14 days and are single-use: a reused,
//     unknown or expired one is invalid_grant. Old access tokens stay valid after
//     a refresh until they expire.
//   - API auth: Authorization: Bearer. A missing, unknown or expired token is 401
//     with WWW-Authenticate: Bearer error="invalid_token" and an ApiError body.
//     A token lacking the route's scope is 403 ApiError. Scopes: orders need
//     read:order / write:order; products, stock and stock updates read:product /
//     write:product; webhooks read:webhook / write:webhook. A write scope does
//     not imply the read one. X-OgoKey is accepted (all scopes) only when
//     Options.APIKey is set.
//   - Errors are ApiError {statusCode, statusDescription, message}: 400
//     validation and malformed JSON (also: duplicate create, refused update or
//     cancel), 401, 403 scope, 404 unknown record or path, 405 wrong method (with
//     Allow), 413 body over 4 MiB. Commit faults answer 500 "An error has
//     occurred.".
//   - Paging: results sort by their change time (editTime; Stock by modified;
//     StockUpdate by modified or created), ties in creation order. A page past
//     the end is []. modifiedAfter matches records changed at or after it; it
//     accepts RFC 3339 with or without fractions, no offset (UTC) or a date, and
//     a raw "+" decoded to a space.
//   - Timestamps are RFC 3339 UTC with milliseconds: "2024-05-03T13:41:00.000Z".
//   - Request bodies decode with any key casing (the .NET client sends
//     PascalCase); unknown keys are ignored. Order status may be a name in any
//     casing or the C# enum number (0 = new … 8 = returned); webhook type a name
//     or 1 (OrderShipped) / 2 (ProductStockLevelChanged). Answers use camelCase,
//     lower-case statuses and every key of the sample shapes, null when unset.
//   - Orders: reference, customer (name, address1, city, countryCode as ISO-2)
//     and orderLines (each code an existing product, quantity ≥ 1) are required;
//     shippingCode is required when more than one method is enabled and must
//     name an enabled one (case-insensitively; stored in the method's spelling).
//     pickUpPointCode is not checked. A create may set status new (default) or
//     draft. A second POST with the same reference is 400 "already exists" (no
//     upsert). GET one order is GET /Orders?reference=…, answering [] when
//     unknown; there is no GET /Orders/{reference}. Documents given as
//     base64Content get a URL under https://my.ogoship.com/sandbox/documents/.
//   - Updates (PUT /Orders/{reference}) merge: fields absent or null stay;
//     orderLines and documents, when sent, replace the whole set. The body's
//     reference must be absent or equal to the path's. The API may set status
//     new, draft or cancelled. Updates and cancels are accepted only while the
//     order is draft, new, pending or reserved; from collecting, locked, shipped,
//     cancelled or returned they are 400 "OGOship has started handling it".
//     Updating a reserved order re-reserves its (new) lines, or makes it pending.
//   - Products: code and languageCode (two letters) are required on create; a
//     duplicate code is 400. PUT merges like orders; a code in the body different
//     from the path renames (400 if taken). An eanCode once set is kept (a
//     different one in a PUT is ignored). Codes are case-sensitive. Product
//     editTime changes with product data or a stock update announcing it, not
//     with stock movements; those change Stock.modified.
//   - Stock: stock is physical stock, reserved what reserved and collecting
//     orders hold, stockAvailable = stock − reserved. stockUpdate on a product is
//     the quantity still expected on open stock updates, stockUpdateTime their
//     earliest receiveDate.
//   - Stock updates: supplier, receiveDate, reference and products (code of an
//     existing product, expectedQuantity ≥ 1, countryOfOrigin ISO-2,
//     customsDescription ≤ 50, hsCode 8 digits) are required; status starts
//     "new" and becomes "received" when /_sandbox/receive books it;
//     autoReference is "SU000001", ….
//   - Warehouse simulation: each step moves new → reserved (stock held) or
//     pending (not enough stock) → collecting → shipped (stock leaves, tracking
//     number and URL set by carrier, OrderShipped sent). Drafts, locked and
//     finished orders do not move; pending orders are retried on every step and
//     when goods arrive. /_sandbox/advance to a status walks the steps between;
//     it can also lock, cancel (anything not shipped) and return (shipped →
//     returned, no restock). Nothing moves by itself.
//   - Shipping methods: the API has no list endpoint (§3.3), so none is served
//     under /api; the enabled set (Posti, Matkahuolto, DHL, Omniva, GLS, Budbee;
//     DefaultShippingMethods) is read at /_sandbox/shipping-methods. Codes and
//     tracking-number formats are invented. The myOGO "*" wildcard mapping of
//     shop method names is a myOGO UI feature and is not simulated.
//   - Webhooks: url must be absolute http(s), key and type are required. Each
//     delivery is a POST with Content-Type application/json, the subscription's
//     customHeaders and X-OGOship-Hmac-SHA256 = Base64(HMAC-SHA256(key, raw
//     body)) as §3.5 says. Payloads (unconfirmed in the reference): OrderShipped
//     sends the OrderResponse; ProductStockLevelChanged sends a StockResponse
//     whenever stock or reserved changes (reserve, release, ship, receive). A
//     delivery not answered 2xx is retried 4 attempts in all, the pause starting
//     at Options.WebhookRetry (200 ms) and doubling.
//   - The null-body quirk: GET /api/v1/webhooks answers 200 with the literal
//     body null when there are no webhooks, and a JSON array otherwise. Other
//     webhook calls answer normally (404 for an unknown id).
//   - Returns, metadata and the legacy API are not simulated.
package ogoship
