package nlueval

import (
	"context"
	"errors"
	"fmt"
	"github.com/veilhq/veil/internal/refdata"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veilhq/veil/eval/internal/htmlreport"
	"github.com/veilhq/veil/nlu"
)

// lookup is a fake Trainer: it predicts the intent it was trained with for
// an exact text, overrides for listed texts, and nothing otherwise.
type lookup struct {
	mu        sync.Mutex
	known     map[string]string
	override  map[string]nlu.Intent
	trainErr  error
	trainedOn int
}

var _ nlu.Trainer = (*lookup)(nil)

func (l *lookup) Train(_ context.Context, ex []nlu.Example) error {
	if l.trainErr != nil {
		return l.trainErr
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.known = map[string]string{}
	for _, e := range ex {
		l.known[e.Text] = e.Intent
	}
	l.trainedOn = len(ex)
	return nil
}

func (l *lookup) Parse(_ context.Context, text string) (nlu.Result, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if in, ok := l.override[text]; ok {
		return nlu.Result{Intents: []nlu.Intent{in}}, nil
	}
	if in, ok := l.known[text]; ok {
		return nlu.Result{Intents: []nlu.Intent{{Name: in, Confidence: 0.95}}}, nil
	}
	return nlu.Result{}, nil
}

func ex(text, intent string) nlu.Example { return nlu.Example{Text: text, Intent: intent} }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestParseFormats(t *testing.T) {
	clinc := `{"train": [["hi there", "greet"], ["bye", "goodbye"]], "oos_train": [["what is love", "oos"]],
 "test": [["hello", "greet"]], "oos_test": [["sing", "oos"]], "val": []}`
	tests := []struct {
		name, file, data string
		splits           []string
		want             []nlu.Example
	}{
		{"clinc default train", "c.json", clinc, DefaultTrainSplits, []nlu.Example{ex("hi there", "greet"), ex("bye", "goodbye"), ex("what is love", "oos")}},
		{"clinc test", "c.json", clinc, DefaultTestSplits, []nlu.Example{ex("hello", "greet"), ex("sing", "oos")}},
		{"csv with header and quotes", "d.csv", "text,intent\n\"hi, you\",greet\nbye,goodbye\n", nil, []nlu.Example{ex("hi, you", "greet"), ex("bye", "goodbye")}},
		{"csv without header", "d.csv", "hola,greet\n", nil, []nlu.Example{ex("hola", "greet")}},
		{"jsonl", "d.jsonl", `{"text":"hi","intent":"greet"}` + "\n\n" + `{"text":"¿qué?","intent":" oos "}`, nil, []nlu.Example{ex("hi", "greet"), ex("¿qué?", "oos")}},
		{"clinc without oos splits", "c.json", `{"train": [["hi", "greet"]], "test": [["yo", "greet"]]}`, DefaultTrainSplits, []nlu.Example{ex("hi", "greet")}},
		{"banking77 csv text,category", "train.csv", "text,category\nI am still waiting on my card?,card_arrival\n\"What can I do, my card is lost\",lost_or_stolen_card\n", nil,
			[]nlu.Example{ex("I am still waiting on my card?", "card_arrival"), ex("What can I do, my card is lost", "lost_or_stolen_card")}},
		{"csv header label first, extra column", "d.csv", "label,id,utterance\ngreet,1,hi\nbye,2,see you\n", nil, []nlu.Example{ex("hi", "greet"), ex("see you", "bye")}},
		{"semicolon csv", "d.csv", "sentence;intent\nhi, you;greet\n", nil, []nlu.Example{ex("hi, you", "greet")}},
		{"tsv", "d.tsv", "hi there\tgreet\nbye\tleave\n", nil, []nlu.Example{ex("hi there", "greet"), ex("bye", "leave")}},
		{"jsonl label alias and number", "d.jsonl", `{"utterance":"hi","label":3}` + "\n" + `{"Text":"yo","Intent":"greet"}`, nil, []nlu.Example{ex("hi", "3"), ex("yo", "greet")}},
		{"json array of objects", "d.json", `[{"text":"hi","intent":"greet"},` + "\n" + ` {"sentence":"bye","category":"leave"}]`, nil, []nlu.Example{ex("hi", "greet"), ex("bye", "leave")}},
		{"json array of pairs", "d.json", `[["hi","greet"],["bye","leave"]]`, nil, []nlu.Example{ex("hi", "greet"), ex("bye", "leave")}},
		{"intent map", "d.json", "{\"greet\": [\"hi\", \"hello\"],\n \"leave\": [\"bye\"]}", nil, []nlu.Example{ex("hi", "greet"), ex("hello", "greet"), ex("bye", "leave")}},
		{"chatbot intents.json", "intents.json", `{"intents": [{"tag": "greeting", "patterns": ["Hi", "Hey there"], "responses": ["Hello!"]}, {"tag": "goodbye", "patterns": ["Bye"]}]}`, nil,
			[]nlu.Example{ex("Hi", "greeting"), ex("Hey there", "greeting"), ex("Bye", "goodbye")}},
		{"hwu64 csv: scenario prefixes the intent, answer is the text", "hwu.csv", "userid;answerid;scenario;intent;status;answer_annotation;answer;question\n1;1;alarm;set;;wake me up at [time : five am];wake me up at five am;what would you say\n2;2;iot;iot_hue_lightoff;;;lights off;what would you say\n", nil,
			[]nlu.Example{ex("wake me up at five am", "alarm_set"), ex("lights off", "iot_hue_lightoff")}},
		{"massive jsonl train partition", "massive.jsonl", `{"id":"1","partition":"train","scenario":"alarm","intent":"alarm_set","utt":"wake me up at nine"}` + "\n" + `{"id":"2","partition":"test","scenario":"alarm","intent":"alarm_query","utt":"which alarms are set"}` + "\n" + `{"id":"3","partition":"dev","scenario":"iot","intent":"iot_cleaning","utt":"vacuum"}`, DefaultTrainSplits,
			[]nlu.Example{ex("wake me up at nine", "alarm_set")}},
		{"csv split column test", "s.csv", "text,intent,split\nhi,greet,train\nhello,greet,test\nbye,leave,TEST\n", DefaultTestSplits, []nlu.Example{ex("hello", "greet"), ex("bye", "leave")}},
		{"csv split column val alias", "s.csv", "text,intent,split\nhi,greet,train\nhey,greet,validation\n", []string{"val"}, []nlu.Example{ex("hey", "greet")}},
		{"rasa json", "d.json", `{"rasa_nlu_data": {"common_examples": [{"text": "hi", "intent": "greet", "entities": []}]}}`, nil, []nlu.Example{ex("hi", "greet")}},
		{"rasa yaml", "nlu.yml", "version: \"3.1\"\nnlu:\n- intent: greet\n  examples: |\n    - hey\n    - hello [Anna](name) there\n- synonym: savings\n  examples: |\n    - pink pig\n- intent: inform\n  examples:\n  - text: 'in [Paris]{\"entity\": \"city\"}'\n  - at home\n", nil,
			[]nlu.Example{ex("hey", "greet"), ex("hello Anna there", "greet"), ex("in Paris", "inform"), ex("at home", "inform")}},
		{"rasa yaml without extension", "nlu", "nlu:\n- intent: greet\n  examples: |\n    - hey\n", nil, []nlu.Example{ex("hey", "greet")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(p, []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadFile(p, tt.splits)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             []string
	}{
		{"jsonl invalid", "d.jsonl", `{"text":"a","intent":"b"}` + "\n" + `{"text":"a",}`, []string{"d.jsonl:2:", "invalid JSON"}},
		{"jsonl missing intent", "d.jsonl", `{"text":"a"}`, []string{"d.jsonl:1:", `missing "intent"`}},
		{"jsonl missing text", "d.jsonl", `{"intent":"a"}`, []string{"d.jsonl:1:", `missing "text"`}},
		{"csv columns", "d.csv", "text,intent\na,b\nc\n", []string{"d.csv:3:", "want 2 columns"}},
		{"csv quote", "d.csv", "a,b\n\"c,d\n", []string{"d.csv:2:", "invalid CSV"}},
		{"csv empty intent", "d.csv", "a,\n", []string{"d.csv:1:", "empty text or intent"}},
		{"clinc syntax", "c.json", "{\"train\": [[\"a\", \"b\"],\n [\"c\" \"d\"]]}", []string{"c.json:2:", "invalid JSON"}},
		{"clinc missing split", "c.json", `{"train": [["a","b"]], "oos_val": []}`, []string{"c.json:", `no split "oos_train"`, "has: oos_val, train"}},
		{"clinc missing in-scope split", "c.json", `{"training": [["a","b"]]}`, []string{"c.json:", `no split "train"`, "has: training"}},
		{"csv header without text column", "d.csv", "id,intent,foo\n1,a,b\n", []string{"d.csv:1:", "names no text column"}},
		{"csv row width", "d.csv", "text,label,id\na,b,1\nc,d\n", []string{"d.csv:3:", "want 3 columns as in the header"}},
		{"csv empty", "d.csv", "text,intent\n", []string{"d.csv:", "no examples"}},
		{"json array bad item", "d.json", "[{\"text\":\"a\",\"intent\":\"b\"},\n {\"text\":\"c\"}]", []string{"d.json:2:", `missing "intent"`}},
		{"json array syntax", "d.json", "[{\"text\":\"a\",\"intent\":\"b\"},\n {\"text\" \"c\"}]", []string{"d.json:2:", "invalid JSON"}},
		{"rasa yaml bad example line", "nlu.yml", "nlu:\n- intent: greet\n  examples: |\n    - hey\n    hello\n", []string{"nlu.yml:5:", `example lines start with "- "`}},
		{"rasa yaml no examples", "nlu.yml", "nlu:\n- intent: greet\n", []string{"nlu.yml:2:", `intent "greet" has no examples`}},
		{"rasa yaml syntax", "nlu.yml", "nlu:\n- intent: greet\n  examples: [\n", []string{"nlu.yml:", "invalid YAML"}},
		{"intent map not strings", "d.json", "{\"greet\": [\"hi\"],\n \"leave\": [1]}", []string{"d.json:2:", `intent "leave": want a list of example texts`}},
		{"intents.json without patterns", "intents.json", `{"intents": [{"tag": "greeting", "responses": ["Hello!"]}]}`, []string{"intents.json:", "intents item 1"}},
		{"split column without the split", "s.csv", "text,intent,split\nhi,greet,test\n", []string{"no rows in split train, oos_train (has: test)"}},
		{"yaml without nlu", "d.yaml", "stories: []\n", []string{"d.yaml:1:", "nlu: list"}},
		{"clinc bad item", "c.json", `{"train": [["a"]], "oos_train": []}`, []string{`split "train" item 0`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(p, []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadFile(p, DefaultTrainSplits)
			if err == nil {
				t.Fatal("want error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestEvaluateHandComputed(t *testing.T) {
	train := []nlu.Example{ex("a1", "A"), ex("a2", "A"), ex("b1", "B"), ex("b2", "B"), ex("o1", "oos")}
	test := []nlu.Example{
		ex("a1", "A"),   // A ✓
		ex("a2", "A"),   // predicted B (override) ✗
		ex("b1", "B"),   // B ✓
		ex("x", "B"),    // nothing → oos ✗
		ex("o1", "oos"), // oos ✓
		ex("y", "oos"),  // nothing → oos ✓
		ex("z", "oos"),  // predicted A (override) ✗
	}
	tr := &lookup{override: map[string]nlu.Intent{"a2": {Name: "B", Confidence: 0.55}, "z": {Name: "A", Confidence: 0.31}}}
	rep, err := Evaluate(context.Background(), tr, train, test, Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 7 || rep.TrainExamples != 5 || tr.trainedOn != 5 {
		t.Errorf("records %d train %d", rep.Records, rep.TrainExamples)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"accuracy", rep.Accuracy, 4.0 / 7},
		{"in-scope accuracy", rep.InScopeAccuracy, 2.0 / 4},
		{"oos recall", rep.OOSRecall, 2.0 / 3},
		{"oos precision", rep.OOSPrecision, 2.0 / 3},
		// A: TP1 FP1 FN1 → P .5 R .5 F1 .5. B: TP1 FP1 FN1 → .5. oos: TP2 FP1 FN1 → 2/3.
		{"A f1", rep.Intents["A"].F1, 0.5},
		{"B precision", rep.Intents["B"].Precision, 0.5},
		{"oos f1", rep.Intents["oos"].F1, 2.0 / 3},
		{"macro f1", rep.MacroF1, (0.5 + 0.5 + 2.0/3) / 3},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if rep.Intents["oos"].Support != 3 || rep.InScopeRecords != 4 || rep.OOSRecords != 3 {
		t.Errorf("supports: %+v in %d oos %d", rep.Intents["oos"], rep.InScopeRecords, rep.OOSRecords)
	}
	// Confidences: 0.95 ×3 correct → bin 9; 0.55 wrong → bin 5; 0.31 wrong → bin 3; empty (0) → bin 0 ×2 (1 right, 1 wrong).
	h := rep.Histogram
	if h[9].Correct != 3 || h[5].Incorrect != 1 || h[3].Incorrect != 1 || h[0].Correct != 1 || h[0].Incorrect != 1 {
		t.Errorf("histogram = %+v", h)
	}
	if len(rep.TopConfusions) != 3 {
		t.Errorf("confusions = %+v", rep.TopConfusions)
	}
	var errs strings.Builder
	if err := rep.WriteErrors(&errs); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(errs.String(), "\n"); n != 3 || !strings.Contains(errs.String(), `"text":"z","gold":"oos","pred":"A"`) {
		t.Errorf("errors:\n%s", errs.String())
	}
}

func TestPerfectAndEmptyTrainer(t *testing.T) {
	var exs []nlu.Example
	for i := range 40 {
		exs = append(exs, nlu.Example{Text: fmt.Sprintf("q%d", i), Intent: []string{"A", "B", "C", "oos"}[i%4]})
	}
	rep, err := Evaluate(context.Background(), &lookup{}, exs, exs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accuracy != 1 || rep.InScopeAccuracy != 1 || rep.OOSRecall != 1 || rep.MacroF1 != 1 {
		t.Errorf("perfect = acc %v in %v oos %v macro %v", rep.Accuracy, rep.InScopeAccuracy, rep.OOSRecall, rep.MacroF1)
	}
	// Trained on nothing useful: everything comes back out of scope.
	rep, err = Evaluate(context.Background(), &lookup{}, []nlu.Example{ex("zzz", "A")}, exs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.InScopeAccuracy != 0 || rep.OOSRecall != 1 || !near(rep.Accuracy, 0.25) {
		t.Errorf("empty = acc %v in %v oos %v", rep.Accuracy, rep.InScopeAccuracy, rep.OOSRecall)
	}
}

func TestTrainErrorIsReported(t *testing.T) {
	_, err := Evaluate(context.Background(), &lookup{trainErr: errors.New("intent A has one example")}, []nlu.Example{ex("a", "A")}, []nlu.Example{ex("a", "A")}, Options{})
	if err == nil || !strings.Contains(err.Error(), "train: intent A has one example") {
		t.Errorf("err = %v", err)
	}
}

func TestFoldsAndCrossValidate(t *testing.T) {
	var exs []nlu.Example
	for i := range 103 {
		exs = append(exs, nlu.Example{Text: fmt.Sprintf("q%d", i), Intent: fmt.Sprintf("I%d", i%7)})
	}
	folds := Folds(exs, 5, 42)
	seen := map[string]int{}
	for _, f := range folds {
		if len(f) < 20 || len(f) > 21 {
			t.Errorf("fold size %d, want 20–21", len(f))
		}
		perIntent := map[string]int{}
		for _, e := range f {
			seen[e.Text]++
			perIntent[e.Intent]++
		}
		for in, n := range perIntent {
			if n < 2 || n > 4 {
				t.Errorf("fold has %d of %s: not stratified", n, in)
			}
		}
	}
	if len(seen) != 103 {
		t.Errorf("folds cover %d examples, want 103", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s in %d folds", k, n)
		}
	}
	if fmt.Sprint(Folds(exs, 5, 42)) != fmt.Sprint(folds) || fmt.Sprint(Folds(exs, 5, 43)) == fmt.Sprint(folds) {
		t.Error("folds not reproducible per seed")
	}
	// A lookup trainer never sees test texts in CV: everything is oos → 0.
	trainers := 0
	rep, err := CrossValidate(context.Background(), func() (nlu.Trainer, error) { trainers++; return &lookup{}, nil }, exs, 5, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if trainers != 5 || len(rep.Folds) != 5 || rep.Records != 103 || rep.Accuracy != 0 {
		t.Errorf("trainers %d folds %d records %d acc %v", trainers, len(rep.Folds), rep.Records, rep.Accuracy)
	}
	if _, err := CrossValidate(context.Background(), nil, exs, 1, 1, Options{}); err == nil {
		t.Error("k=1: want error")
	}
	// Fewer examples than folds: one fold per example, none empty.
	rep, err = CrossValidate(context.Background(), func() (nlu.Trainer, error) { return &lookup{}, nil }, exs[:3], 5, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Folds) != 3 || rep.Config.Folds != 3 || rep.Records != 3 {
		t.Errorf("3 examples, k=5: folds %d (config %d), records %d; want 3, 3, 3", len(rep.Folds), rep.Config.Folds, rep.Records)
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if percentile(d, 0.5) != 50 || percentile(d, 0.95) != 95 || percentile(nil, 0.5) != 0 {
		t.Errorf("p50 %v p95 %v", percentile(d, 0.5), percentile(d, 0.95))
	}
}

func TestReadCLINC150(t *testing.T) {
	p := filepath.Join(refdata.Path(t, "."), "intents", "clinc150_data_full.json")
	train, err := ReadFile(p, DefaultTrainSplits)
	if err != nil {
		t.Fatal(err)
	}
	test, err := ReadFile(p, DefaultTestSplits)
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 15100 || len(test) != 5500 {
		t.Errorf("train %d test %d, want 15100 and 5500", len(train), len(test))
	}
	intents := map[string]bool{}
	for _, e := range train {
		intents[e.Intent] = true
	}
	if len(intents) != 151 {
		t.Errorf("intents = %d, want 150 + oos", len(intents))
	}
}

func TestHTMLRendersInChromium(t *testing.T) {
	test := []nlu.Example{ex("a1", "A"), ex("a2", "A"), ex("b1", "B"), ex("o1", "oos"), ex("<i>x</i>", "B")}
	rep, err := Evaluate(context.Background(), &lookup{override: map[string]nlu.Intent{"a2": {Name: "B", Confidence: 0.7}}}, test, test, Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "nlu.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteHTML(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dom, err := htmlreport.Render(ctx, path, os.Getenv("VEIL_SCREENSHOT"))
	if errors.Is(err, htmlreport.ErrNoChromium) {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<div class="v" id="accuracy">0.800</div>`,
		`<div class="v" id="oos-recall">1.000</div>`,
		`<tr data-intent="A"><td>A</td><td>2</td><td>1.000</td><td>0.500</td><td>0.667</td></tr>`,
		`<td>A</td><td class="l">B</td><td>1</td>`,
		`<svg class="bars"`, `<svg class="hist"`,
		`data-group="A" data-value="0.5000"`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
}

func TestCheckTrainingData(t *testing.T) {
	tests := []struct {
		name, file, data, want string
	}{
		{"OK", "t.csv", "text,intent\nhi,greet\nhello,greet\nbye,leave\nsee you,leave\n", ""},
		{"ErrOneExample", "t.csv", "text,intent\nhi,greet\nhello,greet\nbye,leave\n", "t.csv:4: intent \"leave\" has only one example; give it at least two"},
		{"ErrDuplicate", "t.jsonl", "{\"text\":\"hi\",\"intent\":\"greet\"}\n{\"text\":\"yo\",\"intent\":\"greet\"}\n\n{\"text\":\"Hi!\",\"intent\":\"leave\"}\n{\"text\":\"bye\",\"intent\":\"leave\"}\n",
			"t.jsonl:4: \"Hi!\" is labeled \"leave\" here and \"greet\" on line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, lines, err := ParseExamplesLines([]byte(tt.data), tt.file)
			if err != nil {
				t.Fatal(err)
			}
			err = CheckTrainingData(ex, lines, tt.file)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
