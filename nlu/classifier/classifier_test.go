package classifier

import (
	"bytes"
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/veilhq/veil/nlu"
)

// toyExamples is a small bot: four intents and some out-of-scope chatter.
func toyExamples() []nlu.Example {
	data := map[string][]string{
		"order_status": {
			"where is my order", "has my package shipped yet", "track my order please",
			"when will my parcel arrive", "what is the status of order <ORDER_ID_1>",
			"my delivery is late where is it", "can you check my shipment",
			"i want to know where my order is",
		},
		"book_appointment": {
			"i need to book an appointment", "can i schedule a visit for tomorrow",
			"make an appointment on friday at 0", "book me in for next week",
			"is there a free slot on monday", "i would like to see the doctor",
			"reserve a time for a checkup", "set up an appointment with <PERSON_1>",
		},
		"cancel": {
			"cancel my order", "i want to cancel the appointment", "please cancel it",
			"call off my booking", "cancel everything", "i no longer want the order, cancel",
			"stop my order from shipping", "drop my reservation",
		},
		"greet": {
			"hello", "hi there", "good morning", "hey", "hello, anyone there?",
			"good evening", "hi!", "greetings",
		},
		nlu.OutOfScope: {
			"what is the capital of peru", "tell me a joke about cats",
			"how tall is mount everest", "who won the football game last night",
			"what's the meaning of life", "recommend a good novel",
		},
	}
	var out []nlu.Example
	for _, intent := range []string{"order_status", "book_appointment", "cancel", "greet", nlu.OutOfScope} {
		for _, t := range data[intent] {
			out = append(out, nlu.Example{Text: t, Intent: intent})
		}
	}
	return out
}

func mustTrain(tb testing.TB, cfg Config, ex []nlu.Example) *Classifier {
	tb.Helper()
	c := New(cfg)
	if err := c.Train(context.Background(), ex); err != nil {
		tb.Fatalf("Train: %v", err)
	}
	return c
}

func TestParseToy(t *testing.T) {
	c := mustTrain(t, DefaultConfig(), toyExamples())
	tests := []struct {
		text string
		want string
	}{
		{"where's my order??", "order_status"},
		{"Has my parcel shipped?", "order_status"},
		{"I'd like to book an appointment for Monday", "book_appointment"},
		{"please cancel my booking", "cancel"},
		{"Hello!", "greet"},
		{"track order <ORDER_ID_7>", "order_status"},
		{"how tall is the eiffel tower", nlu.OutOfScope},
		{"tell me a joke", nlu.OutOfScope},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res, err := c.Parse(context.Background(), tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Top().Name; got != tt.want {
				t.Errorf("top = %q (%.3f), want %q; all %v", got, res.Top().Confidence, tt.want, res.Intents)
			}
			checkRanked(t, res)
		})
	}
}

// checkRanked asserts the Result contract: falling confidences in [0,1]
// summing to at most 1, each intent once.
func checkRanked(t *testing.T, res nlu.Result) {
	t.Helper()
	if len(res.Intents) == 0 {
		t.Fatal("no intents")
	}
	var sum float64
	seen := map[string]bool{}
	for i, in := range res.Intents {
		if in.Confidence < 0 || in.Confidence > 1 || math.IsNaN(in.Confidence) {
			t.Errorf("intent %d %q: confidence %v out of [0,1]", i, in.Name, in.Confidence)
		}
		if i > 0 && in.Confidence > res.Intents[i-1].Confidence+1e-9 {
			t.Errorf("intent %d %q (%v) ranked below a lower confidence %v", i, in.Name, in.Confidence, res.Intents[i-1].Confidence)
		}
		if seen[in.Name] {
			t.Errorf("intent %q listed twice", in.Name)
		}
		seen[in.Name] = true
		sum += in.Confidence
	}
	if sum > 1+1e-6 {
		t.Errorf("confidences sum to %v > 1: %v", sum, res.Intents)
	}
}

