package mycashflow

import (
	"sort"
	"time"
)

// The records below are kept in their wire shape: json tags are the field names of
// the reference (§1.5); json:"-" fields are links and expandables rendered by the
// handlers.

type translation struct {
	Language           string `json:"language"`
	Name               string `json:"name"`
	Description        string `json:"description"`
	Information        string `json:"information"`
	SeoTitle           string `json:"seo_title"`
	SeoPageTitle       string `json:"seo_page_title"`
	SeoMetaDescription string `json:"seo_meta_description"`
}

type imageLink struct {
	ProductID int    `json:"product_id"`
	ImageID   int    `json:"image_id"`
	Sort      int    `json:"sort"`
	Filename  string `json:"filename"`
	Caption   string `json:"caption"`
}

type visibility struct {
	VersionID int  `json:"version_id"`
	IsVisible bool `json:"is_visible"`
}

type categoryLink struct {
	CategoryID int `json:"category_id"`
	Sort       int `json:"sort"`
}

type product struct {
	ID                 int     `json:"id"`
	CreatedAt          jtime   `json:"created_at"`
	UpdatedAt          jtime   `json:"updated_at"`
	ProductCode        string  `json:"product_code"`
	SupplierCode       string  `json:"supplier_code"`
	Name               string  `json:"name"`
	Description        string  `json:"description"`
	Information        string  `json:"information"`
	Keywords           string  `json:"keywords"`
	Price              money   `json:"price"`
	PurchasePrice      money   `json:"purchase_price"`
	VatRate            float64 `json:"vat_rate"`
	Weight             float64 `json:"weight"`
	Warranty           string  `json:"warranty"`
	BrandID            *int    `json:"brand_id"`
	SupplierID         *int    `json:"supplier_id"`
	AvailableFrom      jtime   `json:"available_from"`
	AvailableTo        jtime   `json:"available_to"`
	OrderLimit         *int    `json:"order_limit"`
	Featured           bool    `json:"featured"`
	VisibleFrom        jtime   `json:"visible_from"`
	PurchasableFrom    jtime   `json:"purchasable_from"`
	SeoTitle           string  `json:"seo_title"`
	SeoPageTitle       string  `json:"seo_page_title"`
	SeoMetaDescription string  `json:"seo_meta_description"`
	Barcode            string  `json:"barcode"`

	translations  []translation
	imageLinks    []imageLink
	visibilities  []visibility
	categoryLinks []categoryLink
	variationIDs  []int
	stockItemID   int // 0: no stock item
}

type variation struct {
	ID            int     `json:"id"`
	CreatedAt     jtime   `json:"created_at"`
	UpdatedAt     jtime   `json:"updated_at"`
	ProductID     int     `json:"product_id"`
	Sort          int     `json:"sort"`
	Name          string  `json:"name"`
	ProductCode   string  `json:"product_code"`
	Price         money   `json:"price"`
	PurchasePrice money   `json:"purchase_price"`
	Weight        float64 `json:"weight"`

	stockItemID int
}

type stockItem struct {
	ID                int    `json:"id"`
	CreatedAt         jtime  `json:"created_at"`
	UpdatedAt         jtime  `json:"updated_at"`
	SKU               string `json:"sku"`
	Barcode           string `json:"barcode"`
	Location          string `json:"location"`
	Enabled           bool   `json:"enabled"`
	Quantity          int    `json:"quantity"`
	Reserved          int    `json:"reserved"`
	Balance           int    `json:"balance"`
	BalanceAlert      bool   `json:"balance_alert"`
	BalanceLimit      int    `json:"balance_limit"`
	BackorderEnabled  bool   `json:"backorder_enabled"`
	BackorderEstimate jtime  `json:"backorder_estimate"`
	Code              string `json:"code"`
	ProductID         int    `json:"product_id"`
	VariationID       *int   `json:"variation_id"`
}

