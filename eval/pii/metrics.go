package pii

import "math"

// Scores are precision, recall and F-scores from true/false positive and
// false negative counts. Rates are fractions in [0,1].
type Scores struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	F2        float64 `json:"f2"`
	FBeta     float64 `json:"fbeta"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	// Support is the number of gold items (TP+FN).
	Support int `json:"support"`
}

// Counts accumulates TP/FP/FN.
type Counts struct{ TP, FP, FN int }

func (c *Counts) add(o Counts) { c.TP += o.TP; c.FP += o.FP; c.FN += o.FN }

// Scores computes the rates. With nothing to find and nothing found, both
// precision and recall are 1; an undefined rate is otherwise 0.
func (c Counts) Scores(beta float64) Scores {
	s := Scores{TP: c.TP, FP: c.FP, FN: c.FN, Support: c.TP + c.FN}
	s.Precision = ratio(c.TP, c.TP+c.FP, c.FN == 0)
	s.Recall = ratio(c.TP, c.TP+c.FN, c.FP == 0)
	s.F1 = FBeta(s.Precision, s.Recall, 1)
	s.F2 = FBeta(s.Precision, s.Recall, 2)
	s.FBeta = FBeta(s.Precision, s.Recall, beta)
	return s
}

func ratio(num, den int, emptyIsPerfect bool) float64 {
	if den == 0 {
		if emptyIsPerfect {
			return 1
		}
		return 0
	}
	return float64(num) / float64(den)
}

// FBeta is the weighted harmonic mean of precision and recall; β > 1
// weighs recall higher (β = 2: recall counts four times as much).
func FBeta(p, r, beta float64) float64 {
	b2 := beta * beta
	den := b2*p + r
	if den == 0 || math.IsNaN(den) {
		return 0
	}
	return (1 + b2) * p * r / den
}

// macro averages the rates of several Scores and sums their counts.
func macro(all []Scores, beta float64) Scores {
	var m Scores
	if len(all) == 0 {
		return Counts{}.Scores(beta)
	}
	for _, s := range all {
		m.Precision += s.Precision
		m.Recall += s.Recall
		m.F1 += s.F1
		m.F2 += s.F2
		m.FBeta += s.FBeta
		m.TP += s.TP
		m.FP += s.FP
		m.FN += s.FN
		m.Support += s.Support
	}
	n := float64(len(all))
	m.Precision /= n
	m.Recall /= n
	m.F1 /= n
	m.F2 /= n
	m.FBeta /= n
	return m
}
