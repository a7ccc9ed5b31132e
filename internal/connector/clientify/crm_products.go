package clientify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

func crmProductOf(p Product) model.CRMProduct {
	return model.CRMProduct{ID: fmt.Sprint(int64(p.ID)), SKU: NormSKU(string(p.SKU)), Name: strings.TrimSpace(p.Name), Price: p.Price, UpdatedAt: p.Modified.Time}
}

func crmProductsOf(ps []Product) []model.CRMProduct {
	out := make([]model.CRMProduct, len(ps))
	for i, p := range ps {
		out[i] = crmProductOf(p)
	}
	return out
}

// ChangedCRMProducts implements flow.CRMProductSource.
func (c *Client) ChangedCRMProducts(ctx context.Context, since time.Time, page func([]model.CRMProduct, []error, time.Time) error) error {
	return changedModel(ctx, c.ChangedProductRecords, since, func(_ context.Context, ps []Product) ([]model.CRMProduct, error) {
		return crmProductsOf(ps), nil
	}, page)
}

// ReadCRMProducts implements flow.CRMProductSink.
func (c *Client) ReadCRMProducts(ctx context.Context, ids []string) ([]model.CRMProduct, error) {
	ps, err := readByID(ctx, c, products, ids)
	return crmProductsOf(ps), err
}

// FindCRMProducts implements flow.CRMProductSink (FindProductBySKU).
func (c *Client) FindCRMProducts(ctx context.Context, skus []string) ([]model.Match[model.CRMProduct], error) {
	out := make([]model.Match[model.CRMProduct], len(skus))
	for i, sku := range skus {
		out[i].Key = sku
		v, ok, err := c.FindProductBySKU(ctx, sku)
		var dup *DuplicateKeyError
		switch {
		case errors.As(err, &dup):
			out[i].Err = err
		case err != nil:
			return nil, err
		case ok:
			out[i].Record, out[i].Found = crmProductOf(v), true
		}
	}
	return out, nil
}

// WriteCRMProducts implements flow.CRMProductSink: name, sku and price.
func (c *Client) WriteCRMProducts(ctx context.Context, ws []model.Upsert[model.CRMProduct]) ([]model.Written[model.CRMProduct], error) {
	return writeEach(ws, func(w model.Upsert[model.CRMProduct]) (model.CRMProduct, bool, error) {
		m, f := w.Record, fieldsOf(w.Fields)
		subject := Subject{Resource: "product", Key: "sku", Value: NormSKU(m.SKU)}
		body := map[string]any{}
		if f.has("name") {
			put(body, "name", m.Name)
		}
		if f.has("sku") {
			put(body, "sku", NormSKU(m.SKU))
		}
		if f.has("price") {
			body["price"] = m.Price
		}
		if w.RemoteID == "" {
			find := func(ctx context.Context) (Product, bool, error) { return c.FindProductBySKU(ctx, m.SKU) }
			v, created, err := create(ctx, c, products, body, subject, find)
			return crmProductOf(v), created, err
		}
		id, err := parseID(w.RemoteID)
		if err != nil {
			return model.CRMProduct{}, false, fmt.Errorf("product %s: %w", m.SKU, model.ErrGone)
		}
		v, err := update(ctx, c, products, id, body, subject)
		if IsNotFound(err) {
			return model.CRMProduct{}, false, fmt.Errorf("clientify %s: product %d: %w", c.name, id, model.ErrGone)
		}
		return crmProductOf(v), false, err
	}), nil
}
