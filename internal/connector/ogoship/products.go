package ogoship

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// ProductWrite is the body of POST /Products and PUT /Products/{code}
// (Product, camelCase). Nil and empty fields are left out, so OGOship keeps
// its value (a PUT merges).
type ProductWrite struct {
	Code         string         `json:"code"`
	Name         string         `json:"name,omitempty"`
	Description  string         `json:"description,omitempty"`
	EanCode      string         `json:"eanCode,omitempty"`
	SupplyPrice  *model.Decimal `json:"supplyPrice,omitempty"`
	SalesPrice   *model.Decimal `json:"salesPrice,omitempty"`
	CurrencyCode string         `json:"currencyCode,omitempty"`
	PictureURL   string         `json:"pictureUrl,omitempty"`
	LanguageCode string         `json:"languageCode"`
}

// Product is ProductResponse as far as ferry reads it.
type Product struct {
	ID              string         `json:"id"`
	Code            string         `json:"code"`
	Name            string         `json:"name"`
	Description     string         `json:"description"`
	EanCode         string         `json:"eanCode"`
	SupplyPrice     *model.Decimal `json:"supplyPrice"`
	SalesPrice      *model.Decimal `json:"salesPrice"`
	CurrencyCode    string         `json:"currencyCode"`
	PictureURL      string         `json:"pictureUrl"`
	LanguageCode    string         `json:"languageCode"`
	Stock           model.Decimal  `json:"stock"`
	StockAvailable  model.Decimal  `json:"stockAvailable"`
	Reserved        model.Decimal  `json:"reserved"`
	StockUpdate     model.Decimal  `json:"stockUpdate"`
	StockUpdateTime Time           `json:"stockUpdateTime"`
	EditTime        Time           `json:"editTime"`
}

// DecodeProduct reads one ProductResponse; it must have a code.
func DecodeProduct(raw json.RawMessage) (Product, error) {
	var p Product
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, err
	}
	if p.Code == "" {
		return p, errors.New("the product has no code")
	}
	return p, nil
}

// Products reads the merchant's products matching q (code, eanCode,
// modifiedAfter), a page at a time.
func (c *Client) Products(ctx context.Context, q url.Values, each func(items []Product, bad []error) error) error {
	return pages(ctx, c, pathProducts, q, DecodeProduct, func(items []Product, bad []error, _ *remote.Response) error {
		return each(items, bad)
	})
}

// FindProduct returns the product with exactly this code (codes are
// case-sensitive), if any.
func (c *Client) FindProduct(ctx context.Context, code string) (Product, bool, error) {
	var found Product
	ok := false
	err := c.Products(ctx, url.Values{"code": {code}}, func(items []Product, _ []error) error {
		for _, p := range items {
			if p.Code == code {
				found, ok = p, true
			}
		}
		return nil
	})
	return found, ok, err
}

// CreateProduct creates one product. An answer that may have committed is
// read back by the code before the POST is tried again, so a product is
// never made twice.
func (c *Client) CreateProduct(ctx context.Context, w ProductWrite) (Product, error) {
	for attempt := 1; ; attempt++ {
		var p Product
		resp, err := c.send(ctx, http.MethodPost, pathProducts, nil, w, false, "POST /Products")
		if err == nil {
			if p, err = DecodeProduct(resp.Body); err != nil {
				return p, &APIError{Account: c.name, Op: "POST /Products", Status: resp.Status, Message: "product " + w.Code + ": " + err.Error(), NotJSON: true}
			}
			return p, nil
		}
		ambiguous := remote.IsAmbiguous(err)
		if !ambiguous && statusOf(err) != http.StatusBadRequest {
			return p, err
		}
		// Ambiguous, or refused (maybe as a duplicate made by a lost answer
		// or a concurrent writer): is it there?
		found, ok, ferr := c.FindProduct(ctx, w.Code)
		if ferr != nil {
			return p, errors.Join(err, ferr)
		}
		if ok {
			return found, nil
		}
		if !ambiguous || attempt >= c.settings.MaxAttempts {
			return p, err
		}
		if err := sleepCtx(ctx, backoff(attempt)); err != nil {
			return p, err
		}
	}
}

// UpdateProduct updates the product of code (renames it when w.Code
// differs). PUT sets absolute values, so it is retried like a read.
func (c *Client) UpdateProduct(ctx context.Context, code string, w ProductWrite) (Product, error) {
	seg, b64 := codePath(code)
	var q url.Values
	if b64 {
		q = url.Values{"base64url": {"true"}}
	}
	var p Product
	resp, err := c.send(ctx, http.MethodPut, pathProducts+"/"+seg, q, w, true, "PUT /Products/{code}")
	if err != nil {
		if IsNotFound(err) {
			return p, fmt.Errorf("ogoship: product %s: %w (%w)", code, model.ErrGone, err)
		}
		return p, err
	}
	if err := decodeBody(resp.Body, &p); err != nil || p.Code == "" {
		// Some answers carry no product; the write is done.
		p = Product{Code: w.Code}
	}
	return p, nil
}

