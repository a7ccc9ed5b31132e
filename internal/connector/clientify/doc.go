// Package clientify is ferry's client of the Clientify CRM REST API (v2,
// v1 compatible). It is written from shared/reference/shopify-clientify.md
// §3 and §6, the vendor samples in shared/samples/clientify and the
// merchant's Clientify ⇄ Odoo field tables (seed 004); it shares no code
// with internal/sandbox/clientify. Its tests use the samples, small
// httptest servers written from the reference's wire format, and the
// sandbox itself (sandbox_test.go): every operation against the sandbox's
// default options, its strict guesses of the real API, and against the
// same sandbox with each strictness switch the other way.
//
// # Transport
//
// One client is one account: base_url (default
// https://api-plus.clientify.com/v2; https://api.clientify.net/v1 serves
// the same paths), Authorization: Token <api_key>, JSON bodies, and every
// path written with its trailing slash (/contacts/, /contacts/{id}/), as
// Django wants. Every call goes through internal/remote: per-attempt
// timeout, retries with backoff and jitter on 5xx, 408, 429 and transport
// failures only, Retry-After waited out (a longer one fails the call with
// RetryAfter set for the job to snooze), the per-account rate limit
// (rate_limit, default 5/s: Clientify publishes none), cancellation, and
// the API key redacted from every excerpt. A 429 or 5xx the retries cannot
// get past is an APIError like any other answer (naming the record; an
// HTML page by its title), which unwraps to the remote.Error of the
// retries (Attempts, Ambiguous, RetryAfter). No request relies on a
// redirect: Django answers a path without its trailing slash 301 for every
// method, and a redirected POST arrives as a GET.
//
// v2 refuses a contact or company listing without fields= (HTTP 400 with a
// bare array, sample formscrm-v2-error-missing-fields-param); whether it
// refuses the others is unconfirmed, so every read sends the list of
// fields the client decodes (harmless where fields= is optional). The
// account check, Test, is GET /me/?fields=id,email (the official node's
// credential test).
//
// # Paging
//
// Listings are Django REST Framework pages {count, next, previous,
// results}, page_size from settings (1..100, default 100; at most 100 was
// observed). next is followed until null; it may be absolute or relative
// (resolved against the page). next is page-number paging on the live
// list, so a listing without its own ordering is read with ordering=id:
// in the default order (by modified) a record read already that changes
// moves to the end and the next page skips one; ids do not move and new
// records come last. A deletion during the read can still shift a record
// into a page read already; when the list shrinks so that the next page
// is gone (404 {"detail": "Invalid page."}) the read ends with a
// ListChangedError (transient). Plain listings promise no more; the
// incremental reads below do. A next on another host than base_url is
// refused (NextHostError, needs_action): the API key goes with every
// request. A next read before stops the read rather than loop. A bare JSON
// array is read as a last page; sub-resources answer {results} alone.
// Records that fail to decode do not stop a read: the others are handed
// over and the read ends with their ItemErrors (permanent).
//
// # Incremental reads and the pass contract
//
// ChangedCompanyRecords, ChangedContactRecords and ChangedProductRecords hand over every
// record changed at or after since, keyed by (id, modified), and with each
// page a checkpoint through: every record whose latest change is before
// through has been handed over. No record that existed when the read began
// is missed, whatever changes while the pages are read. See changes.go for
// the exact queries: always a first page of modified[gte]=<the last seen
// whole second>&ordering=modified, dropping the versions handed over
// already, never page 2 of a listing that changes under the reader; a
// second crowded with more than a page of records is read alone
// (modified[gte]=S&modified[lt]=S+1s) until one read of it keeps one count
// on every page. The client checks that pages come in modified order and
// stops with an OrderingError when the server ignores ordering=modified.
// A since before 1970 (Go's zero time: "everything") is sent as
// 1970-01-01T00:00:00+00:00: Django refuses a datetime outside years
// 1..9999 in the account's zone, and year 1 UTC is year 0 in Madrid.
//
// # Natural keys and writes
//
// Companies are keyed by taxpayer_identification_number (Odoo's ref, the
// NIF), contacts by e-mail (else taxpayer id), products by SKU, orders by
// order_id (the Odoo order's name), as seed 004 links them. Lookups
// compare the key exactly after normalising (NormTaxID: upper case without
// spaces, dots, hyphens; NormEmail: trimmed lower case; SKU and order_id
// trimmed): query= is a substring search, and the filters email=, sku=,
// order_id= are unconfirmed, so the server's answer is only a candidate
// list. The taxpayer id is searched with query= (the samples say a literal
// taxpayer_identification_number= filter is not honoured; it is never
// sent, so a server that does honour it changes nothing) by the id's
// longest run of digits, which every writing of it holds, plus the id as
// given when that lacks the run (taxIDQueries): Clientify compares
// taxpayer ids exactly, so "B 12345678" and "B12345678" are two records to
// it and one key to the client, and a search by "B12345678" alone would
// not see the other and create a third.
//
// Two records holding one key are a DuplicateKeyError (needs_action, with
// both ids): the client does not guess, and CreateOrFind… creates nothing.
// Real accounts have them (the sandbox's generator makes one of each): two
// contacts sharing an e-mail, one CIF on two companies with and without a
// blank, one SKU on two products. A person merges them in Clientify.
//
// Creates are not retried blindly. A POST is sent as not idempotent: 429
// (and a connection refused before sending) is retried by remote; a
// timeout, a dropped connection or a 5xx after sending is ambiguous, and
// the client looks the record up by its natural key before it sends the
// create again (up to max_attempts); a 409 or "already exists" is looked
// up the same way. CreateOrFind… looks up first, so calling it again
// creates nothing. Updates are PUTs of absolute values (idempotent, so a
// PUT that committed and then failed is simply sent again); empty fields
// are left out, so an update never clears a field: an empty SKU, order_id
// or name, no order items, a blank custom field value (which Clientify
// refuses anyway). A product's price is always written. A DRF PUT is a
// full update that needs the record's required fields (companies' and
// products' name, contacts' first_name) even when they do not change: an
// update without one reads the record and sends its current value. A contact's
// first e-mail and phone go as the flat email/phone of a create (which
// Clientify turns into the first entries), its addresses as addresses[];
// other e-mails, phones and addresses are added through
// /{contacts|companies}/{id}/emails|phones|addresses/ when the record
// lacks them (compared normalised), never removed. Such a sub-resource
// POST that may have committed fails the call; the next write reads the
// record and sees the entry or adds it.
//
// # The CRM routes
//
// The client is either end of the two-way routes companies, contacts and
// crm_products (flow.CompanySide, ContactSide, CRMProductSide) and the sales
// route's target (flow.CRMOrderSink), with seed 004's field tables (crm.go
// has them field by field). Those writes send only the fields asked for and
// read the record back; a record's e-mail, phones and address are its first
// list entries, changed in place (PUT /{resource}/{id}/{list}/{itemId}/,
// DRF's nested route, unconfirmed) or added, never removed (entries.go). A
// contact's company is read as its taxpayer id (one GET per company of a
// page) and written by finding the company with that id.
//
// # No deletions
//
// The client has no method that deletes a contact, company or product
// (nor an order): the integration never deletes on the other side (seed
// 004: "no se borran registros"; deleting is done by hand on both sides).
// A deletion webhook is decoded (WebhookHint.Deleted) for the hub to log.
//
// # Errors
//
// APIError is any non-2xx answer, decoded from DRF bodies: {"detail"},
// field errors {"field": ["msg"]} (nested ones flattened), a bare array of
// messages, non_field_errors, and HTML pages (their title). It names the
// operation, the record (Subject: resource and natural key) and the field
// (Field, also read from a duplicate's "with this <field> already exists").
// A 429 or 5xx after the retries is an APIError too, unwrapping to the
// remote.Error (remote.IsAmbiguous, remote.RetryAfterOf work on it).
// FailureClass: a refused key (401, 403, or the 404 {"detail": "Api key
// not provided."} of a missing key) and an HTML 404 (a wrong base_url) are
// "needs_action" (DependsOn names the connection); 408, 425, 429 and 5xx
// are "transient"; other 4xx (400, 404, 409, …) "permanent". Failures of
// the call itself are remote.Errors (transient, with Ambiguous for a write
// that may have committed).
//
// # Webhooks
//
// Clientify has one webhook slot per entity (contacts, companies, deals,
// products, tasks, budgets), each covering <entity>.saved and
// <entity>.deleted, and signs nothing; the slot sends registered custom
// headers. ferry's token (credential webhook_token) travels in
// webhook_header (default X-Clientify-Secret, as the official node does)
// and is compared in constant time (VerifyWebhook, flow.WebhookVerifier;
// WebhookSecret, flow.WebhookSecretHolder). DecodeWebhook reads every
// shape listed: event at the root or in hook, the record under its name at
// the root, under data, or data itself (deletions carry data {"id"}), into
// a WebhookHint (event, resource, action, id, modified, hook id, changed
// fields, and the user_id and account_id the event-rooted shapes carry).
// Clientify fires for every change, the API's own included, so the hub's
// own writes come back: WebhookHint.Own(Me().ID) tells them where the body
// names the user; the hook-rooted shapes do not, and the record's version
// (the key) is what is left. Webhooks are hints: the hub re-reads the
// record by id, and the scheduled pass stays the backstop. The key of a
// delivery is event, id and modified, so a redelivery is taken once.
//
// # Choices where the reference is unsure (§6)
//
//   - Rate limits: none published; 5 requests/s by default, 429 with
//     Retry-After waited out.
//   - Error bodies: DRF shapes as above; anything else kept as an excerpt.
//   - Maximum page_size: 100.
//   - Date filters: modified[gte] / modified[lt] (bracket syntax seen in
//     third-party code; Django-style modified__gte is silently ignored by
//     DRF when not declared, so it is not sent), as whole seconds in UTC
//     with +00:00, from 1970 at the earliest; every record is compared with
//     the bounds here too, so a server ignoring a filter costs pages, not
//     records. Ordering by modified is checked on every page, not assumed.
//   - fields=: sent on every read (required for v2 contacts and companies,
//     unconfirmed for the others).
//   - Taxpayer id lookups: query= by the digits, never the literal filter
//     (honoured or not, it is not needed); compared with and without
//     blanks, dots and hyphens. A country prefix is part of the key
//     ("ESB12345678" is not "B12345678").
//   - Timestamps: RFC 3339 with 0–9 fractional digits and an offset, or a
//     space for the T, or no zone (read as UTC), or a date; null and "" are
//     zero.
//   - Relations (contact.company, deal.contact, …): an id, a numeric
//     string, a hyperlink (the trailing integer is the id), an object with
//     id/url, or a name; all decoded into Ref. Written as the URL when
//     known (Client.URL), else the id, else the name.
//   - Phone type codes disagree between sources; the client writes 1 for
//     e-mails, phones and addresses without a type.
//   - /orders/ fields: those of seed 004 (order_id, status, order_date,
//     ecommerce, currency, contact, items {name, sku, price, quantity});
//     UpdateOrder is PUT /orders/{id}/ (the DRF convention; the reference
//     lists only GET and POST).
//   - The deal body on create is not needed (deals are read only).
//   - A list entry is changed by PUT on its sub-resource item (the CRM
//     routes); a real account that refuses it fails the record's write
//     with Clientify's answer.
//   - A current customer is contact_type "Cliente actual" (seed 004's
//     "tipo de cliente"); a contact created for one gets status client.
//   - Webhook registration, signing and retries: the token header above;
//     the slot API (/webhooks/{entity}/) is decoded (WebhookSlot) but the
//     client does not register slots.
//   - The changes payload shape: both {"field": [old, new]} and {"field":
//     {"old", "new"}} give the changed field names.
package clientify
