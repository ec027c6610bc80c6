package nlueval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/veilhq/veil/eval/internal/parallel"
	"github.com/veilhq/veil/nlu"
)

// Options configure Evaluate. The zero value uses the defaults.
type Options struct {
	// Workers parse test examples at once; default GOMAXPROCS.
	Workers int
	// Bins is the number of confidence-histogram bins; default 10.
	Bins int
	// TopConfusions is how many confusion pairs to keep; default 20.
	TopConfusions int
	// Progress, when set, is called once per parsed test example.
	Progress func()
}

func (o *Options) defaults() {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Bins <= 0 {
		o.Bins = 10
	}
	if o.TopConfusions <= 0 {
		o.TopConfusions = 20
	}
}

// IntentScores are one intent's results.
type IntentScores struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
}

// Confusion counts test queries of intent Gold predicted as Pred.
type Confusion struct {
	Gold  string `json:"gold"`
	Pred  string `json:"pred"`
	Count int    `json:"count"`
}

// Bin is one confidence-histogram bin [Lo, Hi).
type Bin struct {
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	Correct   int     `json:"correct"`
	Incorrect int     `json:"incorrect"`
}

// Prediction is one test query's outcome.
type Prediction struct {
	Fold       int     `json:"fold,omitempty"`
	Text       string  `json:"text"`
	Gold       string  `json:"gold"`
	Pred       string  `json:"pred"`
	Confidence float64 `json:"confidence"`
}

// FoldScores are one cross-validation fold's headline numbers.
type FoldScores struct {
	Records         int     `json:"records"`
	Accuracy        float64 `json:"accuracy"`
	InScopeAccuracy float64 `json:"in_scope_accuracy"`
	OOSRecall       float64 `json:"oos_recall"`
	MacroF1         float64 `json:"macro_f1"`
	TrainSeconds    float64 `json:"train_seconds"`
}

// Config records how a report was made.
type Config struct {
	Files       []string `json:"files,omitempty"`
	TrainSplits []string `json:"train_splits,omitempty"`
	TestSplits  []string `json:"test_splits,omitempty"`
	Folds       int      `json:"folds,omitempty"`
	Seed        int64    `json:"seed,omitempty"`
	Limit       int      `json:"limit,omitempty"`
}

// Report is the result of one evaluation. Rates are fractions in [0,1].
// With cross-validation, the headline numbers pool every fold's
// predictions and Folds holds each fold's own.
type Report struct {
	Records         int     `json:"records"`
	TrainExamples   int     `json:"train_examples"`
	Accuracy        float64 `json:"accuracy"`
	InScopeAccuracy float64 `json:"in_scope_accuracy"`
	OOSRecall       float64 `json:"oos_recall"`
	OOSPrecision    float64 `json:"oos_precision"`
	MacroF1         float64 `json:"macro_f1"`
	InScopeRecords  int     `json:"in_scope_records"`
	OOSRecords      int     `json:"oos_records"`
	// Intents holds every intent seen in the test gold or predictions,
	// "oos" included; MacroF1 averages those with support.
	Intents       map[string]IntentScores `json:"intents"`
	TopConfusions []Confusion             `json:"top_confusions"`
	// Histogram bins the top intent's confidence, split by correctness.
	Histogram    []Bin        `json:"confidence_histogram"`
	TrainSeconds float64      `json:"train_seconds"`
	ParseP50Ms   float64      `json:"parse_p50_ms"`
	ParseP95Ms   float64      `json:"parse_p95_ms"`
	Folds        []FoldScores `json:"folds,omitempty"`
	Config       Config       `json:"config"`
	// Predictions are every test query's outcome (written with --errors,
	// not in the JSON report).
	Predictions []Prediction `json:"-"`
}

// isOOS normalises a predicted or gold intent: empty means out of scope.
func normalize(intent string) string {
	intent = strings.TrimSpace(intent)
	if intent == "" || strings.EqualFold(intent, nlu.OutOfScope) {
		return nlu.OutOfScope
	}
	return intent
}

