package ongoing

import "net/http"

// booking is what the goods owner's orders hold of one article.
type booking struct {
	booked    float64 // on orders not yet sent or cancelled (open … picked)
	allocated float64 // allocated (status 320 … 400)
	picked    float64 // picked, waiting for the transporter (status 400)
	// pickedToBeReported is picked but not yet reported back through PATCH
	// …/reportedNumberOfItems; returnedToBeReported likewise for returns.
	pickedToBeReported, returnedToBeReported float64
}

// bookings sums the orders per article. The caller holds s.mu.
func (s *Server) bookings() map[int]*booking {
	m := map[int]*booking{}
	for _, o := range s.st.orders {
		if o.status == StatusCancelled {
			continue
		}
		for _, l := range o.lines {
			b := m[l.articleID]
			if b == nil {
				b = &booking{}
				m[l.articleID] = b
			}
			if o.status >= StatusOpen && o.status < StatusSent {
				b.booked += l.in.NumberOfItems.v
			}
			if o.status < StatusSent {
				b.allocated += l.allocated
			}
			if o.status == StatusPicked {
				b.picked += l.picked
			}
			if l.reported != nil {
				b.pickedToBeReported += max(0, l.picked-*l.reported)
			} else {
				b.pickedToBeReported += l.picked
			}
			if l.reportedReturned != nil {
				b.returnedToBeReported += max(0, l.returned-*l.reportedReturned)
			} else {
				b.returnedToBeReported += l.returned
			}
		}
	}
	return m
}

type reportedOut struct {
	PickedToBeReportedNumberOfItems   dec `json:"pickedToBeReportedNumberOfItems"`
	ReturnedToBeReportedNumberOfItems dec `json:"returnedToBeReportedNumberOfItems"`
	ReceivedToBeReportedNumberOfItems dec `json:"receivedToBeReportedNumberOfItems"`
}

// inventoryOut is GetArticleModel.inventoryInfo (GET_articles_by_id.response.json
// and GET_articles_by_id.inventoryInfo.oas.shape.json).
type inventoryOut struct {
	NumberOfItems                     dec         `json:"numberOfItems"`
	NumberOfBookedItems               dec         `json:"numberOfBookedItems"`
	NumberOfLockedItems               dec         `json:"numberOfLockedItems"`
	ToReceiveNumberOfItems            dec         `json:"toReceiveNumberOfItems"`
	AllocatedNumberOfItems            dec         `json:"allocatedNumberOfItems"`
	LockedForSaleNumberOfItems        dec         `json:"lockedForSaleNumberOfItems"`
	PickedToBeCollectedNumberOfItems  dec         `json:"pickedToBeCollectedNumberOfItems"`
	ReceivedToBeFinishedNumberOfItems dec         `json:"receivedToBeFinishedNumberOfItems"`
	LastInDate                        wtime       `json:"lastInDate"`
	SellableNumberOfItems             dec         `json:"sellableNumberOfItems"`
	TotalStockValue                   dec         `json:"totalStockValue"`
	Reported                          reportedOut `json:"reported"`
}

func (s *Server) inventoryInfo(a *article, b *booking) inventoryOut {
	if b == nil {
		b = &booking{}
	}
	price := a.in.StockValuationPrice.v
	if !a.in.StockValuationPrice.set {
		price = a.in.PurchasePrice.v
	}
	return inventoryOut{
		NumberOfItems: dec(a.onHand), NumberOfBookedItems: dec(b.booked), AllocatedNumberOfItems: dec(b.allocated),
		PickedToBeCollectedNumberOfItems: dec(b.picked), LastInDate: stamp(a.lastIn),
		SellableNumberOfItems: dec(a.onHand - b.booked), TotalStockValue: dec(round2(max(0, a.onHand) * price)),
		Reported: reportedOut{PickedToBeReportedNumberOfItems: dec(b.pickedToBeReported), ReturnedToBeReportedNumberOfItems: dec(b.returnedToBeReported)},
	}
}

func round2(f float64) float64 {
	if f < 0 {
		return -round2(-f)
	}
	return float64(int64(f*100+0.5)) / 100
}

// inventoryPerWarehouseOut is GET_articles_inventoryPerWarehouse.response.shape.json.
type inventoryPerWarehouseOut struct {
	ArticleSystemID       int                 `json:"articleSystemId"`
	ArticleNumber         string              `json:"articleNumber"`
	InventoryPerWarehouse []warehouseStockOut `json:"inventoryPerWarehouse"`
}

type warehouseStockOut struct {
	WarehouseID                   int         `json:"warehouseId"`
	NumberOfItems                 dec         `json:"numberOfItems"`
	NumberOfLockedItems           dec         `json:"numberOfLockedItems"`
	SellableNumberOfItems         dec         `json:"sellableNumberOfItems"`
	AvailableForSaleNumberOfItems dec         `json:"availableForSaleNumberOfItems"`
	Reported                      reportedOut `json:"reported"`
	AllocatedNumberOfItems        dec         `json:"allocatedNumberOfItems"`
}

// getInventoryPerWarehouse is GET /articles/inventoryPerWarehouse: goodsOwnerId,
// articleSystemIdFrom/maxArticlesToGet, articleNumbers, stockInfoChangedFrom,
// warehouseIds.
func getInventoryPerWarehouse(s *Server, q *req) (reply, *apiErr) {
	if e := s.ownerFromQuery(q); e != nil {
		return reply{}, e
	}
	from, max, e := q.q.page("articleSystemIdFrom", "maxArticlesToGet")
	if e != nil {
		return reply{}, e
	}
	stockFrom, e := q.q.time("stockInfoChangedFrom")
	if e != nil {
		return reply{}, e
	}
	numbers := set(append(q.q.list("articleNumbers"), q.q.list("articleNumber")...))
	ours := true
	if ids := q.q.list("warehouseIds"); len(ids) > 0 {
		ours = false
		for _, id := range ids {
			ours = ours || id == itoa(s.opts.WarehouseID)
		}
	}
	bk := s.bookings()
	page := fromID(s.st.articles, func(a *article) int { return a.id }, from, max, func(a *article) bool {
		return (numbers == nil || numbers[key(a.in.ArticleNumber.String())]) && after(a.stockChanged, stockFrom)
	})
	out := make([]inventoryPerWarehouseOut, 0, len(page))
	for _, a := range page {
		item := inventoryPerWarehouseOut{ArticleSystemID: a.id, ArticleNumber: a.in.ArticleNumber.String(), InventoryPerWarehouse: []warehouseStockOut{}}
		if ours {
			inv := s.inventoryInfo(a, bk[a.id])
			item.InventoryPerWarehouse = append(item.InventoryPerWarehouse, warehouseStockOut{
				WarehouseID: s.opts.WarehouseID, NumberOfItems: inv.NumberOfItems, SellableNumberOfItems: inv.SellableNumberOfItems,
				AvailableForSaleNumberOfItems: inv.SellableNumberOfItems, Reported: inv.Reported, AllocatedNumberOfItems: inv.AllocatedNumberOfItems})
		}
		out = append(out, item)
	}
	return reply{code: http.StatusOK, body: out}, nil
}
