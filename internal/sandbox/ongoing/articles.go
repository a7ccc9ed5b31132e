package ongoing

import (
	"net/http"
	"strings"
	"time"
)

func init() {
	handle(http.MethodGet, "/articles", getArticles)
	handle(http.MethodPut, "/articles", putArticle)
	handle(http.MethodGet, "/articles/inventoryPerWarehouse", getInventoryPerWarehouse)
	handle(http.MethodGet, "/articles/{articleSystemId}", getArticle)
	handle(http.MethodPut, "/articles/{articleSystemId}", putArticleByID)
}

// postArticle is PostArticleModel, the body of PUT /articles (§2.5).
type postArticle struct {
	GoodsOwnerID        num          `json:"goodsOwnerId"`
	ArticleNumber       str          `json:"articleNumber"`
	ArticleName         str          `json:"articleName"`
	ProductCode         str          `json:"productCode"`
	UnitCode            str          `json:"unitCode"`
	Description         str          `json:"description"`
	IsStockArticle      *bool        `json:"isStockArticle"`
	IsActive            *bool        `json:"isActive"`
	SupplierInfo        *supplierIn  `json:"supplierInfo"`
	BarCodeInfo         *barCodeIn   `json:"barCodeInfo"`
	QuantityPerPackage  num          `json:"quantityPerPackage"`
	QuantityPerPallet   num          `json:"quantityPerPallet"`
	Weight              num          `json:"weight"`
	NetWeight           num          `json:"netWeight"`
	Length              num          `json:"length"`
	Width               num          `json:"width"`
	Height              num          `json:"height"`
	Volume              num          `json:"volume"`
	PurchasePrice       num          `json:"purchasePrice"`
	StockValuationPrice num          `json:"stockValuationPrice"`
	CustomerPrice       num          `json:"customerPrice"`
	PurcaseCurrencyCode str          `json:"purcaseCurrencyCode"` // sic, as the API spells it
	CountryOfOriginCode str          `json:"countryOfOriginCode"`
	StatisticsNumber    str          `json:"statisticsNumber"`
	CustomsDescription  str          `json:"customsDescription"`
	ArticleGroup        *codeName    `json:"articleGroup"`
	ArticleCategory     *codeName    `json:"articleCategory"`
	ArticleColor        *codeName    `json:"articleColor"`
	ArticleSize         *codeName    `json:"articleSize"`
	StockLimit          num          `json:"stockLimit"`
	LinkToPicture       str          `json:"linkToPicture"`
	FreeValues          *freeValueIn `json:"freeValues"`
}

type supplierIn struct {
	SupplierArticleNumber str `json:"supplierArticleNumber"`
	SupplierNumber        str `json:"supplierNumber"`
	SupplierName          str `json:"supplierName"`
}

type barCodeIn struct {
	BarCode             str   `json:"barCode"`
	BarCodePackage      str   `json:"barCodePackage"`
	BarCodePallet       str   `json:"barCodePallet"`
	AlternativeBarCodes []str `json:"alternativeBarCodes"`
}

type freeValueIn struct {
	FreeDecimal1 num   `json:"freeDecimal1"`
	FreeDecimal2 num   `json:"freeDecimal2"`
	FreeDecimal3 num   `json:"freeDecimal3"`
	FreeBoolean1 *bool `json:"freeBoolean1"`
	FreeBoolean2 *bool `json:"freeBoolean2"`
	FreeBoolean3 *bool `json:"freeBoolean3"`
}

// article is one article of the goods owner with its stock.
type article struct {
	id           int
	in           postArticle
	created      time.Time
	updated      time.Time // articleDataLastUpdated
	stockChanged time.Time // what stockInfoChangedFrom reads
	onHand       float64   // physically present (numberOfItems)
	lastIn       time.Time
	location     string
}

