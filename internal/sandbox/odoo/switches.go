package odoo

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Module switches: installing or uninstalling base_vat and stock_sms while the
// server runs. Their control endpoints answer GET with {"enabled": bool} and
// take PUT or POST {"enabled": bool}.

// SetBaseVAT installs (on) or uninstalls base_vat.
func (s *Server) SetBaseVAT(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.BaseVAT = on
	s.setModuleState("base_vat", on)
}

// BaseVAT tells whether base_vat is installed.
func (s *Server) BaseVAT() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.BaseVAT
}

// SetStockSMS installs (on: SMS confirmation on, the warning not yet seen) or
// uninstalls stock_sms.
func (s *Server) SetStockSMS(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.installStockSMS(on)
}

// StockSMS tells whether stock_sms is installed.
func (s *Server) StockSMS() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.StockSMS
}

type moduleSwitch struct {
	Enabled *bool `json:"enabled"`
}

// serveSwitch serves a module's control endpoint.
func serveSwitch(w http.ResponseWriter, r *http.Request, what string, set func(bool), get func() bool) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPut, http.MethodPost:
		var c moduleSwitch
		dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil || c.Enabled == nil {
			http.Error(w, fmt.Sprintf("%s: want {\"enabled\": true|false} (%v)", what, err), http.StatusBadRequest)
			return
		}
		set(*c.Enabled)
	default:
		w.Header().Set("Allow", "GET, PUT, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	writeJSON(w, map[string]any{"enabled": get()})
}
