package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestOperationalEndpoints(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "ferry_test_total", Help: "test"})
	reg.MustRegister(c)
	c.Inc()
	ready := errors.New("database unreachable")
	srv := httptest.NewServer(New(Options{Gatherer: reg, Ready: func(context.Context) error { return ready }}).Handler())
	defer srv.Close()

	cases := []struct {
		path     string
		status   int
		contains string
	}{
		{"/healthz", 200, `"ok"`},
		{"/readyz", 503, "database unreachable"},
		{"/metrics", 200, "ferry_test_total 1"},
	}
	for _, tc := range cases {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.contains) {
			t.Errorf("GET %s = %d %q; want %d containing %q", tc.path, resp.StatusCode, body, tc.status, tc.contains)
		}
	}
}
