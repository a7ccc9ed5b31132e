package shopify

import (
	"context"
	"fmt"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// Products written by ferry have one option, variantOption, whose values are
// the variants' names (a product without variants has Shopify's default
// "Title: Default Title").
const variantOption = "Variant"

// UpsertProducts creates or updates each product with its variants
// (flow.ProductSink) with one productSet each: matched by RemoteID when the
// route linked it, else by any of its SKUs (productVariants by sku), so a
// repeated call creates nothing twice. productSet replaces the product's
// variants with the ones sent; a variant keeps its id when its SKU is
// Shopify's already. An unclear answer is settled by looking the SKUs up
// again. Prices are the shop currency's; stock is the stock route's.
func (c *Client) UpsertProducts(ctx context.Context, ups []model.ProductUpsert) ([]model.WriteResult, error) {
	out := make([]model.WriteResult, len(ups))
	for i, up := range ups {
		out[i] = c.upsertProduct(ctx, up)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return out, nil
}

func (c *Client) upsertProduct(ctx context.Context, up model.ProductUpsert) model.WriteResult {
	p := up.Product
	subject := "product " + productLabel(p)
	skus := productSKUs(p)
	if len(skus) == 0 {
		return model.WriteResult{Err: &UserErrors{Shop: c.settings.Shop, Op: "productSet", Subject: subject, Errors: []UserError{{Field: []string{"sku"}, Message: "the product and its variants have no SKU, which Shopify products are matched by"}}}}
	}
	id := up.RemoteID
	if id == "" {
		found, err := c.productsBySKU(ctx, skus)
		if err != nil {
			return model.WriteResult{Err: err}
		}
		id = found
	}
	input, err := productSetInput(p, id)
	if err != nil {
		return model.WriteResult{Err: fmt.Errorf("shopify %s: %s: %w", c.settings.Shop, subject, err)}
	}
	var d struct {
		ProductSet struct {
			Product *struct {
				ID string `json:"id"`
			} `json:"product"`
			UserErrors []UserError `json:"userErrors"`
		} `json:"productSet"`
	}
	err = c.do(ctx, "ProductSet", map[string]any{"input": input}, &d)
	if remote.IsAmbiguous(err) {
		// The write may have committed: the SKUs say.
		found, lerr := c.productsBySKU(ctx, skus)
		if lerr == nil && found != "" {
			return model.WriteResult{RemoteID: found, Created: id == ""}
		}
	}
	if err != nil {
		return model.WriteResult{Err: fmt.Errorf("shopify %s: writing %s: %w", c.settings.Shop, subject, err)}
	}
	if err := userErrors(c.settings.Shop, "productSet", subject, d.ProductSet.UserErrors); err != nil {
		return model.WriteResult{Err: err}
	}
	if d.ProductSet.Product == nil || d.ProductSet.Product.ID == "" {
		return model.WriteResult{Err: &DecodeError{Shop: c.settings.Shop, Op: "ProductSet", Err: fmt.Errorf("%s: the answer names no product", subject)}}
	}
	return model.WriteResult{RemoteID: d.ProductSet.Product.ID, Created: id == ""}
}

// productsBySKU returns the id of the product selling any of skus, "" when
// none does.
func (c *Client) productsBySKU(ctx context.Context, skus []string) (string, error) {
	var d struct {
		ProductVariants struct {
			Nodes []struct {
				SKU     string `json:"sku"`
				Product struct {
					ID string `json:"id"`
				} `json:"product"`
			} `json:"nodes"`
		} `json:"productVariants"`
	}
	if err := c.do(ctx, "VariantsBySKU", map[string]any{"q": skuQuery(skus), "first": min(len(skus)*2, 100)}, &d); err != nil {
		return "", fmt.Errorf("shopify %s: looking up SKUs %s: %w", c.settings.Shop, strings.Join(skus, ", "), err)
	}
	want := map[string]bool{}
	for _, s := range skus {
		want[s] = true
	}
	for _, n := range d.ProductVariants.Nodes {
		// The search matches loosely; the SKU must be the very one.
		if want[n.SKU] && n.Product.ID != "" {
			return n.Product.ID, nil
		}
	}
	return "", nil
}

// productSetInput is the ProductSetInput of p; id is Shopify's product id or
// "" for a new one.
func productSetInput(p model.Product, id string) (map[string]any, error) {
	status := "DRAFT"
	if p.Active {
		status = "ACTIVE"
	}
	in := map[string]any{"title": p.Name, "status": status}
	if p.Description != "" {
		in["descriptionHtml"] = p.Description
	}
	if p.Brand != "" {
		in["vendor"] = p.Brand
	}
	if id != "" {
		in["id"] = id
	}
	variant := func(name, sku, barcode string, price model.Decimal, option string) map[string]any {
		// Money is a decimal string in the shop currency.
		v := map[string]any{"sku": sku, "price": price.String(), "optionValues": []any{map[string]any{"optionName": option, "name": name}}}
		if barcode != "" {
			v["barcode"] = barcode
		}
		return v
	}
	if len(p.Variants) == 0 {
		in["productOptions"] = []any{map[string]any{"name": "Title", "values": []any{map[string]any{"name": "Default Title"}}}}
		in["variants"] = []any{variant("Default Title", p.SKU, p.Barcode, p.Price, "Title")}
		return in, nil
	}
	seen := map[string]bool{}
	var values, variants []any
	for _, v := range p.Variants {
		name := v.Name
		if name == "" {
			name = v.SKU
		}
		if seen[name] {
			return nil, fmt.Errorf("variants: two are named %q; Shopify needs each variant's option value distinct", name)
		}
		seen[name] = true
		price := v.Price
		if price.IsZero() {
			price = p.Price
		}
		values = append(values, map[string]any{"name": name})
		variants = append(variants, variant(name, v.SKU, v.Barcode, price, variantOption))
	}
	in["productOptions"] = []any{map[string]any{"name": variantOption, "values": values}}
	in["variants"] = variants
	return in, nil
}

func productSKUs(p model.Product) []string {
	var out []string
	if len(p.Variants) == 0 && p.SKU != "" {
		out = append(out, p.SKU)
	}
	for _, v := range p.Variants {
		if v.SKU != "" {
			out = append(out, v.SKU)
		}
	}
	return out
}

func productLabel(p model.Product) string {
	if p.SKU != "" {
		return p.SKU
	}
	if p.Name != "" {
		return fmt.Sprintf("%q", p.Name)
	}
	return p.ID
}
