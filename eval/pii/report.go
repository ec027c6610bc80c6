package pii

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteTable prints the report for a person at a terminal.
func (r *Report) WriteTable(w io.Writer) error {
	blocks := ""
	if r.Config.AddressBlocks {
		blocks = "   addresses scored as blocks"
	}
	fmt.Fprintf(w, "records %d   ms/record %.3f   span IoU ≥ %.2f   β = %g%s\n\n", r.Records, r.MsPerRecord, r.Config.IoU, r.Config.Beta, blocks)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	nameW := len("any PII (type-agnostic)")
	for n := range r.Entities {
		nameW = max(nameW, len(n))
	}
	pad := func(s string) string { return fmt.Sprintf("%-*s", nameW, s) }
	row := func(name string, s Scores, exact string, token Scores, leak string) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%.3f\t%s\t\n",
			pad(name), s.Support, s.TP, s.FP, s.FN, s.Precision, s.Recall, s.F1, s.F2, exact, token.F1, leak)
	}
	f3 := func(v float64) string { return fmt.Sprintf("%.3f", v) }
	fmt.Fprintln(tw, pad("entity")+"\tsupport\ttp\tfp\tfn\tprecision\trecall\tf1\tf2\texact f1\ttoken f1\tleak\t")
	for _, n := range r.EntityNames() {
		e := r.Entities[n]
		leak := "-"
		if e.GoldChars > 0 {
			leak = fmt.Sprintf("%.2f%%", 100*e.LeakRate)
		}
		row(n, e.Scores, f3(e.Exact.F1), e.Token, leak)
	}
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t\t\t\t\t")
	row("overall (micro)", r.Overall, f3(r.Exact.F1), r.Token, fmt.Sprintf("%.2f%%", 100*r.LeakRate))
	m := r.Macro
	fmt.Fprintf(tw, "%s\t%d\t\t\t\t%.3f\t%.3f\t%.3f\t%.3f\t\t\t\t\n", pad("macro"), m.Support, m.Precision, m.Recall, m.F1, m.F2)
	row("any PII (type-agnostic)", r.AnyPII, "-", r.AnyPIIToken, "")
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nleak rate %.2f%%: %d of %d gold PII characters not covered by any prediction\n", 100*r.LeakRate, r.LeakedChars, r.GoldChars)
	if r.Config.Beta != 2 {
		fmt.Fprintf(w, "overall F-β (β=%g) %.3f\n", r.Config.Beta, r.Overall.FBeta)
	}
	if len(r.Unscored) > 0 {
		fmt.Fprintf(w, "not scored (types the data does not label): %s\n", countList(r.Unscored))
	}
	if r.IgnoredGold > 0 {
		fmt.Fprintf(w, "ignored: %d gold spans (label map), %d predictions on them\n", r.IgnoredGold, r.IgnoredPredictions)
	}
	if pairs := r.TopConfusions(5); len(pairs) > 0 {
		fmt.Fprintf(w, "top confusions (gold → predicted): ")
		for i, p := range pairs {
			if i > 0 {
				fmt.Fprint(w, ", ")
			}
			fmt.Fprintf(w, "%s→%s %d", p.Gold, p.Pred, p.Count)
		}
		fmt.Fprintln(w)
	}
	return nil
}

func countList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// Confusion is one cell of the confusion matrix.
type Confusion struct {
	Gold, Pred string
	Count      int
}

// TopConfusions returns the n largest off-diagonal cells between two real
// types (misses and false alarms are in the per-entity FN/FP).
func (r *Report) TopConfusions(n int) []Confusion {
	var out []Confusion
	for g, row := range r.Confusion {
		for p, c := range row {
			if g != p && g != None && p != None {
				out = append(out, Confusion{g, p, c})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Gold+out[i].Pred < out[j].Gold+out[j].Pred
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// WriteJSON writes the machine-readable report.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteErrors writes one JSON object per error (FP, FN, wrong type).
func (r *Report) WriteErrors(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, e := range r.Errors {
		if err := enc.Encode(e); err != nil {
			return err
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
	if r.Entities == nil && r.Records == 0 {
		return nil, fmt.Errorf("read report: not a pii report")
	}
	return &r, nil
}

// Metrics flattens the headline numbers for baseline comparison.
func (r *Report) Metrics() map[string]float64 {
	m := map[string]float64{
		"overall.precision": r.Overall.Precision,
		"overall.recall":    r.Overall.Recall,
		"overall.f1":        r.Overall.F1,
		"overall.f2":        r.Overall.F2,
		"macro.f2":          r.Macro.F2,
		"any_pii.recall":    r.AnyPII.Recall,
		"any_pii.f2":        r.AnyPII.F2,
		"leak_rate":         r.LeakRate,
	}
	for n, e := range r.Entities {
		if e.Support == 0 {
			continue
		}
		m["entities."+n+".precision"] = e.Precision
		m["entities."+n+".recall"] = e.Recall
		m["entities."+n+".f2"] = e.F2
	}
	return m
}

// LowerIsBetter says which Metrics keys improve by falling.
func LowerIsBetter(name string) bool { return name == "leak_rate" }

// Metric returns a gate's value: metric ("f1", "f2", "precision",
// "recall") of entity key, or of the micro average for "ALL".
func (r *Report) Metric(key, metric string) (float64, bool) {
	s := r.Overall
	if key != "ALL" {
		e, ok := r.Entities[strings.ToUpper(key)]
		if !ok {
			return 0, false
		}
		s = e.Scores
	}
	switch metric {
	case "f1":
		return s.F1, true
	case "f2":
		return s.F2, true
	case "precision":
		return s.Precision, true
	case "recall":
		return s.Recall, true
	}
	return 0, false
}