// Evaluate trains t on train and scores it on test.
func Evaluate(ctx context.Context, t nlu.Trainer, train, test []nlu.Example, opts Options) (*Report, error) {
	opts.defaults()
	preds, lat, secs, err := trainAndPredict(ctx, t, train, test, 0, &opts)
	if err != nil {
		return nil, err
	}
	rep := score(preds, &opts)
	rep.TrainExamples = len(train)
	rep.TrainSeconds = secs
	rep.ParseP50Ms, rep.ParseP95Ms = percentile(lat, 0.5), percentile(lat, 0.95)
	return rep, nil
}

// CrossValidate splits examples into k stratified folds (seeded), trains a
// fresh Trainer from newTrainer on k−1 folds and tests on the last, k times
// (k is lowered to the number of examples when there are fewer).
func CrossValidate(ctx context.Context, newTrainer func() (nlu.Trainer, error), examples []nlu.Example, k int, seed int64, opts Options) (*Report, error) {
	if k < 2 {
		return nil, fmt.Errorf("cross-validate: need at least 2 folds, got %d", k)
	}
	opts.defaults()
	k = min(k, max(len(examples), 2)) // no empty test fold
	folds := Folds(examples, k, seed)
	var (
		all    []Prediction
		lat    []time.Duration
		secs   float64
		scores []FoldScores
	)
	for f := range k {
		var train []nlu.Example
		for g := range k {
			if g != f {
				train = append(train, folds[g]...)
			}
		}
		t, err := newTrainer()
		if err != nil {
			return nil, fmt.Errorf("fold %d: new trainer: %w", f+1, err)
		}
		preds, l, s, err := trainAndPredict(ctx, t, train, folds[f], f+1, &opts)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		fr := score(preds, &opts)
		scores = append(scores, FoldScores{Records: fr.Records, Accuracy: fr.Accuracy, InScopeAccuracy: fr.InScopeAccuracy, OOSRecall: fr.OOSRecall, MacroF1: fr.MacroF1, TrainSeconds: s})
		all = append(all, preds...)
		lat = append(lat, l...)
		secs += s
	}
	rep := score(all, &opts)
	rep.Folds = scores
	rep.TrainExamples = len(examples)
	rep.TrainSeconds = secs
	rep.ParseP50Ms, rep.ParseP95Ms = percentile(lat, 0.5), percentile(lat, 0.95)
	rep.Config.Folds, rep.Config.Seed = k, seed
	return rep, nil
}

// Folds deals examples into k folds stratified by intent: each intent's
// examples are shuffled (seeded) and dealt round-robin, continuing where
// the previous intent stopped so fold sizes stay within one of each other.
func Folds(examples []nlu.Example, k int, seed int64) [][]nlu.Example {
	byIntent := map[string][]nlu.Example{}
	for _, e := range examples {
		byIntent[e.Intent] = append(byIntent[e.Intent], e)
	}
	intents := make([]string, 0, len(byIntent))
	for i := range byIntent {
		intents = append(intents, i)
	}
	sort.Strings(intents)
	r := rand.New(rand.NewPCG(uint64(seed), 0x6e6c75))
	folds := make([][]nlu.Example, k)
	next := 0
	for _, in := range intents {
		ex := byIntent[in]
		r.Shuffle(len(ex), func(i, j int) { ex[i], ex[j] = ex[j], ex[i] })
		for _, e := range ex {
			folds[next] = append(folds[next], e)
			next = (next + 1) % k
		}
	}
	return folds
}

