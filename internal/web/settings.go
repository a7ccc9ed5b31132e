package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/ferryhub/ferry/internal/hub"
)

// ConnectionSettings is a connection on the settings page: its settings as
// fields (the value in force and the default of each) and which credentials
// are set.
type ConnectionSettings struct {
	hub.ConnectionInfo
	Fields []Field `json:"fields"`
	// Complex are the settings that are lists or maps, as JSON.
	Complex []ComplexField `json:"complex,omitempty"`
}

// ComplexField is a list or map setting, edited as JSON.
type ComplexField struct {
	Key  string `json:"key"`
	JSON string `json:"json"`
}

// RouteSettings is a route on the settings page: its simple options as fields;
// the rule lists (Complex) are edited on the Mappings page.
type RouteSettings struct {
	hub.RouteInfo
	Fields  []Field  `json:"fields"`
	Complex []string `json:"complex,omitempty"`
}

// SettingsView is the settings page's data.
type SettingsView struct {
	Connections []ConnectionSettings `json:"connections"`
	Routes      []RouteSettings      `json:"routes"`
	ConfigPath  string               `json:"-"`
}

func (s *Server) settingsView(ctx context.Context) (SettingsView, error) {
	conns, err := s.hub.Connections(ctx)
	if err != nil {
		return SettingsView{}, err
	}
	routes, err := s.hub.Routes(ctx, time.Now())
	if err != nil {
		return SettingsView{}, err
	}
	v := SettingsView{Connections: []ConnectionSettings{}, Routes: []RouteSettings{}, ConfigPath: s.hub.Config.Path}
	for _, c := range conns {
		cs := ConnectionSettings{ConnectionInfo: c, Fields: []Field{}}
		cur, def, rate, err := s.hub.ConnectionSettings(ctx, c.Name)
		if err == nil {
			var complex []string
			cs.Fields, complex = fieldsOf(cur, def)
			for i, f := range cs.Fields {
				if f.Key == "rate_limit" && rate > 0 {
					cs.Fields[i].Value = fmtValue(reflectFloat(rate))
					cs.Fields[i].Locked = true
					cs.Fields[i].Note = fmt.Sprintf("in force from connections.%s.rate_limit in ferry.yaml, which overrides this setting; change it there", c.Name)
				}
			}
			for _, k := range complex {
				cs.Complex = append(cs.Complex, ComplexField{Key: k, JSON: complexJSON(cur, k)})
			}
		}
		v.Connections = append(v.Connections, cs)
	}
	for _, r := range routes {
		rs := RouteSettings{RouteInfo: r, Fields: []Field{}}
		if cur, def, err := s.hub.RouteOptions(ctx, r.Name); err == nil && cur != nil {
			rs.Fields, rs.Complex = fieldsOf(cur, def)
		}
		v.Routes = append(v.Routes, rs)
	}
	return v, nil
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.settingsView(r.Context())
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "settings", page{Title: "Settings", Nav: "settings", Data: v})
}

// connectionFromForm is a connection's settings after a settings form: the
// ones in force with the form's fields set. A form with a "settings" field
// (JSON) replaces them whole.
func (s *Server) connectionFromForm(r *http.Request, name string) ([]byte, error) {
	if raw, ok := r.PostForm["settings"]; ok && len(raw) > 0 {
		return []byte(raw[0]), nil
	}
	cur, _, _, err := s.hub.ConnectionSettings(r.Context(), name)
	if err != nil {
		return nil, &notFoundError{err.Error()}
	}
	if err := applyFields(cur, r.PostForm); err != nil {
		return nil, fmt.Errorf("connection %s: %w", name, err)
	}
	if err := applyComplex(cur, r.PostForm); err != nil {
		return nil, fmt.Errorf("connection %s: %w", name, err)
	}
	return json.Marshal(cur)
}

// routeFromForm is a route's options after a settings form: the ones in
// force with the form's fields set; "options" (JSON) replaces them whole.
func (s *Server) routeFromForm(r *http.Request, name string) ([]byte, error) {
	if raw, ok := r.PostForm["options"]; ok && len(raw) > 0 {
		return []byte(raw[0]), nil
	}
	cur, _, err := s.hub.RouteOptions(r.Context(), name)
	if err != nil {
		return nil, &notFoundError{err.Error()}
	}
	if cur == nil {
		return []byte("null"), nil
	}
	if err := applyFields(cur, r.PostForm); err != nil {
		return nil, fmt.Errorf("route %s: %w", name, err)
	}
	return json.Marshal(cur)
}
