package classifier

import (
	"context"
	"encoding/json"
	"github.com/veilhq/veil/internal/refdata"
	"maps"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/veilhq/veil/nlu"
)

// clinc150 holds CLINC150's data_full.json splits as nlu.Examples.
type clinc150 map[string][]nlu.Example

func loadCLINC150(tb testing.TB) clinc150 {
	tb.Helper()
	raw, err := os.ReadFile(refdata.Path(tb, "intents/clinc150_data_full.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var splits map[string][][2]string
	if err := json.Unmarshal(raw, &splits); err != nil {
		tb.Fatal(err)
	}
	d := clinc150{}
	for name, rows := range splits {
		for _, r := range rows {
			d[name] = append(d[name], nlu.Example{Text: r[0], Intent: r[1]})
		}
	}
	return d
}

// valOOS is oos_val plus the out-of-scope queries of
// clinc150_data_oos_plus.json's oos_train that data_full's oos_train lacks
// (151, none of them in any test split): 100 oos_val queries alone put a
// ±5-point noise on the validation OOS recall that decisions are made on.
func (d clinc150) valOOS(tb testing.TB) []nlu.Example {
	tb.Helper()
	raw, err := os.ReadFile(refdata.Path(tb, "intents/clinc150_data_oos_plus.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var splits map[string][][2]string
	if err := json.Unmarshal(raw, &splits); err != nil {
		tb.Fatal(err)
	}
	trained := map[string]bool{}
	for _, e := range d["oos_train"] {
		trained[e.Text] = true
	}
	out := slices.Clone(d["oos_val"])
	for _, r := range splits["oos_train"] {
		if !trained[r[0]] {
			out = append(out, nlu.Example{Text: r[0], Intent: r[1]})
		}
	}
	return out
}

// training is the train split plus the oos_train queries as a 151st class.
func (d clinc150) training() []nlu.Example {
	return slices.Concat(d["train"], d["oos_train"])
}

// score returns the paper's two metrics: in-scope accuracy (an in-scope
// query answered with its intent; answering oos counts as wrong) and
// out-of-scope recall.
func score(tb testing.TB, c *Classifier, inScope, oos []nlu.Example) (inAcc, oosRecall float64) {
	tb.Helper()
	ctx := context.Background()
	hits := 0
	for _, e := range inScope {
		res, err := c.Parse(ctx, e.Text)
		if err != nil {
			tb.Fatal(err)
		}
		if res.Top().Name == e.Intent {
			hits++
		}
	}
	caught := 0
	for _, e := range oos {
		res, err := c.Parse(ctx, e.Text)
		if err != nil {
			tb.Fatal(err)
		}
		if res.Top().Name == nlu.OutOfScope {
			caught++
		}
	}
	return float64(hits) / float64(len(inScope)), float64(caught) / float64(len(oos))
}

// TestCLINC150 trains the default configuration on CLINC150's train split
// (+ oos_train as the oos class) and scores the test split with the
// paper's metrics. The target is in-scope accuracy ≥ 93% and
// out-of-scope recall ≥ 50% (the best non-BERT row of Larson et al. 2019,
// an MLP over USE embeddings, has 93.4% / 49.1%). This model measures
// 93.33% / 55.2% (every setting chosen on val), so the test asserts the
// floors a regression would break: in-scope ≥ 93.1%, OOS recall ≥ 54%.
//
// SLOW TEST: it trains on the full 15,100-utterance training set (about
// 8 s on one core, several times that under -race) and parses 8,600
// utterances.
func TestCLINC150(t *testing.T) {
	d := loadCLINC150(t)
	start := time.Now()
	c := mustTrain(t, DefaultConfig(), d.training())
	t.Logf("trained on %d utterances in %v", len(d.training()), time.Since(start).Round(time.Millisecond))
	if got := len(c.Intents()); got != 150 {
		t.Errorf("%d in-scope intents, want 150", got)
	}
	valAcc, valRec := score(t, c, d["val"], d["oos_val"])
	t.Logf("val:  in-scope accuracy %.2f%%, out-of-scope recall %.2f%%", 100*valAcc, 100*valRec)
	valOOS := d.valOOS(t)
	_, valRec2 := score(t, c, nil, valOOS)
	t.Logf("val:  out-of-scope recall %.2f%% on oos_val + oos_plus extras (%d queries)", 100*valRec2, len(valOOS))
	testAcc, testRec := score(t, c, d["test"], d["oos_test"])
	t.Logf("test: in-scope accuracy %.2f%%, out-of-scope recall %.2f%%", 100*testAcc, 100*testRec)
	if testAcc < 0.931 {
		t.Errorf("test in-scope accuracy %.2f%% < 93.1%%", 100*testAcc)
	}
	if testRec < 0.54 {
		t.Errorf("test out-of-scope recall %.2f%% < 54%%", 100*testRec)
	}
}

// BenchmarkTrainCLINC measures training on CLINC150's full training set;
// the s/train metric is the wall time of one training. Run it with
// GOMAXPROCS=1 for the one-core figure.
func BenchmarkTrainCLINC(b *testing.B) {
	d := loadCLINC150(b)
	ex := d.training()
	start := time.Now()
	n := 0
	for b.Loop() {
		if err := New(DefaultConfig()).Train(context.Background(), ex); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(n), "s/train")
}

// BenchmarkParse measures one Parse on CLINC150 test utterances with the
// model trained on the full data; p50-ns is the median latency.
func BenchmarkParse(b *testing.B) {
	d := loadCLINC150(b)
	c := New(DefaultConfig())
	if err := c.Train(context.Background(), d.training()); err != nil {
		b.Fatal(err)
	}
	texts := slices.Concat(d["test"], d["oos_test"])
	ctx := context.Background()
	lat := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		t0 := time.Now()
		if _, err := c.Parse(ctx, texts[i%len(texts)].Text); err != nil {
			b.Fatal(err)
		}
		if len(lat) < cap(lat) {
			lat = append(lat, time.Since(t0))
		}
		i++
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
}

// TestCLINC150Robustness trains the unchanged default configuration on
// smaller versions of CLINC150, as a stand-in for other intent sets: half
// the training utterances of every intent (and of oos_train), and every
// fifth intent only (30 intents + oos). Accuracy should drop gracefully
// and the out-of-scope decision, whose margin was chosen on the full set,
// should still catch a sensible share of oos queries; with 30 intents the
// other 120 intents' test queries are out of scope too and are counted as
// such. Measured: half the data 91.44% in-scope / 49.9% OOS recall;
// 30 intents 98.00% / 54.6% (of 4,600 queries: oos_test and the other
// intents' test queries). The floors sit a little below.
//
// SLOW TEST: two trainings on 2,500 to 7,550 utterances.
func TestCLINC150Robustness(t *testing.T) {
	d := loadCLINC150(t)
	intents := map[string]bool{}
	for _, e := range d["train"] {
		intents[e.Intent] = true
	}
	names := slices.Sorted(maps.Keys(intents))
	everyFifth := map[string]bool{}
	for i, n := range names {
		if i%5 == 0 {
			everyFifth[n] = true
		}
	}
	half := func(ex []nlu.Example) []nlu.Example {
		seen := map[string]int{}
		var out []nlu.Example
		for _, e := range ex {
			if seen[e.Intent]++; seen[e.Intent]%2 == 1 {
				out = append(out, e)
			}
		}
		return out
	}
	keep := func(ex []nlu.Example, in map[string]bool) (kept, other []nlu.Example) {
		for _, e := range ex {
			if in[e.Intent] {
				kept = append(kept, e)
			} else {
				other = append(other, nlu.Example{Text: e.Text, Intent: nlu.OutOfScope})
			}
		}
		return kept, other
	}
	subTrain, _ := keep(d["train"], everyFifth)
	subTest, unseen := keep(d["test"], everyFifth)
	tests := []struct {
		name               string
		train              []nlu.Example
		inScope, oos       []nlu.Example
		minInScope, minOOS float64
		maxOOS             float64
	}{
		{"HalfTheData", half(d.training()), d["test"], d["oos_test"], 0.91, 0.45, 0.75},
		{"ThirtyIntents", slices.Concat(subTrain, d["oos_train"]), subTest, slices.Concat(d["oos_test"], unseen), 0.975, 0.45, 0.85},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustTrain(t, DefaultConfig(), tt.train)
			acc, rec := score(t, c, tt.inScope, tt.oos)
			t.Logf("%d training utterances, %d intents: in-scope accuracy %.2f%%, out-of-scope recall %.2f%% (%d oos queries)",
				len(tt.train), len(c.Intents()), 100*acc, 100*rec, len(tt.oos))
			if acc < tt.minInScope {
				t.Errorf("in-scope accuracy %.2f%% < %.1f%%", 100*acc, 100*tt.minInScope)
			}
			if rec < tt.minOOS || rec > tt.maxOOS {
				t.Errorf("out-of-scope recall %.2f%% outside [%.0f%%, %.0f%%]", 100*rec, 100*tt.minOOS, 100*tt.maxOOS)
			}
		})
	}
}