func trainAndPredict(ctx context.Context, t nlu.Trainer, train, test []nlu.Example, fold int, opts *Options) ([]Prediction, []time.Duration, float64, error) {
	if len(train) == 0 {
		return nil, nil, 0, errors.New("no training examples")
	}
	if len(test) == 0 {
		return nil, nil, 0, errors.New("no test examples")
	}
	start := time.Now()
	if err := t.Train(ctx, train); err != nil {
		return nil, nil, 0, fmt.Errorf("train: %w", err)
	}
	secs := time.Since(start).Seconds()

	preds := make([]Prediction, len(test))
	lat := make([]time.Duration, len(test))
	errs := make([]error, len(test))
	ctxErr := parallel.Each(ctx, len(test), opts.Workers, func(i int) {
		t0 := time.Now()
		res, err := t.Parse(ctx, test[i].Text)
		lat[i] = time.Since(t0)
		errs[i] = err
		top := res.Top()
		preds[i] = Prediction{Fold: fold, Text: test[i].Text, Gold: normalize(test[i].Intent), Pred: normalize(top.Name), Confidence: top.Confidence}
		if opts.Progress != nil {
			opts.Progress()
		}
	})
	if ctxErr != nil {
		return nil, nil, 0, ctxErr
	}
	for i, err := range errs {
		if err != nil {
			return nil, nil, 0, fmt.Errorf("parse test example %d: %w", i+1, err)
		}
	}
	return preds, lat, secs, nil
}

func score(preds []Prediction, opts *Options) *Report {
	rep := &Report{Records: len(preds), Intents: map[string]IntentScores{}}
	type c struct{ tp, fp, fn, support int }
	cs := map[string]*c{}
	get := func(k string) *c {
		if cs[k] == nil {
			cs[k] = &c{}
		}
		return cs[k]
	}
	pairs := map[[2]string]int{}
	var correct, inCorrect, oosHit, oosPred int
	rep.Histogram = make([]Bin, opts.Bins)
	for i := range rep.Histogram {
		rep.Histogram[i] = Bin{Lo: float64(i) / float64(opts.Bins), Hi: float64(i+1) / float64(opts.Bins)}
	}
	for _, p := range preds {
		ok := p.Gold == p.Pred
		get(p.Gold).support++
		if ok {
			correct++
			get(p.Gold).tp++
		} else {
			get(p.Gold).fn++
			get(p.Pred).fp++
			pairs[[2]string{p.Gold, p.Pred}]++
		}
		if p.Gold == nlu.OutOfScope {
			rep.OOSRecords++
			if p.Pred == nlu.OutOfScope {
				oosHit++
			}
		} else {
			rep.InScopeRecords++
			if ok {
				inCorrect++
			}
		}
		if p.Pred == nlu.OutOfScope {
			oosPred++
		}
		b := int(math.Floor(p.Confidence * float64(opts.Bins)))
		b = min(max(b, 0), opts.Bins-1)
		if ok {
			rep.Histogram[b].Correct++
		} else {
			rep.Histogram[b].Incorrect++
		}
	}
	frac := func(n, d int) float64 {
		if d == 0 {
			return 0
		}
		return float64(n) / float64(d)
	}
	rep.Accuracy = frac(correct, len(preds))
	rep.InScopeAccuracy = frac(inCorrect, rep.InScopeRecords)
	rep.OOSRecall = frac(oosHit, rep.OOSRecords)
	rep.OOSPrecision = frac(oosHit, oosPred)
	var f1s float64
	var n int
	for k, v := range cs {
		s := IntentScores{TP: v.tp, FP: v.fp, FN: v.fn, Support: v.support}
		s.Precision = frac(v.tp, v.tp+v.fp)
		s.Recall = frac(v.tp, v.tp+v.fn)
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
		rep.Intents[k] = s
		if v.support > 0 {
			f1s += s.F1
			n++
		}
	}
	if n > 0 {
		rep.MacroF1 = f1s / float64(n)
	}
	for k, v := range pairs {
		rep.TopConfusions = append(rep.TopConfusions, Confusion{Gold: k[0], Pred: k[1], Count: v})
	}
	sort.Slice(rep.TopConfusions, func(i, j int) bool {
		a, b := rep.TopConfusions[i], rep.TopConfusions[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Gold != b.Gold {
			return a.Gold < b.Gold
		}
		return a.Pred < b.Pred
	})
	if len(rep.TopConfusions) > opts.TopConfusions {
		rep.TopConfusions = rep.TopConfusions[:opts.TopConfusions]
	}
	rep.Predictions = preds
	return rep
}

// percentile returns the p-quantile (nearest rank) in milliseconds.
func percentile(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(math.Ceil(p*float64(len(s)))) - 1
	i = min(max(i, 0), len(s)-1)
	return float64(s[i].Microseconds()) / 1000
}
