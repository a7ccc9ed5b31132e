package ongoing

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Order statuses, numbers and texts as GET_orders_statuses.response.json.
const (
	StatusError     = 150
	StatusOpen      = 200
	StatusReleased  = 300 // the warehouse has started: no more updates or cancels
	StatusAllocated = 320 // stock allocated to the order
	StatusPicked    = 400 // picked and packed
	StatusSent      = 450 // shipped: waybill, tracking and parcel set, stock out
	StatusCollected = 500
	StatusCancelled = 1000
)

var orderStatuses = []statusOut{
	{StatusError, "Error"}, {StatusOpen, "Open"}, {StatusReleased, "Released"}, {StatusAllocated, "Allocated"},
	{StatusPicked, "Picked"}, {StatusSent, "Sent"}, {StatusCollected, "Collected"}, {StatusCancelled, "Cancelled"},
}

// lifecycle is the path the simulation moves an order along: open → picking
// (released, allocated) → packed (picked) → shipped (sent).
var lifecycle = []int{StatusOpen, StatusReleased, StatusAllocated, StatusPicked, StatusSent}

func statusText(n int) string {
	for _, s := range orderStatuses {
		if s.Number == n {
			return s.Text
		}
	}
	return ""
}

func knownStatus(n int) bool { return statusText(n) != "" }

// started reports whether the warehouse has begun working on an order in status
// n (or finished with it): such an order can be neither updated nor cancelled.
func started(n int) bool { return n >= StatusReleased }

func lifecycleIndex(n int) int {
	for i, s := range lifecycle {
		if s == n {
			return i
		}
	}
	return -1
}

// touchStock marks an article's stock as changed (stockInfoChangedFrom).
func (s *Server) touchStock(articleID int, now time.Time) {
	if a := s.st.artByID[articleID]; a != nil {
		a.stockChanged = now
	}
}

func (s *Server) setStatus(o *order, n int, now time.Time) {
	old := o.status
	o.status, o.statusChanged, o.updated = n, now, now
	for _, l := range o.lines {
		s.touchStock(l.articleID, now)
	}
	s.statusEvents(o, old, now)
}

// step moves o one status along the life cycle with the warehouse's effects. It
// fails, leaving o as it was, when the stock cannot cover the allocation. bk is
// the current bookings (nil: computed here); an allocation updates it, so one
// pass over many orders sums the orders once.
func (s *Server) step(o *order, now time.Time, bk map[int]*booking) error {
	i := lifecycleIndex(o.status)
	if i < 0 || i == len(lifecycle)-1 {
		return fmt.Errorf("order %s in status %d %s is not on its way to %d", o.number, o.status, statusText(o.status), StatusSent)
	}
	next := lifecycle[i+1]
	switch next {
	case StatusAllocated:
		if bk == nil {
			bk = s.bookings()
		}
		need := map[int]float64{}
		for _, l := range o.lines {
			need[l.articleID] += l.in.NumberOfItems.v
		}
		for id, n := range need {
			a := s.st.artByID[id]
			if !boolOr(a.in.IsStockArticle, true) {
				continue
			}
			free := a.onHand
			if b := bk[id]; b != nil {
				free -= b.allocated
			}
			if free < n {
				return fmt.Errorf("order %s: not enough stock of article %s to allocate: %g free, %g needed",
					o.number, a.in.ArticleNumber.String(), free, n)
			}
		}
		for _, l := range o.lines {
			l.allocated = l.in.NumberOfItems.v
		}
		for id, n := range need {
			if bk[id] == nil {
				bk[id] = &booking{}
			}
			bk[id].allocated += n
		}
	case StatusPicked:
		for _, l := range o.lines {
			l.picked, l.packed = l.allocated, l.allocated
			l.items = nil
			if l.picked > 0 {
				a := s.st.artByID[l.articleID]
				l.items = append(l.items, pickedItem{id: s.st.next("item"), n: l.picked, inDate: a.lastIn, pickedTime: now,
					location: a.location, serial: l.in.SerialNumber.String()})
			}
		}
	case StatusSent:
		s.ship(o, now)
		for _, l := range o.lines { // what left the stock is no longer allocated
			if b := bk[l.articleID]; b != nil {
				b.allocated -= l.allocated
			}
		}
	}
	s.setStatus(o, next, now)
	return nil
}

