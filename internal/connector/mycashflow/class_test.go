package mycashflow

import "testing"

// Only waiting can fix 408, 425, 429 and 5xx; every other 4xx fails the record
// at once (a 405 was retried ten times over twelve minutes).
func TestAPIErrorFailureClassByStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		want   string
	}{
		{400, "permanent"}, {401, "needs_action"}, {403, "needs_action"}, {404, "permanent"},
		{405, "permanent"}, {409, "permanent"}, {410, "permanent"}, {422, "permanent"},
		{408, ""}, {425, ""}, {429, ""}, {500, ""}, {503, ""},
	} {
		e := &APIError{Account: "shop", Op: "POST /orders/1/cancel", Status: tc.status}
		if got := e.FailureClass(); got != tc.want {
			t.Errorf("HTTP %d: class %q, want %q", tc.status, got, tc.want)
		}
	}
}
