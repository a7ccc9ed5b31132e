// Package shopify is a stateful fake of the Shopify Admin GraphQL API over real
// HTTP, written from shared/reference/shopify-clientify.md §1 and the vendor
// bodies in shared/samples/shopify. It shares no code with the client in
// internal/connector, so a misreading of the API cannot hide in both. One
// server is one shop ({Shop}.myshopify.com) with one app: its static token
// Options.AccessToken and the tokens its client-credentials grant issues
// (Options.ExtraTokens are other apps with their own cost buckets).
//
// Tags as in the reference: [V] vendor docs, [V-schema] the 2025-01 schema,
// [3P] third-party code, [U] unconfirmed, the sandbox's own choice.
//
// # What it serves
//
//	POST /admin/api/{version}/graphql.json   X-Shopify-Access-Token; body {"query","variables","operationName"}
//	                                         (or Content-Type application/graphql with the query as body)
//	POST /admin/oauth/access_token           client-credentials grant, below
//	GET  /_bulk/{id}.jsonl?key=…             a bulk operation's result (no token, like a signed URL)
//	POST|PUT /staged-uploads/{token}[/{name}] the upload bucket of stagedUploadsCreate (below)
//	GET  /cdn/shop/files/{filename}?v=…      a READY media's bytes (the CDN)
//	     /_sandbox/…                         control endpoints, below (no auth, no faults)
//
// Versions: 2025-01, 2025-04, 2025-07, 2025-10, 2026-01 and unstable are served
// as themselves; an older or unknown YYYY-MM is served as 2025-01 (§1.2: the
// oldest supported version [3P, U]); anything else is 404 {"errors":"Not
// Found"}. The answer names the version in X-Shopify-API-Version. Every version
// is validated against the 2025-01 schema, the only one at hand.
//
// A missing, wrong or expired token is 401 {"errors":"[API] Invalid API key
// or access token (unrecognized login or wrong password)"} (§1.8 f [U]; the
// same body for an expired token [U]).
//
// # Client-credentials grant (§1.3)
//
// POST /admin/oauth/access_token with client_id, client_secret and
// grant_type=client_credentials, form-encoded (Shopify's docs), JSON
// (@shopify/shopify-api) or in the URL, answers 200
// {"access_token":"shpat_…","scope":"read_orders,…","expires_in":86399}:
// scope is Options.Scopes joined with commas, expires_in the whole seconds
// left a moment after issue (Options.TokenTTL, default 24 h, less one second:
// the reference's 86399 [U]). Options.ClientID defaults to DefaultClientID,
// Options.ClientSecret to APISecret (one secret signs webhooks and
// authenticates the app, §1.3). Each grant is a new token; earlier ones stay
// valid until they expire [U]. All of them are the main app's: they share
// its cost bucket. Errors, in the OAuth shape {"error","error_description"}
// [U]: an unknown client_id 400 app_not_installed "The application is not
// installed on this shop." (the only answer seen for this grant [3P]); a wrong
// secret 401 invalid_client; a missing parameter 400 invalid_request; another
// grant_type 400 unsupported_grant_type; an authorization code (no
// grant_type) 400 invalid_request "The authorization code was not found or
// was already used"; not POST 405. The fault injector covers this endpoint.
// Grants counts the grants; SetTokenTTL changes the TTL of later grants and
// ExpireTokens ends every issued token now.
//
// # Access scopes
//
// Options.Scopes (nil: DefaultScopes, an order, product, inventory and
// fulfilment app's; SetScopes at run time) apply to every app on the shop.
// currentAppInstallation{accessScopes{handle description} app{apiKey}}
// answers them. A write scope grants its read scope [U]. Root fields needing a
// scope the app lacks answer, beside their null (and so "data":null for a
// non-null field), {"message":"Access denied for orders field. Required
// access: `read_orders` access scope.","locations","path":["orders"],
// "extensions":{"code":"ACCESS_DENIED","documentation":
// "https://shopify.dev/api/usage/access-scopes","requiredAccess":"`read_orders`
// access scope."}} (the words of real answers quoted in issues [3P]; the
// reference leaves the body [U]); several scopes that each suffice read "`a`
// access scope, `b` access scope or `c` access scope.". Checked (scopes per
// field [U] but for fulfillment orders, which the schema names): orders order
// refund fulfillment ordersCount (read_orders), customers customer
// customersCount (read_customers), products product productByHandle
// productVariants productVariant productsCount productVariantsCount
// (read_products), inventoryItems inventoryItem inventoryLevel
// (read_inventory), locations location (read_locations), fulfillmentOrders
// fulfillmentOrder (read_ merchant_managed, assigned or third_party
// _fulfillment_orders), shopifyPaymentsAccount (read_shopify_payments_payouts),
// node and nodes by the id's type; mutations: fulfillmentCreate(V2) and
// fulfillmentTrackingInfoUpdate (write_ … _fulfillment_orders), inventory*
// (write_inventory), order*, refundCreate (write_orders), product* and
// productVariantsBulk* (write_products), customerCreate/Update
// (write_customers), tagsAdd/Remove by the id's type, webhookSubscriptionCreate
// and Update the topic's read scope (orders, refunds and order transactions
// read_orders, fulfillments read_fulfillments, fulfillment orders as above,
// products, inventory, customers, locations theirs; others none). A bulk query
// over a denied root field answers a userError code INVALID with the same
// message [U]. Nested fields are not checked [U], nor read_all_orders' 60-day
// window.
//
// # Validation
//
// Every operation is parsed and validated with gqlparser against
// shared/data/shopify/admin-2025-01.graphql, loaded once per process. The file
// is used as is: it lacks a schema block, so "schema { query: QueryRoot
// mutation: Mutation }" is added as a second source; the built-in scalars and
// directives come from gqlparser's prelude, which tolerates the file's own
// @oneOf. Invalid operations answer HTTP 200 with "errors" and no "data":
// undefinedField exactly as samples/shopify/graphql/error-undefinedField…json
// (message "Field 'x' doesn't exist on type 'T'", locations, a path starting
// with "query …"/"fragment …", extensions code/typeName/fieldName);
// argumentNotAccepted, missingRequiredArguments, undefinedType,
// selectionMismatch, parseError and INVALID_VARIABLE in graphql-ruby's words
// [U]; other rules carry gqlparser's message and rule name as code [U].
// Variables are coerced with gqlparser (a whole float is an Int).
//
// # Execution
//
// The executor walks the AST: fields, aliases, arguments with defaults,
// variables, named and inline fragments on objects, interfaces and unions,
// __typename, @skip/@include, non-null propagation with "Cannot return null
// for non-nullable field" errors. Introspection (__schema, __type) answers
// null. A valid field the sandbox does not keep answers its empty value: null,
// or for a non-null type an empty list, an empty connection, 0, "", false,
// "0.0" (Decimal, Money), "0" (UnsignedInt64), the enum's first value, or an
// object whose fields are empty in turn. So every valid query runs; the fields
// below are the real ones.
//
// Connections: edges{cursor node}, nodes, pageInfo{hasNextPage
// hasPreviousPage startCursor endCursor}; first/after and last/before (one of
// first or last is required: "you must provide one of first or last", as in
// samples/shopify/graphql/error-with-cost…json; at most 250, §1.4); reverse;
// sortKey. Cursors are base64 of {"last_id":…,"last_value":…} like the MS BC
// sample, and paging is keyset on (sort value, id), so sortKey: UPDATED_AT
// orders by (updatedAt, id). Every change stamps updatedAt strictly later than
// any earlier change (1 µs apart inside the sort value; DateTime answers whole
// seconds), so a record updated while a client pages moves behind the
// client's cursor: it is seen again later and nothing is skipped (DESIGN.md
// invariant 6).
//
// Search syntax (query:): field:value, :>, :>=, :<, :<=, quoted values,
// -field / NOT, AND (or terms side by side), OR (without grouping [U]), bare
// words, "abc*" prefixes. Times take RFC 3339, a date-time without zone (UTC)
// or a date. Unknown fields are ignored with an extensions.search warning
// "Invalid search field for this query." [U]. Fields per resource:
//
//	orders            updated_at created_at processed_at id name email source_name tag tag_not test
//	                  financial_status fulfillment_status status(open|closed|cancelled|not_closed|any)
//	                  sku customer_id risk_level gateway
//	products          title handle vendor product_type status tag updated_at created_at id sku barcode
//	productVariants   sku barcode title product_id id updated_at created_at product_status
//	customers         email phone first_name last_name tag updated_at created_at id country
//	inventoryItems    sku id updated_at created_at; inventoryLevels: updated_at inventory_item_id location_id
//	fulfillmentOrders status updated_at created_at id assigned_location_id order_id
//	payouts           issued_at status id; balanceTransactions: payments_transfer_id payout_date
//	                  payout_status transaction_type processed_at
//
// Sort keys: orders CREATED_AT, UPDATED_AT, PROCESSED_AT (default),
// ORDER_NUMBER, TOTAL_PRICE, FINANCIAL_STATUS, FULFILLMENT_STATUS,
// CUSTOMER_NAME, ID, RELEVANCE (= ID); products TITLE, VENDOR, PRODUCT_TYPE,
// UPDATED_AT, CREATED_AT, PUBLISHED_AT, INVENTORY_TOTAL, ID; variants SKU,
// TITLE, NAME, FULL_TITLE, POSITION, INVENTORY_QUANTITY, ID (2025-01 has no
// UPDATED_AT for variants: page them by ID with an updated_at filter);
// customers CREATED_AT, UPDATED_AT, NAME, LOCATION, ID; fulfillmentOrders
// UPDATED_AT, ID; webhookSubscriptions CREATED_AT, ID.
//
// # Real fields
//
// QueryRoot: orders order customers customer products product productByHandle
// productVariants productVariant inventoryItems inventoryItem inventoryLevel locations location
// fulfillmentOrders fulfillmentOrder fulfillment refund node nodes
// currentBulkOperation webhookSubscriptions webhookSubscription shop
// currentAppInstallation
// shopifyPaymentsAccount{payouts balanceTransactions}, and the counts
// ordersCount productsCount productVariantsCount customersCount: Count{count
// precision} under the connection's query: search (and its warnings;
// productVariantsCount's "No supported search fields." is not followed [U]).
// ordersCount and productsCount stop at limit: or else at 10,000 (the 2025-01
// descriptions, kept for every version; limit has no default there, and a
// limit above 10,000 still stops there [U]), precision AT_LEAST once the
// count reaches the cap [U: "a limit was imposed and reached"], else EXACT;
// the other two take no limit and are exact. savedSearchId is ignored. Each costs 1 (an object).
//
// Order: id legacyResourceId name ("#1001"…) email phone createdAt processedAt
// updatedAt cancelledAt cancelReason closed closedAt confirmed
// confirmationNumber test sourceName (web, pos) currencyCode
// presentmentCurrencyCode (EUR, SEK or USD at a rate: multi-currency
// MoneyBags) taxesIncluded (true, 24 % VAT) displayFinancialStatus
// displayFulfillmentStatus fullyPaid unpaid capturable canMarkAsPaid
// requiresShipping fulfillable refundable note tags discountCode discountCodes
// paymentGatewayNames subtotalLineItemsQuantity customer billingAddress
// shippingAddress displayAddress retailLocation (POS) the MoneyBags
// subtotalPriceSet currentSubtotalPriceSet totalPriceSet originalTotalPriceSet
// currentTotalPriceSet totalTaxSet currentTotalTaxSet totalDiscountsSet
// currentTotalDiscountsSet totalShippingPriceSet currentShippingPriceSet
// totalRefundedSet totalRefundedShippingSet totalOutstandingSet
// totalReceivedSet netPaymentSet totalCapturableSet totalTipReceivedSet,
// taxLines currentTaxLines lineItems shippingLines shippingLine
// discountApplications (DiscountCodeApplication with a percentage) transactions
// refunds fulfillments fulfillmentOrders risk{recommendation
// assessments{riskLevel facts}} and the deprecated riskLevel and risks.
// Totals add up: total = Σ(line price × quantity − discount) + shipping, taxes
// carved out of it (taxesIncluded).
//
// LineItem: id name title variantTitle sku vendor quantity currentQuantity
// unfulfilledQuantity fulfillableQuantity refundableQuantity requiresShipping
// taxable variant product originalUnitPriceSet discountedUnitPriceSet
// discountedUnitPriceAfterAllDiscountsSet originalTotalSet discountedTotalSet
// totalDiscountSet taxLines discountAllocations. A generated custom line (gift
// wrapping) has no variant and sku null, as in the orders/create sample.
// ShippingLine, TaxLine (title rate ratePercentage priceSet), OrderTransaction
// (id kind status gateway formattedGateway amountSet processedAt fees
// parentTransaction), Refund (totalRefundedSet refundLineItems transactions),
// Fulfillment (name "#1001.1" status trackingInfo fulfillmentLineItems location),
// FulfillmentOrder (status OPEN/IN_PROGRESS/CLOSED/CANCELLED, one per location,
// assignedLocation destination lineItems{id totalQuantity remainingQuantity sku
// inventoryItemId lineItem variant} supportedActions), Customer, MailingAddress,
// Product (variants options{id name position values optionValues{id name
// hasVariants}} variantsCount totalInventory status descriptionHtml …),
// ProductVariant (sku barcode price compareAtPrice inventoryItem
// inventoryQuantity selectedOptions{name value optionValue} …), InventoryItem (sku tracked unitCost
// inventoryLevel(locationId) inventoryLevels), InventoryLevel (id
// "gid://shopify/InventoryLevel/N?inventory_item_id=M" as in the samples,
// quantities(names:) over available committed damaged incoming on_hand
// quality_control reserved safety_stock; an unknown name is an error),
// Location, BulkOperation, WebhookSubscription, Shop, ShopifyPaymentsPayout and
// ShopifyPaymentsBalanceTransaction (weekly payouts of shopify_payments sales).
//
// Stock moves as in a shop: an order commits stock (available −, committed +)
// at the first location that has it; a fulfilment ships it (committed −,
// on_hand −); a restocking cancel or refund returns it.
//
// # Mutations
//
// userErrors come as the schema types them (UserError: field message;
// typed errors add code), with HTTP 200 (§1.7); a failed mutation changes
// nothing.
//
//	fulfillmentCreate (and the deprecated fulfillmentCreateV2)  lineItemsByFulfillmentOrder; no line
//	    items = all remaining; trackingInfo number/numbers url/urls company; moves the fulfillment
//	    orders to IN_PROGRESS/CLOSED and the order to PARTIALLY_FULFILLED/FULFILLED. "Fulfillment
//	    order does not exist." is the sample's; the other messages are [U]
//	fulfillmentTrackingInfoUpdate
//	inventorySetQuantities  name available|on_hand; every quantity needs compareQuantity equal to
//	    the stored value unless ignoreCompareQuantity: COMPARE_QUANTITY_STALE,
//	    COMPARE_QUANTITY_REQUIRED (never a blind overwrite), INVALID_INVENTORY_ITEM,
//	    INVALID_LOCATION, ITEM_NOT_STOCKED_AT_LOCATION, INVALID_NAME, INVALID_REASON,
//	    NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR (codes [V-schema], messages [U]); answers
//	    inventoryAdjustmentGroup{changes{name delta quantityAfterChange item location}}
//	inventoryAdjustQuantities  deltas; available moves on_hand too, other names move out of available
//	orderCancel   done at once (job.done true); reason, refund (refunds what was received, or voids
//	    an authorization), restock; orderCancelUserErrors NOT_FOUND / INVALID
//	orderMarkAsPaid, refundCreate (refundLineItems with restockType, shipping, transactions)
//	bulkOperationRunQuery, bulkOperationCancel
//	webhookSubscriptionCreate / Update / Delete
//	productCreate(product:, media:)  2025-01 shape; one variant: the first value of each productOptions
//	    option, or Title: Default Title; title required; handle from the title (potion, potion-1) or,
//	    when given, refused if taken (2025-01 validates handles [V changelog]); status ACTIVE
//	productUpdate(product: {id …})  title, handle, descriptionHtml, vendor, productType, tags, status
//	productSet(input:, synchronous:)  no input.id creates, input.id replaces: options and variants
//	    become the input's; a variant keeps its id when named by id or, without one, when an existing
//	    variant has the same option values [U], so the same input twice changes nothing; variants left
//	    out are deleted. 2025-01 has no identifier argument (2025-04 [V]): sent, it fails validation on
//	    every version. Codes PRODUCT_DOES_NOT_EXIST, HANDLE_NOT_UNIQUE, INVALID_PRODUCT (blank title [U]),
//	    PRODUCT_OPTIONS_INPUT_MISSING, VARIANTS_INPUT_MISSING, VARIANTS_OVER_LIMIT, OPTIONS_OVER_LIMIT,
//	    OPTION_VALUES_MISSING, DUPLICATED_OPTION_NAME, DUPLICATED_OPTION_VALUE, OPTION_DOES_NOT_EXIST,
//	    OPTION_VALUE_DOES_NOT_EXIST, PRODUCT_VARIANT_DOES_NOT_EXIST, INVALID_VARIANT (price, same values
//	    twice [U]). synchronous: false answers a COMPLETE productSetOperation
//	productVariantsBulkCreate  strategy REMOVE_STANDALONE_VARIANT drops the only variant; new option
//	    values are added to the option; NEED_TO_ADD_OPTION_VALUES, OPTION_VALUES_FOR_NUMBER_OF_UNKNOWN_OPTIONS
//	    (unknown option [U]), VARIANT_ALREADY_EXISTS, NEGATIVE_PRICE_VALUE, INVALID_INPUT (unreadable
//	    price, over the limit [U]), NO_KEY_ON_CREATE, TRACKED_VARIANT_LOCATION_NOT_FOUND,
//	    PRODUCT_DOES_NOT_EXIST; inventoryQuantities set available (and on_hand)
//	productVariantsBulkUpdate  by id, optionValues may name only the options that change;
//	    PRODUCT_VARIANT_ID_MISSING, PRODUCT_VARIANT_DOES_NOT_EXIST, MUST_BE_FOR_THIS_PRODUCT,
//	    NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE, OPTION_DOES_NOT_EXIST, OPTION_VALUE_DOES_NOT_EXIST,
//	    VARIANT_ALREADY_EXISTS, NEGATIVE_PRICE_VALUE; allowPartialUpdates applies the valid ones
//	productVariantsBulkDelete  AT_LEAST_ONE_VARIANT_DOES_NOT_BELONG_TO_THE_PRODUCT,
//	    CANNOT_DELETE_LAST_VARIANT; option values left without variants go [U]
//	customerCreate / customerUpdate  UserError without code: "Email has already been taken" (field
//	    email, case-insensitive), "Phone has already been taken", "Email is invalid", "Phone is
//	    invalid" (E.164 only [U]), no name, e-mail or phone (field null) [U]; customers/create, /update
//	stagedUploadsCreate(input: [StagedUploadInput!]!)  stagedTargets{url resourceUrl parameters{name
//	    value}}; userErrors (field input.N.x, no code): blank filename or mimeType, a non-image
//	    mimeType for IMAGE/PRODUCT_IMAGE/SHOP_IMAGE/COLLECTION_IMAGE, VIDEO/MODEL_3D without
//	    fileSize, an image over 20 MB [U messages]. Media below
//	orderUpdate (note tags email shippingAddress), orderClose, orderOpen (not a cancelled order),
//	tagsAdd / tagsRemove on Order, Product, Customer (comma lists split, case-insensitive)
//
// Product writes in general: a variant comes with an inventory item (its SKU,
// tracked unless inventoryItem.tracked says otherwise [U]) stocked at every
// location with 0. SKUs may repeat, even within a product: Shopify does not
// refuse them (InventoryItem.duplicateSkuCount) [U]. A product has at most
// 2,048 variants (reference §1.1 [V]) and 3 options [U]. Prices are Money
// strings with at most two decimals. Each change moves updatedAt and sends
// products/create or products/update (customers/update, orders/updated for
// the other edits); CommitThenFail applies as to every mutation. Deleted
// variants answer null as line items' variant.
//
// Other mutations answer null.
//
// # Product media (stageduploads.go, media.go, productfiles.go)
//
// The bucket stands in for Shopify's Google Cloud Storage. A POST target's
// url is /staged-uploads/{token} with parameters Content-Type,
// success_action_status (201), acl, key, x-goog-date, x-goog-credential,
// x-goog-algorithm, x-goog-signature and policy: a multipart form must send
// them all unchanged before its file field (fields after the file are never
// read, as in the bucket), and answers 201 with an XML PostResponse. A PUT
// target's url is the resourceUrl with X-Goog-* signing query, parameters
// content_type and acl: the raw bytes go with that Content-Type, answer 200.
// resourceUrl is /staged-uploads/{token}/{filename}. Errors are GCS-style XML
// <Error><Code/><Message/><Details/></Error> [U codes]: unknown token 404
// NoSuchUpload, expired (1 h) 403 AccessDenied, changed parameter 403
// AccessDenied, missing parameter, no file, empty body or no form 400
// InvalidArgument, over fileSize (else 20 MB) 400 EntityTooLarge, PUT with
// another Content-Type or without the signature 403 SignatureDoesNotMatch,
// the wrong method 405, GET 403 (private). FailNextUploads(n) makes the next
// n bucket requests answer 503 ServiceUnavailable.
//
// productSet's files: [FileSetInput!] is the product's whole set (the
// mutation's description: list fields keep what they name, delete the
// rest); omitted, the media stay. id keeps a MediaImage (alt updated,
// a different originalSource re-read); without id, originalSource (a staged
// resourceUrl or an http(s) URL) makes a new MediaImage named filename or
// the URL's last path element; duplicateResolutionMode APPEND_UUID adds
// _{uuid} to a name in use, RAISE_ERROR fails the media
// DUPLICATE_FILENAME_ERROR, REPLACE refills the file of that name. Dropped
// files are deleted unless another product shows them [U]. userErrors
// (INVALID_INPUT, DUPLICATED_VALUE [U]): no originalSource nor id, unknown
// id, the same id twice, a contentType other than IMAGE, a non-http(s)
// source, over 250 files. A source that cannot be read is a FAILED media
// with mediaErrors, as Shopify reads sources after answering: a staged
// target with nothing uploaded IMAGE_DOWNLOAD_FAILURE, a forged staged URL
// INVALID_SIGNED_URL, bytes that are not GIF/JPEG/PNG/WebP
// UNSUPPORTED_IMAGE_FILE_TYPE, over 20 MB or 25 MP INVALID_IMAGE_FILE_SIZE /
// INVALID_IMAGE_RESOLUTION. External URLs are never fetched (FAILED
// IMAGE_DOWNLOAD_FAILURE) but loopback ones (localhost, 127/8, ::1), read in
// the background: PROCESSING until done. Options.MediaProcessing holds every
// new media PROCESSING that long. Product: media(first… sortKey POSITION|ID)
// mediaCount featuredMedia and the deprecated images featuredImage (READY
// only); MediaImage: id alt mediaContentType status fileStatus mediaErrors
// fileErrors mimeType createdAt updatedAt preview image{id url src width
// height altText} (null until READY) originalSource{url fileSize}; node(id)
// finds it. Image URLs are {host}/cdn/shop/files/{filename}?v={unix time},
// served while READY. REST webhook bodies keep "images": [] [U].
//
// # Cost and throttling (§1.4)
//
// Requested cost: scalars and enums 0, objects 1, a connection 2 + first (or
// last) × (1 + its node's selection), edges and pageInfo nothing, a list that
// is not a connection its element once [U], interfaces and unions their
// dearest member, each mutation root field a flat 10 (the samples:
// bulkOperationRunQuery 10) [3P]. Actual cost counts what was returned the same
// way. A query over 1,000 requested points is refused before it runs with
// MAX_COST_EXCEEDED (message in Shopify's words as remembered [U]). Each
// (shop, app) has a leaky bucket: the requested cost is taken first, the
// difference to the actual cost given back [V]. Plans (Options.Plan):
// standard 2,000/100 per s, advanced 4,000/200, plus 20,000/1,000, enterprise
// 40,000/2,000, classic 1,000/50; the 2026 docs give only restore rates, so the
// bucket sizes are 20 × the rate [U]. Every executed answer carries
// extensions.cost{requestedQueryCost actualQueryCost
// throttleStatus{maximumAvailable currentlyAvailable restoreRate}} written as
// Shopify writes it (2000.0, an int, 100.0). A request the bucket cannot pay
// answers {"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED",
// …}}],"extensions":{"cost":…}} without data and without actualQueryCost, as
// samples/shopify/graphql/throttled.go-shopify.json (the reference's example
// writes null), with HTTP 200; Options.Throttle429 (or POST
// /_sandbox/throttle) answers 429 with Retry-After in whole seconds instead
// (§1.4: both are seen). Validation errors are not charged [U].
//
// # Bulk operations (§1.6)
//
// bulkOperationRunQuery validates its inner query against the schema (errors
// as userErrors code INVALID) and needs a connection. One query operation runs
// per shop (the pre-2026-01 limit, kept for every version): a second answers
// the userErrors of samples/shopify/bulk/bulkOperationRunQuery-already-
// running.airbyte.json, an empty-message entry and then "A bulk query
// operation for this app and shop is already in progress: gid://…". Status is
// CREATED on the answer, RUNNING after half of Options.BulkDelay, COMPLETED
// after all of it; then url points to /_bulk/{id}.jsonl on the host the client
// called, with objectCount, rootObjectCount and fileSize as strings
// (UnsignedInt64), and bulk_operations/finish is delivered. With no objects url
// and fileSize are null [U: the samples disagree]. The query runs over every
// record (first/after ignored); each node is one line, nested connection nodes
// follow their parent as lines of their own with "__parentId", slashes escaped
// "\/" as in samples/shopify/bulk/*.jsonl. Poll with currentBulkOperation or
// node(id:). Bulk mutations are not served.
//
// # Webhooks (§1.9)
//
// Subscriptions made with webhookSubscriptionCreate get REST-shaped bodies
// (the key sets of samples/shopify/webhooks/*.rest-2025-01.json; money as
// "0.00" strings, times at +02:00, includeFields trims the top level) on:
// orders/create, orders/updated, orders/paid, orders/cancelled,
// orders/fulfilled, orders/partially_fulfilled, customers/create,
// customers/update, products/create, products/update, fulfillments/create,
// fulfillments/update, refunds/create, inventory_levels/update and bulk_operations/finish. Headers: X-Shopify-Topic,
// X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body keyed with
// Options.APISecret), X-Shopify-Shop-Domain, X-Shopify-API-Version (the
// subscription's), X-Shopify-Webhook-Id (one per delivery, kept across its
// retries [U]), X-Shopify-Event-Id (one per event, shared by its
// subscriptions and duplicates), X-Shopify-Triggered-At. Deliveries go one at a
// time in order; a non-2xx or no answer within Options.WebhookTimeout (5 s) is
// retried with the original body Options.WebhookRetries times (8), waiting
// WebhookBackoff (1 s) doubled each time (Shopify: 8 over 4 hours).
// Subscriptions are never removed for failures [U]. Tricks (WebhookTricks):
// duplicate the next deliveries, hold and reverse the next n, tamper the body
// after signing.
//
// # Faults
//
// fault.Injector in front of /admin/ (5xx, drops, latency, 429 at a rate: PUT
// /_sandbox/faults), and CommitThenFail for mutations: the change and its
// webhooks happen, the answer is 500 INTERNAL_SERVER_ERROR or a dropped
// connection.
//
// # Control endpoints
//
//	GET  /_sandbox/state                          State
//	POST /_sandbox/orders                         OrderSpec {email, lines[{sku, quantity}], financial, presentment,
//	                                              rate, source, test, risk, note} → {"id", "name"}
//	POST /_sandbox/orders/{gid|name|number}/update {"note"}   POST …/cancel {"reason"}; the gid raw
//	                                              (gid://…), URL-escaped or folded to gid:/ by path cleaning
//	POST /_sandbox/touch                          {"orders": n}: the n least recently updated orders change
//	POST /_sandbox/generate                       {"orders": n}: n generated orders placed now
//	POST /_sandbox/products/{id}/update           {"title"}; id is the number of the global id
//	GET  /_sandbox/products/{gid|number|handle}   ProductInfo {id handle title status vendor tags updatedAt
//	                                              variants[{id title sku price inventoryItemId available}]}
//	PUT  /_sandbox/inventory                      {"sku", "location" (index), "available"}
//	POST /_sandbox/bucket/drain                   {"points", "token"}: another process of the app spends points
//	PUT  /_sandbox/throttle                       {"http429", "maximumAvailable", "restoreRate"}
//	PUT  /_sandbox/webhooks/tricks                WebhookTricks {duplicate, copies, reorder, tamper}
//	GET  /_sandbox/webhooks/deliveries            every try: ids, topic, url, attempt, status, error, body
//	PUT/GET /_sandbox/commit-then-fail            CommitThenFail {rate, next, drop}; GET lists the failures
//	PUT/GET /_sandbox/faults                      fault.Config
//	PUT/GET /_sandbox/oauth                       {"ttl": "2s", "scopes": [...]} → OAuthInfo {client_id token_ttl
//	                                              grants live_tokens scopes}
//	POST /_sandbox/oauth/expire                   every issued token expires now → {"expired": n}
//	GET  /_sandbox/products/{ref}/media           []MediaInfo {id filename alt mimeType status error source url
//	                                              width height bytes (base64)}
//	POST /_sandbox/uploads/fail                   {"count": n}: the next n bucket requests answer 503
//
// Control paths bypass http.ServeMux, whose path cleaning would fold gid://
// and redirect a POST into a GET.
//
// The same as Go methods: State, CreateOrder, UpdateOrder, CancelOrder,
// TouchOrders, GenerateOrders, UpdateProduct, Product, ProductCount,
// SetAvailable, Quantities,
// DrainBucket, SetThrottle, SetWebhookTricks, Deliveries, WaitDeliveries,
// SetCommitThenFail, CommitFailures, Faults, Grants, SetTokenTTL,
// ExpireTokens, SetScopes, OAuth, ProductMedia, StagedUpload, FailNextUploads.
//
// # Data
//
// Options.Seed fixes the shop: two locations (a warehouse and a POS store), 20
// products × 3 variants with SKU FRY-00001-01…, barcodes, prices, costs, stock
// at the warehouse (every third product also at the store), 15 customers, 40
// orders over 60 days: about 10 % POS, 5 % guests, 20 % with a WELCOME10
// discount, 20 % in SEK or USD, 8 % risky (INVESTIGATE/MEDIUM or CANCEL/HIGH), 3 %
// test, 4 % cancelled with a reason, paid by shopify_payments, paypal, manual
// (pending), cash (POS) or authorized; older ones fulfilled with Posti tracking,
// some partially, some with a returned line. A 10,000-order or 50,000-variant
// shop builds in well under a second and pages at about 30 ms per 250.
package shopify