// decodeArticle decodes and validates a PUT /articles body.
func decodeArticle(body []byte) (postArticle, *apiErr) {
	var in postArticle
	if e := decodeBody(body, &in); e != nil {
		return in, e
	}
	m := modelErrs{}
	if !in.GoodsOwnerID.set {
		m.add("model.goodsOwnerId", "The goodsOwnerId field is required.")
	}
	if in.ArticleNumber.String() == "" {
		m.add("model.articleNumber", "The articleNumber field is required.")
	} else if len(in.ArticleNumber.String()) > 50 {
		m.add("model.articleNumber", "The field articleNumber must be a string with a maximum length of 50.")
	}
	if in.QuantityPerPackage.set && in.QuantityPerPackage.v != float64(int(in.QuantityPerPackage.v)) {
		m.add("model.quantityPerPackage", "The value '%v' is not valid for quantityPerPackage.", in.QuantityPerPackage.v)
	}
	if in.QuantityPerPallet.set && in.QuantityPerPallet.v != float64(int(in.QuantityPerPallet.v)) {
		m.add("model.quantityPerPallet", "The value '%v' is not valid for quantityPerPallet.", in.QuantityPerPallet.v)
	}
	in.ArticleNumber = str(in.ArticleNumber.String())
	in.UnitCode = str(strings.ToLower(in.UnitCode.String())) // the API does not keep case
	return in, m.err()
}

func putArticle(s *Server, q *req) (reply, *apiErr) {
	in, e := decodeArticle(q.body)
	if e != nil {
		return reply{}, e
	}
	if e := s.checkOwner(int(in.GoodsOwnerID.v)); e != nil {
		return reply{}, e
	}
	a, created := s.st.artByNumber[key(in.ArticleNumber.String())], false
	if a == nil {
		a, created = s.newArticle(in.ArticleNumber.String(), q.now), true
	}
	msg := s.applyArticle(a, in, q.now)
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	return reply{code: code, body: articleResponse{ArticleSystemID: a.id, Message: msg}}, nil
}

func putArticleByID(s *Server, q *req) (reply, *apiErr) {
	a := s.st.artByID[q.id("articleSystemId")]
	if a == nil {
		return reply{}, errf(http.StatusNotFound, "No article with articleSystemId %d was found.", q.id("articleSystemId"))
	}
	in, e := decodeArticle(q.body)
	if e != nil {
		return reply{}, e
	}
	if e := s.checkOwner(int(in.GoodsOwnerID.v)); e != nil {
		return reply{}, e
	}
	if other := s.st.artByNumber[key(in.ArticleNumber.String())]; other != nil && other != a {
		return reply{}, invalid(map[string][]string{"model.articleNumber": {"Article number " + in.ArticleNumber.String() + " is already used by article " + itoa(other.id) + "."}})
	}
	delete(s.st.artByNumber, key(a.in.ArticleNumber.String()))
	s.st.artByNumber[key(in.ArticleNumber.String())] = a
	msg := s.applyArticle(a, in, q.now)
	return reply{code: http.StatusOK, body: articleResponse{ArticleSystemID: a.id, Message: msg}}, nil
}

type articleResponse struct {
	ArticleSystemID int    `json:"articleSystemId"`
	Message         string `json:"message"`
}

// newArticle creates an article with only its number, as an order or a PUT does
// for a number the goods owner does not have yet.
func (s *Server) newArticle(number string, now time.Time) *article {
	a := &article{id: s.st.next("article"), created: now, updated: now, stockChanged: now,
		location: "A" + itoa(10+len(s.st.articles)%90)}
	a.in.ArticleNumber = str(number)
	a.in.GoodsOwnerID = num{v: float64(s.opts.GoodsOwnerID), set: true}
	a.onHand = s.opts.ReceiveNew
	s.st.addArticle(a)
	return a
}

// applyArticle replaces the article's master data with in and returns the
// answer's message, HTML as the API writes it.
func (s *Server) applyArticle(a *article, in postArticle, now time.Time) string {
	var msg strings.Builder
	if in.SupplierInfo != nil && in.SupplierInfo.SupplierNumber.String() != "" && !s.st.suppliers[key(in.SupplierInfo.SupplierNumber.String())] {
		s.st.suppliers[key(in.SupplierInfo.SupplierNumber.String())] = true
		msg.WriteString("Supplier " + in.SupplierInfo.SupplierNumber.String() + " " + in.SupplierInfo.SupplierName.String() + " Created <br/> <br/>")
	}
	a.in = in
	a.updated = now
	msg.WriteString("Article " + in.ArticleNumber.String() + " " + in.ArticleName.String() + " Updated/Created")
	return msg.String()
}

