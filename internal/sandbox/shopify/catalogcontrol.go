package shopify

import (
	"time"
)

// ProductInfo is a product as Product answers it: enough for a test to check
// what a client wrote.
type ProductInfo struct {
	ID        string        `json:"id"`
	Handle    string        `json:"handle"`
	Title     string        `json:"title"`
	Status    string        `json:"status"`
	Vendor    string        `json:"vendor"`
	Tags      []string      `json:"tags"`
	UpdatedAt time.Time     `json:"updatedAt"`
	Variants  []VariantInfo `json:"variants"`
}

// VariantInfo is one variant of a ProductInfo.
type VariantInfo struct {
	ID              string `json:"id"`
	Title           string `json:"title"`
	SKU             string `json:"sku"`
	Price           string `json:"price"`
	InventoryItemID string `json:"inventoryItemId"`
	Available       int    `json:"available"`
}

// Product finds a product by global id, number or handle ("" is the first).
func (s *Server) Product(ref string) (ProductInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.findProduct(ref)
	if p == nil {
		return ProductInfo{}, false
	}
	out := ProductInfo{ID: gid("Product", p.id), Handle: p.handle, Title: p.title, Status: p.status, Vendor: p.vendor,
		Tags: append([]string{}, p.tags...), UpdatedAt: p.updatedAt}
	for _, v := range p.variants {
		out.Variants = append(out.Variants, VariantInfo{ID: gid("ProductVariant", v.id), Title: v.title, SKU: v.sku,
			Price: decimal(v.price), InventoryItemID: gid("InventoryItem", v.item.id), Available: v.item.total(qAvailable)})
	}
	return out, true
}

// ProductCount counts the shop's products.
func (s *Server) ProductCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.st.products)
}

// VariantPrice is the price of the variant with sku, as the API shows it.
func (s *Server) VariantPrice(sku string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.variantBySKU(sku)
	if v == nil {
		return "", false
	}
	return decimal(v.price), true
}
