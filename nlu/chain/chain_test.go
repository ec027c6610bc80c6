package chain_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/chain"
)

func res(pairs ...any) nlu.Result {
	var r nlu.Result
	for i := 0; i < len(pairs); i += 2 {
		r.Intents = append(r.Intents, nlu.Intent{Name: pairs[i].(string), Confidence: pairs[i+1].(float64)})
	}
	return r
}

func names(in []nlu.Intent) []string {
	var out []string
	for _, i := range in {
		out = append(out, i.Name)
	}
	return out
}

func TestDecide(t *testing.T) {
	t.Parallel()
	cfg := chain.Config{Threshold: 0.7, MarginThreshold: 0.15, Overrides: map[string]float64{"refund": 0.9, "greet": 0.3}}
	tests := []struct {
		name        string
		res         nlu.Result
		cfg         chain.Config
		wantIntent  string
		wantClarify []string
	}{
		{"Empty", nlu.Result{}, cfg, "", nil},
		{"ConfidentAndClear", res("order", 0.9, "hours", 0.05), cfg, "order", nil},
		{"OnlyOneIntent", res("order", 0.8), cfg, "order", nil},
		{"BelowThreshold", res("order", 0.5, "hours", 0.1), cfg, "", nil},
		{"OverrideRaisesThreshold", res("refund", 0.85, "order", 0.05), cfg, "", nil},
		{"OverrideLowersThreshold", res("greet", 0.35, "order", 0.1), cfg, "greet", nil},
		{"OutOfScopeFirst", res(nlu.OutOfScope, 0.95, "order", 0.05), cfg, "", nil},
		{"ConfidentButAmbiguous", res("order", 0.72, "delivery", 0.65, "hours", 0.01), cfg, "", []string{"order", "delivery"}},
		{"SplitMassClarifies", res("order", 0.45, "delivery", 0.4, "hours", 0.1), cfg, "", []string{"order", "delivery"}},
		{"ThreeWayAtMostThree", res("a", 0.3, "b", 0.28, "c", 0.25, "d", 0.2), cfg, "", []string{"a", "b", "c"}},
		{"OutOfScopeNotAButton", res("order", 0.4, nlu.OutOfScope, 0.38, "delivery", 0.3), cfg, "", []string{"order", "delivery"}},
		{"CloseButTooLittleMass", res("a", 0.2, "b", 0.19, "c", 0.05), cfg, "", nil},
		{"AmbiguousWithOnlyOutOfScope", res("order", 0.5, nlu.OutOfScope, 0.45), cfg, "", nil},
		{"MarginOffNeverClarifies", res("order", 0.45, "delivery", 0.44), chain.Config{Threshold: 0.7}, "", nil},
		{"MarginOffActsOnThreshold", res("order", 0.71, "delivery", 0.29), chain.Config{Threshold: 0.7}, "order", nil},
		{"ExactlyAtThresholds", res("order", 0.7, "x", 0.55), chain.Config{Threshold: 0.7, MarginThreshold: 0.15}, "order", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := chain.Decide(tt.res, tt.cfg)
			if d.Intent != tt.wantIntent || !slices.Equal(names(d.Clarify), tt.wantClarify) {
				t.Errorf("Decide = %+v, want intent %q clarify %v", d, tt.wantIntent, tt.wantClarify)
			}
			if d.Fallback() != (tt.wantIntent == "" && tt.wantClarify == nil) {
				t.Errorf("Fallback() = %v", d.Fallback())
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  chain.Config
		ok   bool
	}{
		{"OK", chain.Config{Threshold: 0.7, MarginThreshold: 0.1, Overrides: map[string]float64{"a": 0.9}}, true},
		{"Zero", chain.Config{}, true},
		{"ThresholdAboveOne", chain.Config{Threshold: 1.2}, false},
		{"NegativeMargin", chain.Config{MarginThreshold: -0.1}, false},
		{"BadOverride", chain.Config{Overrides: map[string]float64{"a": 2}}, false},
		{"EmptyOverrideName", chain.Config{Overrides: map[string]float64{"": 0.5}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate = %v, want ok %v", err, tt.ok)
			}
			if _, err := chain.New(tt.cfg, parser{}); (err == nil) != tt.ok {
				t.Errorf("New = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// parser is an nlu.Trainer with function fields.
type parser struct {
	parse func(ctx context.Context, text string) (nlu.Result, error)
	train func(ctx context.Context, ex []nlu.Example) error
	calls *atomic.Int32
}

func (p parser) Parse(ctx context.Context, text string) (nlu.Result, error) {
	if p.calls != nil {
		p.calls.Add(1)
	}
	if p.parse == nil {
		return nlu.Result{}, nil
	}
	return p.parse(ctx, text)
}

func (p parser) Train(ctx context.Context, ex []nlu.Example) error {
	if p.train == nil {
		return nil
	}
	return p.train(ctx, ex)
}

func fixed(r nlu.Result, err error) parser {
	return parser{parse: func(context.Context, string) (nlu.Result, error) { return r, err }, calls: &atomic.Int32{}}
}

func TestChainParse(t *testing.T) {
	t.Parallel()
	cfg := chain.Config{Threshold: 0.7, MarginThreshold: 0.1}
	boom := errors.New("backend down")
	tests := []struct {
		name      string
		parsers   []parser
		wantTop   string
		wantStep  int
		wantErr   bool
		wantCalls []int32
	}{
		{"FirstConfidentWins", []parser{fixed(res("order", 0.9), nil), fixed(res("hours", 0.99), nil)}, "order", 0, false, []int32{1, 0}},
		{"SecondWhenFirstUnsure", []parser{fixed(res("order", 0.4), nil), fixed(res("hours", 0.9), nil)}, "hours", 1, false, []int32{1, 1}},
		{"ConfidentOutOfScopeStops", []parser{fixed(res(nlu.OutOfScope, 0.8), nil), fixed(res("hours", 0.9), nil)}, nlu.OutOfScope, 0, false, []int32{1, 0}},
		{"UnsureOutOfScopeContinues", []parser{fixed(res(nlu.OutOfScope, 0.5), nil), fixed(res("hours", 0.9), nil)}, "hours", 1, false, []int32{1, 1}},
		{"NoneConfidentPrefersClarify", []parser{fixed(res("a", 0.5, "b", 0.1), nil), fixed(res("c", 0.4, "d", 0.38), nil)}, "c", 1, false, []int32{1, 1}},
		{"NoneConfidentFirstNonEmpty", []parser{fixed(nlu.Result{}, nil), fixed(res("a", 0.3, "b", 0.1), nil), fixed(res("c", 0.2), nil)}, "a", 1, false, []int32{1, 1, 1}},
		{"AllEmpty", []parser{fixed(nlu.Result{}, nil), fixed(nlu.Result{}, nil)}, "", -1, false, []int32{1, 1}},
		{"FailingParserSkipped", []parser{fixed(nlu.Result{}, boom), fixed(res("hours", 0.9), nil)}, "hours", 1, false, []int32{1, 1}},
		{"AllFail", []parser{fixed(nlu.Result{}, boom), fixed(nlu.Result{}, boom)}, "", -1, true, []int32{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := make([]nlu.Parser, len(tt.parsers))
			for i, p := range tt.parsers {
				ps[i] = p
			}
			c, err := chain.New(cfg, ps...)
			if err != nil {
				t.Fatal(err)
			}
			got, step, err := c.ParseStep(t.Context(), "text")
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseStep error = %v, want error %v", err, tt.wantErr)
			}
			if got.Top().Name != tt.wantTop || step != tt.wantStep {
				t.Errorf("ParseStep = %+v step %d, want top %q step %d", got, step, tt.wantTop, tt.wantStep)
			}
			for i, p := range tt.parsers {
				if n := p.calls.Load(); n != tt.wantCalls[i] {
					t.Errorf("parser %d called %d times, want %d", i, n, tt.wantCalls[i])
				}
			}
		})
	}
}

func TestChainCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	p := parser{parse: func(ctx context.Context, _ string) (nlu.Result, error) {
		cancel()
		return nlu.Result{}, ctx.Err()
	}, calls: &atomic.Int32{}}
	second := fixed(res("a", 1.0), nil)
	c, _ := chain.New(chain.Config{Threshold: 0.5}, p, second)
	if _, err := c.Parse(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("Parse = %v, want context.Canceled", err)
	}
	if second.calls.Load() != 0 {
		t.Error("the chain went on after the context ended")
	}
}

func TestChainTrain(t *testing.T) {
	t.Parallel()
	var trained []int
	mk := func(i int, err error) parser {
		return parser{train: func(_ context.Context, ex []nlu.Example) error {
			if len(ex) != 1 {
				t.Errorf("parser %d got %d examples", i, len(ex))
			}
			trained = append(trained, i)
			return err
		}}
	}
	notTrainer := struct{ nlu.Parser }{fixed(nlu.Result{}, nil)}
	c, _ := chain.New(chain.Config{}, mk(0, nil), notTrainer, mk(2, nil))
	ex := []nlu.Example{{Text: "hi", Intent: "greet"}}
	if err := c.Train(t.Context(), ex); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(trained, []int{0, 2}) {
		t.Errorf("trained %v, want [0 2]", trained)
	}
	trained = nil
	c, _ = chain.New(chain.Config{}, mk(0, errors.New("bad data")), mk(1, nil))
	if err := c.Train(t.Context(), ex); err == nil || !slices.Equal(trained, []int{0}) {
		t.Errorf("Train = %v after %v, want the first error and a stop", err, trained)
	}
	if _, err := chain.New(chain.Config{}); err == nil {
		t.Error("New without parsers succeeded")
	}
	if _, err := chain.New(chain.Config{}, nil); err == nil {
		t.Error("New with a nil parser succeeded")
	}
}

func TestChainStepThresholds(t *testing.T) {
	t.Parallel()
	cfg := chain.Config{Threshold: 0.7, MarginThreshold: 0.1, Overrides: map[string]float64{"refund": 0.95}}
	tests := []struct {
		name       string
		steps      []chain.Step
		wantParser string
		wantIntent string // the chain's Decide on the result
	}{
		{"chain threshold", []chain.Step{
			{Name: "classifier", Parser: fixed(res("order", 0.6), nil)},
			{Name: "llm", Parser: fixed(res("hours", 0.8), nil)},
		}, "llm", "hours"},
		{"a stricter step is passed over", []chain.Step{
			{Name: "embed", Parser: fixed(res("order", 0.8), nil), Threshold: 0.9},
			{Name: "llm", Parser: fixed(res("hours", 0.8), nil)},
		}, "llm", "hours"},
		{"a laxer step decides", []chain.Step{
			{Name: "classifier", Parser: fixed(res("order", 0.45, "hours", 0.1), nil), Threshold: 0.4},
			{Name: "llm", Parser: fixed(res("hours", 0.8), nil)},
		}, "classifier", "order"},
		{"the step's margin", []chain.Step{
			{Name: "classifier", Parser: fixed(res("order", 0.8, "hours", 0.75), nil), MarginThreshold: 0.01},
			{Name: "llm", Parser: fixed(res("hours", 0.8), nil)},
		}, "classifier", "order"},
		{"intent overrides still win", []chain.Step{
			{Name: "classifier", Parser: fixed(res("refund", 0.9), nil), Threshold: 0.5},
		}, "classifier", ""},
		{"unnamed steps are numbered", []chain.Step{
			{Parser: fixed(res("order", 0.1), nil)},
			{Parser: fixed(res("hours", 0.8), nil)},
		}, "1", "hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := chain.NewSteps(cfg, tt.steps...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Parse(t.Context(), "text")
			if err != nil {
				t.Fatal(err)
			}
			if got.Parser != tt.wantParser {
				t.Errorf("Parser = %q, want %q (%+v)", got.Parser, tt.wantParser, got)
			}
			if d := c.Decide(got); d.Intent != tt.wantIntent {
				t.Errorf("Decide = %+v, want intent %q", d, tt.wantIntent)
			}
		})
	}
}

func TestNewStepsErrors(t *testing.T) {
	t.Parallel()
	p := fixed(nlu.Result{}, nil)
	tests := []struct {
		name  string
		steps []chain.Step
	}{
		{"none", nil},
		{"nil parser", []chain.Step{{Name: "a"}}},
		{"twice", []chain.Step{{Name: "a", Parser: p}, {Name: "a", Parser: p}}},
		{"threshold above 1", []chain.Step{{Name: "a", Parser: p, Threshold: 1.5}}},
		{"negative margin", []chain.Step{{Name: "a", Parser: p, MarginThreshold: -0.1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := chain.NewSteps(chain.Config{Threshold: 0.5}, tt.steps...); err == nil {
				t.Error("NewSteps accepted it")
			}
		})
	}
}

func TestChainEntities(t *testing.T) {
	t.Parallel()
	text := "send <EMAIL_1> the order 4411 of <PERSON_2>, not <bold> or <X_>"
	own := nlu.Entity{Type: "ORDER_ID", Value: "4411", Start: 25, End: 29}
	overlap := nlu.Entity{Type: "CONTACT", Value: "<PERSON_2>", Start: 33, End: 43}
	c, err := chain.New(chain.Config{Threshold: 0.5}, fixed(nlu.Result{Intents: []nlu.Intent{{Name: "order", Confidence: 0.9}}, Entities: []nlu.Entity{overlap, own}}, nil))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Parse(t.Context(), text)
	if err != nil {
		t.Fatal(err)
	}
	want := []nlu.Entity{
		{Type: "EMAIL_ADDRESS", Value: "<EMAIL_1>", Start: 5, End: 14},
		own,
		overlap, // the parser's own entity wins over the token it covers
	}
	if !slices.Equal(got.Entities, want) {
		t.Errorf("Entities = %+v\nwant %+v", got.Entities, want)
	}
	for _, e := range got.Entities {
		if text[e.Start:e.End] != e.Value {
			t.Errorf("entity %+v: offsets give %q", e, text[e.Start:e.End])
		}
	}
}
