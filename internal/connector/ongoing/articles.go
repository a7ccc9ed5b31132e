package ongoing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// CodeName is Ongoing's {code, name} pair.
type CodeName struct {
	Code string `json:"code,omitempty"`
	Name string `json:"name,omitempty"`
}

// SupplierInfo is an article's supplier.
type SupplierInfo struct {
	SupplierArticleNumber string `json:"supplierArticleNumber,omitempty"`
	SupplierNumber        string `json:"supplierNumber,omitempty"`
	SupplierName          string `json:"supplierName,omitempty"`
}

// BarCodeInfo is an article's bar codes.
type BarCodeInfo struct {
	BarCode        string `json:"barCode,omitempty"`
	BarCodePackage string `json:"barCodePackage,omitempty"`
	BarCodePallet  string `json:"barCodePallet,omitempty"`
}

// ArticleWrite is the body of PUT /articles (PostArticleModel): an upsert by
// articleNumber. Nil pointers are left out, so the warehouse keeps its value.
type ArticleWrite struct {
	GoodsOwnerID  int            `json:"goodsOwnerId"`
	ArticleNumber string         `json:"articleNumber"`
	ArticleName   string         `json:"articleName,omitempty"`
	ProductCode   string         `json:"productCode,omitempty"`
	Description   string         `json:"description,omitempty"`
	IsActive      *bool          `json:"isActive,omitempty"`
	IsStockArt    *bool          `json:"isStockArticle,omitempty"`
	SupplierInfo  *SupplierInfo  `json:"supplierInfo,omitempty"`
	BarCodeInfo   *BarCodeInfo   `json:"barCodeInfo,omitempty"`
	NetWeight     *model.Decimal `json:"netWeight,omitempty"`
	PurchasePrice *model.Decimal `json:"purchasePrice,omitempty"`
	CustomerPrice *model.Decimal `json:"customerPrice,omitempty"`
}

// ArticleReply is the answer of PUT /articles.
type ArticleReply struct {
	ArticleSystemID Int    `json:"articleSystemId"`
	Message         string `json:"message"`
}

// InventoryInfo is an article's stock (GetArticleModelInventoryInfo).
type InventoryInfo struct {
	NumberOfItems         model.Decimal  `json:"numberOfItems"`
	NumberOfBookedItems   model.Decimal  `json:"numberOfBookedItems"`
	NumberOfLockedItems   model.Decimal  `json:"numberOfLockedItems"`
	AllocatedNumberOfItem model.Decimal  `json:"allocatedNumberOfItems"`
	SellableNumberOfItems *model.Decimal `json:"sellableNumberOfItems"`
	LockedForSale         model.Decimal  `json:"lockedForSaleNumberOfItems"`
	ToReceive             model.Decimal  `json:"toReceiveNumberOfItems"`
	LastInDate            Time           `json:"lastInDate"`
}

// Article is GetArticleModel, as far as ferry reads it.
type Article struct {
	GoodsOwner      GoodsOwner     `json:"goodsOwner"`
	ArticleSystemID Int            `json:"articleSystemId"`
	ArticleNumber   Str            `json:"articleNumber"`
	ArticleName     string         `json:"articleName"`
	ProductCode     Str            `json:"productCode"`
	UnitCode        string         `json:"unitCode"`
	Description     string         `json:"description"`
	IsStockArticle  bool           `json:"isStockArticle"`
	IsActive        *bool          `json:"isActive"`
	SupplierInfo    *SupplierInfo  `json:"supplierInfo"`
	BarCodeInfo     *BarCodeInfo   `json:"barCodeInfo"`
	Weight          *model.Decimal `json:"weight"`
	NetWeight       *model.Decimal `json:"netWeight"`
	PurchasePrice   *model.Decimal `json:"purchasePrice"`
	CustomerPrice   *model.Decimal `json:"customerPrice"`
	LastUpdated     Time           `json:"articleDataLastUpdated"`
	InventoryInfo   *InventoryInfo `json:"inventoryInfo"`
}