func backoff(attempt int) time.Duration { return time.Duration(attempt) * 200 * time.Millisecond }

// UpsertProducts writes one OGOship product per variant SKU (the product's own
// SKU without variants), seed 001's "Create product" per webshop product
// code: each code is looked up first and updated when it exists, else
// created, so a repeated call creates nothing twice. RemoteID and Number are
// the product code of the first variant; Created says any of them was new.
func (c *Client) UpsertProducts(ctx context.Context, ups []model.ProductUpsert) ([]model.WriteResult, error) {
	out := make([]model.WriteResult, len(ups))
	for i, up := range ups {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		ws, err := ToProducts(up.Product, c.settings.Language)
		if err != nil {
			out[i].Err = err
			continue
		}
		for j, w := range ws {
			created, err := c.upsertProduct(ctx, w, up.RemoteID, len(ws) == 1)
			if err != nil {
				out[i].Err = fmt.Errorf("product %s: %w", w.Code, err)
				if remote.IsTransient(err) {
					for k := i + 1; k < len(ups); k++ {
						out[k].Err = err
					}
					return out, nil
				}
				break
			}
			if j == 0 {
				out[i].RemoteID, out[i].Number = w.Code, w.Code
			}
			out[i].Created = out[i].Created || created
		}
	}
	return out, nil
}

// upsertProduct writes w by its code. A product linked before under another
// code (linked, a single-code product) is renamed: OGOship renames on a PUT
// to the old code.
func (c *Client) upsertProduct(ctx context.Context, w ProductWrite, linked string, single bool) (bool, error) {
	p, ok, err := c.FindProduct(ctx, w.Code)
	if err != nil {
		return false, err
	}
	if ok {
		if sameProduct(p, w) {
			return false, nil
		}
		_, err := c.UpdateProduct(ctx, p.Code, w)
		return false, err
	}
	if single && linked != "" && linked != w.Code {
		if _, ok, err := c.FindProduct(ctx, linked); err != nil {
			return false, err
		} else if ok {
			_, err := c.UpdateProduct(ctx, linked, w)
			return false, err
		}
	}
	_, err = c.CreateProduct(ctx, w)
	return err == nil, err
}

// sameProduct reports whether p already holds what w writes.
func sameProduct(p Product, w ProductWrite) bool {
	eq := func(a *model.Decimal, b *model.Decimal) bool {
		return b == nil || (a != nil && *a == *b)
	}
	return p.Name == w.Name && p.Description == w.Description && (w.EanCode == "" || p.EanCode != "") &&
		eq(p.SalesPrice, w.SalesPrice) && eq(p.SupplyPrice, w.SupplyPrice) &&
		(w.PictureURL == "" || p.PictureURL == w.PictureURL) && (w.LanguageCode == "" || p.LanguageCode == w.LanguageCode)
}

// ToProducts maps a canonical product to OGOship products: one per variant
// (the product itself without variants), code = SKU, name "[product] -
// [variant]", description, eanCode = bar code, salesPrice = price,
// supplyPrice = purchase price (the variant's, else the product's), the first
// image as pictureUrl, languageCode from the settings.
func ToProducts(p model.Product, lang string) ([]ProductWrite, error) {
	pic := ""
	for _, im := range p.Images {
		if im.URL != "" {
			pic = im.URL
			break
		}
	}
	one := func(sku, name, barcode string, price, purchase model.Decimal) (ProductWrite, error) {
		if sku == "" {
			return ProductWrite{}, fmt.Errorf("ogoship: product %q: a variant has no SKU (product code)", p.Name)
		}
		w := ProductWrite{Code: sku, Name: name, Description: p.Description, EanCode: barcode, PictureURL: pic, LanguageCode: lang}
		w.SalesPrice = &price
		if purchase != 0 {
			w.SupplyPrice = &purchase
		}
		return w, nil
	}
	if len(p.Variants) == 0 {
		w, err := one(p.SKU, p.Name, p.Barcode, p.Price, p.PurchasePrice)
		if err != nil {
			return nil, err
		}
		return []ProductWrite{w}, nil
	}
	out := make([]ProductWrite, 0, len(p.Variants))
	seen := map[string]bool{}
	for _, v := range p.Variants {
		name := p.Name
		if v.Name != "" {
			name += " - " + v.Name
		}
		w, err := one(v.SKU, name, orStr(v.Barcode, p.Barcode), orDec(v.Price, p.Price), orDec(v.PurchasePrice, p.PurchasePrice))
		if err != nil {
			return nil, err
		}
		if seen[w.Code] {
			return nil, fmt.Errorf("ogoship: product %q: SKU %s is on two variants", p.Name, w.Code)
		}
		seen[w.Code] = true
		out = append(out, w)
	}
	return out, nil
}

func orDec(a, b model.Decimal) model.Decimal {
	if a != 0 {
		return a
	}
	return b
}
