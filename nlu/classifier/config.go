package classifier

import (
	"errors"
	"fmt"
	"math"
)

// Config holds the classifier's features, training and decision settings.
// The zero value is not useful: start from DefaultConfig. The defaults
// were chosen on CLINC150's validation split and are meant to be used
// unchanged on other intent sets.
type Config struct {
	// WordNgrams is the longest word n-gram used as a feature (default 2).
	WordNgrams int `yaml:"word_ngrams" json:"word_ngrams"`
	// SkipWindow adds ordered word pairs up to this many positions apart
	// (distance ≥ 2; default 8; 0 = off). They let a linear model see
	// words that matter together ("redeem … points").
	SkipWindow int `yaml:"skip_window" json:"skip_window"`
	// CharMin and CharMax bound the character n-grams taken inside each
	// space-padded word (default 1 and 5); CharMax 0 disables them.
	CharMin int `yaml:"char_min" json:"char_min"`
	CharMax int `yaml:"char_max" json:"char_max"`
	// CharWeight is the weight of the character block relative to the word
	// block before the vector is L2-normalised (default 1).
	CharWeight float64 `yaml:"char_weight" json:"char_weight"`
	// MinCount drops word pairs (bigrams and skip pairs) seen in fewer
	// training utterances (default 2); single words and character n-grams
	// are always kept, so small training sets keep their vocabulary.
	MinCount int `yaml:"min_count" json:"min_count"`

	// Loss is the linear model's training loss: "hinge" (Crammer-Singer
	// multiclass SVM, the default) or "logistic" (softmax regression).
	Loss string `yaml:"loss" json:"loss"`
	// HingeSmoothing is the width δ of the smoothed hinge loss: a margin
	// violation v ≤ δ costs v²/2δ instead of v, so nearly-satisfied
	// examples take proportionally smaller steps (default 0.33; 0 is the
	// plain hinge). Only used with the hinge loss.
	HingeSmoothing float64 `yaml:"hinge_smoothing" json:"hinge_smoothing"`
	// NBWeight blends a multinomial naive Bayes model over the same
	// features into the SVM: its centred log-likelihoods, times NBWeight,
	// are added to the SVM weights (default 0.02; 0 = SVM alone). The two
	// models err differently: on CLINC150's validation split the blend
	// answers 0.6 points more in-scope queries correctly than the SVM
	// alone at the same out-of-scope recall.
	NBWeight float64 `yaml:"nb_weight" json:"nb_weight"`
	// NBSmoothing is naive Bayes's additive (Lidstone) smoothing α of the
	// per-intent feature weights (default 0.01).
	NBSmoothing float64 `yaml:"nb_smoothing" json:"nb_smoothing"`
	// Epochs is the number of SGD passes (default 15).
	Epochs int `yaml:"epochs" json:"epochs"`
	// LearningRate is the initial SGD step; it decays linearly to zero
	// (default 0.5).
	LearningRate float64 `yaml:"learning_rate" json:"learning_rate"`
	// L2 is the weight decay per step (default 3e-5).
	L2 float64 `yaml:"l2" json:"l2"`
	// Temperature divides the scores before the softmax that turns them
	// into confidences; the default (0.14) minimises the negative
	// log-likelihood of the gold intent on CLINC150's validation split
	// (val + oos_val) for the default model (smoothed hinge blended with
	// naive Bayes).
	Temperature float64 `yaml:"temperature" json:"temperature"`

	// OOSMargin decides out of scope when the training data has a trained
	// oos class (examples labeled nlu.OutOfScope): Parse answers
	// nlu.OutOfScope unless the best in-scope intent's score beats the oos
	// class's score by at least OOSMargin (raw SVM scores, where the
	// training margin is 1; default 0.36). 0 answers oos exactly when
	// the oos class wins. On CLINC150's validation split the score margin
	// keeps 0.2–0.35 points more in-scope queries than a confidence
	// threshold at the same out-of-scope recall; 0.36 is the smallest
	// margin (step 0.02) with OOS recall ≥ 65% on oos_val plus the 151
	// oos_plus queries that are in no test split.
	OOSMargin float64 `yaml:"oos_margin" json:"oos_margin"`
	// OOSThreshold decides out of scope when there is no trained oos
	// class: when the best in-scope confidence is below it, Parse answers
	// nlu.OutOfScope (default 0.2; 0 never does).
	OOSThreshold float64 `yaml:"oos_threshold" json:"oos_threshold"`
	// TopK caps the number of ranked intents Parse returns (default 10).
	TopK int `yaml:"top_k" json:"top_k"`
	// Seed makes training deterministic: same seed and data, same model.
	Seed uint64 `yaml:"seed" json:"seed"`
}

