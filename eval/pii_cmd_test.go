package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/veilhq/veil/anonymize"
)

var testEmailRE = regexp.MustCompile(`[\p{L}\p{N}_.+-]+@[\p{L}\p{N}_-]+(\.[\p{L}\p{N}_-]+)+`)

func emailOnly(text string) []anonymize.Span {
	var out []anonymize.Span
	for _, m := range testEmailRE.FindAllStringIndex(text, -1) {
		out = append(out, anonymize.Span{Start: m[0], End: m[1], Type: anonymize.EntityEmail})
	}
	return out
}

func detectorEnv(detect func(string) []anonymize.Span) (Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return Env{
		Stdout: &out, Stderr: &errb,
		NewDetector: func(string) (func(string) []anonymize.Span, error) { return detect, nil },
	}, &out, &errb
}

const piiData = `{"text":"write to ana@correo.es, Ana","spans":[{"start":9,"end":22,"label":"EMAIL_ADDRESS"},{"start":24,"end":27,"label":"PERSON"}]}
{"text":"señor Núñez: jo@x.io 🎉","spans":[{"start":6,"end":11,"label":"PERSON"},{"start":13,"end":20,"label":"EMAIL_ADDRESS"}]}
{"text":"nothing here","spans":[]}
`

const orgLine = `{"text":"Acme Corp","spans":[{"start":0,"end":9,"label":"ORG"}]}` + "\n"

