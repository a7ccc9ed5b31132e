package jobs

import (
	"fmt"
	"testing"
)

type refused struct{ account string }

func (e *refused) Error() string        { return "401 refused" }
func (e *refused) FailureClass() string { return "needs_action" }
func (e *refused) DependsOn() string    { return "connection:" + e.account }

// A connector's refusal names its connection as what re-runs the job, even
// wrapped, unless a classification names another key.
func TestDependsOnOfAConnectorsRefusal(t *testing.T) {
	err := fmt.Errorf("reading orders: %w", &refused{"shop"})
	if ClassOf(err) != ClassNeedsAction || DependsOnOf(err) != "connection:shop" {
		t.Errorf("class %s, depends on %q; want needs_action on connection:shop", ClassOf(err), DependsOnOf(err))
	}
	if got := DependsOnOf(NeedsActionErr("", "", err)); got != "connection:shop" {
		t.Errorf("classified without a key: %q", got)
	}
	if got := DependsOnOf(NeedsActionErr("", "route:orders", err)); got != "route:orders" {
		t.Errorf("classified with a key: %q", got)
	}
}
