package pii

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/eval/internal/htmlreport"
)

func TestHTMLRendersInChromium(t *testing.T) {
	text1 := "hi Ana García <b>, mail ana@correo.es"
	text2 := "call Bob on 555 123 4567 or bob@x.io"
	recs := []Record{
		{Text: text1, Spans: []GoldSpan{{3, 14, "PERSON"}, {24, 38, "EMAIL_ADDRESS"}}, Source: "t.jsonl:1"},
		{Text: text2, Spans: []GoldSpan{{5, 8, "PERSON"}, {12, 24, "PHONE_NUMBER"}, {28, 36, "EMAIL_ADDRESS"}}, Source: "t.jsonl:2"},
	}
	det := func(text string) []anonymize.Span {
		out := emailDetector(text)
		if text == text2 {
			out = append(out, anonymize.Span{Start: 5, End: 8, Type: "LOCATION"})
		}
		return out
	}
	rep, err := Evaluate(context.Background(), recs, det, Options{ScoreAllTypes: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteHTML(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	raw, _ := os.ReadFile(path)
	for _, banned := range []string{"<script", "http://", "https://", "<link", "@import"} {
		if strings.Contains(string(raw), banned) {
			t.Errorf("report is not self-contained: contains %q", banned)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	shot := ""
	if os.Getenv("VEIL_SCREENSHOT") != "" {
		shot = os.Getenv("VEIL_SCREENSHOT")
	}
	dom, err := htmlreport.Render(ctx, path, shot)
	if errors.Is(err, htmlreport.ErrNoChromium) {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	// Overall: TP 2 (e-mails), FN 3, FP 1 (LOCATION) → recall 0.4.
	for _, want := range []string{
		`<div class="v" id="recall">0.400</div>`,
		`<div class="v" id="records">2</div>`,
		`<tr data-entity="EMAIL_ADDRESS"><td>EMAIL_ADDRESS</td><td>2</td><td>2</td><td>0</td><td>0</td><td>1.000</td>`,
		`<tr data-entity="PERSON"><td>PERSON</td><td>2</td><td>0</td><td>0</td><td>2</td>`,
		`<table class="cm" id="confusion">`,
		`<mark>Ana García</mark>`,
		`&lt;b&gt;`, // record text is escaped, not markup
		`<svg`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	// One bar per entity and series, with its value.
	bars := regexp.MustCompile(`<rect class="bar" data-series="(\w+)" data-group="([\w ()]+)" data-value="([0-9.]+)"`).FindAllStringSubmatch(dom, -1)
	got := map[string]float64{}
	for _, b := range bars {
		v, _ := strconv.ParseFloat(b[3], 64)
		got[b[2]+"/"+b[1]] = v
	}
	if len(bars) != 3*(len(rep.Entities)+1) {
		t.Errorf("bars = %d, want %d", len(bars), 3*(len(rep.Entities)+1))
	}
	if got["EMAIL_ADDRESS/recall"] != 1 || got["PERSON/recall"] != 0 || got["overall (micro)/recall"] != 0.4 {
		t.Errorf("bar values = %v", got)
	}
	// Ana García and the phone are missed; Bob is found as a LOCATION.
	if n := strings.Count(dom, `<span class="tag FN">`); n != 2 {
		t.Errorf("FN rows = %d, want 2", n)
	}
	if n := strings.Count(dom, `<span class="tag wrong_type">`); n != 1 {
		t.Errorf("wrong-type rows = %d, want 1", n)
	}
}
