package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/veilhq/veil/nlu"
)

// keywordTrainer predicts the intent whose training words overlap the
// query most; no overlap means out of scope.
type keywordTrainer struct {
	mu    sync.RWMutex
	words map[string]map[string]int
}

var _ nlu.Trainer = (*keywordTrainer)(nil)

func (k *keywordTrainer) Train(_ context.Context, ex []nlu.Example) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.words = map[string]map[string]int{}
	for _, e := range ex {
		if e.Intent == nlu.OutOfScope {
			continue
		}
		for _, w := range strings.Fields(strings.ToLower(e.Text)) {
			if k.words[w] == nil {
				k.words[w] = map[string]int{}
			}
			k.words[w][e.Intent]++
		}
	}
	return nil
}

func (k *keywordTrainer) Parse(_ context.Context, text string) (nlu.Result, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	score := map[string]int{}
	total := 0
	for _, w := range strings.Fields(strings.ToLower(text)) {
		for in, n := range k.words[w] {
			score[in] += n
			total += n
		}
	}
	best, bv := "", 0
	for in, v := range score {
		if v > bv || (v == bv && in < best) {
			best, bv = in, v
		}
	}
	if best == "" {
		return nlu.Result{}, nil
	}
	return nlu.Result{Intents: []nlu.Intent{{Name: best, Confidence: float64(bv) / float64(total)}}}, nil
}

const clincSmall = `{
 "train": [["book a flight to paris", "book_flight"], ["flight to rome please", "book_flight"], ["what is my balance", "balance"], ["balance in checking", "balance"]],
 "oos_train": [["tell me a joke", "oos"]],
 "val": [["flight", "book_flight"]],
 "test": [["i need a flight", "book_flight"], ["my balance now", "balance"], ["paris balance", "book_flight"]],
 "oos_test": [["sing a song", "oos"], ["what is love", "oos"]]
}`

func nluEnv() (Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return Env{Stdout: &out, Stderr: &errb, NewTrainer: func(string) (nlu.Trainer, error) { return &keywordTrainer{}, nil }}, &out, &errb
}

func TestNLUJSONReport(t *testing.T) {
	p := writeTemp(t, "clinc.json", clincSmall)
	env, out, errb := nluEnv()
	if code := Main(context.Background(), []string{"nlu", p, "--json"}, env); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"records", "accuracy", "in_scope_accuracy", "oos_recall", "macro_f1", "intents", "train_seconds", "parse_p50_ms", "parse_p95_ms", "confidence_histogram", "top_confusions"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	// test: flight ✓, balance ✓, "paris balance" → tie book_flight(paris 1) vs balance(1)… balance has 2 → wrong;
	// "sing a song" → "a" is a book_flight word → wrong; "what is love" → "what","is" → balance → wrong.
	if rep["records"] != 5.0 || rep["in_scope_accuracy"] != 2.0/3 || rep["oos_recall"] != 0.0 {
		t.Errorf("records %v in-scope %v oos %v", rep["records"], rep["in_scope_accuracy"], rep["oos_recall"])
	}
	in := rep["intents"].(map[string]any)["book_flight"].(map[string]any)
	for _, k := range []string{"precision", "recall", "f1", "support"} {
		if _, ok := in[k]; !ok {
			t.Errorf("intent lacks %q", k)
		}
	}
	if in["support"] != 2.0 || in["recall"] != 0.5 {
		t.Errorf("book_flight = %v", in)
	}
}

func TestNLUGatesAndBaseline(t *testing.T) {
	p := writeTemp(t, "clinc.json", clincSmall)
	env, out, errb := nluEnv()
	if code := Main(context.Background(), []string{"nlu", "--json", p}, env); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	base := writeTemp(t, "base.json", out.String())
	tests := []struct {
		name     string
		args     []string
		want     int
		contains []string
	}{
		{"pass", []string{"--min-in-scope", "0.6", "--min-accuracy", "0.4"}, ExitOK, []string{"all 2 passed"}},
		{"fail", []string{"--min-in-scope", "0.9", "--min-oos-recall", "0.5", "--min-f1", "balance=0.99"}, ExitGateFailed,
			[]string{"3 failed", "in_scope_accuracy = 0.6667, below the minimum 0.9000", "oos_recall = 0.0000", "balance f1"}},
		{"same as baseline", []string{"--baseline", base}, ExitOK, []string{"in_scope_accuracy"}},
		{"better baseline fails", []string{"--baseline", writeTemp(t, "b2.json", strings.Replace(out.String(), `"in_scope_accuracy": 0.6666666666666666`, `"in_scope_accuracy": 0.9`, 1))}, ExitGateFailed, []string{"in_scope_accuracy regressed"}},
		{"unknown intent gate", []string{"--min-f1", "nope=0.5"}, ExitGateFailed, []string{"nope f1: not in the report"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, errb := nluEnv()
			if code := Main(context.Background(), append([]string{"nlu", p}, tt.args...), env); code != tt.want {
				t.Errorf("exit %d, want %d\n%s", code, tt.want, errb)
			}
			for _, c := range tt.contains {
				if !strings.Contains(errb.String(), c) {
					t.Errorf("stderr lacks %q:\n%s", c, errb)
				}
			}
		})
	}
}

