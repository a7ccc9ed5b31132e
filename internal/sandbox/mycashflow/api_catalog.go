package mycashflow

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

func init() {
	handle("GET", "/products", (*Server).listProducts)
	handle("POST", "/products", (*Server).createProduct)
	handle("GET", "/products/{id}", (*Server).getProduct)
	handle("PATCH", "/products/{id}", (*Server).patchProduct)
	handle("DELETE", "/products/{id}", (*Server).deleteProduct)

	handle("GET", "/variations", (*Server).listVariations)
	handle("POST", "/variations", (*Server).createVariation)
	handle("GET", "/variations/{id}", (*Server).getVariation)
	handle("PATCH", "/variations/{id}", (*Server).patchVariation)
	handle("DELETE", "/variations/{id}", (*Server).deleteVariation)

	handle("GET", "/stock", (*Server).listStock)
	handle("GET", "/stock/{code}", (*Server).getStock)
	handle("PATCH", "/stock/{code}", (*Server).patchStock)
	handle("GET", "/stock-changes", (*Server).listStockChanges)

	handle("GET", "/categories", (*Server).listCategories)
	handle("POST", "/categories", (*Server).createCategory)
	handle("GET", "/categories/{id}", (*Server).getCategory)
	handle("PATCH", "/categories/{id}", (*Server).patchCategory)
	handle("GET", "/categories/{id}/subcategories", (*Server).listSubcategories)

	handle("GET", "/brands", (*Server).listBrands)
	handle("POST", "/brands", (*Server).createBrand)
	handle("GET", "/brands/{id}", (*Server).getBrand)
	handle("PATCH", "/brands/{id}", (*Server).patchBrand)
	handle("DELETE", "/brands/{id}", (*Server).deleteBrand)

	handle("GET", "/versions", (*Server).listVersions)
	handle("GET", "/versions/{id}", (*Server).getVersion)
	handle("PATCH", "/versions/{id}", (*Server).patchVersion)

	handle("GET", "/shipping-methods", func(s *Server, q *req) (reply, error) { return listSimple(q, s.st.shippingMethod) })
	handle("GET", "/shipping-methods/{id}", func(s *Server, q *req) (reply, error) { return getSimple(q, s.st.shippingMethod, "shipping method") })
	handle("GET", "/payment-methods", func(s *Server, q *req) (reply, error) { return listSimple(q, s.st.paymentMethod) })
	handle("GET", "/payment-methods/{id}", func(s *Server, q *req) (reply, error) { return getSimple(q, s.st.paymentMethod, "payment method") })
	handle("GET", "/customer-groups", func(s *Server, q *req) (reply, error) { return listSimple(q, s.st.customerGroups) })
	handle("GET", "/customer-groups/{id}", func(s *Server, q *req) (reply, error) { return getSimple(q, s.st.customerGroups, "customer group") })

	handle("GET", "/customers", (*Server).listCustomers)
	handle("GET", "/customers/{id}", (*Server).getCustomer)
	handle("PATCH", "/customers/{id}", (*Server).patchCustomer)

	handle("GET", "/campaigns", (*Server).listCampaigns)
	handle("GET", "/campaigns/{id}", (*Server).getCampaign)
	handle("GET", "/campaigns/{id}/prices", (*Server).listCampaignPrices)
	handle("POST", "/campaigns/{id}/prices", (*Server).createCampaignPrice)
	handle("PATCH", "/campaigns/{id}/prices/{pid}", (*Server).patchCampaignPrice)
	handle("DELETE", "/campaigns/{id}/prices/{pid}", (*Server).deleteCampaignPrice)
}

// ---- generic read-only resources ----

func listSimple[T any](q *req, t *table[T]) (reply, error) {
	_, desc, err := sortSpec(q)
	if err != nil {
		return reply{}, err
	}
	items := t.all()
	if desc {
		reverse(items)
	}
	return list(q, items)
}

func getSimple[T any](q *req, t *table[T], kind string) (reply, error) {
	id, err := q.id("id")
	if err != nil {
		return reply{}, err
	}
	v, found := t.get(id)
	if !found {
		return reply{}, notFound(kind, id)
	}
	return ok(v), nil
}

// ---- products ----

type productOut struct {
	*product
	StockItem     any `json:"stock_item,omitempty"`
	Translations  any `json:"translations,omitempty"`
	Variations    any `json:"variations,omitempty"`
	ImageLinks    any `json:"image_links,omitempty"`
	Visibilities  any `json:"visibilities,omitempty"`
	CategoryLinks any `json:"category_links,omitempty"`
	Brand         any `json:"brand,omitempty"`
}

type variationOut struct {
	*variation
	StockItem any `json:"stock_item,omitempty"`
}

var productExpands = []string{"translations", "visibilities", "category_links", "image_links", "variations", "variations.stock_item", "stock_item", "brand"}

// oneOrEmpty renders an expanded one-to-one relation: the record, or [] when
// absent (the quirk of §1.2).
func oneOrEmpty[T any](v *T, found bool) any {
	if !found || v == nil {
		return []any{}
	}
	return v
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) renderVariation(v *variation, withStock bool) variationOut {
	out := variationOut{variation: v}
	if withStock {
		si, found := s.st.stock.get(v.stockItemID)
		out.StockItem = oneOrEmpty(si, found && v.stockItemID != 0)
	}
	return out
}

