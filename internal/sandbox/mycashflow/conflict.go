package mycashflow

import "net/http"

// An action repeated on a record already in the state it sets answers 409
// Conflict naming that state, as the second implementation of the API does. A
// client whose write committed and then failed (see CommitFaults) meets these
// on its retry and must read the record back rather than fail.

// alreadyInState is the answer to a payment action whose target status the
// payment already has, e.g. mark-as-paid on a PAID payment.
func alreadyInState(o *order, p *payment) error {
	return errf(http.StatusConflict, "Payment is already %s (payment %d of order %d)", p.Status, p.ID, o.ID)
}

// alreadyCompleted is the answer to quick-process of a completed order.
func alreadyCompleted(o *order) error {
	return errf(http.StatusConflict, "Order is already completed (order %d, status %s)", o.ID, o.Status)
}