func TestOOSThreshold(t *testing.T) {
	ex := toyExamples()
	// Without an oos class, only the threshold can say "out of scope".
	var inScope []nlu.Example
	for _, e := range ex {
		if e.Intent != nlu.OutOfScope {
			inScope = append(inScope, e)
		}
	}
	// A high temperature flattens the confidences below the threshold.
	tests := []struct {
		name        string
		threshold   float64
		temperature float64
		want        string
	}{
		{"BelowThresholdIsOOS", 0.5, 10, nlu.OutOfScope},
		{"NoThresholdKeepsIntent", 0, 10, "order_status"},
		{"ConfidentKeepsIntent", 0.5, DefaultConfig().Temperature, "order_status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.OOSThreshold = tt.threshold
			cfg.Temperature = tt.temperature
			c := mustTrain(t, cfg, inScope)
			res, err := c.Parse(context.Background(), "is my shipment on its way")
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Top().Name; got != tt.want {
				t.Fatalf("top = %q, want %q (%v)", got, tt.want, res.Intents)
			}
			checkRanked(t, res)
			if tt.want == nlu.OutOfScope && (len(res.Intents) < 2 || res.Intents[1].Name != "order_status") {
				t.Errorf("rejected result should still list the best candidate second: %v", res.Intents)
			}
		})
	}
}

func TestOOSMargin(t *testing.T) {
	// With a trained oos class the margin over it decides, not the
	// confidence threshold.
	tests := []struct {
		name      string
		margin    float64
		threshold float64
		text      string
		want      string
	}{
		{"DefaultKeepsIntent", DefaultConfig().OOSMargin, DefaultConfig().OOSThreshold, "is my shipment on its way", "order_status"},
		{"DefaultRejectsOOS", DefaultConfig().OOSMargin, DefaultConfig().OOSThreshold, "what is the capital of peru", nlu.OutOfScope},
		{"HugeMarginRejects", 10, 0, "is my shipment on its way", nlu.OutOfScope},
		{"NegativeMarginKeepsIntent", -10, 0, "what is the capital of peru", ""},
		{"ThresholdIgnoredWithOOSClass", 0, 0.99, "is my shipment on its way", "order_status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.OOSMargin = tt.margin
			cfg.OOSThreshold = tt.threshold
			c := mustTrain(t, cfg, toyExamples())
			res, err := c.Parse(context.Background(), tt.text)
			if err != nil {
				t.Fatal(err)
			}
			checkRanked(t, res)
			got := res.Top().Name
			switch {
			case tt.want == "" && got == nlu.OutOfScope:
				t.Fatalf("top = oos with margin %v, want an in-scope intent (%v)", tt.margin, res.Intents)
			case tt.want != "" && got != tt.want:
				t.Fatalf("top = %q, want %q (%v)", got, tt.want, res.Intents)
			}
			if got == nlu.OutOfScope && len(res.Intents) < 2 {
				t.Errorf("rejected result should still list candidates: %v", res.Intents)
			}
		})
	}
}

func TestIntents(t *testing.T) {
	c := New(DefaultConfig())
	if got := c.Intents(); got != nil {
		t.Errorf("untrained Intents() = %v, want nil", got)
	}
	c = mustTrain(t, DefaultConfig(), toyExamples())
	want := []string{"book_appointment", "cancel", "greet", "order_status"}
	if got := c.Intents(); !reflect.DeepEqual(got, want) {
		t.Errorf("Intents() = %v, want %v", got, want)
	}
}

