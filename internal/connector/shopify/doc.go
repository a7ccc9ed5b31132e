// Package shopify is ferry's client of the Shopify Admin GraphQL API (kind
// "shopify"), written from shared/reference/shopify-clientify.md §1 and the
// vendor bodies in shared/samples/shopify; it shares no code with the sandbox
// in internal/sandbox/shopify. GraphQL only: REST is legacy (§1.1), but
// webhook bodies are REST-shaped and read as such.
//
// Transport: POST {base_url}/{api_version}/graphql.json with
// X-Shopify-Access-Token, through remote.Caller (timeouts, retries of 5xx and
// drops for queries; a mutation's unclear failure comes back Ambiguous). The
// token is access_token, or one from the client credentials grant (POST
// /admin/oauth/access_token) renewed before it ends and after a 401.
//
// Cost: one leaky bucket per (base URL, shop, app) in the process, shared by
// every client, fed by extensions.cost.throttleStatus and charged with each
// query's requested cost before it is sent (estimate.go: objects 1,
// connections 2 + first × a node, mutations 10; corrected per operation by
// Shopify's requestedQueryCost). A query waits exactly (cost − available) /
// restoreRate. THROTTLED with HTTP 200 and HTTP 429 (transport.go) are both
// waited out by the computed time, not a blind backoff. Page sizes are
// chosen so a query requests at most max_query_cost (1,000, Shopify's cap).
// Until an answer tells the figures, the classic 1,000 points at 50/s are
// assumed.
//
// Operations are hand-written .graphql files (ops/, bulkops/), embedded, and
// validated against the 2025-01 schema by TestOperationsValidate.
//
// Choices:
//
//   - Amounts are the shop currency's (shopMoney); an order in another
//     presentment currency keeps its code in model.Order.PresentmentCurrency.
//   - Status: cancelledAt set → cancelled; closed or FULFILLED → completed;
//     else open. Financial and fulfilment status are kept lower case.
//     HighRisk: risk recommendation CANCEL or INVESTIGATE, or an assessment
//     HIGH (the Emipro rule, §4); Risk the worst of the recommendation (CANCEL
//     high, INVESTIGATE medium) and the assessments' levels, RiskReason which.
//     Channel is sourceName (web, pos).
//   - Lines: currentQuantity (edits and refunds applied), original unit price,
//     the line's discount as a discount line, tax rate = sum of its tax lines,
//     TaxIncluded = the order's taxesIncluded. Shipping lines carry their
//     title as the shipping method; the first payment gateway is the payment
//     method. Orders with more than lines_per_page lines read the rest with
//     OrderLines.
//   - ChangedOrders pages orders(sortKey: UPDATED_AT, query: "updated_at:>=…
//     status:any") by cursor, keyed by (updatedAt, id): an order changing
//     while the pass pages moves behind the cursor and is read again, none is
//     skipped. through is the page's newest updatedAt.
//   - Stock: the location is settings.location (name, gid or number) or the
//     first active one fulfilling online orders. SetStockLevels sends
//     compareQuantity read just before (never ignoreCompareQuantity); a stale
//     compare is read again and retried once, then reported for its SKU.
//     2026-04's mandatory @idempotent and changeFromQuantity are not sent
//     (the 2025-01 schema has neither): api_version ≥ 2026-04 needs them.
//   - RegisterShipment fulfils every open fulfillment order's remaining lines
//     with trackingInfo (number, company); a fulfillment carrying the same
//     tracking number, or a FULFILLED order, is returned instead, also when
//     read back after an unclear answer.
//   - ChangedProducts pages products by UPDATED_AT (100 variants each); a
//     first read of bulk_threshold products or more runs as a bulk operation
//     (JSONL with __parentId, read as it arrives, a page of products at a time).
//   - Webhooks: HMAC-SHA256 of the raw body, base64, constant time; key =
//     shop:topic:X-Shopify-Event-Id (else X-Shopify-Webhook-Id). The secret is
//     webhook_secret, else the app's client secret. SubscribeOrders lists
//     first and creates ORDERS_CREATE, ORDERS_UPDATED and ORDERS_CANCELLED
//     for the target where missing.
package shopify
