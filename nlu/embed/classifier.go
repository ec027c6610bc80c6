package embed

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/veilhq/veil/nlu"
)

// Interface guards.
var _ nlu.Trainer = (*Classifier)(nil)

// Defaults for Config's zero values.
const (
	DefaultK           = 20
	DefaultTopK        = 1
	DefaultTemperature = 0.05
	DefaultMaxIntents  = 5
)

// Config tunes how neighbours become intent confidences.
type Config struct {
	// K is how many nearest examples a query retrieves (default DefaultK).
	K int
	// TopK: an intent's score is the mean similarity of its best TopK
	// retrieved examples (fewer when fewer were retrieved); 1, the default,
	// is "best match" (on CLINC150 with the Local embedder, 1 beats 2 and 3).
	TopK int
	// Temperature of the softmax that turns scores into confidences
	// (default DefaultTemperature): lower is more peaked.
	Temperature float64
	// NoneScore, when positive, adds a virtual "no intent" competitor with
	// this similarity to the softmax, so a query far from every example
	// gets low confidences. Its value depends on the embedder.
	NoneScore float64
	// MaxIntents is how many ranked intents Parse returns (default
	// DefaultMaxIntents).
	MaxIntents int
}

func (c *Config) setDefaults() error {
	if c.K == 0 {
		c.K = DefaultK
	}
	if c.TopK == 0 {
		c.TopK = DefaultTopK
	}
	if c.Temperature == 0 {
		c.Temperature = DefaultTemperature
	}
	if c.MaxIntents == 0 {
		c.MaxIntents = DefaultMaxIntents
	}
	if c.K < 0 || c.TopK < 0 || c.Temperature < 0 || c.MaxIntents < 0 || c.NoneScore < 0 || c.NoneScore > 1 {
		return fmt.Errorf("embed: bad config %+v", *c)
	}
	return nil
}

// Classifier is an embedding nearest-neighbour intent classifier: Train
// embeds the examples into the Index, Parse embeds the text and ranks the
// intents of its nearest examples. It is safe for concurrent use; a Train
// concurrent with Parse is seen atomically when the Index replaces
// atomically (both shipped ones do).
type Classifier struct {
	emb Embedder
	idx Index
	cfg Config
}

// New returns a classifier over emb and idx. An Index that already holds
// vectors (PostgreSQL after a restart) serves Parse before any Train,
// provided emb embeds the same way (a Local embedder needs the same Fit).
func New(emb Embedder, idx Index, cfg Config) (*Classifier, error) {
	if emb == nil || idx == nil {
		return nil, errors.New("embed: nil embedder or index")
	}
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	return &Classifier{emb: emb, idx: idx, cfg: cfg}, nil
}

// Train embeds examples (fitting the embedder first when it is a Fitter)
// and replaces the index's vectors with them. Examples of nlu.OutOfScope
// are stored like any intent: a query nearest to them ranks "oos" first.
func (c *Classifier) Train(ctx context.Context, examples []nlu.Example) error {
	if len(examples) == 0 {
		return errors.New("embed: train: no examples")
	}
	texts := make([]string, len(examples))
	for i, ex := range examples {
		if strings.TrimSpace(ex.Intent) == "" || strings.TrimSpace(ex.Text) == "" {
			return fmt.Errorf("embed: train: example %d has no text or no intent", i)
		}
		texts[i] = ex.Text
	}
	if f, ok := c.emb.(Fitter); ok {
		if err := f.Fit(ctx, texts); err != nil {
			return fmt.Errorf("embed: train: fit: %w", err)
		}
	}
	vecs, err := c.emb.Embed(ctx, texts)
	if err != nil {
		return fmt.Errorf("embed: train: %w", err)
	}
	if len(vecs) != len(texts) {
		return fmt.Errorf("embed: train: %d vectors for %d examples", len(vecs), len(texts))
	}
	vs := make([]Vector, len(examples))
	for i, ex := range examples {
		vs[i] = Vector{Intent: strings.TrimSpace(ex.Intent), Example: ex.Text, Vector: vecs[i]}
	}
	if err := c.idx.Replace(ctx, vs); err != nil {
		return fmt.Errorf("embed: train: %w", err)
	}
	return nil
}

// Parse ranks the intents of text's nearest examples.
func (c *Classifier) Parse(ctx context.Context, text string) (nlu.Result, error) {
	if strings.TrimSpace(text) == "" {
		return nlu.Result{}, nil
	}
	vecs, err := c.emb.Embed(ctx, []string{text})
	if err != nil {
		return nlu.Result{}, fmt.Errorf("embed: parse: %w", err)
	}
	if len(vecs) != 1 {
		return nlu.Result{}, fmt.Errorf("embed: parse: %d vectors for 1 text", len(vecs))
	}
	ms, err := c.idx.Nearest(ctx, vecs[0], c.cfg.K)
	if err != nil {
		return nlu.Result{}, fmt.Errorf("embed: parse: %w", err)
	}
	return nlu.Result{Intents: Rank(ms, c.cfg)}, nil
}

// Rank turns neighbours (best first) into intents with confidences, as
// Parse does: per intent the mean of its best cfg.TopK scores, then a
// softmax with cfg.Temperature (and the NoneScore competitor), best first,
// at most cfg.MaxIntents. cfg's zero fields take their defaults.
func Rank(ms []Match, cfg Config) []nlu.Intent {
	if cfg.setDefaults() != nil || len(ms) == 0 {
		return nil
	}
	type agg struct {
		sum float64
		n   int
	}
	by := map[string]*agg{}
	var order []string
	for _, m := range ms {
		a := by[m.Intent]
		if a == nil {
			a = &agg{}
			by[m.Intent] = a
			order = append(order, m.Intent)
		}
		if a.n < cfg.TopK {
			a.sum += m.Score
			a.n++
		}
	}
	scores := make([]float64, len(order))
	hi := math.Inf(-1)
	for i, name := range order {
		a := by[name]
		scores[i] = a.sum / float64(a.n)
		hi = max(hi, scores[i])
	}
	if cfg.NoneScore > 0 {
		hi = max(hi, cfg.NoneScore)
	}
	var z float64
	exps := make([]float64, len(order))
	for i, s := range scores {
		exps[i] = math.Exp((s - hi) / cfg.Temperature)
		z += exps[i]
	}
	if cfg.NoneScore > 0 {
		z += math.Exp((cfg.NoneScore - hi) / cfg.Temperature)
	}
	out := make([]nlu.Intent, len(order))
	for i, name := range order {
		out[i] = nlu.Intent{Name: name, Confidence: exps[i] / z}
	}
	slices.SortStableFunc(out, func(a, b nlu.Intent) int { return cmp.Compare(b.Confidence, a.Confidence) })
	if len(out) > cfg.MaxIntents {
		out = out[:cfg.MaxIntents]
	}
	return out
}
