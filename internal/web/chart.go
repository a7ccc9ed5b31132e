package web

import (
	"fmt"
	"html/template"
	"strings"
)

// chartSVG draws the last 24 hours as bars: which is "written" (records created
// or updated), "unchanged" (read again, nothing to write) or "errors" (parked or
// failed). Server-rendered, so the page needs no chart library.
func chartSVG(hours []HourPoint, which string) template.HTML {
	const w, h, pad = 480, 120, 18
	val := func(p HourPoint) int {
		switch which {
		case "errors":
			return p.Errors
		case "unchanged":
			return p.Unchanged
		}
		return p.Written
	}
	peak := 0
	for _, p := range hours {
		peak = max(peak, val(p))
	}
	class, title := "bar-done", "records written per hour"
	switch which {
	case "errors":
		class, title = "bar-errors", "records parked or failed per hour"
	case "unchanged":
		class, title = "bar-same", "records unchanged per hour"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s, last 24 hours (peak %d)">`, w, h, title, peak)
	fmt.Fprintf(&b, `<title>%s, last 24 hours</title>`, title)
	fmt.Fprintf(&b, `<line class="axis" x1="0" y1="%d" x2="%d" y2="%d"/>`, h-pad, w, h-pad)
	if len(hours) > 0 {
		slot := float64(w) / float64(len(hours))
		for i, p := range hours {
			v := val(p)
			bh := 0.0
			if peak > 0 {
				bh = float64(v) / float64(peak) * float64(h-2*pad)
			}
			x := float64(i)*slot + 1
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d</title></rect>`,
				class, x, float64(h-pad)-bh, slot-2, bh, p.Hour.Format("15:04 UTC"), v)
			if i%6 == 0 {
				fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d">%s</text>`, x, h-4, p.Hour.Format("15h"))
			}
		}
	}
	fmt.Fprintf(&b, `<text class="tick" x="%d" y="12" text-anchor="end">peak %d</text>`, w-2, peak)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