func TestTrainBadData(t *testing.T) {
	base := []nlu.Example{
		{Text: "hello", Intent: "greet"}, {Text: "hi there", Intent: "greet"},
		{Text: "bye", Intent: "leave"}, {Text: "see you", Intent: "leave"},
	}
	with := func(extra ...nlu.Example) []nlu.Example {
		return append(append([]nlu.Example(nil), base...), extra...)
	}
	tests := []struct {
		name     string
		examples []nlu.Example
		wantMsg  string
	}{
		{"ErrNoExamples", nil, "no examples"},
		{"ErrEmptyText", with(nlu.Example{Text: "  ", Intent: "greet"}), "example 4: empty text"},
		{"ErrNoWords", []nlu.Example{{Text: "?!", Intent: "greet"}, {Text: "👍", Intent: "leave"}}, "no example has a word"},
		{"ErrEmptyIntent", with(nlu.Example{Text: "yo", Intent: ""}), "example 4: empty intent"},
		{"ErrOneIntent", base[:2], "only one intent"},
		{"ErrOneIntentWithWords", append(base[:2:2], nlu.Example{Text: "?!", Intent: "other"}), "only one intent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(DefaultConfig())
			err := c.Train(context.Background(), tt.examples)
			if !errors.Is(err, ErrTrainingData) {
				t.Fatalf("err = %v, want ErrTrainingData", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
			}
			if _, err := c.Parse(context.Background(), "hello"); !errors.Is(err, ErrNotTrained) {
				t.Errorf("after failed Train, Parse err = %v, want ErrNotTrained", err)
			}
		})
	}
	// Untidy data that real intent sets have is learned, not refused.
	for _, tt := range []struct {
		name     string
		examples []nlu.Example
		text     string
		want     string
	}{
		{"OKSingleExample", with(nlu.Example{Text: "thanks a lot", Intent: "thank"}), "thanks a lot", "thank"},
		{"OKConflictingLabels", with(nlu.Example{Text: "Hello!", Intent: "leave"}, nlu.Example{Text: "hi there", Intent: "greet"}), "hi there", "greet"},
		{"OKNoWordsSkipped", with(nlu.Example{Text: "?!", Intent: "punct"}), "see you", "leave"},
		{"OKUpperCaseOOS", with(nlu.Example{Text: "what is the weather on mars", Intent: "OOS"}, nlu.Example{Text: "sing me a song about mars", Intent: " Oos"}), "the weather on mars", nlu.OutOfScope},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.OOSThreshold = 0
			c := mustTrain(t, cfg, tt.examples)
			res, err := c.Parse(context.Background(), tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Top().Name; got != tt.want {
				t.Errorf("Parse(%q) = %q, want %q", tt.text, got, tt.want)
			}
			if slices.Contains(c.Intents(), "punct") || slices.Contains(c.Intents(), "OOS") {
				t.Errorf("intent with no usable example, or oos as an in-scope intent, was learned: %v", c.Intents())
			}
		})
	}
	t.Run("OKSameLabelTwice", func(t *testing.T) {
		if err := New(DefaultConfig()).Train(context.Background(), with(nlu.Example{Text: "HELLO", Intent: "greet"})); err != nil {
			t.Errorf("duplicate with the same intent: %v", err)
		}
	})
}

func TestTrainInvalidConfig(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Loss = "squared"
	err := New(cfg).Train(context.Background(), toyExamples())
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("err = %v, want ErrInvalidConfig", err)
	}
}

func TestTrainCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := New(DefaultConfig())
	if err := c.Train(ctx, toyExamples()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Train err = %v, want context.Canceled", err)
	}
	if _, err := c.Parse(ctx, "hello"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Parse err = %v, want context.Canceled", err)
	}
}

func TestNotTrained(t *testing.T) {
	c := New(DefaultConfig())
	if _, err := c.Parse(context.Background(), "hello"); !errors.Is(err, ErrNotTrained) {
		t.Errorf("Parse err = %v, want ErrNotTrained", err)
	}
	if err := c.Save(&bytes.Buffer{}); !errors.Is(err, ErrNotTrained) {
		t.Errorf("Save err = %v, want ErrNotTrained", err)
	}
}

var probes = []string{
	"where is my order", "book a visit", "cancel it now", "hey", "what is the capital of france",
	"", "¿Dónde está mi pedido?", "<EMAIL_ADDRESS_1> asked about order 12", "zzzz qqqq",
}

func parseAll(t *testing.T, c *Classifier) []nlu.Result {
	t.Helper()
	out := make([]nlu.Result, len(probes))
	for i, p := range probes {
		res, err := c.Parse(context.Background(), p)
		if err != nil {
			t.Fatalf("Parse(%q): %v", p, err)
		}
		out[i] = res
	}
	return out
}

func TestSaveLoad(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SkipWindow = 3
	c := mustTrain(t, cfg, toyExamples())
	var buf bytes.Buffer
	if err := c.Save(&buf); err != nil {
		t.Fatal(err)
	}
	d, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Config(), cfg) {
		t.Errorf("config after load = %+v, want %+v", d.Config(), cfg)
	}
	if !reflect.DeepEqual(d.Intents(), c.Intents()) {
		t.Errorf("intents after load = %v, want %v", d.Intents(), c.Intents())
	}
	if got, want := parseAll(t, d), parseAll(t, c); !reflect.DeepEqual(got, want) {
		t.Errorf("Parse after load differs:\n got %v\nwant %v", got, want)
	}
}