func getArticle(s *Server, q *req) (reply, *apiErr) {
	a := s.st.artByID[q.id("articleSystemId")]
	if a == nil {
		return reply{}, errf(http.StatusNotFound, "No article with articleSystemId %d was found.", q.id("articleSystemId"))
	}
	return reply{code: http.StatusOK, body: s.renderArticle(a, s.bookings())}, nil
}

func getArticles(s *Server, q *req) (reply, *apiErr) {
	if e := s.ownerFromQuery(q); e != nil {
		return reply{}, e
	}
	from, max, e := q.q.page("articleSystemIdFrom", "maxArticlesToGet")
	if e != nil {
		return reply{}, e
	}
	f, e := articleFilterFrom(q.q)
	if e != nil {
		return reply{}, e
	}
	bk := s.bookings()
	page := fromID(s.st.articles, func(a *article) int { return a.id }, from, max, func(a *article) bool { return f.keep(a, bk) })
	out := make([]articleOut, 0, len(page))
	for _, a := range page {
		out = append(out, s.renderArticle(a, bk))
	}
	return reply{code: http.StatusOK, body: out}, nil
}

// articleFilter is the GET /articles filters the sandbox implements (§2.2).
type articleFilter struct {
	numbers, productCodes, barCodes, nameContains map[string]bool
	dataFrom, stockFrom                           time.Time
	inStock                                       bool
}

func set(vs []string) map[string]bool {
	if len(vs) == 0 {
		return nil
	}
	m := map[string]bool{}
	for _, v := range vs {
		m[key(v)] = true
	}
	return m
}

func articleFilterFrom(q query) (articleFilter, *apiErr) {
	f := articleFilter{
		numbers:      set(append(q.list("articleNumber"), q.list("articleNumbers")...)),
		productCodes: set(append(q.list("productCode"), q.list("productCodes")...)),
		barCodes:     set(append(q.list("barCode"), q.list("barCodes")...)),
		nameContains: set(q.list("articleNameContains")),
	}
	var e *apiErr
	if f.dataFrom, e = q.time("articleDataLastUpdatedFrom"); e != nil {
		return f, e
	}
	if f.stockFrom, e = q.time("stockInfoChangedFrom"); e != nil {
		return f, e
	}
	f.inStock, e = q.bool("onlyArticlesInStock")
	return f, e
}

func (f articleFilter) keep(a *article, bk map[int]*booking) bool {
	if f.numbers != nil && !f.numbers[key(a.in.ArticleNumber.String())] {
		return false
	}
	if f.productCodes != nil && !f.productCodes[key(a.in.ProductCode.String())] {
		return false
	}
	if f.barCodes != nil && (a.in.BarCodeInfo == nil || !f.barCodes[key(a.in.BarCodeInfo.BarCode.String())]) {
		return false
	}
	if f.nameContains != nil {
		found := false
		for sub := range f.nameContains {
			found = found || strings.Contains(key(a.in.ArticleName.String()), sub)
		}
		if !found {
			return false
		}
	}
	if f.inStock && a.onHand <= 0 {
		return false
	}
	return after(a.updated, f.dataFrom) && after(a.stockChanged, f.stockFrom)
}

// articleOut is GetArticleModel, field for field as GET_articles_by_id.response.json.
type articleOut struct {
	GoodsOwner             goodsOwner   `json:"goodsOwner"`
	ArticleSystemID        int          `json:"articleSystemId"`
	ArticleNumber          string       `json:"articleNumber"`
	ArticleName            string       `json:"articleName"`
	ProductCode            string       `json:"productCode"`
	UnitCode               string       `json:"unitCode"`
	Description            string       `json:"description"`
	IsStockArticle         bool         `json:"isStockArticle"`
	IsActive               bool         `json:"isActive"`
	SupplierInfo           supplierOut  `json:"supplierInfo"`
	BarCodeInfo            barCodeOut   `json:"barCodeInfo"`
	QuantityPerPackage     *int         `json:"quantityPerPackage"`
	QuantityPerPallet      *int         `json:"quantityPerPallet"`
	Weight                 *dec         `json:"weight"`
	NetWeight              *dec         `json:"netWeight"`
	Length                 *dec         `json:"length"`
	Width                  *dec         `json:"width"`
	Height                 *dec         `json:"height"`
	Volume                 *dec         `json:"volume"`
	PurchasePrice          *dec         `json:"purchasePrice"`
	StockValuationPrice    *dec         `json:"stockValuationPrice"`
	CustomerPrice          *dec         `json:"customerPrice"`
	PurcaseCurrencyCode    string       `json:"purcaseCurrencyCode"`
	CountryOfOriginCode    string       `json:"countryOfOriginCode"`
	StatisticsNumber       string       `json:"statisticsNumber"`
	CustomsDescription     string       `json:"customsDescription"`
	ArticleGroup           *codeNameOut `json:"articleGroup"`
	ArticleCategory        *codeNameOut `json:"articleCategory"`
	ArticleColor           *codeNameOut `json:"articleColor"`
	ArticleSize            *codeNameOut `json:"articleSize"`
	StockLimit             *dec         `json:"stockLimit"`
	LinkToPicture          string       `json:"linkToPicture"`
	ArticleKind            string       `json:"articleKind"`
	DefaultLocation        string       `json:"defaultLocation"`
	ArticleDataLastUpdated wtime        `json:"articleDataLastUpdated"`
	InventoryInfo          inventoryOut `json:"inventoryInfo"`
}

