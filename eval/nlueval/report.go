package nlueval

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"text/tabwriter"

	"github.com/veilhq/veil/eval/internal/htmlreport"
	"github.com/veilhq/veil/nlu"
)

// IntentNames returns the report's intents, sorted.
func (r *Report) IntentNames() []string {
	out := make([]string, 0, len(r.Intents))
	for k := range r.Intents {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// WorstIntents returns up to n intents with support, lowest F1 first.
func (r *Report) WorstIntents(n int) []string {
	var out []string
	for _, k := range r.IntentNames() {
		if r.Intents[k].Support > 0 {
			out = append(out, k)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return r.Intents[out[i]].F1 < r.Intents[out[j]].F1 })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func meanStd(fs []FoldScores, get func(FoldScores) float64) (float64, float64) {
	var m, s float64
	for _, f := range fs {
		m += get(f)
	}
	m /= float64(len(fs))
	for _, f := range fs {
		s += (get(f) - m) * (get(f) - m)
	}
	return m, math.Sqrt(s / float64(len(fs)))
}

// WriteTable prints the report for a person at a terminal.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "test records %d (in scope %d, out of scope %d)   train examples %d   intents %d\n", r.Records, r.InScopeRecords, r.OOSRecords, r.TrainExamples, len(r.Intents))
	fmt.Fprintf(w, "train %.2fs   parse p50 %.3f ms   p95 %.3f ms\n\n", r.TrainSeconds, r.ParseP50Ms, r.ParseP95Ms)
	fmt.Fprintf(w, "accuracy           %.4f\n", r.Accuracy)
	fmt.Fprintf(w, "in-scope accuracy  %.4f\n", r.InScopeAccuracy)
	fmt.Fprintf(w, "oos recall         %s\n", r.oosFormat(r.OOSRecall, r.OOSRecords > 0))
	fmt.Fprintf(w, "oos precision      %s\n", r.oosFormat(r.OOSPrecision, r.OOSRecords > 0 || r.OOSPredicted() > 0))
	fmt.Fprintf(w, "macro F1           %.4f\n", r.MacroF1)
	if len(r.Folds) > 0 {
		fmt.Fprintf(w, "\n%d-fold cross-validation (mean ± std over folds):\n", len(r.Folds))
		for _, m := range []struct {
			name string
			get  func(FoldScores) float64
		}{
			{"accuracy", func(f FoldScores) float64 { return f.Accuracy }},
			{"in-scope accuracy", func(f FoldScores) float64 { return f.InScopeAccuracy }},
			{"oos recall", func(f FoldScores) float64 { return f.OOSRecall }},
			{"macro F1", func(f FoldScores) float64 { return f.MacroF1 }},
		} {
			if m.name == "oos recall" && r.OOSRecords == 0 {
				fmt.Fprintf(w, "  %-18s n/a\n", m.name)
				continue
			}
			mean, std := meanStd(r.Folds, m.get)
			fmt.Fprintf(w, "  %-18s %.4f ± %.4f\n", m.name, mean, std)
		}
	}
	worst := r.WorstIntents(10)
	if len(worst) > 0 {
		fmt.Fprintf(w, "\nweakest intents:\n")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "intent\tsupport\tprecision\trecall\tf1\t")
		for _, k := range worst {
			s := r.Intents[k]
			fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t\n", k, s.Support, s.Precision, s.Recall, s.F1)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.TopConfusions) > 0 {
		fmt.Fprintf(w, "\ntop confusions (gold → predicted):\n")
		for i, c := range r.TopConfusions {
			if i == 10 {
				break
			}
			fmt.Fprintf(w, "  %4d  %s → %s\n", c.Count, c.Gold, c.Pred)
		}
	}
	fmt.Fprintf(w, "\nconfidence histogram (correct/incorrect):\n")
	for _, b := range r.Histogram {
		fmt.Fprintf(w, "  [%.1f,%.1f)  %6d / %-6d\n", b.Lo, b.Hi, b.Correct, b.Incorrect)
	}
	return nil
}

// oosFormat prints an out-of-scope rate, or n/a when the test data gave
// it nothing to measure (ok false).
func (r *Report) oosFormat(v float64, ok bool) string {
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf("%.4f", v)
}

// OOSPredicted is the number of test queries answered out of scope.
func (r *Report) OOSPredicted() int {
	s := r.Intents[nlu.OutOfScope]
	return s.TP + s.FP
}

// WriteJSON writes the machine-readable report. Without out-of-scope test
// queries, oos_recall is null (n/a), and so is oos_precision when nothing
// was answered out of scope either.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	type plain Report // without this method
	out := struct {
		*plain
		OOSRecall    *float64 `json:"oos_recall"`
		OOSPrecision *float64 `json:"oos_precision"`
	}{plain: (*plain)(r)}
	if r.OOSRecords > 0 {
		out.OOSRecall = &r.OOSRecall
	}
	if r.OOSRecords > 0 || r.OOSPredicted() > 0 {
		out.OOSPrecision = &r.OOSPrecision
	}
	return enc.Encode(out)
}

// WriteErrors writes every misclassified test query as one JSON object.
func (r *Report) WriteErrors(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, p := range r.Predictions {
		if p.Gold != p.Pred {
			if err := enc.Encode(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReadReport decodes a report written by WriteJSON (a --baseline).
func ReadReport(rd io.Reader) (*Report, error) {
	var r Report
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	if r.Intents == nil {
		return nil, fmt.Errorf("read report: not an nlu report")
	}
	return &r, nil
}

// Metrics flattens the headline numbers for baseline comparison.
func (r *Report) Metrics() map[string]float64 {
	m := map[string]float64{
		"accuracy":          r.Accuracy,
		"in_scope_accuracy": r.InScopeAccuracy,
		"macro_f1":          r.MacroF1,
	}
	if r.OOSRecords > 0 {
		m["oos_recall"] = r.OOSRecall
	}
	return m
}

// IntentF1 returns an intent's F1 for gates ("ALL" is the macro F1).
func (r *Report) IntentF1(key string) (float64, bool) {
	if key == "ALL" {
		return r.MacroF1, true
	}
	s, ok := r.Intents[key]
	if !ok || s.Support == 0 {
		return 0, false
	}
	return s.F1, true
}

type nluHTML struct {
	R          *Report
	CSS        template.CSS
	Chart      template.HTML
	Legend     template.HTML
	Hist       template.HTML
	Worst      []string
	All        []string
	Errors     []Prediction
	ErrorTotal int
	OOS        string
}

// WriteHTML writes a self-contained HTML report.
func (r *Report) WriteHTML(w io.Writer) error {
	d := nluHTML{R: r, CSS: htmlreport.CSS, Worst: r.WorstIntents(25), All: r.IntentNames(), OOS: nlu.OutOfScope}
	series := []string{"precision", "recall", "F1"}
	var groups []htmlreport.Group
	for _, k := range d.Worst {
		s := r.Intents[k]
		groups = append(groups, htmlreport.Group{Label: k, Values: []float64{s.Precision, s.Recall, s.F1}})
	}
	d.Chart = htmlreport.BarChart(series, groups)
	d.Legend = htmlreport.Legend(series)
	var labels []string
	var counts []int
	for _, b := range r.Histogram {
		labels = append(labels, fmt.Sprintf("%.1f", b.Lo))
		counts = append(counts, b.Correct+b.Incorrect)
	}
	d.Hist = htmlreport.Histogram(labels, counts)
	for _, p := range r.Predictions {
		if p.Gold != p.Pred {
			d.ErrorTotal++
			if len(d.Errors) < 50 {
				d.Errors = append(d.Errors, p)
			}
		}
	}
	sort.SliceStable(d.Errors, func(i, j int) bool { return d.Errors[i].Confidence > d.Errors[j].Confidence })
	return nluTemplate.Execute(w, d)
}

var nluTemplate = template.Must(template.New("nlu").Funcs(htmlreport.Funcs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Veil NLU evaluation</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{{.CSS}}</style></head>
<body>
<header><h1>Veil NLU evaluation</h1>
<p>{{range .R.Config.Files}}{{.}} {{end}}· {{.R.Records}} test queries · {{.R.TrainExamples}} training examples{{if .R.Folds}} · {{len .R.Folds}}-fold cross-validation{{end}}</p></header>
<main>
<div class="cards" id="overall">
<div class="card"><div class="k">test queries</div><div class="v" id="records">{{.R.Records}}</div></div>
<div class="card"><div class="k">accuracy</div><div class="v" id="accuracy">{{f3 .R.Accuracy}}</div></div>
<div class="card"><div class="k">in-scope accuracy</div><div class="v" id="in-scope">{{f3 .R.InScopeAccuracy}}</div></div>
<div class="card"><div class="k">oos recall</div><div class="v" id="oos-recall">{{if .R.OOSRecords}}{{f3 .R.OOSRecall}}{{else}}n/a{{end}}</div></div>
<div class="card"><div class="k">macro F1</div><div class="v" id="macro-f1">{{f3 .R.MacroF1}}</div></div>
<div class="card"><div class="k">train</div><div class="v">{{printf "%.1f" .R.TrainSeconds}} s</div></div>
<div class="card"><div class="k">parse p50 / p95</div><div class="v">{{printf "%.2f" .R.ParseP50Ms}} / {{printf "%.2f" .R.ParseP95Ms}} ms</div></div>
</div>
{{if .R.Folds}}<section><h2>Folds</h2><table id="folds"><thead><tr><th>fold</th><th>queries</th><th>accuracy</th><th>in-scope accuracy</th><th>oos recall</th><th>macro F1</th><th>train s</th></tr></thead><tbody>
{{range $i, $f := .R.Folds}}<tr><td>{{$i}}</td><td>{{$f.Records}}</td><td>{{f3 $f.Accuracy}}</td><td>{{f3 $f.InScopeAccuracy}}</td><td>{{if $.R.OOSRecords}}{{f3 $f.OOSRecall}}{{else}}n/a{{end}}</td><td>{{f3 $f.MacroF1}}</td><td>{{printf "%.2f" $f.TrainSeconds}}</td></tr>
{{end}}</tbody></table></section>{{end}}
<section><h2>Weakest intents ({{len .Worst}} lowest F1)</h2>{{.Legend}}{{.Chart}}</section>
<section><h2>Top confusions (gold → predicted)</h2><table id="confusions"><thead><tr><th>gold</th><th>predicted</th><th>count</th></tr></thead><tbody>
{{range .R.TopConfusions}}<tr><td>{{.Gold}}</td><td class="l">{{.Pred}}</td><td>{{.Count}}</td></tr>
{{end}}</tbody></table></section>
<section><h2>Confidence of the top intent</h2>{{.Hist}}
<table id="histogram"><thead><tr><th>confidence</th><th>correct</th><th>incorrect</th></tr></thead><tbody>
{{range .R.Histogram}}<tr><td>[{{printf "%.1f" .Lo}}, {{printf "%.1f" .Hi}})</td><td>{{.Correct}}</td><td>{{.Incorrect}}</td></tr>
{{end}}</tbody></table></section>
<section><h2>Most confident errors ({{len .Errors}} of {{.ErrorTotal}})</h2><table class="err" id="errors"><thead><tr><th>gold</th><th>predicted</th><th>confidence</th><th>text</th></tr></thead><tbody>
{{range .Errors}}<tr><td>{{.Gold}}</td><td>{{.Pred}}</td><td>{{f3 .Confidence}}</td><td class="l ctx">{{.Text}}</td></tr>
{{end}}</tbody></table></section>
<section><h2>All intents</h2><table id="intents"><thead><tr><th>intent</th><th>support</th><th>precision</th><th>recall</th><th>F1</th></tr></thead><tbody>
{{range .All}}<tr data-intent="{{.}}"><td>{{.}}</td>{{with index $.R.Intents .}}<td>{{.Support}}</td><td>{{f3 .Precision}}</td><td>{{f3 .Recall}}</td><td>{{f3 .F1}}</td>{{end}}</tr>
{{end}}</tbody></table></section>
</main></body></html>
`))
