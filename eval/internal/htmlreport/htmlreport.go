package htmlreport

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// CSS is the shared page style.
const CSS template.CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:20px} header p{margin:4px 0 0;color:#b8c0d0;font-size:12px}
main{padding:20px 28px;max-width:1200px}
section{background:#fff;border:1px solid #e1e4ea;border-radius:8px;padding:16px 20px;margin:0 0 18px}
h2{font-size:16px;margin:0 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 18px}
.card{background:#fff;border:1px solid #e1e4ea;border-radius:8px;padding:10px 16px;min-width:110px}
.card .v{font-size:22px;font-weight:600} .card .k{font-size:12px;color:#5b6475;text-transform:uppercase;letter-spacing:.04em}
.card.bad .v{color:#c0392b} .card.good .v{color:#1e8449}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{padding:4px 10px;border-bottom:1px solid #eceef2;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left} th{font-size:12px;color:#5b6475;font-weight:600}
td.l{text-align:left;white-space:normal} tr.total td{font-weight:600;border-top:2px solid #c9ced8}
.cm td{min-width:34px;text-align:center} .cm th.rot{writing-mode:vertical-rl;transform:rotate(180deg);text-align:left;height:110px}
.err td{vertical-align:top} .err th,.err td{text-align:left} .ctx{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;white-space:pre-wrap;word-break:break-word}
mark{background:#ffe08a;padding:0 1px;border-radius:2px} .tag{display:inline-block;padding:0 6px;border-radius:3px;font-size:11px;font-weight:600;color:#fff}
.FN{background:#c0392b} .FP{background:#d68910} .wrong_type{background:#7d3c98} .ok{background:#1e8449}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;border-radius:2px}
.muted{color:#5b6475;font-size:12px}
`

// Palette colours series in charts.
var Palette = []string{"#2e86c1", "#28b463", "#d68910", "#7d3c98", "#c0392b"}

// Group is one labelled group of bars; Values are fractions in [0,1].
type Group struct {
	Label  string
	Values []float64
}

// BarChart draws horizontal grouped bars, one group per row, as inline SVG.
func BarChart(series []string, groups []Group) template.HTML {
	const (
		labelW = 190
		chartW = 520
		barH   = 9
		gap    = 10
	)
	groupH := len(series)*barH + gap
	height := len(groups)*groupH + 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bars" width="%d" height="%d" role="img" aria-label="bar chart">`, labelW+chartW+60, height)
	for i := 0; i <= 10; i += 2 {
		x := labelW + chartW*i/10
		fmt.Fprintf(&b, `<line x1="%d" y1="0" x2="%d" y2="%d" stroke="#e5e8ee"/><text x="%d" y="%d" font-size="10" fill="#5b6475" text-anchor="middle">%.1f</text>`, x, x, height-28, x, height-16, float64(i)/10)
	}
	for gi, g := range groups {
		y0 := gi * groupH
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end" fill="#1d2330">%s</text>`, labelW-8, y0+groupH/2+3, html.EscapeString(g.Label))
		for si, v := range g.Values {
			v = min(max(v, 0), 1)
			w := int(v*chartW + 0.5)
			y := y0 + si*barH
			name := ""
			if si < len(series) {
				name = series[si]
			}
			fmt.Fprintf(&b, `<rect class="bar" data-series="%s" data-group="%s" data-value="%.4f" x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s %s %.3f</title></rect>`,
				html.EscapeString(name), html.EscapeString(g.Label), v, labelW, y, w, barH-1, Palette[si%len(Palette)], html.EscapeString(g.Label), html.EscapeString(name), v)
			if v > 0 {
				fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="9" fill="#5b6475">%.2f</text>`, labelW+w+3, y+barH-1, v)
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Legend renders the series names with their colours.
func Legend(series []string) template.HTML {
	var b strings.Builder
	b.WriteString(`<div class="legend muted">`)
	for i, s := range series {
		fmt.Fprintf(&b, `<span style="background:%s"></span>%s`, Palette[i%len(Palette)], html.EscapeString(s))
	}
	b.WriteString(`</div>`)
	return template.HTML(b.String())
}

// Histogram draws vertical bars for counts with labels underneath.
func Histogram(labels []string, counts []int) template.HTML {
	const w, h, pad = 560, 160, 24
	maxC := 1
	for _, c := range counts {
		maxC = max(maxC, c)
	}
	n := max(len(counts), 1)
	bw := (w - 2*pad) / n
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="hist" width="%d" height="%d" role="img" aria-label="histogram">`, w, h+30)
	for i, c := range counts {
		bh := (h - 20) * c / maxC
		x := pad + i*bw
		fmt.Fprintf(&b, `<rect class="bar" data-value="%d" x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s: %d</title></rect>`, c, x+1, h-bh, bw-2, bh, Palette[0], html.EscapeString(labels[i]), c)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="9" text-anchor="middle" fill="#5b6475">%d</text>`, x+bw/2, h-bh-3, c)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="9" text-anchor="middle" fill="#5b6475">%s</text>`, x+bw/2, h+14, html.EscapeString(labels[i]))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Heat is a cell background whose strength grows with v/maxV; diagonal
// cells are green, others red.
func Heat(v, maxV int, diagonal bool) template.CSS {
	if v == 0 || maxV == 0 {
		return ""
	}
	a := 0.12 + 0.75*float64(v)/float64(maxV)
	if diagonal {
		return template.CSS(fmt.Sprintf("background:rgba(30,132,73,%.2f)", a))
	}
	return template.CSS(fmt.Sprintf("background:rgba(192,57,43,%.2f)", a))
}

// Pct formats a fraction as a percentage.
func Pct(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }

// Funcs are template helpers.
var Funcs = template.FuncMap{
	"pct":  Pct,
	"f3":   func(v float64) string { return fmt.Sprintf("%.3f", v) },
	"heat": Heat,
}
