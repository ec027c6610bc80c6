package classifier

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/veilhq/veil/nlu"
)

// Interface guards.
var (
	_ nlu.Parser  = (*Classifier)(nil)
	_ nlu.Trainer = (*Classifier)(nil)
)

// ErrNotTrained is returned by Parse and Save before a successful Train or
// Load; train the classifier or load a saved model first.
var ErrNotTrained = errors.New("classifier: not trained")

// ErrTrainingData is wrapped by Train's errors about the examples; the
// message names the offending example by its index in the slice, which
// callers map back to a file and line.
var ErrTrainingData = errors.New("bad training data")

// Classifier is the embedded intent classifier. Create it with New, then
// Train it or replace it with Load. Parse is safe for concurrent use,
// also while Train runs.
type Classifier struct {
	cfg   Config
	model atomic.Pointer[model]
	// Scratch buffers for Parse, one set per concurrent caller.
	pool sync.Pool
}

// model is everything Parse needs; it is immutable once built.
type model struct {
	Intents  []string // class names; index = class
	OOS      int      // class index of nlu.OutOfScope, or -1
	Features featureSpace
	Linear   linear
}

// New returns an untrained classifier. It has no side effects; an invalid
// cfg is reported by Train.
func New(cfg Config) *Classifier {
	return &Classifier{cfg: cfg}
}

// Config returns the classifier's configuration.
func (c *Classifier) Config() Config { return c.cfg }

// Intents returns the in-scope intent names the model knows, sorted (the
// trained out-of-scope class is not included). It is nil before training.
func (c *Classifier) Intents() []string {
	m := c.model.Load()
	if m == nil {
		return nil
	}
	out := make([]string, 0, len(m.Intents))
	for i, name := range m.Intents {
		if i != m.OOS {
			out = append(out, name)
		}
	}
	return out
}

// Train learns the intents in examples and replaces the current model
// when it succeeds. Examples labeled nlu.OutOfScope train an out-of-scope
// class (the label's case does not matter). Real intent sets are untidy, so Train learns what it can: an
// intent with a single example, the same utterance under two intents and
// an utterance without letters or digits (skipped) are accepted (veil nlu
// train lints a data file for them first). It fails with ErrTrainingData
// on an empty text or intent or fewer than two intents to tell apart;
// with the context's error when ctx ends.
func (c *Classifier) Train(ctx context.Context, examples []nlu.Example) error {
	if err := c.cfg.Validate(); err != nil {
		return err
	}
	docs, labels, names, err := prepare(examples)
	if err != nil {
		return err
	}
	m, err := fit(ctx, c.cfg, docs, labels, names)
	if err != nil {
		return err
	}
	c.model.Store(m)
	return nil
}

// prepare validates the examples and returns the token lists and class
// labels of those with words, and the sorted class names.
func prepare(examples []nlu.Example) ([][]string, []int32, []string, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("classifier: %w: "+format, append([]any{ErrTrainingData}, args...)...)
	}
	if len(examples) == 0 {
		return nil, nil, nil, bad("no examples")
	}
	docs := make([][]string, 0, len(examples))
	intents := make([]string, 0, len(examples))
	count := map[string]int{}
	for i, e := range examples {
		intent := strings.TrimSpace(e.Intent)
		if intent == "" {
			return nil, nil, nil, bad("example %d: empty intent", i)
		}
		if strings.EqualFold(intent, nlu.OutOfScope) {
			intent = nlu.OutOfScope // "OOS" in some data sets
		}
		if strings.TrimSpace(e.Text) == "" {
			return nil, nil, nil, bad("example %d: empty text", i)
		}
		toks := normalize(e.Text)
		if len(toks) == 0 {
			continue // nothing to learn from ("?!", an emoji)
		}
		docs = append(docs, toks)
		intents = append(intents, intent)
		count[intent]++
	}
	if len(docs) == 0 {
		return nil, nil, nil, bad("no example has a word")
	}
	names := make([]string, 0, len(count))
	for name := range count {
		names = append(names, name)
	}
	if len(names) < 2 {
		return nil, nil, nil, bad("only one intent %q, need at least two (or add %q examples)", names[0], nlu.OutOfScope)
	}
	slices.Sort(names)
	index := make(map[string]int32, len(names))
	for i, n := range names {
		index[n] = int32(i)
	}
	labels := make([]int32, len(docs))
	for i, in := range intents {
		labels[i] = index[in]
	}
	return docs, labels, names, nil
}