func (s *Server) renderProduct(p *product, ex map[string]bool) productOut {
	out := productOut{product: p}
	if ex["stock_item"] {
		si, found := s.st.stock.get(p.stockItemID)
		out.StockItem = oneOrEmpty(si, found && p.stockItemID != 0)
	}
	if ex["translations"] {
		out.Translations = nonNil(p.translations)
	}
	if ex["image_links"] {
		out.ImageLinks = nonNil(p.imageLinks)
	}
	if ex["visibilities"] {
		out.Visibilities = nonNil(p.visibilities)
	}
	if ex["category_links"] {
		out.CategoryLinks = nonNil(p.categoryLinks)
	}
	if ex["brand"] {
		var b *brand
		found := false
		if p.BrandID != nil {
			b, found = s.st.brands.get(*p.BrandID)
		}
		out.Brand = oneOrEmpty(b, found)
	}
	if ex["variations"] || ex["variations.stock_item"] {
		vs := make([]variationOut, 0, len(p.variationIDs))
		for _, id := range p.variationIDs {
			if v, found := s.st.variations.get(id); found {
				vs = append(vs, s.renderVariation(v, ex["variations.stock_item"]))
			}
		}
		out.Variations = vs
	}
	return out
}

func (s *Server) listProducts(q *req) (reply, error) {
	ex, err := expandSet(q, productExpands...)
	if err != nil {
		return reply{}, err
	}
	field, desc, err := sortSpec(q, "updated_at", "created_at")
	if err != nil {
		return reply{}, err
	}
	s.churnBefore(q, "products")
	var items []*product
	if v := q.q.Get("id"); v != "" {
		seen := map[int]bool{}
		for _, part := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil {
				return reply{}, errf(http.StatusBadRequest, "query parameter id: %q is not a comma-separated list of ids", v)
			}
			if p, found := s.st.products.get(n); found && !seen[n] {
				seen[n] = true
				items = append(items, p)
			}
		}
		sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	} else {
		items = s.st.products.all()
	}
	if v := q.q.Get("product_code"); v != "" {
		kept := items[:0:0]
		for _, p := range items {
			if p.ProductCode == v {
				kept = append(kept, p)
			}
		}
		items = kept
	}
	sortRecords(items, field, desc, func(p *product) (int, jtime, jtime) { return p.ID, p.CreatedAt, p.UpdatedAt })
	page, meta, err := paginate(q, items)
	if err != nil {
		return reply{}, err
	}
	churnSeen(s, "products", page, func(p *product) int { return p.ID })
	out := make([]productOut, 0, len(page))
	for _, p := range page {
		out = append(out, s.renderProduct(p, ex))
	}
	return reply{code: http.StatusOK, body: envelope{Data: out, Meta: meta}}, nil
}

// sortRecords sorts by id, created_at or updated_at (ties by id).
func sortRecords[T any](items []T, field string, desc bool, key func(T) (int, jtime, jtime)) {
	less := func(a, b T) bool {
		ia, ca, ua := key(a)
		ib, cb, ub := key(b)
		switch field {
		case "created_at":
			if !ca.Equal(cb.Time) {
				return ca.Before(cb.Time)
			}
		case "updated_at":
			if !ua.Equal(ub.Time) {
				return ua.Before(ub.Time)
			}
		}
		return ia < ib
	}
	sort.SliceStable(items, func(i, j int) bool {
		if desc {
			return less(items[j], items[i])
		}
		return less(items[i], items[j])
	})
}

func (s *Server) productByParam(q *req) (*product, error) {
	id, err := q.id("id")
	if err != nil {
		return nil, err
	}
	p, found := s.st.products.get(id)
	if !found {
		return nil, notFound("product", id)
	}
	return p, nil
}

func (s *Server) getProduct(q *req) (reply, error) {
	ex, err := expandSet(q, productExpands...)
	if err != nil {
		return reply{}, err
	}
	p, err := s.productByParam(q)
	if err != nil {
		return reply{}, err
	}
	return ok(s.renderProduct(p, ex)), nil
}

