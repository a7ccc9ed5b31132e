package shopify

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// DefaultScopes are an order, product, inventory and fulfilment app's scopes
// (reference §1.3).
var DefaultScopes = []string{
	"read_orders", "write_orders", "read_products", "write_products", "read_inventory", "write_inventory",
	"read_fulfillments", "write_fulfillments",
	"read_merchant_managed_fulfillment_orders", "write_merchant_managed_fulfillment_orders",
	"read_assigned_fulfillment_orders", "write_assigned_fulfillment_orders",
	"read_customers", "write_customers", "read_locations", "read_shopify_payments_payouts",
}

var scopeRe = regexp.MustCompile(`^(unauthenticated_)?(read|write)_[a-z_]+$`)

func checkScopes(scopes []string) error {
	for _, h := range scopes {
		if !scopeRe.MatchString(h) {
			return fmt.Errorf("shopify sandbox: scope %q: use read_… or write_… handles", h)
		}
	}
	return nil
}

// SetScopes changes the app's scopes; they apply to the next request.
func (s *Server) SetScopes(scopes []string) error {
	if err := checkScopes(scopes); err != nil {
		return err
	}
	s.oauth.mu.Lock()
	s.oauth.scopes = slices.Clone(scopes)
	s.oauth.mu.Unlock()
	return nil
}

// scopeSet is the app's scopes; a write scope grants its read scope too [U:
// Shopify's docs say so, the reference does not].
type scopeSet map[string]bool

func (s *Server) scopeSet() scopeSet {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	set := scopeSet{}
	for _, h := range s.oauth.scopes {
		set[h] = true
		if r, ok := strings.CutPrefix(h, "write_"); ok {
			set["read_"+r] = true
		}
	}
	return set
}

// need is the access a field requires: any one of its handles.
type need []string

var (
	readFO  = need{"read_merchant_managed_fulfillment_orders", "read_assigned_fulfillment_orders", "read_third_party_fulfillment_orders"}
	writeFO = need{"write_merchant_managed_fulfillment_orders", "write_assigned_fulfillment_orders", "write_third_party_fulfillment_orders"}
)

// rootNeeds are the scopes of the root fields the sandbox serves, as
// Shopify's docs give them [U: the reference lists the scopes only; the schema
// names the fulfillment-order ones]. Nested fields are not checked [U].
var rootNeeds = map[string]need{
	"orders": {"read_orders"}, "order": {"read_orders"}, "refund": {"read_orders"}, "fulfillment": {"read_orders"},
	"customers": {"read_customers"}, "customer": {"read_customers"},
	"products": {"read_products"}, "product": {"read_products"}, "productByHandle": {"read_products"},
	"productVariants": {"read_products"}, "productVariant": {"read_products"},
	"ordersCount": {"read_orders"}, "customersCount": {"read_customers"},
	"productsCount": {"read_products"}, "productVariantsCount": {"read_products"},
	"inventoryItems": {"read_inventory"}, "inventoryItem": {"read_inventory"}, "inventoryLevel": {"read_inventory"},
	"locations": {"read_locations"}, "location": {"read_locations"},
	"fulfillmentOrders": readFO, "fulfillmentOrder": readFO,
	"shopifyPaymentsAccount": {"read_shopify_payments_payouts"},

	"fulfillmentCreate": writeFO, "fulfillmentCreateV2": writeFO, "fulfillmentTrackingInfoUpdate": writeFO,
	"inventorySetQuantities": {"write_inventory"}, "inventoryAdjustQuantities": {"write_inventory"},
	"orderCancel": {"write_orders"}, "orderMarkAsPaid": {"write_orders"}, "refundCreate": {"write_orders"},
	"orderUpdate": {"write_orders"}, "orderClose": {"write_orders"}, "orderOpen": {"write_orders"},
	"productCreate": {"write_products"}, "productUpdate": {"write_products"}, "productSet": {"write_products"},
	"productVariantsBulkCreate": {"write_products"}, "productVariantsBulkUpdate": {"write_products"},
	"productVariantsBulkDelete": {"write_products"},
	"customerCreate":            {"write_customers"}, "customerUpdate": {"write_customers"},
	"stagedUploadsCreate": {"write_files", "write_products", "write_themes"},
}

// typeNeeds are the read scopes of the objects node and nodes answer.
var typeNeeds = map[string]need{
	"Order": {"read_orders"}, "LineItem": {"read_orders"}, "Refund": {"read_orders"}, "OrderTransaction": {"read_orders"},
	"Fulfillment": {"read_orders"}, "Customer": {"read_customers"}, "Product": {"read_products"},
	"ProductVariant": {"read_products"}, "InventoryItem": {"read_inventory"}, "InventoryLevel": {"read_inventory"},
	"Location": {"read_locations"}, "FulfillmentOrder": readFO, "MediaImage": {"read_products", "read_files"},
}

