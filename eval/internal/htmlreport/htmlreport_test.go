package htmlreport

import (
	"strings"
	"testing"
)

func TestBarChart(t *testing.T) {
	svg := string(BarChart([]string{"precision", "recall"}, []Group{
		{Label: "<PERSON>", Values: []float64{0.5, 1.7}},
		{Label: "EMAIL", Values: []float64{-1, 0}},
	}))
	if !strings.HasPrefix(svg, "<svg") || !strings.HasSuffix(svg, "</svg>") {
		t.Fatalf("not an svg: %.60s", svg)
	}
	if n := strings.Count(svg, `<rect class="bar"`); n != 4 {
		t.Errorf("bars = %d, want 4", n)
	}
	for _, want := range []string{`data-group="&lt;PERSON&gt;" data-value="0.5000"`, `data-series="recall" data-group="&lt;PERSON&gt;" data-value="1.0000"`, `data-group="EMAIL" data-value="0.0000"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %q", want)
		}
	}
	if strings.Contains(svg, "<PERSON>") {
		t.Error("label not escaped")
	}
}

func TestHistogramAndHeat(t *testing.T) {
	svg := string(Histogram([]string{"0.0", "0.5"}, []int{3, 0}))
	if strings.Count(svg, `<rect class="bar"`) != 2 || !strings.Contains(svg, `data-value="3"`) {
		t.Errorf("histogram: %s", svg)
	}
	if Heat(0, 10, true) != "" {
		t.Error("empty cell should have no colour")
	}
	if h := string(Heat(10, 10, false)); !strings.Contains(h, "192,57,43,0.87") {
		t.Errorf("full off-diagonal cell = %q", h)
	}
	if h := string(Heat(1, 10, true)); !strings.Contains(h, "30,132,73,0.20") {
		t.Errorf("weak diagonal cell = %q", h)
	}
	if Pct(0.1234) != "12.3%" {
		t.Errorf("Pct = %q", Pct(0.1234))
	}
}