// GoodsOwner is {id, name}.
type GoodsOwner struct {
	ID   Int    `json:"id"`
	Name string `json:"name"`
}

// DecodeArticle reads one GetArticleModel and returns its articleSystemId.
func DecodeArticle(raw json.RawMessage) (Article, int, error) {
	var a Article
	err := json.Unmarshal(raw, &a)
	if err != nil {
		var id struct {
			ArticleSystemID Int `json:"articleSystemId"`
		}
		_ = json.Unmarshal(raw, &id)
		return a, int(id.ArticleSystemID), err
	}
	if a.ArticleNumber == "" {
		return a, int(a.ArticleSystemID), errors.New("the article has no articleNumber")
	}
	return a, int(a.ArticleSystemID), nil
}

// DecodeArticleReply reads the answer of PUT /articles.
func DecodeArticleReply(b []byte) (ArticleReply, error) {
	var r ArticleReply
	if err := json.Unmarshal(b, &r); err != nil {
		return r, err
	}
	if r.ArticleSystemID <= 0 {
		return r, errors.New("the answer has no articleSystemId")
	}
	return r, nil
}

// Articles reads every article of the goods owner matching q (extra filters:
// articleNumbers, stockInfoChangedFrom, …), a page at a time.
func (c *Client) Articles(ctx context.Context, q url.Values, each func(items []Article, bad []error) error) error {
	qq := c.owner()
	for k, v := range q {
		qq[k] = v
	}
	return pages(ctx, c, "/articles", qq, "articleSystemIdFrom", "maxArticlesToGet", DecodeArticle, func(items []Article, bad []error, _ time.Time) error {
		return each(items, bad)
	})
}