// applyProduct writes the writable product fields present in f.
func (s *Server) applyProduct(p *product, f *fields, creating bool) {
	f.str("supplier_code", &p.SupplierCode)
	f.str("name", &p.Name)
	f.str("description", &p.Description)
	f.str("information", &p.Information)
	f.str("keywords", &p.Keywords)
	f.amount("price", &p.Price)
	f.amount("purchase_price", &p.PurchasePrice)
	f.float("vat_rate", &p.VatRate)
	f.float("weight", &p.Weight)
	f.str("warranty", &p.Warranty)
	if f.optInt("brand_id", &p.BrandID) && p.BrandID != nil {
		if _, found := s.st.brands.get(*p.BrandID); !found {
			f.fail("brand_id", "brand %d does not exist", *p.BrandID)
		}
	}
	f.optInt("supplier_id", &p.SupplierID)
	f.timestamp("available_from", &p.AvailableFrom)
	f.timestamp("available_to", &p.AvailableTo)
	f.optInt("order_limit", &p.OrderLimit)
	f.boolean("featured", &p.Featured)
	f.timestamp("visible_from", &p.VisibleFrom)
	f.timestamp("purchasable_from", &p.PurchasableFrom)
	f.str("seo_title", &p.SeoTitle)
	f.str("seo_page_title", &p.SeoPageTitle)
	f.str("seo_meta_description", &p.SeoMetaDescription)
	f.str("barcode", &p.Barcode)
	if p.VatRate < 0 || p.VatRate > 100 {
		f.fail("vat_rate", "%v is not a VAT percentage", p.VatRate)
	}
	if p.Price < 0 {
		f.fail("price", "must not be negative")
	}
	if items, present := f.array("translations"); present {
		p.translations = nil
		for _, it := range items {
			var t translation
			it.str("language", &t.Language)
			it.str("name", &t.Name)
			it.str("description", &t.Description)
			it.str("information", &t.Information)
			it.str("seo_title", &t.SeoTitle)
			it.str("seo_page_title", &t.SeoPageTitle)
			it.str("seo_meta_description", &t.SeoMetaDescription)
			f.take(it)
			if t.Language == "" {
				f.fail("translations", "every translation needs a language")
			}
			p.translations = append(p.translations, t)
		}
	}
	if items, present := f.array("visibilities"); present {
		p.visibilities = nil
		for _, it := range items {
			var v visibility
			it.integer("version_id", &v.VersionID)
			it.boolean("is_visible", &v.IsVisible)
			f.take(it)
			if _, found := s.st.versions.get(v.VersionID); !found {
				f.fail("visibilities", "version %d does not exist", v.VersionID)
			}
			p.visibilities = append(p.visibilities, v)
		}
	}
	if items, present := f.array("category_links"); present {
		p.categoryLinks = nil
		for _, it := range items {
			var c categoryLink
			it.integer("category_id", &c.CategoryID)
			it.integer("sort", &c.Sort)
			f.take(it)
			if _, found := s.st.categories.get(c.CategoryID); !found {
				f.fail("category_links", "category %d does not exist", c.CategoryID)
			}
			p.categoryLinks = append(p.categoryLinks, c)
		}
	}
	if items, present := f.array("image_links"); present {
		p.imageLinks = nil
		for i, it := range items {
			l := imageLink{ProductID: p.ID, Sort: i + 1}
			it.integer("image_id", &l.ImageID)
			it.integer("sort", &l.Sort)
			it.str("filename", &l.Filename)
			it.str("caption", &l.Caption)
			it.has("product_id")
			f.take(it)
			if l.ImageID == 0 {
				l.ImageID = s.st.next("image")
			}
			p.imageLinks = append(p.imageLinks, l)
		}
	}
}

// take copies the first error of a nested object (including unknown fields).
func (f *fields) take(sub *fields) {
	if err := sub.check(); err != nil && f.err == nil {
		f.err = err
	}
}

// ignore marks read-only fields a client may echo back (id, timestamps) as read.
func (f *fields) ignore(names ...string) {
	for _, n := range names {
		f.known[n] = true
	}
}

func (s *Server) codeTaken(code string) bool {
	_, taken := s.st.codes[code]
	return taken
}

func (s *Server) createProduct(q *req) (reply, error) {
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	f.ignore("id", "created_at", "updated_at")
	p := &product{VatRate: 25.5}
	f.str("product_code", &p.ProductCode)
	s.applyProduct(p, f, true)
	if p.ProductCode == "" {
		f.fail("product_code", "is required")
	} else if s.codeTaken(p.ProductCode) {
		f.fail("product_code", "%q is already used by another product or variation", p.ProductCode)
	}
	if strings.TrimSpace(p.Name) == "" {
		f.fail("name", "is required")
	}
	vars, _ := f.array("variations")
	codes := map[string]bool{p.ProductCode: true}
	var newVars []*variation
	for _, vf := range vars {
		v := &variation{}
		vf.ignore("id", "product_id", "created_at", "updated_at")
		vf.str("product_code", &v.ProductCode)
		s.applyVariation(v, vf)
		f.take(vf)
		switch {
		case v.ProductCode == "":
			f.fail("variations", "every variation needs a product_code")
		case s.codeTaken(v.ProductCode) || codes[v.ProductCode]:
			f.fail("variations", "product_code %q is already in use", v.ProductCode)
		}
		codes[v.ProductCode] = true
		newVars = append(newVars, v)
	}
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	p.ID = s.st.next("product")
	p.CreatedAt, p.UpdatedAt = stamp(q.now), stamp(q.now)
	for i := range p.imageLinks {
		p.imageLinks[i].ProductID = p.ID
	}
	s.st.products.put(p.ID, p)
	s.st.codes[p.ProductCode] = codeOwner{productID: p.ID}
	for i, v := range newVars {
		if v.Sort == 0 {
			v.Sort = i + 1
		}
		s.insertVariation(p, v, q.now)
	}
	return created(s.renderProduct(p, map[string]bool{"variations": true, "variations.stock_item": true, "stock_item": true})), nil
}

func (s *Server) patchProduct(q *req) (reply, error) {
	p, err := s.productByParam(q)
	if err != nil {
		return reply{}, err
	}
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	f.ignore("id", "created_at", "updated_at")
	next := *p
	var code string
	if f.str("product_code", &code) && code != p.ProductCode {
		if code == "" {
			f.fail("product_code", "must not be empty")
		} else if s.codeTaken(code) {
			f.fail("product_code", "%q is already used by another product or variation", code)
		}
		next.ProductCode = code
	}
	s.applyProduct(&next, f, false)
	if strings.TrimSpace(next.Name) == "" {
		f.fail("name", "must not be empty")
	}
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	if next.ProductCode != p.ProductCode {
		s.recode(p.ProductCode, next.ProductCode, codeOwner{productID: p.ID})
	}
	next.UpdatedAt = stamp(q.now)
	*p = next
	return ok(s.renderProduct(p, nil)), nil
}