func writeTemp(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPIIJSONReport(t *testing.T) {
	data := writeTemp(t, "d.jsonl", piiData+orgLine)
	lm := writeTemp(t, "lm.json", `{"org":"IGNORE"}`)
	errPath := filepath.Join(t.TempDir(), "errors.jsonl")
	env, out, errb := detectorEnv(emailOnly)
	code := Main(context.Background(), []string{"pii", data, "--json", "--label-map", lm, "--errors", errPath}, env)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	var rep struct {
		Records     int
		Overall     map[string]float64
		Entities    map[string]map[string]any
		LeakRate    float64  `json:"leak_rate"`
		MsPerRecord *float64 `json:"ms_per_record"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	if rep.Records != 4 || rep.MsPerRecord == nil {
		t.Errorf("records %d ms %v", rep.Records, rep.MsPerRecord)
	}
	for _, k := range []string{"precision", "recall", "f1", "f2", "tp", "fp", "fn"} {
		if _, ok := rep.Overall[k]; !ok {
			t.Errorf("overall lacks %q", k)
		}
	}
	// 2 e-mails found, 2 persons missed.
	if rep.Overall["tp"] != 2 || rep.Overall["fn"] != 2 || rep.Overall["recall"] != 0.5 {
		t.Errorf("overall = %v", rep.Overall)
	}
	if e := rep.Entities["EMAIL_ADDRESS"]; e["f2"] != 1.0 || e["support"] != 2.0 {
		t.Errorf("EMAIL = %v", e)
	}
	if e := rep.Entities["PERSON"]; e["recall"] != 0.0 || e["support"] != 2.0 {
		t.Errorf("PERSON = %v", e)
	}
	// Gold chars (no spaces): 13+3+5+7 = 28; leaked: Ana 3 + Núñez 5.
	if want := 8.0 / 28; rep.LeakRate < want-1e-9 || rep.LeakRate > want+1e-9 {
		t.Errorf("leak = %v, want %v", rep.LeakRate, want)
	}
	b, err := os.ReadFile(errPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], `"text":"Núñez"`) || !strings.Contains(lines[1], `"kind":"FN"`) {
		t.Errorf("errors file:\n%s", b)
	}
}

func TestPIIGates(t *testing.T) {
	data := writeTemp(t, "d.jsonl", piiData)
	tests := []struct {
		name     string
		args     []string
		want     int
		contains []string
	}{
		{"passing gates", []string{"--min-f2", "EMAIL_ADDRESS=1", "--max-leak", "0.3"}, ExitOK, []string{"all 2 passed"}},
		{"failing type and leak", []string{"--min-f2", "PERSON=0.5,ALL=0.9,EMAIL_ADDRESS=0.9", "--max-leak", "0.1"}, ExitGateFailed,
			[]string{"3 failed", "PERSON f2 = 0.0000, below the minimum 0.5000", "ALL f2", "leak_rate = 0.2857, above the maximum 0.1000"}},
		{"gate on a missing type", []string{"--min-recall", "IBAN_CODE=0.9"}, ExitGateFailed, []string{"IBAN_CODE recall: not in the report"}},
		{"bad gate spec", []string{"--min-f2", "PERSON=high"}, ExitUsage, []string{"--min-f2", "KEY=number"}},
		{"bad iou", []string{"--iou", "1.5"}, ExitUsage, []string{"--iou"}},
		{"unknown format", []string{"--format", "xml"}, ExitUsage, []string{"unknown format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, errb := detectorEnv(emailOnly)
			code := Main(context.Background(), append([]string{"pii", data, "--label-map", "none"}, tt.args...), env)
			if code != tt.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.want, errb)
			}
			for _, c := range tt.contains {
				if !strings.Contains(errb.String(), c) {
					t.Errorf("stderr lacks %q:\n%s", c, errb)
				}
			}
		})
	}
}

func TestPIIBaseline(t *testing.T) {
	data := writeTemp(t, "d.jsonl", piiData)
	perfect := func(text string) []anonymize.Span {
		// Gold offsets of piiData converted to bytes by hand.
		switch {
		case strings.HasPrefix(text, "write"):
			return []anonymize.Span{{Start: 9, End: 22, Type: "EMAIL_ADDRESS"}, {Start: 24, End: 27, Type: "PERSON"}}
		case strings.HasPrefix(text, "señor"):
			return []anonymize.Span{{Start: 7, End: 14, Type: "PERSON"}, {Start: 16, End: 23, Type: "EMAIL_ADDRESS"}}
		}
		return nil
	}
	env, out, errb := detectorEnv(perfect)
	if code := Main(context.Background(), []string{"pii", "--json", "--label-map", "none", data}, env); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(out.String(), `"leak_rate": 0,`) || !strings.Contains(out.String(), `"f2": 1,`) {
		t.Errorf("perfect report:\n%s", out)
	}
	base := writeTemp(t, "base.json", out.String())

	env, _, errb = detectorEnv(emailOnly)
	code := Main(context.Background(), []string{"pii", "--label-map", "none", "--baseline", base, "--tolerance", "0.05", data}, env)
	if code != ExitGateFailed {
		t.Errorf("regression: exit %d, want 1", code)
	}
	for _, c := range []string{"overall.recall", "REGRESSED", "leak_rate regressed: 0.0000 → 0.2857", "entities.PERSON.recall regressed"} {
		if !strings.Contains(errb.String(), c) {
			t.Errorf("stderr lacks %q:\n%s", c, errb)
		}
	}
	env, _, errb = detectorEnv(perfect)
	if code := Main(context.Background(), []string{"pii", "--label-map", "none", "--baseline", base, data}, env); code != ExitOK {
		t.Errorf("same run against its baseline: exit %d\n%s", code, errb)
	}
	if strings.Contains(errb.String(), "note:") {
		t.Errorf("same data should not warn:\n%s", errb)
	}
	env, _, errb = detectorEnv(perfect)
	Main(context.Background(), []string{"pii", "--label-map", "none", "--limit", "1", "--baseline", base, data}, env)
	if !strings.Contains(errb.String(), "note: the baseline scored 3 records") {
		t.Errorf("different data should warn:\n%s", errb)
	}
	// A strict baseline cannot judge an address-blocks run.
	env, _, _ = detectorEnv(perfect)
	code = Main(context.Background(), []string{"pii", "--label-map", "none", "--address-blocks", "--baseline", base, data}, env)
	if code != ExitUsage {
		t.Errorf("--address-blocks against a strict baseline: exit %d, want %d", code, ExitUsage)
	}
}

func TestPIIDataErrors(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             string
	}{
		{"invalid json", "bad.jsonl", "{\"text\":\"a\",\"spans\":[]}\n{oops\n", "bad.jsonl:2: invalid JSON"},
		{"offsets", "off.jsonl", `{"text":"ñ","spans":[{"start":0,"end":2,"label":"X"}]}`, "off.jsonl:1: span 0 (X): offsets [0,2) out of range"},
		{"mismatch", "m.json", `[{"full_text":"hi Bob","spans":[{"entity_type":"PERSON","entity_value":"Rob","start_position":3,"end_position":6}]}]`, `m.json: record 1 (line 1): span 0 (PERSON) [3,6): text "Rob" does not match`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeTemp(t, tt.file, tt.data)
			env, _, errb := detectorEnv(emailOnly)
			if code := Main(context.Background(), []string{"pii", p}, env); code != ExitUsage {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr %q lacks %q", errb, tt.want)
			}
		})
	}
}

func TestPIITableSampleLimitAndStdin(t *testing.T) {
	env, out, errb := detectorEnv(emailOnly)
	env.Stdin = strings.NewReader(piiData)
	code := Main(context.Background(), []string{"pii", "--sample", "3", "--seed", "5", "--limit", "2", "--format", "jsonl", "-"}, env)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	for _, c := range []string{"records 2", "overall (micro)", "any PII", "leak rate"} {
		if !strings.Contains(out.String(), c) {
			t.Errorf("table lacks %q:\n%s", c, out)
		}
	}
	a, b := sampleIndexes(100, 10, 3), sampleIndexes(100, 10, 3)
	if len(a) != 10 || strings.Join(strings.Fields(strings.Trim(fmtInts(a), "[]")), ",") != strings.Join(strings.Fields(strings.Trim(fmtInts(b), "[]")), ",") {
		t.Errorf("sample not reproducible: %v %v", a, b)
	}
	if fmtInts(sampleIndexes(100, 10, 4)) == fmtInts(a) {
		t.Error("different seeds gave the same sample")
	}
}

func fmtInts(v []int) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{nil, ExitUsage},
		{[]string{"bogus"}, ExitUsage},
		{[]string{"help"}, ExitOK},
		{[]string{"pii"}, ExitUsage},
		{[]string{"pii", "-h"}, ExitOK},
		{[]string{"pii", "/does/not/exist.jsonl"}, ExitUsage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			env, _, _ := detectorEnv(emailOnly)
			if got := Main(context.Background(), tt.args, env); got != tt.want {
				t.Errorf("exit %d, want %d", got, tt.want)
			}
		})
	}
}

func TestAutoLabelMap(t *testing.T) {
	for in, want := range map[string]string{
		"../shared/data/pii/presidio_synth_dataset_v2.json": "presidio_synth_dataset_v2",
		"wnut17_dev.conll":        "wnut17",
		"x/meddocan_es_dev.jsonl": "meddocan",
		"mine.jsonl":              "",
	} {
		if got := autoLabelMap(in); got != want {
			t.Errorf("autoLabelMap(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProgressOnlyOnTerminal(t *testing.T) {
	data := writeTemp(t, "d.jsonl", piiData)
	for _, term := range []bool{false, true} {
		env, _, errb := detectorEnv(emailOnly)
		env.IsTerminal = term
		if code := Main(context.Background(), []string{"pii", "--label-map", "none", data}, env); code != ExitOK {
			t.Fatalf("exit %d", code)
		}
		if got := strings.Contains(errb.String(), "pii"); got != term {
			t.Errorf("IsTerminal=%v: progress drawn = %v (stderr %q)", term, got, errb.String())
		}
	}
}
