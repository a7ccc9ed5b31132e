package odoo

import (
	"context"
	"fmt"
	"testing"

	"github.com/ferryhub/ferry/internal/model"
)

// An order the shop shipped before it came in is delivered in Odoo too, with
// the shop's tracking code; an open one keeps its open delivery; importing
// the shipped one again changes nothing.
func TestImportShippedOrders(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb, sku := moneyClient(t, version)
			shipped := moneyOrder("SH1", sku, 1)
			shipped.Order.Status = model.OrderCompleted
			shipped.Order.Shipments = []model.Shipment{{TrackingCode: "JJFI6400000000001"}}
			open := moneyOrder("SH2", sku, 1)
			res, err := c.ImportOrders(ctx, []model.OrderImport{shipped, open})
			if err != nil || res[0].Err != nil || res[1].Err != nil || res[0].Warning != "" {
				t.Fatalf("import: %+v %v", res, err)
			}
			state := func(id model.RemoteID) map[string]any {
				o := one(t, sb, "sale.order", string(id), "picking_ids")
				picks := idsOf(o["picking_ids"])
				if len(picks) != 1 {
					t.Fatalf("order %s has deliveries %v", id, o["picking_ids"])
				}
				return one(t, sb, "stock.picking", fmt.Sprint(picks[0]), "state", "carrier_tracking_ref")
			}
			if p := state(res[0].RemoteID); p["state"] != "done" || p["carrier_tracking_ref"] != "JJFI6400000000001" {
				t.Errorf("the shipped order's delivery: %v", p)
			}
			if p := state(res[1].RemoteID); p["state"] == "done" {
				t.Errorf("the open order's delivery is done: %v", p)
			}
			again, err := c.ImportOrders(ctx, []model.OrderImport{shipped})
			if err != nil || again[0].Err != nil || again[0].Created || again[0].RemoteID != res[0].RemoteID || again[0].Warning != "" {
				t.Fatalf("again: %+v %v", again, err)
			}
		})
	}
}
