package shopify

import (
	"time"
)

// quantity names of an inventory level, in the order Shopify lists them
// (reference §1.7); on_hand = available + committed + the unavailable states.
var quantityNames = []string{"available", "committed", "damaged", "incoming", "on_hand", "quality_control", "reserved", "safety_stock"}

const (
	qAvailable = iota
	qCommitted
	qDamaged
	qIncoming
	qOnHand
	qQualityControl
	qReserved
	qSafetyStock
)

func quantityIndex(name string) int {
	for i, n := range quantityNames {
		if n == name {
			return i
		}
	}
	return -1
}

// state is the shop. Every field is guarded by Server.mu.
type state struct {
	nextID  int64
	stamp   time.Time // the last change's timestamp: every change gets a later one
	orderNo int       // the last order number; names are "#" + number

	orders     []*order
	orderByID  map[int64]*order
	lineByID   map[int64]*lineItem
	customers  []*customer
	custByID   map[int64]*customer
	products   []*product
	prodByID   map[int64]*product
	variants   []*variant
	varByID    map[int64]*variant
	items      []*invItem
	itemByID   map[int64]*invItem
	locations  []*location
	locByID    map[int64]*location
	levelByID  map[int64]*level
	fos        []*fulfillmentOrder
	foByID     map[int64]*fulfillmentOrder
	foLine     map[int64]*foLine
	fulfilByID map[int64]*fulfillment
	refundByID map[int64]*refund
	txByID     map[int64]*transaction
	bulk       []*bulkOp
	bulkByID   map[int64]*bulkOp
	subs       []*subscription
	payouts    []*payout
	balance    []*balanceTx
	// staged are the upload targets by token; files the MediaImages by id
	// and by filename (the CDN path), shared by the products showing them.
	staged     map[string]*stagedTarget
	files      map[int64]*mediaFile
	fileByName map[string]*mediaFile
}

func newState() *state {
	return &state{nextID: 5_740_000_000_000, orderNo: 1000,
		orderByID: map[int64]*order{}, lineByID: map[int64]*lineItem{}, custByID: map[int64]*customer{},
		prodByID: map[int64]*product{}, varByID: map[int64]*variant{}, itemByID: map[int64]*invItem{},
		locByID: map[int64]*location{}, levelByID: map[int64]*level{}, foByID: map[int64]*fulfillmentOrder{},
		foLine: map[int64]*foLine{}, fulfilByID: map[int64]*fulfillment{}, refundByID: map[int64]*refund{},
		txByID: map[int64]*transaction{}, bulkByID: map[int64]*bulkOp{},
		staged: map[string]*stagedTarget{}, files: map[int64]*mediaFile{}, fileByName: map[string]*mediaFile{}}
}

// id hands out the next numeric id; one counter for every type keeps ids
// unique and Shopify-sized (13 digits).
func (st *state) id() int64 {
	st.nextID += 1 + st.nextID%7 // gaps, as real ids have
	return st.nextID
}

// touch returns a timestamp later than every earlier one (by at least 1 µs),
// so that a record updated while a client pages by (updatedAt, id) always moves
// behind the client's cursor.
func (st *state) touch(now time.Time) time.Time {
	now = now.UTC().Truncate(time.Microsecond)
	if !now.After(st.stamp) {
		now = st.stamp.Add(time.Microsecond)
	}
	st.stamp = now
	return now
}

type address struct {
	first, last, company, address1, address2, city, province, provinceCode, zip, country, countryCode, phone string
}

type customer struct {
	id                   int64
	email, phone         string
	first, last          string
	tags                 []string
	note                 string
	addr                 address
	createdAt, updatedAt time.Time
	acceptsMarketing     bool
}

type order struct {
	id                                int64
	number                            int
	name, email, phone                string
	cust                              *customer
	createdAt, processedAt, updatedAt time.Time
	cancelledAt, closedAt             time.Time
	cancelReason                      string // OrderCancelReason
	test                              bool
	sourceName                        string // web, pos, shopify_draft_order
	currency, presentment             string
	rate                              float64 // presentment units per shop unit
	taxesIncluded                     bool
	financial                         string // OrderDisplayFinancialStatus
	lines                             []*lineItem
	shipping                          []*shippingLine
	discount                          *discountApp
	billing, shipTo                   *address
	risk                              string // CANCEL, INVESTIGATE, ACCEPT
	riskLevel                         string // HIGH, MEDIUM, LOW
	tags                              []string
	note                              string
	txs                               []*transaction
	refunds                           []*refund
	fos                               []*fulfillmentOrder
	fulfillments                      []*fulfillment
	retail                            *location // POS orders
	confirmation                      string
}

