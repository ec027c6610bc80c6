package gate

import (
	"bytes"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		spec     string
		keepCase bool
		want     []Threshold
		err      bool
	}{
		{"0.9", false, []Threshold{{Overall, 0.9}}, false},
		{"person=0.85, ALL=0.9", false, []Threshold{{"PERSON", 0.85}, {Overall, 0.9}}, false},
		{"overall=0.5", false, []Threshold{{Overall, 0.5}}, false},
		{"book_flight=0.8,all=0.7", true, []Threshold{{"book_flight", 0.8}, {Overall, 0.7}}, false},
		{"PERSON=x", false, nil, true},
		{"PERSON=-1", false, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := Parse(tt.spec, tt.keepCase)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %v want %v", got[i], tt.want[i])
				}
			}
		})
	}
}

func TestChecksAndReport(t *testing.T) {
	metrics := map[string]float64{Overall: 0.91, "PERSON": 0.8}
	get := func(k string) (float64, bool) { v, ok := metrics[k]; return v, ok }
	ts, _ := Parse("ALL=0.9,PERSON=0.85,EMAIL=0.9", false)
	checks := Min(ts, "f2", get)
	checks = append(checks, Check{Name: "leak_rate", Got: 0.02, Limit: 0.01, Max: true})
	var fails []string
	for _, c := range checks {
		if c.Failed() {
			fails = append(fails, c.Name)
		}
	}
	if strings.Join(fails, ";") != "PERSON f2;EMAIL f2;leak_rate" {
		t.Errorf("failed = %v", fails)
	}
	if (Check{Name: "x", Got: 0.9, Limit: 0.9}).Failed() {
		t.Error("equal to the minimum should pass")
	}
	deltas := Compare(map[string]float64{"f2": 0.9, "leak_rate": 0.01, "gone": 1}, map[string]float64{"f2": 0.895, "leak_rate": 0.03, "new": 1},
		func(n string) bool { return n == "leak_rate" }, 0.01)
	if len(deltas) != 2 || deltas[0].Name != "f2" || deltas[0].Regressed || !deltas[1].Regressed {
		t.Errorf("deltas = %+v", deltas)
	}
	var buf bytes.Buffer
	if Report(&buf, checks, deltas, 0.01) {
		t.Error("Report passed with failures")
	}
	out := buf.String()
	for _, w := range []string{"4 failed", "PERSON f2 = 0.8000, below the minimum 0.8500", "EMAIL f2: not in the report", "leak_rate = 0.0200, above the maximum", "leak_rate regressed"} {
		if !strings.Contains(out, w) {
			t.Errorf("report lacks %q:\n%s", w, out)
		}
	}
	buf.Reset()
	if !Report(&buf, checks[:1], nil, 0) || !strings.Contains(buf.String(), "all 1 passed") {
		t.Errorf("passing report: %q", buf.String())
	}
}