// ship books the transport: the picked items leave the stock, and the order gets
// a transporter (when it had none), a waybill, tracking and a parcel.
func (s *Server) ship(o *order, now time.Time) {
	o.sent = now
	if o.shipmentID == 0 {
		o.shipmentID = s.st.next("shipment")
	}
	for _, l := range o.lines {
		if a := s.st.artByID[l.articleID]; a != nil && boolOr(a.in.IsStockArticle, true) {
			a.onHand -= l.picked
		}
	}
	if o.transporter.TransporterCode.String() == "" {
		o.transporter = transporterIn{TransporterCode: "PLAB", TransporterServiceCode: "P19"}
	}
	if o.wayBill == "" {
		o.wayBill = fmt.Sprintf("SBX%09dFI", o.id)
	}
	url := trackingURL(o.transporter.TransporterCode.String(), o.wayBill)
	hasTracking := false
	for _, t := range o.tracking {
		hasTracking = hasTracking || (!t.isReturn && t.waybill == o.wayBill)
	}
	if !hasTracking {
		o.tracking = append(o.tracking, &trackingRow{waybill: o.wayBill, url: url, created: now})
	}
	hasParcel := false
	for _, p := range o.parcels {
		hasParcel = hasParcel || !p.isReturn
	}
	if !hasParcel {
		id := s.st.next("parcel")
		number := fmt.Sprintf("00373%013d", id)
		o.parcels = append(o.parcels, &parcel{id: id, number: number, url: trackingURL(o.transporter.TransporterCode.String(), number)})
	}
}

func trackingURL(transporter, number string) string {
	if transporter == "PLAB" {
		return "https://tracking.postnord.com/se/?id=" + number
	}
	return "https://tracking.sandbox.example/" + transporter + "/" + number
}

// cancel sets o cancelled and releases what the warehouse had allocated or
// picked; nothing had left the stock yet.
func (s *Server) cancel(o *order, now time.Time) {
	for _, l := range o.lines {
		l.allocated, l.picked, l.packed, l.items = 0, 0, 0, nil
	}
	s.setStatus(o, StatusCancelled, now)
}

// moveTo takes o to status target as the warehouse would: forward along the life
// cycle step by step (with each step's effects), 500 after 450, 1000 (the
// warehouse cancels) from any status before 450, 150 from any, and back only
// while nothing is allocated.
func (s *Server) moveTo(o *order, target int, now time.Time) error {
	if !knownStatus(target) {
		return fmt.Errorf("status %d is not an order status of this goods owner", target)
	}
	cur := o.status
	switch {
	case target == cur:
		return nil
	case target == StatusCancelled:
		if cur >= StatusSent {
			return fmt.Errorf("order %s in status %d %s cannot be cancelled", o.number, cur, statusText(cur))
		}
		s.cancel(o, now)
		return nil
	case target == StatusError:
		s.setStatus(o, target, now)
		return nil
	case target == StatusCollected:
		if err := s.moveTo(o, StatusSent, now); err != nil {
			return err
		}
		s.setStatus(o, target, now)
		return nil
	}
	ti, ci := lifecycleIndex(target), lifecycleIndex(cur)
	switch {
	case ci >= 0 && ti > ci:
		for o.status != target {
			if err := s.step(o, now, nil); err != nil {
				return err
			}
		}
		return nil
	case cur < StatusAllocated || cur == StatusError:
		s.setStatus(o, target, now)
		return nil
	}
	return fmt.Errorf("order %s in status %d %s cannot go back to %d: goods are allocated", o.number, cur, statusText(cur), target)
}

// stepAll moves every order on its way to 450 one step and reports how many
// moved; orders whose stock is short stay where they are.
func (s *Server) stepAll(now time.Time) int {
	moved, bk := 0, s.bookings()
	for _, o := range s.st.orders {
		if i := lifecycleIndex(o.status); i >= 0 && i < len(lifecycle)-1 && s.step(o, now, bk) == nil {
			moved++
		}
	}
	return moved
}

// Step moves every open or started order one status step, as one tick of the
// warehouse simulation, and reports how many moved.
func (s *Server) Step() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stepAll(s.opts.Now())
}

// MoveOrder takes the order with orderNumber to status (see moveTo).
func (s *Server) MoveOrder(orderNumber string, status int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.ordByNumber[key(orderNumber)]
	if o == nil {
		return fmt.Errorf("no order number %s", orderNumber)
	}
	return s.moveTo(o, status, s.opts.Now())
}

// RunWarehouse steps every order each interval until ctx ends.
func (s *Server) RunWarehouse(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Step()
		}
	}
}

func getOrderStatuses(s *Server, q *req) (reply, *apiErr) {
	if q.q.get("goodsOwnerId") != "" {
		if e := s.ownerFromQuery(q); e != nil {
			return reply{}, e
		}
	}
	return reply{code: http.StatusOK, body: struct {
		OrderStatuses []statusOut `json:"orderStatuses"`
	}{orderStatuses}}, nil
}