// stockChange is one ledger row; only id and changed_at are confirmed, the rest is
// this sandbox's choice (doc.go).
type stockChange struct {
	ID             int    `json:"id"`
	ChangedAt      jtime  `json:"changed_at"`
	StockItemID    int    `json:"stock_item_id"`
	ProductCode    string `json:"product_code"`
	ProductID      int    `json:"product_id"`
	VariationID    *int   `json:"variation_id"`
	QuantityChange int    `json:"quantity_change"`
	ReservedChange int    `json:"reserved_change"`
	Quantity       int    `json:"quantity"`
	Reserved       int    `json:"reserved"`
	Balance        int    `json:"balance"`
	Reason         string `json:"reason"`
	OrderID        *int   `json:"order_id"`
}

type category struct {
	ID          int    `json:"id"`
	CreatedAt   jtime  `json:"created_at"`
	UpdatedAt   jtime  `json:"updated_at"`
	ParentID    *int   `json:"parent_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Sort        int    `json:"sort"`

	visibilities []visibility
}

type brand struct {
	ID          int    `json:"id"`
	CreatedAt   jtime  `json:"created_at"`
	UpdatedAt   jtime  `json:"updated_at"`
	Name        string `json:"name"`
	Description string `json:"description"`
	URL         string `json:"url"`
}

type version struct {
	ID        int    `json:"id"`
	CreatedAt jtime  `json:"created_at"`
	UpdatedAt jtime  `json:"updated_at"`
	Name      string `json:"name"`
	Language  string `json:"language"`
	Currency  string `json:"currency"`
	Domain    string `json:"domain"`
	IsDefault bool   `json:"is_default"`
}

type shippingMethod struct {
	ID                    int    `json:"id"`
	CreatedAt             jtime  `json:"created_at"`
	UpdatedAt             jtime  `json:"updated_at"`
	Name                  string `json:"name"`
	Type                  string `json:"type"`
	ServiceProvider       string `json:"service_provider"`
	ServiceCode           string `json:"service_code"`
	ProductCode           string `json:"product_code"`
	Description           string `json:"description"`
	TrackingInfo          string `json:"tracking_info"`
	FreeShippingThreshold money  `json:"free_shipping_threshold"`
	Sort                  int    `json:"sort"`

	price money // shipping cost charged on orders
}

type paymentMethod struct {
	ID          int    `json:"id"`
	CreatedAt   jtime  `json:"created_at"`
	UpdatedAt   jtime  `json:"updated_at"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Username    string `json:"username"`
	ProductCode string `json:"product_code"`
	Sort        int    `json:"sort"`
	Provider    string `json:"provider"`

	cost money // payment cost charged on orders
	// initial is the status a new payment of this method gets: OPEN (invoice,
	// cash on delivery), PAID (card, bank) or PENDING_ACTIVATION (Klarna).
	initial string
}

type customerGroup struct {
	ID        int    `json:"id"`
	CreatedAt jtime  `json:"created_at"`
	UpdatedAt jtime  `json:"updated_at"`
	Name      string `json:"name"`
}

type customer struct {
	ID              int    `json:"id"`
	CreatedAt       jtime  `json:"created_at"`
	UpdatedAt       jtime  `json:"updated_at"`
	FirstName       string `json:"first_name"`
	LastName        string `json:"last_name"`
	Email           string `json:"email"`
	Phone           string `json:"phone"`
	Company         string `json:"company"`
	VatCode         string `json:"vat_code"`
	StreetAddress   string `json:"street_address"`
	PostalCode      string `json:"postal_code"`
	City            string `json:"city"`
	Country         string `json:"country"`
	SmsSubscription bool   `json:"sms_subscription"`
	VersionID       int    `json:"version_id"`
	LoginAllowed    bool   `json:"login_allowed"`

	groupIDs []int
}