// topicNeed is a webhook topic's scope: a subscription needs the read scope
// of what it reports.
func topicNeed(topic string) need {
	for _, p := range []struct {
		prefix string
		n      need
	}{
		{"ORDERS_", need{"read_orders"}}, {"ORDER_TRANSACTIONS_", need{"read_orders"}}, {"REFUNDS_", need{"read_orders"}},
		{"FULFILLMENT_ORDERS_", readFO}, {"FULFILLMENTS_", need{"read_fulfillments"}},
		{"PRODUCTS_", need{"read_products"}}, {"INVENTORY_", need{"read_inventory"}},
		{"CUSTOMERS_", need{"read_customers"}}, {"LOCATIONS_", need{"read_locations"}},
	} {
		if strings.HasPrefix(topic, p.prefix) {
			return p.n
		}
	}
	return nil
}

// accessDenied is Shopify's ACCESS_DENIED error (the words of real answers
// quoted in issues [3P]; the reference leaves the body [U]).
type accessDenied struct {
	field string
	need  need
}

func (e accessDenied) required() string {
	parts := make([]string, len(e.need))
	for i, h := range e.need {
		parts[i] = "`" + h + "` access scope"
	}
	if len(parts) == 1 {
		return parts[0] + "."
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1] + "."
}

func (e accessDenied) Error() string {
	return "Access denied for " + e.field + " field. Required access: " + e.required()
}

func (e accessDenied) extensions() *omap {
	return newOmap("code", "ACCESS_DENIED", "documentation", "https://shopify.dev/api/usage/access-scopes",
		"requiredAccess", e.required())
}

func (set scopeSet) allows(n need) bool {
	return len(n) == 0 || slices.ContainsFunc(n, func(h string) bool { return set[h] })
}

// access checks a root field against the app's scopes; nil scopes (bulk runs,
// internal calls) allow everything.
func (ec *execCtx) access(field string, args map[string]any) error {
	if ec.scopes == nil {
		return nil
	}
	n := rootNeeds[field]
	switch field {
	case "node":
		t, _, _ := parseGID(argStr(args["id"]))
		n = typeNeeds[t]
	case "nodes":
		for _, id := range argList(args["ids"]) {
			t, _, _ := parseGID(argStr(id))
			if n = typeNeeds[t]; !ec.scopes.allows(n) {
				break
			}
		}
	case "webhookSubscriptionCreate":
		n = topicNeed(argStr(args["topic"]))
	case "webhookSubscriptionUpdate":
		if sub := ec.s.findSub(args["id"]); sub != nil {
			n = topicNeed(sub.topic)
		}
	case "tagsAdd", "tagsRemove":
		t, _, _ := parseGID(argStr(args["id"]))
		n = map[string]need{"Order": {"write_orders"}, "Product": {"write_products"}, "Customer": {"write_customers"}}[t]
	}
	if !ec.scopes.allows(n) {
		return accessDenied{field, n}
	}
	return nil
}

// bulkAccess checks a bulk query's root fields; the first denial as text.
func (ec *execCtx) bulkAccess(doc *ast.QueryDocument) error {
	for _, g := range ec.collect(doc.Operations[0].SelectionSet, ec.schema.Query, nil, map[string]bool{}) {
		f := g.fields[0]
		if err := ec.access(f.Name, f.ArgumentMap(nil)); err != nil {
			return err
		}
	}
	return nil
}

// appInstallation answers currentAppInstallation for the calling app.
func (s *Server) appInstallation() obj {
	s.oauth.mu.Lock()
	scopes := slices.Clone(s.oauth.scopes)
	s.oauth.mu.Unlock()
	list := make([]any, len(scopes))
	for i, h := range scopes {
		act, res, _ := strings.Cut(strings.TrimPrefix(h, "unauthenticated_"), "_")
		list[i] = obj{"__typename": "AccessScope", "handle": h,
			"description": fmt.Sprintf("Allows the app to %s %s.", map[string]string{"read": "read", "write": "modify"}[act], strings.ReplaceAll(res, "_", " "))}
	}
	return obj{"__typename": "AppInstallation", "id": gid("AppInstallation", 1001), "accessScopes": list,
		"app": obj{"__typename": "App", "id": gid("App", 1001), "title": "Ferry", "handle": "ferry", "apiKey": s.opts.ClientID,
			"requestedAccessScopes": list},
	}
}