func TestLoadRejects(t *testing.T) {
	c := mustTrain(t, DefaultConfig(), toyExamples())
	var buf bytes.Buffer
	if err := c.Save(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	mutate := func(f func(b []byte) []byte) []byte {
		return f(append([]byte(nil), good...))
	}
	tests := []struct {
		name    string
		data    []byte
		wantMsg string
	}{
		{"ErrEmpty", nil, "reading header"},
		{"ErrNotAModel", []byte("{\"intents\": []} and more bytes"), "not a Veil classifier model"},
		{"ErrOtherVersion", mutate(func(b []byte) []byte { b[8] = 99; return b }), "format version 99"},
		{"ErrVersion1", mutate(func(b []byte) []byte { b[8] = 1; return b }), "format version 1, this build reads version 2"},
		{"ErrTruncated", good[:len(good)/2], "reading weights"},
		{"ErrFlippedWeight", mutate(func(b []byte) []byte { b[len(b)-40] ^= 0x10; return b }), "checksum mismatch"},
		{"ErrMissingChecksum", good[:len(good)-4], "reading checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(bytes.NewReader(tt.data))
			if !errors.Is(err, ErrBadModelFile) {
				t.Fatalf("err = %v, want ErrBadModelFile", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	save := func(seed uint64) []byte {
		cfg := DefaultConfig()
		cfg.Seed = seed
		var buf bytes.Buffer
		if err := mustTrain(t, cfg, toyExamples()).Save(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b, other := save(7), save(7), save(8)
	if !bytes.Equal(a, b) {
		t.Error("two trainings with the same seed produced different models")
	}
	if bytes.Equal(a, other) {
		t.Error("a different seed produced the identical model; the seed is not used")
	}
}

func TestParseConcurrent(t *testing.T) {
	c := mustTrain(t, DefaultConfig(), toyExamples())
	want := parseAll(t, c)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for r := 0; r < 20; r++ {
				for i, p := range probes {
					res, err := c.Parse(context.Background(), p)
					if err != nil || !reflect.DeepEqual(res, want[i]) {
						select {
						case errs <- p:
						default:
						}
						return
					}
				}
			}
		})
	}
	// Retraining while others parse swaps the model atomically.
	wg.Go(func() {
		if err := c.Train(context.Background(), toyExamples()); err != nil {
			errs <- "retrain: " + err.Error()
		}
	})
	wg.Wait()
	close(errs)
	for p := range errs {
		t.Errorf("concurrent Parse(%q) differed from the sequential result", p)
	}
}

// TestAddNaiveBayes checks the blended weights against values worked out
// by hand: two classes, two features, α = 1.
func TestAddNaiveBayes(t *testing.T) {
	// Class 0: x = (1, 0). Class 1: x = (0.6, 0.8). Summed weights per
	// class: n(f0) = 1 | 0.6, n(f1) = 0 | 0.8; totals 1 | 1.4; Dim 2.
	xs := []sparse{{idx: []int32{0}, val: []float32{1}}, {idx: []int32{0, 1}, val: []float32{0.6, 0.8}}}
	ys := []int32{0, 1}
	lt := [2][2]float64{
		{math.Log(2.0 / 3), math.Log(1.6 / 3.4)}, // feature 0: class 0, class 1
		{math.Log(1.0 / 3), math.Log(1.8 / 3.4)}, // feature 1
	}
	tests := []struct {
		name   string
		weight float64
		start  []float32
	}{
		{"FromZero", 1, []float32{0, 0, 0, 0}},
		{"AddsToSVMWeights", 0.5, []float32{0.25, -0.25, -1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &linear{Dim: 2, K: 2, W: append([]float32(nil), tt.start...), B: []float32{0.1, -0.1}}
			addNaiveBayes(m, xs, ys, tt.weight, 1)
			for j := range 2 {
				mean := (lt[j][0] + lt[j][1]) / 2
				for c := range 2 {
					want := float64(tt.start[j*2+c]) + tt.weight*(lt[j][c]-mean)
					if got := float64(m.W[j*2+c]); math.Abs(got-want) > 1e-6 {
						t.Errorf("W[%d,%d] = %v, want %v", j, c, got, want)
					}
				}
			}
			if m.B[0] != 0.1 || m.B[1] != -0.1 {
				t.Errorf("biases changed: %v", m.B)
			}
		})
	}
}
