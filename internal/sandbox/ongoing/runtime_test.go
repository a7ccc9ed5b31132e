package ongoing

import (
	"context"
	"net"
	"testing"
	"time"
)

// TestSandboxServeRunsTheWarehouse: with StepEvery, Serve moves orders to sent by
// itself and stops cleanly.
func TestSandboxServeRunsTheWarehouse(t *testing.T) {
	t.Parallel()
	sb := New(Options{StepEvery: 10 * time.Millisecond, Articles: -1})
	sb.SetStock("MUG", 5)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sb.Serve(ctx, ln) }()
	sb.mu.Lock()
	in, aerr := decodeOrder([]byte(`{"goodsOwnerId":42,"orderNumber":"S-1","deliveryDate":"2026-07-01","consignee":{"name":"x"},"orderLines":[{"rowNumber":"1","articleNumber":"MUG","numberOfItems":2}]}`))
	if aerr != nil {
		t.Fatal(aerr)
	}
	sb.upsertOrder(nil, in, time.Now())
	sb.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for st, _ := sb.OrderStatus("S-1"); st != StatusSent; st, _ = sb.OrderStatus("S-1") {
		if time.Now().After(deadline) {
			t.Fatalf("order still in %d", st)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if phys, sell, _ := sb.Stock("MUG"); phys != 3 || sell != 3 {
		t.Fatalf("stock %v/%v after shipping 2 of 5", phys, sell)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
