package shopify

import (
	"slices"
	"strings"
	"time"
)

// orderUpdate, orderClose, orderOpen, tagsAdd and tagsRemove: the merchant's
// edits a seed or a client makes. Messages [U]; UserError has no code.

func (s *Server) orderUpdate(ec *execCtx, args map[string]any) (any, error) {
	in := argMap(args["input"])
	payload := obj{"__typename": "OrderUpdatePayload", "order": nil, "userErrors": []any{}}
	id, _ := idOf(in["id"], "Order")
	o := s.st.orderByID[id]
	if o == nil {
		payload["userErrors"] = []any{userError([]string{"id"}, "Order does not exist", "")}
		return payload, nil
	}
	if x, ok := in["note"]; ok {
		o.note = argStr(x)
	}
	if x, ok := in["email"]; ok {
		o.email = strings.TrimSpace(argStr(x))
	}
	if x, ok := in["tags"]; ok {
		o.tags = nil
		o.tags = addTags(o.tags, argList(x))
	}
	if a := argMap(in["shippingAddress"]); a != nil && o.shipTo != nil {
		cp := *o.shipTo
		for k, p := range map[string]*string{"firstName": &cp.first, "lastName": &cp.last, "company": &cp.company, "address1": &cp.address1,
			"address2": &cp.address2, "city": &cp.city, "zip": &cp.zip, "phone": &cp.phone, "provinceCode": &cp.provinceCode, "countryCode": &cp.countryCode} {
			if x, ok := a[k]; ok {
				*p = argStr(x)
			}
		}
		o.shipTo = &cp
	}
	o.updatedAt = s.st.touch(ec.now)
	s.emitOrder("orders/updated", o)
	payload["order"] = s.orderObj(o)
	return payload, nil
}

// addTags adds tags not there yet (case-insensitively, as Shopify's tags are).
func addTags(have []string, add []any) []string {
	for _, x := range add {
		for _, t := range strings.Split(argStr(x), ",") {
			t = strings.TrimSpace(t)
			if t != "" && !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, t) }) {
				have = append(have, t)
			}
		}
	}
	return have
}

func removeTags(have []string, drop []any) []string {
	return slices.DeleteFunc(have, func(h string) bool {
		return slices.ContainsFunc(drop, func(x any) bool { return strings.EqualFold(strings.TrimSpace(argStr(x)), h) })
	})
}

// tagsAdd and tagsRemove take an Order, Product or Customer (the node types
// the sandbox keeps that have tags) and send its update webhook.
func (s *Server) tagsEdit(typename string, add bool) resolver {
	return func(ec *execCtx, args map[string]any) (any, error) {
		payload := obj{"__typename": typename, "node": nil, "userErrors": []any{}}
		tags := argList(args["tags"])
		edit := func(have []string) []string {
			if add {
				return addTags(have, tags)
			}
			return removeTags(have, tags)
		}
		typ, n, _ := parseGID(argStr(args["id"]))
		st := s.st
		switch {
		case typ == "Order" && st.orderByID[n] != nil:
			o := st.orderByID[n]
			o.tags, o.updatedAt = edit(o.tags), st.touch(ec.now)
			s.emitOrder("orders/updated", o)
		case typ == "Product" && st.prodByID[n] != nil:
			p := st.prodByID[n]
			p.tags, p.updatedAt = edit(p.tags), st.touch(ec.now)
			s.emitProduct("products/update", p)
		case typ == "Customer" && st.custByID[n] != nil:
			c := st.custByID[n]
			c.tags, c.updatedAt = edit(c.tags), st.touch(ec.now)
			s.emit("customers/update", func() *omap { return s.restCustomer(c, true) })
		default:
			payload["userErrors"] = []any{userError([]string{"id"}, "Resource does not exist", "")}
			return payload, nil
		}
		payload["node"] = s.node(argStr(args["id"]))
		return payload, nil
	}
}

func (s *Server) orderCloseOpen(typename string, closing bool) resolver {
	return func(ec *execCtx, args map[string]any) (any, error) {
		payload := obj{"__typename": typename, "order": nil, "userErrors": []any{}}
		id, _ := idOf(argMap(args["input"])["id"], "Order")
		o := s.st.orderByID[id]
		switch {
		case o == nil:
			payload["userErrors"] = []any{userError([]string{"id"}, "Order does not exist", "")}
			return payload, nil
		case !closing && !o.cancelledAt.IsZero():
			payload["userErrors"] = []any{userError([]string{"id"}, "A cancelled order cannot be opened", "")}
			return payload, nil
		}
		now := s.st.touch(ec.now)
		if closing {
			if o.closedAt.IsZero() {
				o.closedAt = now
			}
		} else {
			o.closedAt = time.Time{}
		}
		o.updatedAt = now
		s.emitOrder("orders/updated", o)
		payload["order"] = s.orderObj(o)
		return payload, nil
	}
}