// DefaultConfig returns the settings chosen on CLINC150's validation split.
func DefaultConfig() Config {
	return Config{
		WordNgrams:     2,
		SkipWindow:     8,
		CharMin:        1,
		CharMax:        5,
		CharWeight:     1,
		MinCount:       2,
		Loss:           LossHinge,
		HingeSmoothing: 0.33,
		NBWeight:       0.02,
		NBSmoothing:    0.01,
		Epochs:         15,
		LearningRate:   0.5,
		L2:             3e-5,
		Temperature:    0.14,
		OOSMargin:      0.36,
		OOSThreshold:   0.2,
		TopK:           10,
		Seed:           1,
	}
}

// Loss names for Config.Loss.
const (
	LossHinge    = "hinge"
	LossLogistic = "logistic"
)

// ErrInvalidConfig is wrapped by Validate's errors; fix the named field.
var ErrInvalidConfig = errors.New("invalid classifier config")

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	bad := func(field string, v any) error {
		return fmt.Errorf("classifier: %w: %s = %v", ErrInvalidConfig, field, v)
	}
	switch {
	case c.WordNgrams < 1 || c.WordNgrams > 4:
		return bad("word_ngrams (1..4)", c.WordNgrams)
	case c.SkipWindow < 0 || c.SkipWindow > 8:
		return bad("skip_window (0..8)", c.SkipWindow)
	case c.CharMax < 0 || c.CharMax > 8:
		return bad("char_max (0..8)", c.CharMax)
	case c.CharMax > 0 && (c.CharMin < 1 || c.CharMin > c.CharMax):
		return bad("char_min (1..char_max)", c.CharMin)
	case c.CharWeight < 0:
		return bad("char_weight", c.CharWeight)
	case c.MinCount < 1:
		return bad("min_count", c.MinCount)
	case math.IsNaN(c.HingeSmoothing) || c.HingeSmoothing < 0 || c.HingeSmoothing > 10:
		return bad("hinge_smoothing [0,10]", c.HingeSmoothing)
	case math.IsNaN(c.NBWeight) || c.NBWeight < 0 || c.NBWeight > 10:
		return bad("nb_weight [0,10]", c.NBWeight)
	case c.NBWeight > 0 && !(c.NBSmoothing > 0 && c.NBSmoothing <= 100):
		return bad("nb_smoothing (0,100]", c.NBSmoothing)
	case c.Epochs < 1 || c.Epochs > 1000:
		return bad("epochs (1..1000)", c.Epochs)
	case !(c.LearningRate > 0):
		return bad("learning_rate", c.LearningRate)
	case c.L2 < 0 || c.L2 >= 1:
		return bad("l2 [0,1)", c.L2)
	case c.Loss != LossHinge && c.Loss != LossLogistic:
		return bad("loss (hinge or logistic)", c.Loss)
	case !(c.Temperature > 0):
		return bad("temperature", c.Temperature)
	case math.IsNaN(c.OOSMargin) || c.OOSMargin < -10 || c.OOSMargin > 10:
		return bad("oos_margin [-10,10]", c.OOSMargin)
	case c.OOSThreshold < 0 || c.OOSThreshold >= 1:
		return bad("oos_threshold [0,1)", c.OOSThreshold)
	case c.TopK < 1:
		return bad("top_k", c.TopK)
	}
	return nil
}
