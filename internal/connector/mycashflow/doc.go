// Package mycashflow is ferry's client of the MyCashflow REST API and the mapping
// between its wire format and internal/model. It is written from
// shared/reference/mycashflow-ongoing-ogoship.md §1 and shares no code with the
// sandbox in internal/sandbox/mycashflow.
//
// The client speaks https://{store}.mycashflow.fi/api/v1 (Settings.BaseURL
// replaces the origin for a sandbox), with HTTP Basic auth as the API user's
// e-mail and API key, never a trailing slash, and the API version chosen per
// resource (Settings.APIVersions; older stores serve orders and campaigns under
// v0). Every call goes through remote.Caller: timeouts, retries with backoff on
// 5xx, 429 and dropped connections, the account's rate limit, and the
// ferry_remote_calls_total counter.
//
// Choices for facts the reference marks unconfirmed:
//
//   - Errors are read as {"code", "error", "message"} when the body is JSON of
//     that shape, and as a text excerpt otherwise (APIError).
//   - Paging follows page/page_size until meta.next is absent. The client does
//     not follow the next URL itself (its format is unconfirmed): it asks for
//     page+1 with the same query. A page without items ends the listing even if
//     next is present, so a server that keeps sending next cannot loop it.
//   - Numbers are accepted as JSON numbers or numeric strings; absent expanded
//     one-to-one relations (brand, stock_item) arrive as [] and decode as absent.
//   - Timestamps are RFC 3339 with an offset; "YYYY-MM-DD HH:MM:SS" is read as
//     Europe/Helsinki time. Filters are sent as RFC 3339 with the offset.
//   - Prices include VAT (the Finnish B2C convention): model lines carry
//     TaxIncluded.
//   - Campaign price writes (undocumented): POST /campaigns/{id}/prices with
//     {product_code, min_quantity, price}, PATCH and DELETE
//     /campaigns/{id}/prices/{price_id}.
//   - Shipment completion accepts an optional {"tracking_code"} body.
//   - Webhook messages are verified by the header X-MCF-Webhook-UUID equal to the
//     subscription's UUID (the reference's proposal; MyCashflow documents only
//     that the UUID validates messages).
//   - The "API" extension missing is recognised by 403 on an authenticated call,
//     or by an answer on the API path that is not JSON.
package mycashflow