// FindArticles returns the goods owner's articles with the given numbers, by
// article number as asked (Ongoing matches numbers without regard to case).
func (c *Client) FindArticles(ctx context.Context, numbers []string) (map[string]Article, error) {
	out := map[string]Article{}
	want := map[string]string{}
	for _, n := range numbers {
		want[lower(n)] = n
	}
	for start := 0; start < len(numbers); start += 50 {
		q := url.Values{"articleNumbers": numbers[start:min(start+50, len(numbers))]}
		err := c.Articles(ctx, q, func(items []Article, _ []error) error {
			for _, a := range items {
				if n, ok := want[lower(string(a.ArticleNumber))]; ok {
					out[n] = a
				}
			}
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// PutArticle upserts one article by its number. created is true for 201. An
// answer that may have committed is read back by the article number before
// the PUT is tried again.
func (c *Client) PutArticle(ctx context.Context, w ArticleWrite) (id int, created bool, err error) {
	w.GoodsOwnerID = c.settings.GoodsOwnerID
	for attempt := 1; ; attempt++ {
		resp, err := c.send(ctx, http.MethodPut, "/articles", nil, w, false)
		if err == nil {
			r, err := DecodeArticleReply(resp.Body)
			if err != nil {
				return 0, false, &APIError{Account: c.name, Op: "PUT /articles", Status: resp.Status, Message: "article " + w.ArticleNumber + ": " + err.Error() + ": " + remote.Excerpt(resp.Body, 200), NotJSON: true}
			}
			return int(r.ArticleSystemID), resp.Status == http.StatusCreated, nil
		}
		if !remote.IsAmbiguous(err) || attempt >= c.settings.MaxAttempts {
			return 0, false, err
		}
		found, ferr := c.FindArticles(ctx, []string{w.ArticleNumber})
		if ferr != nil {
			return 0, false, errors.Join(err, ferr)
		}
		if a, ok := found[w.ArticleNumber]; ok && sameArticle(a, w) {
			// The write went through before the answer was lost.
			return int(a.ArticleSystemID), false, nil
		}
		if err := sleepCtx(ctx, time.Duration(attempt)*200*time.Millisecond); err != nil {
			return 0, false, err
		}
	}
}

// sameArticle reports whether a holds what w wrote, as far as the answer shows.
func sameArticle(a Article, w ArticleWrite) bool {
	if a.ArticleName != w.ArticleName || string(a.ProductCode) != w.ProductCode {
		return false
	}
	if w.BarCodeInfo != nil && (a.BarCodeInfo == nil || a.BarCodeInfo.BarCode != w.BarCodeInfo.BarCode) {
		return false
	}
	if w.CustomerPrice != nil && (a.CustomerPrice == nil || *a.CustomerPrice != *w.CustomerPrice) {
		return false
	}
	return true
}

// UpsertProducts writes each product's articles: one per variant, or one for
// a product without variants (seed 002). Articles are matched by article
// number (the SKU), which PUT /articles upserts by, so a repeated call creates
// nothing twice. RemoteID is the articleSystemId of the product's first
// article; Created says any of its articles was new.
func (c *Client) UpsertProducts(ctx context.Context, ups []model.ProductUpsert) ([]model.WriteResult, error) {
	out := make([]model.WriteResult, len(ups))
	for i, up := range ups {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		ws, err := ToArticles(up.Product)
		if err != nil {
			out[i].Err = err
			continue
		}
		for j, w := range ws {
			id, created, err := c.PutArticle(ctx, w)
			if err != nil {
				out[i].Err = fmt.Errorf("article %s: %w", w.ArticleNumber, err)
				break
			}
			if j == 0 {
				out[i].RemoteID, out[i].Number = strconv.Itoa(id), w.ArticleNumber
			}
			out[i].Created = out[i].Created || created
		}
	}
	return out, nil
}

// ToArticles maps a canonical product to its articles per seed 002: article
// number = the variant's SKU (the product's without variants), name
// "[product name] - [variant name]", product code "[product id]-[variant id]",
// bar code, customer price, purchase price and net weight of the variant,
// falling back to the product's where the variant has none.
//
// Not mapped, because the canonical product does not carry them: supplier
// article number, name translations. VAT percent: PostArticleModel has no VAT
// field in the REST API (the seed integration maps it through another API).
func ToArticles(p model.Product) ([]ArticleWrite, error) {
	active := p.Active
	base := func(sku, name, code, barcode string, price, purchase, weight model.Decimal) (ArticleWrite, error) {
		if sku == "" {
			return ArticleWrite{}, fmt.Errorf("product %q: a variant has no SKU (article number)", p.Name)
		}
		w := ArticleWrite{ArticleNumber: sku, ArticleName: name, ProductCode: code, Description: p.Description, IsActive: &active}
		if barcode != "" {
			w.BarCodeInfo = &BarCodeInfo{BarCode: barcode}
		}
		w.CustomerPrice = ptr(price)
		if purchase != 0 {
			w.PurchasePrice = ptr(purchase)
		}
		if weight != 0 {
			w.NetWeight = ptr(weight)
		}
		return w, nil
	}
	if len(p.Variants) == 0 {
		w, err := base(p.SKU, p.Name, p.ID, p.Barcode, p.Price, p.PurchasePrice, p.Weight)
		if err != nil {
			return nil, err
		}
		return []ArticleWrite{w}, nil
	}
	out := make([]ArticleWrite, 0, len(p.Variants))
	for _, v := range p.Variants {
		name := p.Name
		if v.Name != "" {
			name += " - " + v.Name
		}
		code := p.ID
		if v.ID != "" {
			code += "-" + v.ID
		}
		w, err := base(v.SKU, name, code, orStr(v.Barcode, p.Barcode), orDec(v.Price, p.Price), orDec(v.PurchasePrice, p.PurchasePrice), orDec(v.Weight, p.Weight))
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }

func orStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func orDec(a, b model.Decimal) model.Decimal {
	if a != 0 {
		return a
	}
	return b
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// String returns the string.
func (s Str) String() string { return string(s) }