func TestNLUTrainTestFilesAndFolds(t *testing.T) {
	train := writeTemp(t, "train.csv", "text,intent\nbook a flight,book_flight\nflight to rome,book_flight\nmy balance,balance\nbalance please,balance\n")
	test := writeTemp(t, "test.jsonl", `{"text":"a flight","intent":"book_flight"}`+"\n"+`{"text":"balance","intent":"balance"}`+"\n")
	env, out, errb := nluEnv()
	if code := Main(context.Background(), []string{"nlu", "--train", train, "--test", test}, env); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(out.String(), "accuracy           1.0000") {
		t.Errorf("table:\n%s", out)
	}
	env, out, errb = nluEnv()
	if code := Main(context.Background(), []string{"nlu", "--train", train, "--folds", "2"}, env); code != ExitOK {
		t.Fatalf("folds: exit %d: %s", code, errb)
	}
	if !strings.Contains(out.String(), "2-fold cross-validation") {
		t.Errorf("folds table:\n%s", out)
	}
}

func TestNLUDataAndUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no data", []string{"nlu"}, "give one CLINC150 file"},
		{"bad jsonl", []string{"nlu", "--train", writeTemp(t, "t.jsonl", "{\"text\":\"a\",\"intent\":\"b\"}\n{nope"), "--test", writeTemp(t, "u.jsonl", "")}, "t.jsonl:2: invalid JSON"},
		{"missing field", []string{"nlu", "--train", writeTemp(t, "m.jsonl", `{"text":"a"}`), "--folds", "2"}, `m.jsonl:1: missing "intent"`},
		{"bad split", []string{"nlu", "--test-splits", "nope", writeTemp(t, "c.json", clincSmall)}, `no split "nope"`},
		{"one fold", []string{"nlu", "--folds", "1", writeTemp(t, "c2.json", clincSmall)}, "--folds must be at least 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, errb := nluEnv()
			if code := Main(context.Background(), tt.args, env); code != ExitUsage {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errb)
			}
		})
	}
}

// An intent set in one file without splits or out-of-scope queries (like
// banking77's train.csv) is cross-validated, and the oos metrics are n/a.
func TestNLUSingleFileWithoutOOS(t *testing.T) {
	var b strings.Builder
	b.WriteString("text,category\n")
	for i := range 5 {
		fmt.Fprintf(&b, "card arrival %d,card_arrival\nwhere is my card %d,card_arrival\n", i, i)
		fmt.Fprintf(&b, "exchange rate %d,exchange_rate\nwhat rate today %d,exchange_rate\n", i, i)
	}
	p := writeTemp(t, "banking.csv", b.String())
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"table", []string{"nlu", p}, []string{"5-fold cross-validation", "oos recall         n/a", "oos precision      n/a", "in-scope accuracy  1.0000"}},
		{"json", []string{"nlu", "--json", p}, []string{`"oos_recall": null`, `"oos_precision": null`, `"folds": 5`, `"records": 20`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out, errb := nluEnv()
			if code := Main(context.Background(), tt.args, env); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errb)
			}
			if !strings.Contains(errb.String(), "no test split; 5-fold cross-validation") {
				t.Errorf("stderr lacks the cross-validation note:\n%s", errb)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// A dataset directory is read as train.* and test.* (test optional).
func TestNLUDatasetDirectory(t *testing.T) {
	rows := "text,label\nbook a flight,book_flight\nflight to rome,book_flight\nfly me to paris,book_flight\nmy balance,balance\nbalance please,balance\nhow much money do i have,balance\n"
	tests := []struct {
		name    string
		files   map[string]string
		code    int
		wantOut string
		wantErr string
	}{
		{"TrainAndTest", map[string]string{"train.csv": rows, "test.jsonl": `{"text":"a flight","intent":"book_flight"}` + "\n"}, ExitOK, `"records": 1`, ""},
		{"TrainOnlyCrossValidates", map[string]string{"train.csv": rows}, ExitOK, `"folds": 5`, "has no test file; 5-fold cross-validation of train.csv"},
		{"ErrNoTrainFile", map[string]string{"data.csv": rows}, ExitUsage, "", "no train.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			env, out, errb := nluEnv()
			if code := Main(context.Background(), []string{"nlu", "--json", dir}, env); code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errb)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantOut, out)
			}
			if !strings.Contains(errb.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, errb)
			}
		})
	}
}

// One file with a split column (MASSIVE's partition) trains on its train
// rows and scores its test rows.
func TestNLUSingleFileWithSplitColumn(t *testing.T) {
	p := writeTemp(t, "massive.jsonl", `{"partition":"train","intent":"alarm_set","utt":"wake me up at nine"}
{"partition":"train","intent":"alarm_set","utt":"set an alarm"}
{"partition":"train","intent":"weather_query","utt":"is it raining"}
{"partition":"train","intent":"weather_query","utt":"weather today"}
{"partition":"dev","intent":"weather_query","utt":"weather tomorrow"}
{"partition":"test","intent":"alarm_set","utt":"alarm at nine"}
{"partition":"test","intent":"weather_query","utt":"raining today"}
{"partition":"test","intent":"weather_query","utt":"weather in rome"}
`)
	env, out, errb := nluEnv()
	if code := Main(context.Background(), []string{"nlu", "--json", p}, env); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	for _, want := range []string{`"records": 3`, `"train_examples": 4`, `"oos_recall": null`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(errb.String(), "cross-validation") || strings.Contains(out.String(), `"folds"`) {
		t.Errorf("a file with its own splits was cross-validated:\n%s\n%s", errb, out)
	}
}