// fit builds the vocabulary and trains the linear model.
func fit(ctx context.Context, cfg Config, docs [][]string, labels []int32, names []string) (*model, error) {
	m := &model{Intents: names, OOS: slices.Index(names, nlu.OutOfScope)}
	m.Features = featureSpace{
		WordN:      cfg.WordNgrams,
		SkipWindow: cfg.SkipWindow,
		CharMin:    cfg.CharMin,
		CharMax:    cfg.CharMax,
		CharWeight: float32(cfg.CharWeight),
		Sublinear:  true,
	}
	m.Features.fit(docs, cfg.MinCount)
	xs := make([]sparse, len(docs))
	for i, d := range docs {
		xs[i] = m.Features.vector(d)
	}
	lin, err := trainLinear(ctx, xs, labels, m.Features.dim(), len(names), sgdOptions{
		Epochs: cfg.Epochs, LearningRate: cfg.LearningRate, L2: cfg.L2, Seed: cfg.Seed,
		Hinge: cfg.Loss == LossHinge, Smooth: cfg.HingeSmoothing,
	})
	if err != nil {
		return nil, fmt.Errorf("classifier: %w", err)
	}
	m.Linear = *lin
	if cfg.NBWeight > 0 {
		addNaiveBayes(&m.Linear, xs, labels, cfg.NBWeight, cfg.NBSmoothing)
	}
	return m, nil
}

// scratch is Parse's per-call working memory.
type scratch struct {
	z     []float32
	order []int32
}

// Parse ranks the intents for text. Confidences are softmax probabilities
// and sum to at most 1; at most Config.TopK intents are returned, the
// trained out-of-scope class only when it is the answer. The answer is
// out of scope when, with a trained oos class, the best in-scope score
// does not beat the oos class's score by Config.OOSMargin, or, without
// one, the best in-scope confidence is below Config.OOSThreshold. Then
// the first intent is nlu.OutOfScope with confidence 1 − (best in-scope
// confidence), followed by the in-scope candidates (for a clarifying
// question), their confidences scaled down so the list stays ranked and
// sums to at most 1.
func (c *Classifier) Parse(ctx context.Context, text string) (nlu.Result, error) {
	if err := ctx.Err(); err != nil {
		return nlu.Result{}, fmt.Errorf("classifier: %w", err)
	}
	m := c.model.Load()
	if m == nil {
		return nlu.Result{}, ErrNotTrained
	}
	k := len(m.Intents)
	s, _ := c.pool.Get().(*scratch)
	if s == nil || len(s.z) != k {
		s = &scratch{z: make([]float32, k), order: make([]int32, 0, k)}
	}
	defer c.pool.Put(s)

	x := m.Features.vector(normalize(text))
	m.Linear.logits(x, s.z)
	// The out-of-scope decision uses the raw scores: how far the best
	// in-scope intent beats the trained oos class.
	margin := math.Inf(1)
	if m.OOS >= 0 {
		bestRaw := float32(math.Inf(-1))
		for i, v := range s.z {
			if i != m.OOS {
				bestRaw = max(bestRaw, v)
			}
		}
		margin = float64(bestRaw - s.z[m.OOS])
	}
	softmaxInPlace(s.z, float32(c.cfg.Temperature))

	s.order = s.order[:0]
	for i := range k {
		if i != m.OOS {
			s.order = append(s.order, int32(i))
		}
	}
	z := s.z
	slices.SortStableFunc(s.order, func(a, b int32) int {
		switch {
		case z[a] > z[b]:
			return -1
		case z[a] < z[b]:
			return 1
		}
		return 0
	})
	topK := min(c.cfg.TopK, len(s.order))
	cands := s.order[:topK]
	best := float64(z[cands[0]])
	inScope := best >= c.cfg.OOSThreshold
	if m.OOS >= 0 {
		inScope = margin >= c.cfg.OOSMargin
	}
	res := nlu.Result{Intents: make([]nlu.Intent, 0, topK+1)}
	if inScope {
		for _, i := range cands {
			res.Intents = append(res.Intents, nlu.Intent{Name: m.Intents[i], Confidence: float64(z[i])})
		}
		return res, nil
	}
	conf := 1 - best // includes the oos class's own probability
	res.Intents = append(res.Intents, nlu.Intent{Name: nlu.OutOfScope, Confidence: conf})
	var sum float64
	for _, i := range cands {
		sum += float64(z[i])
	}
	// Scale so the candidates sum to at most 1-conf and none outranks oos.
	f := 1.0
	if sum > 0 {
		f = min(f, (1-conf)/sum)
	}
	if best > 0 {
		f = min(f, conf/best)
	}
	for _, i := range cands {
		res.Intents = append(res.Intents, nlu.Intent{Name: m.Intents[i], Confidence: f * float64(z[i])})
	}
	return res, nil
}
