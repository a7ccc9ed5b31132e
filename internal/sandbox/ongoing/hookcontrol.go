package ongoing

import (
	"net/http"
	"strings"
)

// serveWebhookControl serves /_sandbox/webhooks…:
//
//	PUT/GET /_sandbox/webhooks             [Webhook…] (GET: {webhooks, faults, deliveries})
//	PUT/GET /_sandbox/webhooks/faults      WebhookFaults
//	GET     /_sandbox/webhooks/deliveries  [Delivery…]
func (s *Server) serveWebhookControl(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	bad := func(format string, args ...any) { writeErr(w, errf(http.StatusBadRequest, format, args...)) }
	put := r.Method == http.MethodPut || r.Method == http.MethodPost
	switch path = strings.TrimSuffix(path, "/"); {
	case path == "webhooks" && put:
		var hooks []Webhook
		if err := strictDecode(body, &hooks); err != nil {
			bad(`webhooks: body must be [{"url": "...", "token": "...", ...}]: %v`, err)
			return
		}
		if err := s.SetWebhooks(hooks); err != nil {
			bad("%v", err)
			return
		}
		fallthrough
	case path == "webhooks" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"webhooks": s.Webhooks(), "faults": s.WebhookFaults(), "deliveries": len(s.Deliveries())})
	case path == "webhooks/faults" && put:
		var f WebhookFaults
		if err := strictDecode(body, &f); err != nil {
			bad(`webhooks/faults: body must be {"duplicate": n, "drop": n, "wrongToken": n}: %v`, err)
			return
		}
		if err := s.SetWebhookFaults(f); err != nil {
			bad("%v", err)
			return
		}
		fallthrough
	case path == "webhooks/faults" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.WebhookFaults())
	case path == "webhooks/deliveries" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.Deliveries())
	default:
		writeErr(w, errf(http.StatusNotFound, "no sandbox endpoint %s %s; see the package doc", r.Method, r.URL.Path))
	}
}
