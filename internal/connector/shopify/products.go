package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// variantsPerProduct is the variants read with each product; a product with
// more is an error naming it (Shopify allows 2,048: raise it, or read that
// catalogue by bulk operation, which has no limit).
const variantsPerProduct = 100

// Product is a Product with its variants (the Products operation, or a bulk
// JSONL product line with its variant lines attached).
type Product struct {
	ID              string    `json:"id"`
	Title           string    `json:"title"`
	Handle          string    `json:"handle"`
	Status          string    `json:"status"`
	Vendor          string    `json:"vendor"`
	ProductType     string    `json:"productType"`
	DescriptionHTML string    `json:"descriptionHtml"`
	UpdatedAt       time.Time `json:"updatedAt"`
	Variants        struct {
		PageInfo PageInfo  `json:"pageInfo"`
		Nodes    []Variant `json:"nodes"`
	} `json:"variants"`
}

// Variant is a ProductVariant.
type Variant struct {
	ID              string  `json:"id"`
	SKU             *string `json:"sku"`
	Barcode         *string `json:"barcode"`
	Title           string  `json:"title"`
	Price           string  `json:"price"`
	Position        int     `json:"position"`
	SelectedOptions []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"selectedOptions"`
	InventoryItem *struct {
		ID       string `json:"id"`
		UnitCost *struct {
			Amount string `json:"amount"`
		} `json:"unitCost"`
	} `json:"inventoryItem"`
	ParentID string `json:"__parentId,omitempty"`
}

// ToProduct maps a product; a price that does not parse names the product,
// the variant and the field.
func ToProduct(p Product) (model.Product, error) {
	out := model.Product{ID: p.ID, Name: p.Title, Description: p.DescriptionHTML, Brand: p.Vendor, Active: p.Status == "ACTIVE", UpdatedAt: p.UpdatedAt.UTC()}
	if p.ProductType != "" {
		out.Categories = []string{p.ProductType}
	}
	for i, v := range p.Variants.Nodes {
		field := fmt.Sprintf("variants[%d]", i)
		price, err := model.ParseDecimal(orStr(v.Price, "0"))
		if err != nil {
			return out, &RecordError{Kind: "product", ID: p.Title + " (" + p.ID + ")", Field: field + ".price", Err: err}
		}
		mv := model.Variant{ID: v.ID, SKU: str(v.SKU), Barcode: str(v.Barcode), Name: v.Title, Price: price, Sort: v.Position}
		if v.InventoryItem != nil && v.InventoryItem.UnitCost != nil && v.InventoryItem.UnitCost.Amount != "" {
			if mv.PurchasePrice, err = model.ParseDecimal(v.InventoryItem.UnitCost.Amount); err != nil {
				return out, &RecordError{Kind: "product", ID: p.Title + " (" + p.ID + ")", Field: field + ".inventoryItem.unitCost", Err: err}
			}
		}
		for _, o := range v.SelectedOptions {
			if o.Name == "Title" && o.Value == "Default Title" {
				continue // the default variant of a product without options
			}
			if mv.Attributes == nil {
				mv.Attributes = map[string]string{}
			}
			mv.Attributes[o.Name] = o.Value
		}
		out.Variants = append(out.Variants, mv)
	}
	if len(out.Variants) > 0 {
		out.Price, out.PurchasePrice = out.Variants[0].Price, out.Variants[0].PurchasePrice
		if len(out.Variants) == 1 && len(out.Variants[0].Attributes) == 0 {
			// No options: the product sells under its one variant's SKU.
			out.SKU, out.Barcode = out.Variants[0].SKU, out.Variants[0].Barcode
		}
	}
	return out, nil
}

// ChangedProducts reads the products updated at or after since with their
// variants, oldest change first, a page at a time (flow.ProductSource), by
// cursor on sortKey UPDATED_AT as ChangedOrders does. A first read (since
// zero) of a catalogue of settings.bulk_threshold products or more runs as a
// bulk operation instead (bulk.go). A product that cannot be read stops the
// read, naming it, so that the cursor never passes it.
func (c *Client) ChangedProducts(ctx context.Context, since time.Time, page func(products []model.Product, through time.Time) error) error {
	if since.IsZero() && c.settings.BulkThreshold > 0 {
		n, err := c.productCount(ctx)
		if err != nil {
			return err
		}
		if n >= c.settings.BulkThreshold {
			return c.bulkProducts(ctx, page)
		}
	}
	vars := map[string]any{"variants": variantsPerProduct}
	if !since.IsZero() {
		vars["q"] = fmt.Sprintf("updated_at:>='%s'", since.UTC().Truncate(time.Second).Format(time.RFC3339))
	}
	first, err := c.pageSize("Products", "first", vars)
	if err != nil {
		return err
	}
	vars["first"] = first
	through := since
	for {
		var d struct {
			Products struct {
				PageInfo PageInfo          `json:"pageInfo"`
				Nodes    []json.RawMessage `json:"nodes"`
			} `json:"products"`
		}
		if err := c.do(ctx, "Products", vars, &d); err != nil {
			return fmt.Errorf("shopify %s: listing products changed since %s: %w", c.settings.Shop, since.Format(time.RFC3339), err)
		}
		out := make([]model.Product, 0, len(d.Products.Nodes))
		for _, raw := range d.Products.Nodes {
			var p Product
			if err := json.Unmarshal(raw, &p); err != nil {
				return &RecordError{Shop: c.settings.Shop, Kind: "product", ID: headOf(raw), Err: err}
			}
			if p.Variants.PageInfo.HasNextPage {
				return &RecordError{Shop: c.settings.Shop, Kind: "product", ID: p.Title + " (" + p.ID + ")", Field: "variants", Err: fmt.Errorf("more than %d variants", variantsPerProduct)}
			}
			m, err := ToProduct(p)
			if err != nil {
				err.(*RecordError).Shop = c.settings.Shop
				return err
			}
			out = append(out, m)
			if p.UpdatedAt.After(through) {
				through = p.UpdatedAt.UTC()
			}
		}
		if err := page(out, through); err != nil {
			return err
		}
		if !d.Products.PageInfo.HasNextPage || d.Products.PageInfo.EndCursor == "" {
			return nil
		}
		vars["after"] = d.Products.PageInfo.EndCursor
	}
}

func (c *Client) productCount(ctx context.Context) (int, error) {
	var d struct {
		ProductsCount *struct {
			Count int `json:"count"`
		} `json:"productsCount"`
	}
	if err := c.do(ctx, "ProductCount", nil, &d); err != nil {
		return 0, fmt.Errorf("shopify %s: counting products: %w", c.settings.Shop, err)
	}
	if d.ProductsCount == nil {
		return 0, nil
	}
	return d.ProductsCount.Count, nil
}

// isProductGID tells a product line of a bulk result.
func isProductGID(id string) bool { return strings.HasPrefix(id, "gid://shopify/Product/") }
