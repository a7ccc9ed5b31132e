package ogoship

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

// TestSandboxGeneratedDataIsSeeded: the same seed gives the same merchant,
// and /_sandbox/state counts it.
func TestSandboxGeneratedDataIsSeeded(t *testing.T) {
	t.Parallel()
	a, b, c := newFixture(t, Options{Seed: 7}), newFixture(t, Options{Seed: 7}), newFixture(t, Options{Seed: 8})
	get := func(f *fixture) string { return string(f.must(200, "GET", "/api/v1/Orders?limit=250", nil).Raw) }
	if get(a) != get(b) || get(a) == get(c) {
		t.Fatal("generated orders do not follow the seed")
	}
	res, err := http.Get(a.ts.URL + "/_sandbox/state")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var st struct{ Counts map[string]int }
	json.NewDecoder(res.Body).Decode(&st)
	sum := 0
	for _, s := range orderStatuses {
		sum += st.Counts["orders."+s]
	}
	if st.Counts["products"] != 30 || st.Counts["orders"] != 20 || sum != 20 || st.Counts["token_grants.password"] != 1 || st.Counts["requests"] < 2 {
		t.Fatalf("counts %v", st.Counts)
	}
	if !reflect.DeepEqual(a.srv.ShippingMethods(), DefaultShippingMethods()) {
		t.Fatal("shipping methods")
	}
}
