package remote

import (
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// callsTotal counts every attempt of every remote call, by system and outcome (the
// HTTP status, "timeout" or "error").
var callsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "ferry_remote_calls_total",
	Help: "Remote API calls (each attempt) by system and HTTP status, timeout or error.",
}, []string{"system", "status"})

// Collectors returns the package's Prometheus collectors for registration.
func Collectors() []prometheus.Collector { return []prometheus.Collector{callsTotal} }

func recordCall(system, status string) {
	if system == "" {
		system = "unknown"
	}
	callsTotal.WithLabelValues(system, status).Inc()
}

// CallCount returns the number of calls recorded for system with status, for tests
// and benchmarks that count remote calls per record.
func CallCount(system string) float64 {
	ch := make(chan prometheus.Metric, 64)
	go func() { callsTotal.Collect(ch); close(ch) }()
	var n float64
	for m := range ch {
		var pb dtoMetric
		if err := m.Write(&pb.Metric); err != nil {
			continue
		}
		if pb.label("system") == system {
			n += pb.GetCounter().GetValue()
		}
	}
	return n
}

type dtoMetric struct{ dto.Metric }

func (m *dtoMetric) label(name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}
