package pii

import (
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/veilhq/veil/eval/internal/htmlreport"
)

// WorstErrors returns up to n errors, worst first: misses that leak the
// most characters, then wrong types, then false positives.
func (r *Report) WorstErrors(n int) []Error {
	errs := append([]Error(nil), r.Errors...)
	rank := map[ErrorKind]int{KindFN: 0, KindWrongType: 1, KindFP: 2}
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		if rank[a.Kind] != rank[b.Kind] {
			return rank[a.Kind] < rank[b.Kind]
		}
		if a.Leaked != b.Leaked {
			return a.Leaked > b.Leaked
		}
		return a.End-a.Start > b.End-b.Start
	})
	if len(errs) > n {
		errs = errs[:n]
	}
	return errs
}

type htmlEntity struct {
	Name string
	*EntityReport
}

type htmlError struct {
	Error
	Before, Span, After string
}

type htmlData struct {
	R        *Report
	CSS      template.CSS
	Chart    template.HTML
	Legend   template.HTML
	Entities []htmlEntity
	Labels   []string // confusion matrix axes
	Matrix   [][]cell
	Errors   []htmlError
	Total    int
}

type cell struct {
	N     int
	Style template.CSS
}

// WriteHTML writes a self-contained HTML report: headline numbers, a
// per-entity bar chart and table, the confusion matrix and the worst errors.
func (r *Report) WriteHTML(w io.Writer) error {
	d := htmlData{R: r, CSS: htmlreport.CSS, Total: len(r.Errors)}
	series := []string{"precision", "recall", "F2"}
	var groups []htmlreport.Group
	for _, n := range r.EntityNames() {
		e := r.Entities[n]
		d.Entities = append(d.Entities, htmlEntity{n, e})
		groups = append(groups, htmlreport.Group{Label: n, Values: []float64{e.Precision, e.Recall, e.F2}})
	}
	groups = append(groups, htmlreport.Group{Label: "overall (micro)", Values: []float64{r.Overall.Precision, r.Overall.Recall, r.Overall.F2}})
	d.Chart = htmlreport.BarChart(series, groups)
	d.Legend = htmlreport.Legend(series)

	axis := map[string]bool{}
	maxV := 0
	for g, row := range r.Confusion {
		axis[g] = true
		for p, n := range row {
			axis[p] = true
			maxV = max(maxV, n)
		}
	}
	delete(axis, None)
	for k := range axis {
		d.Labels = append(d.Labels, k)
	}
	sort.Strings(d.Labels)
	d.Labels = append(d.Labels, None)
	for _, g := range d.Labels {
		row := make([]cell, len(d.Labels))
		for j, p := range d.Labels {
			n := r.Confusion[g][p]
			row[j] = cell{n, htmlreport.Heat(n, maxV, g == p)}
		}
		d.Matrix = append(d.Matrix, row)
	}
	for _, e := range r.WorstErrors(50) {
		he := htmlError{Error: e}
		if i := strings.Index(e.Context, "[["); i >= 0 {
			if j := strings.Index(e.Context[i:], "]]"); j >= 0 {
				he.Before, he.Span, he.After = e.Context[:i], e.Context[i+2:i+j], e.Context[i+j+2:]
			}
		}
		if he.Span == "" {
			he.Span = e.Text
		}
		d.Errors = append(d.Errors, he)
	}
	return piiTemplate.Execute(w, d)
}

