package mycashflow

import (
	"net/http"
	"time"
)

// Split payments: a customer pays part of an order with a gift card
// ("Lahjakortti", PAID at checkout) and the rest with the method chosen at
// checkout, e.g. an invoice ("Lasku", OPEN until paid). Each payment carries its
// own payment_method_id; the order's payment_method_id stays the checkout method
// (the one that pays the rest), since the reference gives the order one method
// and the gift card is redeemed on top of it [U]. The gift card payment comes
// first in the order's payments (redeemed first), so payments[0] is not the
// payment to mark paid.

// giftCardProvider is the provider of the gift card payment method.
const giftCardProvider = "giftcard"

// giftCardMethod returns the gift card payment method, if the shop has one.
func (st *state) giftCardMethod() (*paymentMethod, bool) {
	for _, pm := range st.paymentMethod.all() {
		if pm.Provider == giftCardProvider {
			return pm, true
		}
	}
	return nil, false
}

// checkoutMethodIDs are the payment methods an order can be placed with; a gift
// card only pays part of one.
func (st *state) checkoutMethodIDs() []int {
	var ids []int
	for _, pm := range st.paymentMethod.all() {
		if pm.Provider != giftCardProvider {
			ids = append(ids, pm.ID)
		}
	}
	return ids
}

// giftCardPayment checks the gift card part of a new order and returns its PAID
// payment; nil when the order has none. The caller adds it before the payment
// of the checkout method, whose amount is the rest.
func (s *Server) giftCardPayment(o *order, amount money, pm *paymentMethod, now time.Time) (*payment, error) {
	if amount == 0 {
		return nil, nil
	}
	fail := func(format string, args ...any) error {
		return errf(http.StatusUnprocessableEntity, "create order: field gift_card_amount: "+format, args...)
	}
	gm, found := s.st.giftCardMethod()
	switch {
	case !found:
		return nil, fail("the shop has no gift card payment method")
	case pm == nil:
		return nil, fail("a gift card pays part of an order; set payment_method_id for the rest")
	case pm.ID == gm.ID:
		return nil, fail("payment_method_id is the gift card; name the method that pays the rest")
	case amount < 0 || amount >= o.Total:
		return nil, fail("%s must be more than 0 and less than the total %s", amount, o.Total)
	}
	p := &payment{ID: s.st.next("payment"), CreatedAt: stamp(now), UpdatedAt: stamp(now), OrderID: o.ID, PaymentMethodID: gm.ID,
		Reference: finnishReference(o.ID), Amount: amount, Currency: o.Currency, ExchangeRate: 1}
	setPaymentStatus(p, payPaid)
	return p, nil
}

// generatedGiftCard is the gift card part the generator gives an order: every
// fourth invoice order gets 20 € (5 € when its lines are under 40 €), always
// less than its total.
func (s *Server) generatedGiftCard(in orderInput) money {
	if in.PaymentMethodID == nil || (s.st.seq["order"]+1)%4 != 0 {
		return 0
	}
	if pm, found := s.st.paymentMethod.get(*in.PaymentMethodID); !found || pm.Provider != "invoice" {
		return 0
	}
	var sub money
	for _, l := range in.Lines {
		o := s.st.codes[l.ProductCode]
		if o.variationID != 0 {
			sub += s.st.variations.byID[o.variationID].Price * money(l.Quantity)
		} else {
			sub += s.st.products.byID[o.productID].Price * money(l.Quantity)
		}
	}
	if sub >= 4000 {
		return 2000
	}
	return 500
}
