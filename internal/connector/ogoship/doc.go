// Package ogoship is ferry's client of the OGOship (myOGO) merchant API v1
// and the mapping between its wire format and internal/model. It is written
// from shared/reference/mycashflow-ongoing-ogoship.md §3–§5, seed 001 (the
// MyCashflow → myOGO integration merchants use) and the vendor samples in
// shared/samples/ogoship; it shares no code with internal/sandbox/ogoship,
// which its tests use only as a server.
//
// One client is one merchant: the API at base_url (https://api.ogoship.com,
// routes /api/v1/... in the reference's casing: Orders, Products, Stock,
// webhooks) and the token server at token_url
// (https://my.ogoship.com/OAuth/Token).
//
// Choices:
//
//   - Tokens: OAuth2 password grant (form-encoded: client_id, client_secret,
//     username = merchant_id, password = secret_token, scope = read/write of
//     order, product and webhook). An access token is used until a fifth of
//     its life (at most 2 minutes) before expires_in; then one caller at a
//     time (a ctx-aware semaphore per client) renews it with the refresh
//     grant while the others wait and use the new one. Refresh tokens are
//     single-use: one is forgotten as soon as it is sent, and a refresh that
//     fails in any way (invalid_grant, or the answer lost after OGOship
//     consumed it: the grant is sent as not idempotent, so it is never
//     retried) falls back to the password grant. Every API call carries a
//     token; a 401 gets one new token (the refused one is never reused) and
//     one retry; a second 401 is an APIError (needs_action). Token server
//     refusals are TokenError (invalid_client: client id/secret;
//     invalid_grant on the password grant: merchant id / secret token), all
//     needs_action; its 5xx and 429 are transient. Share one client per
//     merchant, or each makes its own session.
//   - Retries, backoff, Retry-After and the rate limit are internal/remote's
//     (5xx, 408, 429, timeouts). OGOship documents no rate limit: default 4/s.
//   - Paging: limit (page_size, 1..250, default 100) and page from 1, until a
//     page shorter than limit. modifiedAfter is sent as UTC RFC 3339 with
//     milliseconds. An empty body or the literal null (GET webhooks with none)
//     decodes as an empty list.
//   - Errors are ApiError {statusCode, statusDescription, message}. Classes:
//     408/429/5xx and transport failures transient; 401 (after the retry),
//     403 (a scope) and a web page where the API should be needs_action;
//     other 4xx permanent (malformed requests). Refusals a person must fix
//     are typed and needs_action: StartedError (update or cancel of an order
//     OGOship has started: collecting, locked, shipped, …, naming the order
//     and its status), ShippingMethodError (a 400 of an order create whose
//     message speaks of shipping/delivery: OGOship has no endpoint listing
//     the merchant's methods, so this is the one place message text is read),
//     UnknownProductsError (model.ErrUnknownSKU: lines naming codes OGOship
//     has no product of, checked before sending, and again after a 400).
//   - Ambiguous writes: POST /Orders and POST /Products are not idempotent.
//     An answer that may have committed (500, a dropped connection) and a 400
//     (OGOship refuses a second create of a reference or code) are read back
//     by the natural key (GET Orders?reference=, GET Products?code=) before
//     anything else; found is done, never a duplicate. PUTs set absolute
//     values and are retried like reads.
//   - Orders: the reference is the shop's order number (reference: shop, the
//     default, as myOGO's own MyCashflow integration) or the route's
//     reference "SHOP-1234" (reference: ref). RemoteID and Number are the
//     reference (the key of PUT /Orders/{reference}); ImportOrders looks it
//     up first so a repeat creates nothing. shippingCode is
//     OrderImport.Carrier, which the route maps from the shop's method name
//     with `*` wildcards (seed 001's shipping-method linking). Customer from
//     the shipping address (else billing): name = first + last name, else the
//     name or company; email and phone fall back to the customer's. Lines:
//     product lines only, whole quantities, unitPrice including VAT after the
//     line discount (rounded to cents), vatPercentage. comments = the order's
//     note; priceTotal/priceCurrency; the shop's receipt URL as a "receipt"
//     document (sent on create only: an update keeps OGOship's documents);
//     pickUpPointCode = the first shipment's pickup point.
//   - Updates and cancels only while the status is draft, new, reserved or
//     pending (the reference: COLLECTING can no longer be cancelled; locked
//     is treated as started). Cancel is PUT {"status":"cancelled"} [U in the
//     reference]; cancelling a cancelled order is success; a missing order is
//     model.ErrGone.
//   - Products (seed 001 "Create product" per webshop product): one OGOship
//     product per variant SKU (the product's own SKU without variants), code
//     = SKU, name "[product] - [variant]", description, eanCode = bar code
//     (OGOship keeps an existing one), salesPrice = price, supplyPrice =
//     purchase price (variant's, else product's), pictureUrl = first image,
//     languageCode = settings.language (default fi). Each code is looked up
//     first: existing and equal is left alone, existing and different is
//     PUT, missing is POSTed. RemoteID is the first variant's code; a
//     single-code product linked under an old code is renamed by a PUT to the
//     old code. Codes outside [A-Za-z0-9._~-] go in the path base64url
//     (unpadded) with ?base64url=true, as the .NET client does. Not mapped:
//     supplier, group, customs and origin fields (the canonical product has
//     none), currencyCode.
//   - Stock: GET /Stock, every page: Quantity = stock, Reserved = reserved,
//     Available = stockAvailable (the value for the webshop, §4; a stock
//     route sends it with `quantity: available`).
//   - Shipments: GET /Orders?modifiedAfter=since, status shipped only, one
//     delivery per order (id = order id = reference), tracking code =
//     trackingNumber (handed over also when empty), carrier = shippingCode.
//     Checkpoint: since for every page but the last; the last carries the
//     server's Date of the first answer, unless the pass met a reference
//     twice (an order changed under the offset paging and shifted the rest),
//     then since again (see DoneShipments). trackingUrl is not passed on
//     (model.Shipment has no field for it).
//   - OrderStates: the OGOship status name by reference, with Delivery.
//   - The dashboard (names.go): ProductCodes pages GET /Products for every
//     code with its id (the product sync page's "exists in OGOship");
//     CarrierNames, the Mappings page's choices, are the setting
//     shipping_methods (the codes enabled on myOGO's Edit Merchant →
//     Shipping methods, which no API lists) and the shippingCode of one page
//     of the orders of the last 30 days, once each whatever their case.
//   - Webhooks: Verify / VerifyWebhook check X-OGOship-Hmac-SHA256 =
//     Base64(HMAC-SHA256(webhook key, raw body)) with hmac.Equal; the client
//     implements flow.WebhookVerifier (topic OrderShipped or
//     ProductStockLevelChanged by payload, §3.5's unconfirmed shapes). The
//     flow package only acts on webhooks of orders routes reading from a
//     connection, so OGOship's OrderShipped does not trigger a shipments pass
//     yet; the scheduled pass reads the shipments.
//   - Test: a token, then one product and one order, then the webhooks; the
//     report names the merchant and says which part failed (bad client
//     secret, token refused, unreachable, missing scope).
package ogoship