var piiTemplate = template.Must(template.New("pii").Funcs(htmlreport.Funcs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Veil PII evaluation</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{{.CSS}}</style></head>
<body>
<header><h1>Veil PII evaluation</h1>
<p>{{range .R.Config.Files}}{{.}} {{end}}· {{.R.Records}} records · label map {{if .R.Config.LabelMap}}{{.R.Config.LabelMap}}{{else}}none{{end}} · span IoU ≥ {{.R.Config.IoU}} · β = {{.R.Config.Beta}}</p></header>
<main>
<div class="cards" id="overall">
<div class="card"><div class="k">records</div><div class="v" id="records">{{.R.Records}}</div></div>
<div class="card"><div class="k">precision</div><div class="v" id="precision">{{f3 .R.Overall.Precision}}</div></div>
<div class="card"><div class="k">recall</div><div class="v" id="recall">{{f3 .R.Overall.Recall}}</div></div>
<div class="card"><div class="k">F1</div><div class="v" id="f1">{{f3 .R.Overall.F1}}</div></div>
<div class="card"><div class="k">F2</div><div class="v" id="f2">{{f3 .R.Overall.F2}}</div></div>
<div class="card"><div class="k">any-PII recall</div><div class="v" id="any-recall">{{f3 .R.AnyPII.Recall}}</div></div>
<div class="card {{if gt .R.LeakRate 0.01}}bad{{else}}good{{end}}"><div class="k">leak rate</div><div class="v" id="leak">{{pct .R.LeakRate}}</div></div>
<div class="card"><div class="k">ms / record</div><div class="v" id="ms">{{printf "%.3f" .R.MsPerRecord}}</div></div>
</div>

<section><h2>Per entity (span level)</h2>{{.Legend}}{{.Chart}}</section>

<section><h2>Scores</h2>
<table id="entities"><thead><tr><th>entity</th><th>support</th><th>TP</th><th>FP</th><th>FN</th><th>precision</th><th>recall</th><th>F1</th><th>F2</th><th>exact F1</th><th>token F1</th><th>leak</th></tr></thead><tbody>
{{range .Entities}}<tr data-entity="{{.Name}}"><td>{{.Name}}</td><td>{{.Support}}</td><td>{{.TP}}</td><td>{{.FP}}</td><td>{{.FN}}</td><td>{{f3 .Precision}}</td><td>{{f3 .Recall}}</td><td>{{f3 .F1}}</td><td>{{f3 .F2}}</td><td>{{f3 .Exact.F1}}</td><td>{{f3 .Token.F1}}</td><td>{{if .GoldChars}}{{pct .LeakRate}}{{else}}–{{end}}</td></tr>
{{end}}<tr class="total" data-entity="overall"><td>overall (micro)</td><td>{{.R.Overall.Support}}</td><td>{{.R.Overall.TP}}</td><td>{{.R.Overall.FP}}</td><td>{{.R.Overall.FN}}</td><td>{{f3 .R.Overall.Precision}}</td><td>{{f3 .R.Overall.Recall}}</td><td>{{f3 .R.Overall.F1}}</td><td>{{f3 .R.Overall.F2}}</td><td>{{f3 .R.Exact.F1}}</td><td>{{f3 .R.Token.F1}}</td><td>{{pct .R.LeakRate}}</td></tr>
<tr><td>macro</td><td></td><td></td><td></td><td></td><td>{{f3 .R.Macro.Precision}}</td><td>{{f3 .R.Macro.Recall}}</td><td>{{f3 .R.Macro.F1}}</td><td>{{f3 .R.Macro.F2}}</td><td></td><td></td><td></td></tr>
<tr><td>any PII (type-agnostic)</td><td>{{.R.AnyPII.Support}}</td><td>{{.R.AnyPII.TP}}</td><td>{{.R.AnyPII.FP}}</td><td>{{.R.AnyPII.FN}}</td><td>{{f3 .R.AnyPII.Precision}}</td><td>{{f3 .R.AnyPII.Recall}}</td><td>{{f3 .R.AnyPII.F1}}</td><td>{{f3 .R.AnyPII.F2}}</td><td></td><td>{{f3 .R.AnyPIIToken.F1}}</td><td></td></tr>
</tbody></table>
<p class="muted">Leak: share of gold PII characters (whitespace excluded) no predicted span covers. {{.R.LeakedChars}} of {{.R.GoldChars}} characters leaked.{{if .R.IgnoredGold}} {{.R.IgnoredGold}} gold spans ignored by the label map.{{end}}</p>
</section>

<section><h2>Confusion matrix (rows: gold, columns: predicted, O: none)</h2>
<table class="cm" id="confusion"><thead><tr><th>gold \ predicted</th>{{range .Labels}}<th class="rot">{{.}}</th>{{end}}</tr></thead><tbody>
{{range $i, $row := .Matrix}}<tr><th>{{index $.Labels $i}}</th>{{range $row}}<td style="{{.Style}}">{{if .N}}{{.N}}{{end}}</td>{{end}}</tr>
{{end}}</tbody></table></section>

<section><h2>Worst errors ({{len .Errors}} of {{.Total}})</h2>
<table class="err" id="errors"><thead><tr><th>kind</th><th>gold</th><th>predicted</th><th>leaked</th><th>context</th><th>where</th></tr></thead><tbody>
{{range .Errors}}<tr><td><span class="tag {{.Kind}}">{{.Kind}}</span></td><td>{{.Gold}}</td><td>{{.Pred}}</td><td>{{if .Leaked}}{{.Leaked}}{{end}}</td><td class="l ctx">{{.Before}}<mark>{{.Span}}</mark>{{.After}}</td><td class="l muted">{{.Source}}</td></tr>
{{end}}</tbody></table></section>
</main></body></html>
`))