// recode moves a product_code (and its stock item) to a new code.
func (s *Server) recode(old, code string, owner codeOwner) {
	delete(s.st.codes, old)
	s.st.codes[code] = owner
	if id, found := s.st.stockByCode[old]; found {
		delete(s.st.stockByCode, old)
		s.st.stockByCode[code] = id
		if si, found := s.st.stock.get(id); found {
			si.Code, si.SKU = code, code
		}
	}
}

func (s *Server) deleteProduct(q *req) (reply, error) {
	p, err := s.productByParam(q)
	if err != nil {
		return reply{}, err
	}
	for _, vid := range p.variationIDs {
		if v, found := s.st.variations.get(vid); found {
			s.dropVariation(v)
		}
	}
	s.dropStock(p.ProductCode)
	delete(s.st.codes, p.ProductCode)
	s.st.products.del(p.ID)
	return reply{code: http.StatusNoContent}, nil
}

func (s *Server) dropStock(code string) {
	if id, found := s.st.stockByCode[code]; found {
		s.st.stock.del(id)
		delete(s.st.stockByCode, code)
	}
}

func (s *Server) dropVariation(v *variation) {
	s.dropStock(v.ProductCode)
	delete(s.st.codes, v.ProductCode)
	s.st.variations.del(v.ID)
	if p, found := s.st.products.get(v.ProductID); found {
		kept := p.variationIDs[:0:0]
		for _, id := range p.variationIDs {
			if id != v.ID {
				kept = append(kept, id)
			}
		}
		p.variationIDs = kept
	}
}

// ---- variations ----

func (s *Server) applyVariation(v *variation, f *fields) {
	f.integer("sort", &v.Sort)
	f.str("name", &v.Name)
	f.amount("price", &v.Price)
	f.amount("purchase_price", &v.PurchasePrice)
	f.float("weight", &v.Weight)
	f.has("stock_item")
	if v.Price < 0 {
		f.fail("price", "must not be negative")
	}
}

func (s *Server) insertVariation(p *product, v *variation, now time.Time) {
	v.ID = s.st.next("variation")
	v.ProductID = p.ID
	v.CreatedAt, v.UpdatedAt = stamp(now), stamp(now)
	s.st.variations.put(v.ID, v)
	s.st.codes[v.ProductCode] = codeOwner{productID: p.ID, variationID: v.ID}
	p.variationIDs = append(p.variationIDs, v.ID)
	p.UpdatedAt = stamp(now)
}