type supplierOut struct {
	SupplierArticleNumber string `json:"supplierArticleNumber"`
	SupplierNumber        string `json:"supplierNumber"`
	SupplierName          string `json:"supplierName"`
}

type barCodeOut struct {
	BarCode             string   `json:"barCode"`
	BarCodePackage      string   `json:"barCodePackage"`
	BarCodePallet       string   `json:"barCodePallet"`
	AlternativeBarCodes []string `json:"alternativeBarCodes"`
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

func (s *Server) renderArticle(a *article, bk map[int]*booking) articleOut {
	in := a.in
	out := articleOut{
		GoodsOwner: s.owner(), ArticleSystemID: a.id, ArticleNumber: in.ArticleNumber.String(),
		ArticleName: in.ArticleName.String(), ProductCode: in.ProductCode.String(), UnitCode: in.UnitCode.String(),
		Description: in.Description.String(), IsStockArticle: boolOr(in.IsStockArticle, true), IsActive: boolOr(in.IsActive, true),
		QuantityPerPackage: in.QuantityPerPackage.intPtr(), QuantityPerPallet: in.QuantityPerPallet.intPtr(),
		Weight: in.Weight.ptr(), NetWeight: in.NetWeight.ptr(), Length: in.Length.ptr(), Width: in.Width.ptr(),
		Height: in.Height.ptr(), Volume: in.Volume.ptr(), PurchasePrice: in.PurchasePrice.ptr(),
		StockValuationPrice: in.StockValuationPrice.ptr(), CustomerPrice: in.CustomerPrice.ptr(),
		PurcaseCurrencyCode: in.PurcaseCurrencyCode.String(), CountryOfOriginCode: in.CountryOfOriginCode.String(),
		StatisticsNumber: in.StatisticsNumber.String(), CustomsDescription: in.CustomsDescription.String(),
		ArticleGroup: in.ArticleGroup.wire(), ArticleCategory: in.ArticleCategory.wire(),
		ArticleColor: in.ArticleColor.wire(), ArticleSize: in.ArticleSize.wire(), StockLimit: in.StockLimit.ptr(),
		LinkToPicture: in.LinkToPicture.String(), ArticleKind: "Standard", DefaultLocation: a.location,
		ArticleDataLastUpdated: stamp(a.updated), InventoryInfo: s.inventoryInfo(a, bk[a.id]),
		BarCodeInfo: barCodeOut{AlternativeBarCodes: []string{}},
	}
	if si := in.SupplierInfo; si != nil {
		out.SupplierInfo = supplierOut{si.SupplierArticleNumber.String(), si.SupplierNumber.String(), si.SupplierName.String()}
	}
	if bc := in.BarCodeInfo; bc != nil {
		out.BarCodeInfo.BarCode, out.BarCodeInfo.BarCodePackage, out.BarCodeInfo.BarCodePallet = bc.BarCode.String(), bc.BarCodePackage.String(), bc.BarCodePallet.String()
		for _, b := range bc.AlternativeBarCodes {
			out.BarCodeInfo.AlternativeBarCodes = append(out.BarCodeInfo.AlternativeBarCodes, b.String())
		}
	}
	return out
}
