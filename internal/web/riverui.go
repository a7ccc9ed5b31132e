package web

import (
	"context"
	"net/http"
	"net/url"
	"sync"

	"riverqueue.com/riverui"

	"github.com/ferryhub/ferry/internal/store"
)

// riverUIPrefix is where River's own UI answers, for admins.
const riverUIPrefix = "/riverui"

// riverUI is River's UI (jobs, queues, retries) over the hub's queue, built on
// the first request.
type riverUI struct {
	once    sync.Once
	handler *riverui.Handler
	err     error
}

func (s *Server) mountRiverUI() {
	ui := &riverUI{}
	h := s.riverGuard(func(w http.ResponseWriter, r *http.Request) {
		ui.once.Do(func() {
			ends, err := s.hub.Queue.UIEndpoints()
			if err != nil {
				ui.err = err
				return
			}
			ui.handler, ui.err = riverui.NewHandler(&riverui.HandlerOpts{Endpoints: ends, Logger: s.opts.Logger, Prefix: riverUIPrefix})
			if ui.err == nil {
				// The open-source endpoints run no background services; Start
				// marks the handler started all the same.
				ui.err = ui.handler.Start(context.WithoutCancel(r.Context()))
			}
		})
		if ui.err != nil {
			s.fail(w, r, false, http.StatusServiceUnavailable, "River's UI is not available: "+ui.err.Error())
			return
		}
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		w.Header().Set("Cache-Control", "no-store")
		ui.handler.ServeHTTP(w, r)
	})
	s.mux.Handle(riverUIPrefix+"/", h)
	s.mux.Handle("GET "+riverUIPrefix, http.RedirectHandler(riverUIPrefix+"/", http.StatusSeeOther))
}

// riverGuard lets admins alone reach River's UI. Its page calls its API with
// JSON and no CSRF token, so a change must come from this site (Origin or
// Sec-Fetch-Site say so, as every current browser sends them) and as JSON,
// which another site cannot send without CORS, which this server never allows.
func (s *Server) riverGuard(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.authenticate(r)
		if !ok {
			if stateChanging(r.Method) {
				s.fail(w, r, true, http.StatusUnauthorized, "sign in first")
				return
			}
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if !p.Role.Allows(store.RoleAdmin) {
			s.fail(w, r, false, http.StatusForbidden, "River's UI is for admins; your role is "+string(p.Role))
			return
		}
		if stateChanging(r.Method) {
			if p.CSRF != "" && !sameOrigin(r) {
				s.fail(w, r, true, http.StatusForbidden, "a change in River's UI must come from this site")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		h(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	}
}

// sameOrigin reports whether a browser's request came from this site's own
// pages.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}
