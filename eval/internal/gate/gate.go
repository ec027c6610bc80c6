package gate

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Overall is the key a threshold without a name, or named ALL / OVERALL,
// applies to.
const Overall = "ALL"

// Threshold is one "KEY=limit" item.
type Threshold struct {
	Key   string
	Limit float64
}

// Parse reads "KEY=0.9,KEY2=0.8"; a bare number applies to Overall. Keys are
// upper-cased, except when keepCase is set (intent names).
func Parse(spec string, keepCase bool) ([]Threshold, error) {
	var out []Threshold
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val := Overall, item
		if i := strings.LastIndexByte(item, '='); i >= 0 {
			key, val = strings.TrimSpace(item[:i]), strings.TrimSpace(item[i+1:])
			if !keepCase || strings.EqualFold(key, Overall) || strings.EqualFold(key, "overall") {
				key = strings.ToUpper(key)
			}
			if key == "OVERALL" || key == "" {
				key = Overall
			}
		}
		v, err := strconv.ParseFloat(val, 64)
		if err != nil || v < 0 || math.IsNaN(v) {
			return nil, fmt.Errorf("threshold %q: want KEY=number", item)
		}
		out = append(out, Threshold{Key: key, Limit: v})
	}
	return out, nil
}

// Check is one evaluated gate.
type Check struct {
	Name    string // e.g. "PERSON f2"
	Got     float64
	Limit   float64
	Max     bool // the value must not exceed Limit (else: must reach it)
	Missing bool // the metric is not in the report
}

// Failed reports whether the check did not pass. A missing metric fails:
// a gate on a type the data does not contain is a configuration error.
func (c Check) Failed() bool {
	if c.Missing {
		return true
	}
	const eps = 1e-12
	if c.Max {
		return c.Got > c.Limit+eps
	}
	return c.Got < c.Limit-eps
}

func (c Check) String() string {
	switch {
	case c.Missing:
		return fmt.Sprintf("%s: not in the report (no such type in the data?)", c.Name)
	case c.Max:
		return fmt.Sprintf("%s = %.4f, above the maximum %.4f", c.Name, c.Got, c.Limit)
	}
	return fmt.Sprintf("%s = %.4f, below the minimum %.4f", c.Name, c.Got, c.Limit)
}

// Min checks each threshold as a minimum of metric(key); metric returns
// false when the report has no such key.
func Min(ts []Threshold, metricName string, metric func(key string) (float64, bool)) []Check {
	var out []Check
	for _, t := range ts {
		v, ok := metric(t.Key)
		out = append(out, Check{Name: t.Key + " " + metricName, Got: v, Limit: t.Limit, Missing: !ok})
	}
	return out
}

// Delta is one metric compared with a baseline.
type Delta struct {
	Name      string
	Old, New  float64
	Regressed bool
}

// Compare returns the deltas for the metrics present in both maps, sorted
// by name. A metric regressed when it got worse by more than tol; lower
// says which metrics are better when lower (leak rate, latency).
func Compare(old, cur map[string]float64, lower func(name string) bool, tol float64) []Delta {
	var out []Delta
	for k, n := range cur {
		o, ok := old[k]
		if !ok {
			continue
		}
		worse := o - n
		if lower != nil && lower(k) {
			worse = n - o
		}
		out = append(out, Delta{Name: k, Old: o, New: n, Regressed: worse > tol+1e-12})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// WriteDeltas prints a baseline comparison.
func WriteDeltas(w io.Writer, ds []Delta) {
	fmt.Fprintf(w, "%-40s %9s %9s %9s\n", "baseline", "old", "new", "delta")
	for _, d := range ds {
		mark := ""
		if d.Regressed {
			mark = "  REGRESSED"
		}
		fmt.Fprintf(w, "%-40s %9.4f %9.4f %+9.4f%s\n", d.Name, d.Old, d.New, d.New-d.Old, mark)
	}
}

// Report prints failed checks and regressions to w and returns whether
// everything passed.
func Report(w io.Writer, checks []Check, deltas []Delta, tol float64) bool {
	var failed []string
	for _, c := range checks {
		if c.Failed() {
			failed = append(failed, c.String())
		}
	}
	for _, d := range deltas {
		if d.Regressed {
			failed = append(failed, fmt.Sprintf("%s regressed: %.4f → %.4f (tolerance %.4f)", d.Name, d.Old, d.New, tol))
		}
	}
	if len(failed) == 0 {
		if len(checks)+len(deltas) > 0 {
			fmt.Fprintf(w, "gates: all %d passed\n", len(checks)+len(deltas))
		}
		return true
	}
	fmt.Fprintf(w, "gates: %d failed\n", len(failed))
	for _, f := range failed {
		fmt.Fprintf(w, "  FAIL %s\n", f)
	}
	return false
}
