package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
)

// The reports page is seed 003's Reporting tab: sales of the orders ferry
// moved, by day, product or instance, as a bar chart and a pivot table with a
// column per instance (source shop).

// reportsData is the reports page's data.
type reportsData struct {
	By, From, To string
	Report       flow.SalesReport
}

// salesQuery reads by, from and to (dates; to inclusive) of a request.
func salesQuery(r *http.Request) (flow.SalesQuery, reportsData, error) {
	q := r.URL.Query()
	d := reportsData{By: q.Get("by"), From: q.Get("from"), To: q.Get("to")}
	if d.By == "" {
		d.By = "day"
	}
	sq := flow.SalesQuery{By: d.By}
	var err error
	if d.From != "" {
		if sq.From, err = time.Parse("2006-01-02", d.From); err != nil {
			return sq, d, badInput("from %q: want a date, 2026-11-01", d.From)
		}
	}
	if d.To != "" {
		if sq.To, err = time.Parse("2006-01-02", d.To); err != nil {
			return sq, d, badInput("to %q: want a date, 2026-11-30", d.To)
		}
		sq.To = sq.To.AddDate(0, 0, 1)
	}
	if !sq.From.IsZero() && !sq.To.IsZero() && !sq.From.Before(sq.To) {
		return sq, d, badInput("from %s is after to %s", d.From, d.To)
	}
	return sq, d, nil
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	sq, d, err := salesQuery(r)
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "reports", page{Title: "Sales report", Nav: "reports", Error: err.Error(), Data: d})
		return
	}
	if d.Report, err = s.hub.Flows.SalesReport(r.Context(), sq); err != nil {
		s.render(w, r, statusOf(err), "reports", page{Title: "Sales report", Nav: "reports", Error: err.Error(), Data: d})
		return
	}
	s.render(w, r, http.StatusOK, "reports", page{Title: "Sales report", Nav: "reports", Data: d})
}

// salesChart draws a report's rows as bars of their amount in the report's
// currency (at most 60 rows: the newest days, or the first products).
func salesChart(rep flow.SalesReport) template.HTML {
	const w, h, pad = 720, 160, 20
	rows := rep.Rows
	if len(rows) > 60 {
		if rep.By == "day" {
			rows = rows[len(rows)-60:]
		} else {
			rows = rows[:60]
		}
	}
	var peak float64
	for _, r := range rows {
		peak = max(peak, r.Amounts[rep.Currency].Float64())
	}
	var b strings.Builder
	label := fmt.Sprintf("sales by %s in %s (peak %.2f)", rep.By, rep.Currency, peak)
	fmt.Fprintf(&b, `<svg class="chart" id="sales-chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`, w, h, html.EscapeString(label))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(label))
	fmt.Fprintf(&b, `<line class="axis" x1="0" y1="%d" x2="%d" y2="%d"/>`, h-pad, w, h-pad)
	if len(rows) > 0 {
		slot := float64(w) / float64(len(rows))
		step := max(1, len(rows)/8)
		for i, r := range rows {
			v := r.Amounts[rep.Currency].Float64()
			bh := 0.0
			if peak > 0 {
				bh = v / peak * float64(h-2*pad)
			}
			x := float64(i)*slot + 1
			fmt.Fprintf(&b, `<rect class="bar-done" data-key="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %.2f %s, %d orders</title></rect>`,
				html.EscapeString(r.Key), x, float64(h-pad)-bh, max(slot-2, 1), bh, html.EscapeString(r.Key), v, html.EscapeString(rep.Currency), r.Orders)
			if i%step == 0 {
				fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d">%s</text>`, x, h-4, html.EscapeString(shortKey(r.Key)))
			}
		}
	}
	fmt.Fprintf(&b, `<text class="tick" x="%d" y="12" text-anchor="end">peak %.2f %s</text>`, w-2, peak, html.EscapeString(rep.Currency))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func shortKey(k string) string {
	if len(k) > 12 {
		return k[:11] + "…"
	}
	return k
}
