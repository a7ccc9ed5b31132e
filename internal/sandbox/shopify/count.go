package shopify

// countCap is the 2025-01 schema's bound on ordersCount and productsCount
// ("Limited to a maximum of 10000"); their limit argument has no default
// there. customersCount and productVariantsCount take no limit and are not
// capped [V-schema].
const countCap = 10000

// countObj is a Count: n capped at limit (< 0: none), AT_LEAST when the
// cap is reached ("A limit was imposed and reached", CountPrecision
// [V-schema]; reached read as n ≥ cap [U]).
func countObj(n, limit int) obj {
	prec := "EXACT"
	if limit >= 0 && n >= limit {
		n, prec = limit, "AT_LEAST"
	}
	return obj{"__typename": "Count", "count": n, "precision": prec}
}

// countCapOf is the cap of a count with a limit argument: limit (at most
// countCap [U]) or countCap; a negative limit is ignored [U].
func countCapOf(args map[string]any) int {
	if l, ok := argInt(args["limit"]); ok && args["limit"] != nil && l >= 0 {
		return min(l, countCap)
	}
	return countCap
}

// countMatches counts the items fs matches under the query argument, with the
// connection's search warnings at path.
func countMatches[T any](ec *execCtx, args map[string]any, path string, fs filters, list []T) int {
	q := argStr(args["query"])
	parsed := parseSearch(q)
	ec.searchWarnings(path, q, fs, parsed)
	n := 0
	for _, x := range list {
		if fs.match(parsed, x) {
			n++
		}
	}
	return n
}

// countRoots are the count root fields the sandbox answers.
func (s *Server) countRoots() obj {
	return obj{
		"ordersCount": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			return countObj(countMatches(ec, args, "ordersCount", orderFilters, s.st.orders), countCapOf(args)), nil
		}),
		"productsCount": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			return countObj(countMatches(ec, args, "productsCount", productFilters, s.st.products), countCapOf(args)), nil
		}),
		// The schema says "No supported search fields."; the sandbox applies
		// productVariants' fields [U].
		"productVariantsCount": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			return countObj(countMatches(ec, args, "productVariantsCount", variantFilters, s.st.variants), -1), nil
		}),
		"customersCount": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			return countObj(countMatches(ec, args, "customersCount", customerFilters, s.st.customers), -1), nil
		}),
	}
}
