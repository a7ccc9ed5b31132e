// Package clientify is a stateful fake of the Clientify CRM REST API over real
// HTTP, written from shared/reference/shopify-clientify.md §3 and §6, the
// bodies in shared/samples/clientify and the merchant's Clientify⇄Odoo mapping
// (shared/seeds/004). It shares no code with the client in
// internal/connector/clientify, so a misreading of the API cannot hide in both.
// One sandbox is one Clientify account with one API key.
//
// # What it serves
//
// The same resources under /v2 (default; production
// https://api-plus.clientify.com/v2) and /v1 (https://api.clientify.net/v1),
// and under /api, where v2's hyperlinks point (below). Every call needs
// Authorization: Token KEY. Paths end in "/".
//
//	GET           /me/                        the API user; account_status client_2_0 (Options.AccountStatus)
//	GET           /users/, /users/{id}/       the API user and the CRM user
//	GET           /settings/my-account/       FormsCRM's v1 account check: a page of one
//	POST          /api-auth/obtain_token/     legacy {"username","password"} → {"token"} (JSON or form; no auth)
//	GET POST      /{res}/                     res: contacts, companies, products, deals, orders
//	GET PUT PATCH DELETE /{res}/{id}/
//	GET POST      /{contacts|companies}/{id}/{emails|phones|addresses|websites}/
//	GET PUT PATCH DELETE /{contacts|companies}/{id}/{list}/{itemId}/
//	GET           /deals/pipelines/[{id}/], /deals/pipelines/stages/[{id}/]   (Options.Pipelines)
//	GET           /custom-fields/[{id}/]      ?object_type=contact…; a field is defined when first written
//	GET POST DELETE /webhooks/{entity}/, POST /webhooks/{entity}/activate/   the official node's slot API
//	GET           /                           the API root (DRF's router)
//
// HEAD is served with GET, OPTIONS answers DRF's metadata, every answer has an
// Allow header; another method is 405 {"detail": "Method \"PATCH\" not
// allowed."}.
//
// Control endpoints (no auth, no faults): PUT/GET /_sandbox/faults
// (fault.Injector), PUT/GET /_sandbox/commit-then-fail, PUT /_sandbox/rate-limit
// {"rate": n}, GET /_sandbox/state (State), GET /_sandbox/records/{kind}[/{id}],
// POST /_sandbox/records/{kind}, PATCH and DELETE /_sandbox/records/{kind}/{id}
// (a CRM user's change: UserCreate, UserUpdate, UserDelete), PUT/GET
// /_sandbox/webhooks ([Webhook…]), PUT/GET /_sandbox/webhooks/faults
// (WebhookFaults), GET /_sandbox/webhooks/deliveries ([Delivery…]). The same
// from Go: State, Record, Records, IDs, UserCreate, UserUpdate, UserDelete,
// SetWebhooks, Webhooks, SetWebhookFaults, Deliveries, WebhookStats,
// WaitDeliveries, WaitIdle, SetCommitThenFail, CommitFailures, SetRateLimit,
// Faults.
//
// # Verified by the sources
//
//   - Token auth; a wrong key is 401 {"detail": "Invalid token."} (n8n). /me/
//     with fields=id,email is the credential test; /me/ has id, username,
//     account_status (FormsCRM v2); /settings/my-account/ is a page of one
//     settings object.
//   - Lists are {count, next, previous, results}, next an absolute URL,
//     followed until null; page and page_size (100 used by the ETL).
//   - A v2 contact or company list without fields= is 400 with the bare array
//     ["You must specify the fields param: fields = id, ..."] (FormsCRM,
//     "Real Clientify response"); Options.NoFieldsRequirement lifts it.
//     fields=a,b selects fields, on v1 too.
//   - query is a substring search (FormsCRM: molina@gmail.com finds
//     aestepamolina@gmail.com); it looks in names, e-mails, phones, taxpayer
//     id and company name (contacts), name, business name, taxpayer id,
//     e-mails, phones (companies), name, sku, description (products), name,
//     contact and custom field values (deals, so SCC's query=<order id>
//     works), order_id and item skus and names (orders). search= is the same.
//   - A literal taxpayer_identification_number= does not filter (FormsCRM says
//     so of contacts; the sandbox does the same for companies): the whole list
//     comes back. Options.TaxIDFilter makes it an exact filter, as SCC and
//     rocketbot assume it is.
//   - POST contacts with a taxpayer id another contact has is 409
//     {"detail": "Contact with this taxpayer_identification_number already
//     exists."} (FormsCRM).
//   - Date filters use brackets: created[gt|gte|lt|lte], modified[gt|gte|lt|
//     lte] (rocketbot, the ETL's created[gte]=2024-01-01T00:00); email, phone,
//     sku and status_id (deals: 1 Open, 2 Expired, 3 Won, 4 Lost) filter.
//   - The contact's keys are those of FormsCRM's captured create answer, in
//     its order; companies have the official node's default fields plus the
//     embedded lists; deals the ETL's columns: contact, company, pipeline and
//     pipeline_stage are hyperlinks, status an int with status_desc,
//     probability an int with probability_desc "40%", amount a number,
//     contact_name "Last, First <email>". The ETL profile's columns are all
//     present (the contract tests check them).
//   - A flat email on create becomes emails[0] with type 4 (Main), a flat
//     phone phones[0] with type 1, as FormsCRM's capture shows; addresses[]
//     as the Python client sends it; "company" given by name links the
//     company of that name, creating it if none exists.
//   - Type codes: e-mail 1 Work, 2 Personal, 3 Other, 4 Main; address 1 Work,
//     2 Home, 3 Billing, 4 Other, 5 Main; website 1–5; phone 1–6 (the sources
//     disagree on their names; any of 1–6 is accepted).
//   - Contact statuses: other, not-qualified-lead, visitor, cold-lead (the
//     default, as in FormsCRM's capture), warm-lead, hot-lead, in-deal,
//     lost-lead, client, lost-client; anything else is 400.
//   - Timestamps carry microseconds and the account's offset
//     ("2025-11-18T08:36:12.997736+01:00"); the account is in Europe/Madrid.
//   - Webhooks: one slot per entity (budgets, companies, contacts, deals,
//     products, tasks) covering <entity>.saved and <entity>.deleted; the slot
//     API's bodies and its 201, 409 {"detail": "Already configured"} and 400
//     {"target": ["Enter a valid URL."]}; no signature: the secret is a custom
//     header registered with the slot (the node's X-Clientify-Secret); the
//     payload shapes the official node parses; a deleted event carries only
//     {"id"}.
//   - Custom fields are [{field, value}] on write, [{id, field, value}] on
//     read; the list's content_type labels are v1's "contacts | contact"…
//     and v2's "contacts | contacto"…, field_type_display "Text"/"Texto".
//
// # Choices where the sources are silent [U]
//
//   - Framework: Clientify is taken to be Django REST Framework, and its
//     generic behaviour is copied: unknown body keys and read-only fields are
//     ignored; unknown query parameters are ignored (so modified__gte, a typo
//     or a filter Clientify lacks silently returns everything); PUT requires
//     the required fields but leaves absent optional ones unchanged; field
//     errors are {"field": ["message"]} with DRF's messages ("This field is
//     required.", "This field may not be blank.", "\"x\" is not a valid
//     choice.", "A valid number is required.", "Enter a valid email
//     address.", "Invalid hyperlink - Object does not exist." …), nested
//     lists answer one object per item ({} for good ones); a body that is no
//     object is {"non_field_errors": ["Invalid data. Expected a dictionary,
//     but got list."]}; malformed JSON is 400 {"detail": "JSON parse error -
//     …"}; a Content-Type other than JSON, form or multipart is 415; a body
//     without Content-Type is not read at all (so a create fails on its
//     required fields).
//   - 404: an unknown or deleted id (or a non-integer one) is DRF's {"detail":
//     "Not found."}; a path no route matches is Django's HTML "Not Found"
//     page (the unconfirmed probe in the samples' README saw an HTML 404).
//     Missing credentials are 401 {"detail": "Authentication credentials were
//     not provided."} with WWW-Authenticate: Token (DRF), not the probe's
//     unconfirmed 404 "Api key not provided.".
//   - A path without its trailing slash is a 301 to the path with it (Django's
//     APPEND_SLASH), for every method and before authentication. A client
//     that follows the redirect of a POST arrives as GET and lists instead of
//     creating.
//   - Paging: DRF's PageNumberPagination on the live list. Default page size
//     20 (Options.PageSize), page_size capped at 100 (the probe's maximum); an
//     unusable page_size means the default; page past the end, 0 or not a
//     number is 404 {"detail": "Invalid page."}; page=last works; an empty list
//     has one empty page. next and previous keep every parameter, sorted by
//     key (Django's urlencode), previous of page 2 drops page. They use the
//     request's scheme and host (Options.PublicURL overrides).
//   - Ordering: ordering= takes id, created, modified and a few fields per
//     resource, "-" for descending, unknown terms dropped; id always breaks
//     ties. Without ordering the order is (modified, id). ordering=modified
//     works (the reference could not confirm it).
//   - The page-number hazard, faithful to DRF on a live list: records
//     created, or changed but not yet read, during a pass ordered by modified
//     move behind the cursor and are read at the end, so nothing is skipped;
//     but when a record already read is changed, every later record moves one
//     place forward and the next page skips one (TestPagingHazard…). A hub
//     must overlap its incremental passes (or re-read from the last cursor)
//     rather than trust one pass.
//   - Date filter values: ISO 8601 with T or a space, seconds and fraction
//     optional, Z or ±HH:MM; a plain date is midnight; a value without offset
//     is in the account's zone. A "+" sent unencoded arrives as a space,
//     which Django does not parse: 400 {"modified[gte]": ["Enter a valid
//     date/time."]}. Options.DjangoLookups also accepts modified__gte.
//   - Timestamps: no fraction when the microseconds are zero (Python's
//     isoformat); the clock (Options.Now) is truncated to microseconds, so a
//     rendered modified used as modified[gte] finds its record. modified moves
//     on every save, a PATCH with no change included, and when a nested list
//     changes through its sub-resource (the parent fires <entity>.saved too).
//   - Filters: email matches any of the e-mails, case-insensitively; phone any
//     phone exactly as stored; name (companies, products) the whole name,
//     case-insensitively; sku exactly; status (contacts); order_id (orders).
//   - Nested lists on PUT/PATCH replace the list when the key is there
//     (entries keep their id when they send it); Options.IgnoreNestedUpdate
//     ignores emails, phones, addresses and websites instead, as the PHP
//     client's use of the sub-resources may mean (an order's items and a
//     deal's products, which have no sub-resource, still change). The flat email/phone shortcuts (and on companies too) work only
//     on create; flat address/city/postal_code are ignored (prefer
//     addresses[]).
//   - Custom field values may not be blank (the PHP client writes "--" for an
//     empty one); written values merge by field name; a field name is defined
//     on first use.
//   - Relations: a hyperlink of any host under /v1, /v2 or /api, or a bare
//     integer id, is accepted; contact_id and company_id are accepted for
//     contact and company (SCC); a contact's "company" string that is no URL
//     or number is a name. Reads give hyperlinks: v1 answers
//     {host}/v1/{res}/{id}/, v2 answers {host}/api/{res}/{id}/ (as v2's
//     custom field urls), and /api/ is served so they resolve. Contacts also
//     have company_details {id, name, url} and company_name.
//   - Deleting a record clears links to it as Django's SET_NULL does: by an
//     UPDATE, so the linking records' modified stays and they fire nothing.
//   - Uniqueness: taxpayer ids compare exactly ("B 12345678" and "B12345678"
//     are different, blank ones never conflict), for companies too (409
//     "Company with this …"); e-mails and SKUs need not be unique.
//   - Required: contacts first_name, companies, products, deals name; the
//     other fields have defaults. contact_source is written as a string and
//     read as {"name"} or null (the ETL flattened it to contact_source.name).
//     channel is "integrations-api" for API creates, "manual" for the CRM
//     user's. Owner fields name the creator: the API user, or the CRM user
//     for generated and hand-made records.
//   - Products: id, url, name, sku, description, price (a JSON number: DRF's
//     one setting that makes deal amounts numbers makes prices numbers),
//     owner, custom_fields, created, modified.
//   - Deals: pipeline_desc and pipeline_stage_desc on write find the pipeline
//     and stage by name (400 when none); a stage written moves the deal to
//     its pipeline, a pipeline alone to its first stage; probability follows
//     the stage unless written; Won and Lost set actual_closed_date; stages
//     logs the stages visited; products [{product_id, quantity, price}] must
//     name existing products.
//   - Orders (fields unknown): order_id, contact, contact_name, contact_email,
//     status (free text), order_date, ecommerce, currency (default the
//     account's), total (computed), items [{name, sku, price, quantity}],
//     owner, custom_fields; from the seed's Odoo mapping. They fire no
//     webhooks (there is no orders slot).
//   - Rate limit: none is published. DRF's throttle per API key, Options.
//     RateLimit requests per second (default 10), a sliding one-second
//     window; beyond it 429 {"detail": "Request was throttled. Expected
//     available in 1 second."} with Retry-After in whole seconds. Requests
//     with a wrong key are not counted. The fault injector's
//     rate_limit_rate 429s carry its own generic body.
//   - Faults: fault.Injector in front of the API: latency, dropped
//     connections and 500/502/503 with an HTML page. Commit-then-fail
//     (commitfault.go) applies to successful non-GET calls: the change stays
//     and its webhooks fire; the answer is Django's HTML "Server Error (500)"
//     page or a dropped connection.
//   - Webhooks: configured at start (Options.Webhooks: URL, events, token)
//     or through the slot API; both fill the same six slots, one URL per
//     entity. The token goes in X-Clientify-Secret (DefaultWebhookToken unless
//     set; "-" sends none); a slot registered through the API sends exactly
//     the headers it registered. http targets and loopback hosts are accepted
//     (Clientify takes only public HTTPS). Every change fires, the hub's own
//     API writes included: a hub without echo suppression loops
//     (TestWebhooksEchoLoop); the event-root and event-data shapes carry
//     user_id, the API user's for API changes and the CRM user's for
//     UserCreate/UserUpdate/UserDelete, which a hub may use to skip its own.
//     No order is guaranteed. A delivery not answered 2xx within 10 s is
//     tried again after WebhookRetryDelay (10 s), doubled each time,
//     WebhookRetries (5) times; then it is given up (the slot stays active).
//     Duplicates repeat the body exactly; dropped events are logged and never
//     sent.
//   - Payload shapes (Options.WebhookShape): hook-data (default, the newest
//     node's documented {"hook": {id, event, target}, "data": {…}}),
//     event-root and event-data (with timestamp in UTC, account_id,
//     user_id), hook-root, or mixed (seeded per event). The entity is the full
//     v2 representation plus flat email and phone (the samples' contacts have
//     email). changes, in event-data updates only, is {field: {"old", "new"}}
//     as the superseded v0.2.0 reference shows (the reference's own example
//     writes [old, new]; neither is confirmed); a create has no changes.
//   - Slot ids (the hook id) are 9821…9826 in entity order. DELETE frees a
//     slot (204); activate on a free slot is 400 {"detail": "No target
//     configured."}; POSTing the same target again is 201.
//   - Generated data (Generate): Spanish companies with a CIF, contacts (70 %
//     at a company, 40 % with a NIF, status spread over all ten), products
//     with SKUs and prices, a deal for every third contact; created 2–90 days
//     and modified at least an hour before start. The traps (Traps): two
//     contacts share an e-mail, two companies have one CIF with and without a
//     blank, two products share a SKU.
//   - Not served: tasks, calls, wall entries, notes, tags and custom fields
//     as sub-resources, other_companies, owners and marketing status writes,
//     /multiple-contacts/, /deals/{id}/close/, automations, budgets; v1 and v2
//     bodies are the same apart from hyperlinks and the custom fields' labels.
package clientify