type campaignPrice struct {
	ID          int    `json:"id"`
	CreatedAt   jtime  `json:"created_at"`
	UpdatedAt   jtime  `json:"updated_at"`
	CampaignID  int    `json:"campaign_id"`
	ProductID   int    `json:"product_id"`
	VariationID *int   `json:"variation_id"`
	ProductCode string `json:"product_code"`
	MinQuantity int    `json:"min_quantity"`
	Price       money  `json:"price"`
}

type campaign struct {
	ID          int    `json:"id"`
	CreatedAt   jtime  `json:"created_at"`
	UpdatedAt   jtime  `json:"updated_at"`
	Name        string `json:"name"`
	Description string `json:"description"`
	StartsAt    jtime  `json:"starts_at"`
	EndsAt      jtime  `json:"ends_at"`
	IsActive    bool   `json:"is_active"`

	prices       []*campaignPrice
	visibilities []visibility
}

type address struct {
	Company       string `json:"company"`
	VatCode       string `json:"vat_code"`
	FirstName     string `json:"first_name"`
	LastName      string `json:"last_name"`
	StreetAddress string `json:"street_address"`
	PostalCode    string `json:"postal_code"`
	City          string `json:"city"`
	Country       string `json:"country"`
	Phone         string `json:"phone"`
	Email         string `json:"email"`
}

// shippingAddress has no vat_code on the wire.
type shippingAddress struct {
	Company       string `json:"company"`
	FirstName     string `json:"first_name"`
	LastName      string `json:"last_name"`
	StreetAddress string `json:"street_address"`
	PostalCode    string `json:"postal_code"`
	City          string `json:"city"`
	Country       string `json:"country"`
	Phone         string `json:"phone"`
	Email         string `json:"email"`
}

type orderLine struct {
	ID                int      `json:"id"`
	CreatedAt         jtime    `json:"created_at"`
	UpdatedAt         jtime    `json:"updated_at"`
	DeliveredAt       jtime    `json:"delivered_at"`
	OrderID           int      `json:"order_id"`
	ProductID         *int     `json:"product_id"`
	VariationID       *int     `json:"variation_id"`
	BundleID          *int     `json:"bundle_id"`
	CampaignID        *int     `json:"campaign_id"`
	ShipmentID        *int     `json:"shipment_id"`
	DownloadID        *int     `json:"download_id"`
	DownloadTimeEnds  jtime    `json:"download_time_ends"`
	DownloadTimesLeft *int     `json:"download_times_left"`
	DownloadURL       *string  `json:"download_url"`
	Customizations    []string `json:"customizations"`
	VatRate           float64  `json:"vat_rate"`
	UnitPrice         money    `json:"unit_price"`
	PurchasePrice     money    `json:"purchase_price"`
	Quantity          int      `json:"quantity"`
	ProductCode       string   `json:"product_code"`
	ProductName       string   `json:"product_name"`
	ModelName         string   `json:"model_name"`
	Warranty          string   `json:"warranty"`
	CustomData        any      `json:"custom_data"`
	ReturnToStock     bool     `json:"return_to_stock"`
	ReturnReasons     []string `json:"-"`

	// stockID is the stock item this line reserved from (0 when none); by id, so
	// a product_code renamed later still finds it.
	stockID int
}

type document struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type shipment struct {
	ID                       int        `json:"id"`
	CreatedAt                jtime      `json:"created_at"`
	UpdatedAt                jtime      `json:"updated_at"`
	CompletedAt              jtime      `json:"completed_at"`
	OrderID                  int        `json:"order_id"`
	Type                     string     `json:"type"`
	Status                   string     `json:"status"`
	ShippingMethodID         *int       `json:"shipping_method_id"`
	Weight                   float64    `json:"weight"`
	ParcelCount              int        `json:"parcel_count"`
	ExternalID               *string    `json:"external_id"`
	ExternalPickupPostringID *string    `json:"external_pickup_postring_id"`
	TrackingCode             *string    `json:"tracking_code"`
	ShippingLabelURL         *string    `json:"shipping_label_url"`
	Documents                []document `json:"documents"`
}