func (s *Server) listVariations(q *req) (reply, error) {
	ex, err := expandSet(q, "stock_item")
	if err != nil {
		return reply{}, err
	}
	_, desc, err := sortSpec(q)
	if err != nil {
		return reply{}, err
	}
	items := s.st.variations.all()
	if v := q.q.Get("product_id"); v != "" {
		n, _ := strconv.Atoi(v)
		kept := items[:0]
		for _, it := range items {
			if it.ProductID == n {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	if desc {
		reverse(items)
	}
	page, meta, err := paginate(q, items)
	if err != nil {
		return reply{}, err
	}
	out := make([]variationOut, 0, len(page))
	for _, v := range page {
		out = append(out, s.renderVariation(v, ex["stock_item"]))
	}
	return reply{code: http.StatusOK, body: envelope{Data: out, Meta: meta}}, nil
}

func (s *Server) variationByParam(q *req) (*variation, error) {
	id, err := q.id("id")
	if err != nil {
		return nil, err
	}
	v, found := s.st.variations.get(id)
	if !found {
		return nil, notFound("variation", id)
	}
	return v, nil
}

func (s *Server) getVariation(q *req) (reply, error) {
	ex, err := expandSet(q, "stock_item")
	if err != nil {
		return reply{}, err
	}
	v, err := s.variationByParam(q)
	if err != nil {
		return reply{}, err
	}
	return ok(s.renderVariation(v, ex["stock_item"])), nil
}

func (s *Server) createVariation(q *req) (reply, error) {
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	f.ignore("id", "created_at", "updated_at")
	v := &variation{}
	var pid int
	f.integer("product_id", &pid)
	f.str("product_code", &v.ProductCode)
	s.applyVariation(v, f)
	p, found := s.st.products.get(pid)
	if !found {
		f.fail("product_id", "product %d does not exist", pid)
	}
	if v.ProductCode == "" {
		f.fail("product_code", "is required")
	} else if s.codeTaken(v.ProductCode) {
		f.fail("product_code", "%q is already used by another product or variation", v.ProductCode)
	}
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	if v.Sort == 0 {
		v.Sort = len(p.variationIDs) + 1
	}
	if v.Price == 0 {
		v.Price = p.Price
	}
	s.insertVariation(p, v, q.now)
	return created(s.renderVariation(v, true)), nil
}

func (s *Server) patchVariation(q *req) (reply, error) {
	v, err := s.variationByParam(q)
	if err != nil {
		return reply{}, err
	}
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	f.ignore("id", "created_at", "updated_at", "product_id")
	next := *v
	var code string
	if f.str("product_code", &code) && code != v.ProductCode {
		if code == "" {
			f.fail("product_code", "must not be empty")
		} else if s.codeTaken(code) {
			f.fail("product_code", "%q is already used by another product or variation", code)
		}
		next.ProductCode = code
	}
	s.applyVariation(&next, f)
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	if next.ProductCode != v.ProductCode {
		s.recode(v.ProductCode, next.ProductCode, codeOwner{productID: v.ProductID, variationID: v.ID})
	}
	next.UpdatedAt = stamp(q.now)
	*v = next
	return ok(s.renderVariation(v, false)), nil
}

func (s *Server) deleteVariation(q *req) (reply, error) {
	v, err := s.variationByParam(q)
	if err != nil {
		return reply{}, err
	}
	s.dropVariation(v)
	if p, found := s.st.products.get(v.ProductID); found {
		p.UpdatedAt = stamp(q.now)
	}
	return reply{code: http.StatusNoContent}, nil
}

// ---- stock ----

// maxStockQuantity caps stock quantities so sums cannot overflow.
const maxStockQuantity = 1_000_000_000

func (s *Server) listStock(q *req) (reply, error) {
	field, desc, err := sortSpec(q, "updated_at")
	if err != nil {
		return reply{}, err
	}
	s.churnBefore(q, "stock")
	items := s.st.stock.all()
	sortRecords(items, field, desc, func(si *stockItem) (int, jtime, jtime) { return si.ID, si.CreatedAt, si.UpdatedAt })
	page, meta, err := paginate(q, items)
	if err != nil {
		return reply{}, err
	}
	churnSeen(s, "stock", page, func(si *stockItem) int { return si.ID })
	return reply{code: http.StatusOK, body: envelope{Data: nonNil(page), Meta: meta}}, nil
}

func (s *Server) getStock(q *req) (reply, error) {
	code := q.params["code"]
	si, found := s.st.stockFor(code)
	if !found {
		if _, owned := s.st.codes[code]; owned {
			return reply{}, errf(http.StatusNotFound, "product_code %q has no stock item; stock management is not enabled for it", code)
		}
		return reply{}, notFound("product_code", strconv.Quote(code))
	}
	return ok(si), nil
}

// ensureStock returns the stock item of code, creating it (stock management on)
// when the product or variation exists but has none yet.
func (s *Server) ensureStock(code string, now time.Time) (*stockItem, bool) {
	if si, found := s.st.stockFor(code); found {
		return si, true
	}
	owner, found := s.st.codes[code]
	if !found {
		return nil, false
	}
	si := &stockItem{ID: s.st.next("stock"), CreatedAt: stamp(now), UpdatedAt: stamp(now), SKU: code, Code: code,
		Enabled: true, ProductID: owner.productID}
	if owner.variationID != 0 {
		si.VariationID = intp(owner.variationID)
		if v, ok := s.st.variations.get(owner.variationID); ok {
			v.stockItemID = si.ID
		}
	} else if p, ok := s.st.products.get(owner.productID); ok {
		p.stockItemID = si.ID
		si.Barcode = p.Barcode
	}
	s.st.stock.put(si.ID, si)
	s.st.stockByCode[code] = si.ID
	return si, true
}

func (s *Server) patchStock(q *req) (reply, error) {
	code := q.params["code"]
	if _, found := s.st.codes[code]; !found {
		return reply{}, notFound("product_code", strconv.Quote(code))
	}
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	f.ignore("id", "created_at", "updated_at", "sku", "code", "product_id", "variation_id")
	var cur stockItem
	if si, found := s.st.stockFor(code); found {
		cur = *si
	} else {
		cur = stockItem{Enabled: true}
		if owner := s.st.codes[code]; owner.variationID == 0 {
			if p, found := s.st.products.get(owner.productID); found {
				cur.Barcode = p.Barcode
			}
		}
	}
	next := cur
	f.str("barcode", &next.Barcode)
	f.str("location", &next.Location)
	f.boolean("enabled", &next.Enabled)
	qtySet := f.integer("quantity", &next.Quantity)
	f.boolean("balance_alert", &next.BalanceAlert)
	f.integer("balance_limit", &next.BalanceLimit)
	f.boolean("backorder_enabled", &next.BackorderEnabled)
	f.timestamp("backorder_estimate", &next.BackorderEstimate)
	if f.has("reserved") || f.has("balance") {
		f.fail("reserved", "reserved and balance are read-only; write quantity")
	}
	if qtySet && next.Quantity < 0 {
		f.fail("quantity", "must not be negative, got %d", next.Quantity)
	}
	if qtySet && next.Quantity > maxStockQuantity {
		f.fail("quantity", "%d is more than the %d this shop accepts", next.Quantity, maxStockQuantity)
	}
	if next.BalanceLimit < 0 {
		f.fail("balance_limit", "must not be negative")
	}
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	si, _ := s.ensureStock(code, q.now)
	qty := next.Quantity
	next.Quantity, next.Reserved = si.Quantity, si.Reserved
	next.ID, next.CreatedAt, next.SKU, next.Code, next.ProductID, next.VariationID = si.ID, si.CreatedAt, si.SKU, si.Code, si.ProductID, si.VariationID
	next.Balance = si.Balance
	*si = next
	si.UpdatedAt = stamp(q.now)
	if qtySet {
		s.st.adjustStock(si, qty-si.Quantity, 0, "api", 0, q.now)
	}
	return ok(si), nil
}

func (s *Server) listStockChanges(q *req) (reply, error) {
	_, desc, err := sortSpec(q)
	if err != nil {
		return reply{}, err
	}
	from, to, err := timeRange(q, "changed_at")
	if err != nil {
		return reply{}, err
	}
	code := q.q.Get("product_code")
	var items []*stockChange
	all := s.st.stockChanges.all()
	for _, c := range all {
		if inRange(c.ChangedAt, from, to) && (code == "" || c.ProductCode == code) {
			items = append(items, c)
		}
	}
	if desc {
		reverse(items)
	}
	return list(q, items)
}

// ---- categories ----

type categoryOut struct {
	*category
	Visibilities any `json:"visibilities,omitempty"`
}

func (s *Server) listCategories(q *req) (reply, error) {
	return s.categoryList(q, func(*category) bool { return true })
}

func (s *Server) categoryList(q *req, keep func(*category) bool) (reply, error) {
	ex, err := expandSet(q, "visibilities")
	if err != nil {
		return reply{}, err
	}
	_, desc, err := sortSpec(q)
	if err != nil {
		return reply{}, err
	}
	var items []*category
	for _, c := range s.st.categories.all() {
		if keep(c) {
			items = append(items, c)
		}
	}
	if desc {
		reverse(items)
	}
	page, meta, err := paginate(q, items)
	if err != nil {
		return reply{}, err
	}
	out := make([]categoryOut, 0, len(page))
	for _, c := range page {
		o := categoryOut{category: c}
		if ex["visibilities"] {
			o.Visibilities = nonNil(c.visibilities)
		}
		out = append(out, o)
	}
	return reply{code: http.StatusOK, body: envelope{Data: out, Meta: meta}}, nil
}

func (s *Server) listSubcategories(q *req) (reply, error) {
	id, err := q.id("id")
	if err != nil {
		return reply{}, err
	}
	if _, found := s.st.categories.get(id); !found {
		return reply{}, notFound("category", id)
	}
	return s.categoryList(q, func(c *category) bool { return c.ParentID != nil && *c.ParentID == id })
}

func (s *Server) getCategory(q *req) (reply, error) {
	ex, err := expandSet(q, "visibilities")
	if err != nil {
		return reply{}, err
	}
	id, err := q.id("id")
	if err != nil {
		return reply{}, err
	}
	c, found := s.st.categories.get(id)
	if !found {
		return reply{}, notFound("category", id)
	}
	o := categoryOut{category: c}
	if ex["visibilities"] {
		o.Visibilities = nonNil(c.visibilities)
	}
	return ok(o), nil
}

func (s *Server) applyCategory(c *category, f *fields) {
	f.ignore("id", "created_at", "updated_at")
	f.str("name", &c.Name)
	f.str("description", &c.Description)
	f.integer("sort", &c.Sort)
	if f.optInt("parent_id", &c.ParentID) && c.ParentID != nil {
		if _, found := s.st.categories.get(*c.ParentID); !found {
			f.fail("parent_id", "category %d does not exist", *c.ParentID)
		} else if *c.ParentID == c.ID {
			f.fail("parent_id", "a category cannot be its own parent")
		}
	}
	if items, present := f.array("visibilities"); present {
		c.visibilities = nil
		for _, it := range items {
			var v visibility
			it.integer("version_id", &v.VersionID)
			it.boolean("is_visible", &v.IsVisible)
			f.take(it)
			if _, found := s.st.versions.get(v.VersionID); !found {
				f.fail("visibilities", "version %d does not exist", v.VersionID)
			}
			c.visibilities = append(c.visibilities, v)
		}
	}
	if strings.TrimSpace(c.Name) == "" {
		f.fail("name", "is required")
	}
}

func (s *Server) createCategory(q *req) (reply, error) {
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	c := &category{}
	s.applyCategory(c, f)
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	c.ID = s.st.next("category")
	c.CreatedAt, c.UpdatedAt = stamp(q.now), stamp(q.now)
	s.st.categories.put(c.ID, c)
	return created(categoryOut{category: c, Visibilities: nonNil(c.visibilities)}), nil
}

func (s *Server) patchCategory(q *req) (reply, error) {
	id, err := q.id("id")
	if err != nil {
		return reply{}, err
	}
	c, found := s.st.categories.get(id)
	if !found {
		return reply{}, notFound("category", id)
	}
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	next := *c
	s.applyCategory(&next, f)
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	next.UpdatedAt = stamp(q.now)
	*c = next
	return ok(categoryOut{category: c}), nil
}

// ---- brands ----

func (s *Server) listBrands(q *req) (reply, error) { return listSimple(q, s.st.brands) }

func (s *Server) getBrand(q *req) (reply, error) { return getSimple(q, s.st.brands, "brand") }

func applyBrand(b *brand, f *fields) {
	f.ignore("id", "created_at", "updated_at")
	f.str("name", &b.Name)
	f.str("description", &b.Description)
	f.str("url", &b.URL)
	if strings.TrimSpace(b.Name) == "" {
		f.fail("name", "is required")
	}
}

func (s *Server) createBrand(q *req) (reply, error) {
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	b := &brand{}
	applyBrand(b, f)
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	b.ID = s.st.next("brand")
	b.CreatedAt, b.UpdatedAt = stamp(q.now), stamp(q.now)
	s.st.brands.put(b.ID, b)
	return created(b), nil
}

func (s *Server) patchBrand(q *req) (reply, error) {
	id, err := q.id("id")
	if err != nil {
		return reply{}, err
	}
	b, found := s.st.brands.get(id)
	if !found {
		return reply{}, notFound("brand", id)
	}
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	next := *b
	applyBrand(&next, f)
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	next.UpdatedAt = stamp(q.now)
	*b = next
	return ok(b), nil
}

// deleteBrand removes the brand and unlinks it from its products.
func (s *Server) deleteBrand(q *req) (reply, error) {
	id, err := q.id("id")
	if err != nil {
		return reply{}, err
	}
	if _, found := s.st.brands.get(id); !found {
		return reply{}, notFound("brand", id)
	}
	s.st.brands.del(id)
	for _, p := range s.st.products.all() {
		if p.BrandID != nil && *p.BrandID == id {
			p.BrandID = nil
			p.UpdatedAt = stamp(q.now)
		}
	}
	return reply{code: http.StatusNoContent}, nil
}

// ---- versions ----

func (s *Server) listVersions(q *req) (reply, error) { return listSimple(q, s.st.versions) }

func (s *Server) getVersion(q *req) (reply, error) { return getSimple(q, s.st.versions, "version") }

func (s *Server) patchVersion(q *req) (reply, error) {
	id, err := q.id("id")
	if err != nil {
		return reply{}, err
	}
	v, found := s.st.versions.get(id)
	if !found {
		return reply{}, notFound("version", id)
	}
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	f.ignore("id", "created_at", "updated_at", "language", "currency", "is_default")
	next := *v
	f.str("name", &next.Name)
	f.str("domain", &next.Domain)
	if strings.TrimSpace(next.Name) == "" {
		f.fail("name", "must not be empty")
	}
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	next.UpdatedAt = stamp(q.now)
	*v = next
	return ok(v), nil
}

// ---- customers ----

type customerOut struct {
	*customer
	CustomerGroups any `json:"customer_groups,omitempty"`
}

func (s *Server) renderCustomer(c *customer, ex map[string]bool) customerOut {
	o := customerOut{customer: c}
	if ex["customer_groups"] {
		gs := []*customerGroup{}
		for _, id := range c.groupIDs {
			if g, found := s.st.customerGroups.get(id); found {
				gs = append(gs, g)
			}
		}
		o.CustomerGroups = gs
	}
	return o
}

func (s *Server) listCustomers(q *req) (reply, error) {
	ex, err := expandSet(q, "customer_groups")
	if err != nil {
		return reply{}, err
	}
	field, desc, err := sortSpec(q, "updated_at", "created_at")
	if err != nil {
		return reply{}, err
	}
	items := s.st.customers.all()
	if v := q.q.Get("email"); v != "" {
		kept := items[:0]
		for _, c := range items {
			if strings.EqualFold(c.Email, v) {
				kept = append(kept, c)
			}
		}
		items = kept
	}
	sortRecords(items, field, desc, func(c *customer) (int, jtime, jtime) { return c.ID, c.CreatedAt, c.UpdatedAt })
	page, meta, err := paginate(q, items)
	if err != nil {
		return reply{}, err
	}
	out := make([]customerOut, 0, len(page))
	for _, c := range page {
		out = append(out, s.renderCustomer(c, ex))
	}
	return reply{code: http.StatusOK, body: envelope{Data: out, Meta: meta}}, nil
}

func (s *Server) getCustomer(q *req) (reply, error) {
	ex, err := expandSet(q, "customer_groups")
	if err != nil {
		return reply{}, err
	}
	id, err := q.id("id")
	if err != nil {
		return reply{}, err
	}
	c, found := s.st.customers.get(id)
	if !found {
		return reply{}, notFound("customer", id)
	}
	return ok(s.renderCustomer(c, ex)), nil
}

func (s *Server) patchCustomer(q *req) (reply, error) {
	id, err := q.id("id")
	if err != nil {
		return reply{}, err
	}
	c, found := s.st.customers.get(id)
	if !found {
		return reply{}, notFound("customer", id)
	}
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	f.ignore("id", "created_at", "updated_at", "customer_groups")
	next := *c
	f.str("first_name", &next.FirstName)
	f.str("last_name", &next.LastName)
	f.str("email", &next.Email)
	f.str("phone", &next.Phone)
	f.str("company", &next.Company)
	f.str("vat_code", &next.VatCode)
	f.str("street_address", &next.StreetAddress)
	f.str("postal_code", &next.PostalCode)
	f.str("city", &next.City)
	f.str("country", &next.Country)
	f.boolean("sms_subscription", &next.SmsSubscription)
	f.boolean("login_allowed", &next.LoginAllowed)
	if f.integer("version_id", &next.VersionID) {
		if _, found := s.st.versions.get(next.VersionID); !found {
			f.fail("version_id", "version %d does not exist", next.VersionID)
		}
	}
	if !strings.Contains(next.Email, "@") {
		f.fail("email", "%q is not an e-mail address", next.Email)
	}
	if len(next.Country) != 2 {
		f.fail("country", "%q is not an ISO 3166-1 alpha-2 code", next.Country)
	}
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	next.UpdatedAt = stamp(q.now)
	*c = next
	return ok(s.renderCustomer(c, nil)), nil
}

// ---- campaigns ----

type campaignOut struct {
	*campaign
	Prices       any `json:"prices,omitempty"`
	Visibilities any `json:"visibilities,omitempty"`
}

func (s *Server) renderCampaign(c *campaign, ex map[string]bool) campaignOut {
	o := campaignOut{campaign: c}
	if ex["prices"] {
		o.Prices = nonNil(c.prices)
	}
	if ex["visibilities"] {
		o.Visibilities = nonNil(c.visibilities)
	}
	return o
}

func (s *Server) listCampaigns(q *req) (reply, error) {
	ex, err := expandSet(q, "prices", "visibilities")
	if err != nil {
		return reply{}, err
	}
	_, desc, err := sortSpec(q)
	if err != nil {
		return reply{}, err
	}
	items := s.st.campaigns.all()
	if desc {
		reverse(items)
	}
	page, meta, err := paginate(q, items)
	if err != nil {
		return reply{}, err
	}
	out := make([]campaignOut, 0, len(page))
	for _, c := range page {
		out = append(out, s.renderCampaign(c, ex))
	}
	return reply{code: http.StatusOK, body: envelope{Data: out, Meta: meta}}, nil
}

func (s *Server) campaignByParam(q *req) (*campaign, error) {
	id, err := q.id("id")
	if err != nil {
		return nil, err
	}
	c, found := s.st.campaigns.get(id)
	if !found {
		return nil, notFound("campaign", id)
	}
	return c, nil
}

func (s *Server) getCampaign(q *req) (reply, error) {
	ex, err := expandSet(q, "prices", "visibilities")
	if err != nil {
		return reply{}, err
	}
	c, err := s.campaignByParam(q)
	if err != nil {
		return reply{}, err
	}
	return ok(s.renderCampaign(c, ex)), nil
}

func (s *Server) listCampaignPrices(q *req) (reply, error) {
	c, err := s.campaignByParam(q)
	if err != nil {
		return reply{}, err
	}
	return list(q, nonNil(c.prices))
}

// applyCampaignPrice reads {product_code | product_id [+ variation_id],
// min_quantity, price}; the target is resolved to product and variation ids.
func (s *Server) applyCampaignPrice(c *campaign, cp *campaignPrice, f *fields) {
	f.ignore("id", "created_at", "updated_at", "campaign_id")
	var code string
	pidSet := f.integer("product_id", &cp.ProductID)
	varSet := f.optInt("variation_id", &cp.VariationID)
	if f.str("product_code", &code) && code != "" {
		owner, found := s.st.codes[code]
		if !found {
			f.fail("product_code", "no product or variation has product_code %q", code)
		} else {
			cp.ProductID = owner.productID
			cp.VariationID = nil
			if owner.variationID != 0 {
				cp.VariationID = intp(owner.variationID)
			}
			cp.ProductCode = code
		}
	} else if pidSet || varSet {
		p, found := s.st.products.get(cp.ProductID)
		if !found {
			f.fail("product_id", "product %d does not exist", cp.ProductID)
		} else {
			cp.ProductCode = p.ProductCode
			if cp.VariationID != nil {
				v, found := s.st.variations.get(*cp.VariationID)
				if !found || v.ProductID != p.ID {
					f.fail("variation_id", "variation %d does not belong to product %d", *cp.VariationID, p.ID)
				} else {
					cp.ProductCode = v.ProductCode
				}
			}
		}
	}
	f.integer("min_quantity", &cp.MinQuantity)
	f.amount("price", &cp.Price)
	if cp.ProductID == 0 && f.err == nil {
		f.fail("product_code", "product_code or product_id is required")
	}
	if cp.MinQuantity < 1 {
		f.fail("min_quantity", "must be at least 1, got %d", cp.MinQuantity)
	}
	if cp.Price < 0 {
		f.fail("price", "must not be negative")
	}
	for _, o := range c.prices {
		if o.ID != cp.ID && o.ProductCode == cp.ProductCode && o.MinQuantity == cp.MinQuantity {
			f.fail("min_quantity", "campaign %d already has a price for %s from quantity %d (price id %d)", c.ID, cp.ProductCode, cp.MinQuantity, o.ID)
			break
		}
	}
}

func (s *Server) createCampaignPrice(q *req) (reply, error) {
	c, err := s.campaignByParam(q)
	if err != nil {
		return reply{}, err
	}
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	cp := &campaignPrice{CampaignID: c.ID, MinQuantity: 1}
	s.applyCampaignPrice(c, cp, f)
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	cp.ID = s.st.next("campaign_price")
	cp.CreatedAt, cp.UpdatedAt = stamp(q.now), stamp(q.now)
	c.prices = append(c.prices, cp)
	c.UpdatedAt = stamp(q.now)
	return created(cp), nil
}

func (s *Server) campaignPriceByParam(q *req) (*campaign, int, error) {
	c, err := s.campaignByParam(q)
	if err != nil {
		return nil, 0, err
	}
	pid, err := q.id("pid")
	if err != nil {
		return nil, 0, err
	}
	for i, cp := range c.prices {
		if cp.ID == pid {
			return c, i, nil
		}
	}
	return nil, 0, errf(http.StatusNotFound, "campaign %d has no price %d", c.ID, pid)
}

func (s *Server) patchCampaignPrice(q *req) (reply, error) {
	c, i, err := s.campaignPriceByParam(q)
	if err != nil {
		return reply{}, err
	}
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	next := *c.prices[i]
	s.applyCampaignPrice(c, &next, f)
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	next.UpdatedAt = stamp(q.now)
	*c.prices[i] = next
	c.UpdatedAt = stamp(q.now)
	return ok(c.prices[i]), nil
}

func (s *Server) deleteCampaignPrice(q *req) (reply, error) {
	c, i, err := s.campaignPriceByParam(q)
	if err != nil {
		return reply{}, err
	}
	c.prices = append(c.prices[:i:i], c.prices[i+1:]...)
	c.UpdatedAt = stamp(q.now)
	return reply{code: http.StatusNoContent}, nil
}