type lineItem struct {
	id                        int64
	ord                       *order
	v                         *variant // nil for a custom item
	sku, title, variantTitle  string
	vendor                    string
	qty                       int
	price                     int64 // unit price, shop minor units (tax included when the order says so)
	discount                  int64 // allocated to the whole line
	taxRate                   float64
	taxTitle                  string
	refunded                  int
	requiresShipping, taxable bool
}

type discountApp struct {
	code    string
	percent float64
}

type shippingLine struct {
	id          int64
	title, code string
	price       int64
	taxRate     float64
	taxTitle    string
	source      string
}

type transaction struct {
	id           int64
	ord          *order
	kind, status string // SALE, AUTHORIZATION, CAPTURE, REFUND, VOID; SUCCESS, PENDING …
	gateway      string
	amount       int64
	createdAt    time.Time
	parent       *transaction
	fee          int64
}

type refund struct {
	id        int64
	ord       *order
	note      string
	createdAt time.Time
	lines     []refundLine
	shipping  int64
	amount    int64
	txs       []*transaction
}

type refundLine struct {
	line        *lineItem
	qty         int
	restockType string // NO_RESTOCK, CANCEL, RETURN
	loc         *location
}

type location struct {
	id                     int64
	name                   string
	addr                   address
	active, fulfillsOnline bool
	createdAt, updatedAt   time.Time
}

type product struct {
	id                   int64
	title, handle        string
	status               string // ACTIVE, ARCHIVED, DRAFT
	vendor, productType  string
	tags                 []string
	description          string
	html                 string // descriptionHtml as written through the API; "" = description in <p>
	createdAt, updatedAt time.Time
	options              []*prodOption
	variants             []*variant
	media                []*mediaFile // in position order
}

// prodOption is one of a product's options (Size, Color) with its values in
// order; a product without options of its own has Title: Default Title.
type prodOption struct {
	id     int64
	name   string
	values []*optValue
}

type optValue struct {
	id   int64
	name string
}

type variant struct {
	id                   int64
	prod                 *product
	sku, barcode, title  string
	opts                 []string // a value of each of the product's options, by position
	price, compareAt     int64    // shop minor units; compareAt 0 = none
	position             int
	item                 *invItem
	taxable              bool
	policy               string // DENY, CONTINUE
	createdAt, updatedAt time.Time
	deleted              bool // by productVariantsBulkDelete or productSet: order lines keep it, queries do not
}

type invItem struct {
	id                   int64
	v                    *variant
	tracked              bool
	cost                 int64
	countryOfOrigin      string
	hsCode               string
	createdAt, updatedAt time.Time
	levels               []*level // one per stocked location
}

type level struct {
	id        int64
	item      *invItem
	loc       *location
	q         [8]int // by quantityNames index
	updatedAt time.Time
}

func (it *invItem) levelAt(loc *location) *level {
	for _, l := range it.levels {
		if l.loc == loc {
			return l
		}
	}
	return nil
}

type fulfillmentOrder struct {
	id                   int64
	ord                  *order
	loc                  *location
	status               string // OPEN, IN_PROGRESS, CLOSED, CANCELLED
	lines                []*foLine
	createdAt, updatedAt time.Time
}

type foLine struct {
	id        int64
	fo        *fulfillmentOrder
	line      *lineItem
	total     int
	remaining int
}

type fulfillment struct {
	id                   int64
	ord                  *order
	loc                  *location
	name                 string // "#1001.1"
	status               string // SUCCESS, CANCELLED
	tracking             []tracking
	lines                []fulfilledLine
	createdAt, updatedAt time.Time
	notify               bool
}

type tracking struct{ number, company, url string }

type fulfilledLine struct {
	id   int64
	line *lineItem
	qty  int
}

type payout struct {
	id       int64
	status   string // SCHEDULED, IN_TRANSIT, PAID
	issuedAt time.Time
	gross    int64
	fees     int64
	refunds  int64
	currency string
}

type balanceTx struct {
	id     int64
	payout *payout
	typ    string // CHARGE, REFUND
	tx     *transaction
	amount int64
	fee    int64
	at     time.Time
}