type payment struct {
	ID              int     `json:"id"`
	CreatedAt       jtime   `json:"created_at"`
	UpdatedAt       jtime   `json:"updated_at"`
	OrderID         int     `json:"order_id"`
	PaymentMethodID int     `json:"payment_method_id"`
	Reference       string  `json:"reference"`
	ExternalID      *string `json:"external_id"`
	Amount          money   `json:"amount"`
	Currency        string  `json:"currency"`
	ExchangeRate    float64 `json:"exchange_rate"`
	IsConfirmed     bool    `json:"is_confirmed"`
	IsPaid          bool    `json:"is_paid"`
	Status          string  `json:"status"`
}

type comment struct {
	OrderID    int    `json:"order_id"`
	CreatedAt  jtime  `json:"created_at"`
	UserID     *int   `json:"user_id"`
	Visibility string `json:"visibility"`
	Text       string `json:"text"`
}

type event struct {
	CreatedAt jtime  `json:"created_at"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	Data      any    `json:"data"`
}

type order struct {
	ID                       int             `json:"id"`
	CreatedAt                jtime           `json:"created_at"`
	UpdatedAt                jtime           `json:"updated_at"`
	ArchivedAt               jtime           `json:"archived_at"`
	ShipmentsCompletedAt     jtime           `json:"shipments_completed_at"`
	ExternalID               *string         `json:"external_id"`
	VersionID                int             `json:"version_id"`
	Language                 string          `json:"language"`
	Currency                 string          `json:"currency"`
	CustomerID               *int            `json:"customer_id"`
	CustomerExternalID       *string         `json:"customer_external_id"`
	ShippingMethodID         *int            `json:"shipping_method_id"`
	PaymentMethodID          *int            `json:"payment_method_id"`
	CustomerInformation      address         `json:"customer_information"`
	DifferentShippingAddress bool            `json:"different_shipping_address"`
	ShippingAddress          shippingAddress `json:"shipping_address"`
	Subtotal                 money           `json:"subtotal"`
	ShippingCosts            money           `json:"shipping_costs"`
	PaymentCosts             money           `json:"payment_costs"`
	Discount                 money           `json:"discount"`
	Total                    money           `json:"total"`
	Status                   string          `json:"status"`
	Details                  string          `json:"details"`
	CustomData               any             `json:"custom_data"`
	ReceiptURL               string          `json:"receipt_url"`
	ReturnDocumentURL        *string         `json:"return_document_url"`
	DispatchNoteURL          string          `json:"dispatch_note_url"`

	lines     []*orderLine
	shipments []*shipment
	payments  []*payment
	comments  []comment
	events    []event
}

type webhook struct {
	UUID    string   `json:"uuid"`
	UserID  int      `json:"user_id"`
	Topic   string   `json:"topic"`
	Expands []string `json:"expands"`
	URL     string   `json:"url"`

	id int // creation order
}

// table is a set of records by id plus the ids in ascending order; ids only grow,
// so appending keeps the order.
type table[T any] struct {
	byID map[int]*T
	ids  []int
}

func newTable[T any]() *table[T] { return &table[T]{byID: map[int]*T{}} }

func (t *table[T]) put(id int, v *T) {
	if _, ok := t.byID[id]; !ok {
		t.ids = append(t.ids, id)
	}
	t.byID[id] = v
}

func (t *table[T]) get(id int) (*T, bool) {
	v, ok := t.byID[id]
	return v, ok
}

func (t *table[T]) del(id int) {
	if _, ok := t.byID[id]; !ok {
		return
	}
	delete(t.byID, id)
	i := sort.SearchInts(t.ids, id)
	if i < len(t.ids) && t.ids[i] == id {
		t.ids = append(t.ids[:i], t.ids[i+1:]...)
	}
}

// all returns the records in id order.
func (t *table[T]) all() []*T {
	out := make([]*T, 0, len(t.ids))
	for _, id := range t.ids {
		out = append(out, t.byID[id])
	}
	return out
}

func (t *table[T]) len() int { return len(t.ids) }

// codeOwner says which product or variation owns a product_code.
type codeOwner struct {
	productID   int
	variationID int // 0: the product itself
}

// state is everything the fake shop holds; Server.mu guards it.
type state struct {
	seq map[string]int // last id per kind; ids only grow

	products       *table[product]
	variations     *table[variation]
	stock          *table[stockItem]
	stockChanges   *table[stockChange]
	categories     *table[category]
	brands         *table[brand]
	versions       *table[version]
	shippingMethod *table[shippingMethod]
	paymentMethod  *table[paymentMethod]
	customerGroups *table[customerGroup]
	customers      *table[customer]
	campaigns      *table[campaign]
	orders         *table[order]
	webhooks       []*webhook

	codes        map[string]codeOwner // product_code → owner
	stockByCode  map[string]int       // product_code → stock item id
	campaignByID map[int]*campaignPrice
}

func newState() *state {
	return &state{
		seq:            map[string]int{},
		products:       newTable[product](),
		variations:     newTable[variation](),
		stock:          newTable[stockItem](),
		stockChanges:   newTable[stockChange](),
		categories:     newTable[category](),
		brands:         newTable[brand](),
		versions:       newTable[version](),
		shippingMethod: newTable[shippingMethod](),
		paymentMethod:  newTable[paymentMethod](),
		customerGroups: newTable[customerGroup](),
		customers:      newTable[customer](),
		campaigns:      newTable[campaign](),
		orders:         newTable[order](),
		codes:          map[string]codeOwner{},
		stockByCode:    map[string]int{},
		campaignByID:   map[int]*campaignPrice{},
	}
}

// Id bases keep the kinds apart in logs and tests (an order id never looks like a
// product id); they are this sandbox's choice.
var idBase = map[string]int{
	"product": 100, "variation": 500, "stock": 9000, "stock_change": 1,
	"category": 10, "brand": 0, "version": 0, "shipping_method": 0, "payment_method": 0,
	"customer_group": 0, "customer": 70, "campaign": 0, "campaign_price": 0,
	"order": 1000, "line": 88000, "shipment": 3000, "payment": 4000,
}

// next returns a fresh id of kind; ids are never reused.
func (st *state) next(kind string) int {
	n, ok := st.seq[kind]
	if !ok {
		n = idBase[kind]
	}
	n++
	st.seq[kind] = n
	return n
}

func intp(n int) *int { return &n }

func strp(s string) *string { return &s }

// stockFor returns the stock item of product_code, if it has one.
func (st *state) stockFor(code string) (*stockItem, bool) {
	id, ok := st.stockByCode[code]
	if !ok {
		return nil, false
	}
	return st.stock.get(id)
}

// adjustStock changes quantity and reservation of a stock item and appends the
// ledger row.
func (st *state) adjustStock(si *stockItem, dq, dr int, reason string, orderID int, now time.Time) {
	if dq == 0 && dr == 0 {
		return
	}
	si.Quantity += dq
	si.Reserved += dr
	si.Balance = si.Quantity - si.Reserved
	si.UpdatedAt = stamp(now)
	sc := &stockChange{
		ID: st.next("stock_change"), ChangedAt: stamp(now), StockItemID: si.ID, ProductCode: si.Code,
		ProductID: si.ProductID, VariationID: si.VariationID, QuantityChange: dq, ReservedChange: dr,
		Quantity: si.Quantity, Reserved: si.Reserved, Balance: si.Balance, Reason: reason,
	}
	if orderID != 0 {
		sc.OrderID = intp(orderID)
	}
	st.stockChanges.put(sc.ID, sc)
}
