package classifier

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// linear is a multinomial logistic regression: K classes over a sparse
// input of Dim columns. W is row-major by column: W[j*K+k].
type linear struct {
	Dim, K int
	W      []float32
	B      []float32
}

// logits writes the K class scores for x into out.
func (m *linear) logits(x sparse, out []float32) {
	copy(out, m.B)
	k := m.K
	for n, j := range x.idx {
		v := x.val[n]
		row := m.W[int(j)*k : int(j)*k+k]
		for c := range row {
			out[c] += v * row[c]
		}
	}
}

// softmaxInPlace turns scores/temperature into probabilities.
func softmaxInPlace(z []float32, temperature float32) {
	mx := z[0]
	for _, v := range z[1:] {
		mx = max(mx, v)
	}
	var sum float64
	for i, v := range z {
		e := math.Exp(float64((v - mx) / temperature))
		z[i] = float32(e)
		sum += e
	}
	inv := float32(1 / sum)
	for i := range z {
		z[i] *= inv
	}
}

type sgdOptions struct {
	Epochs       int
	LearningRate float64
	L2           float64
	Seed         uint64
	Hinge        bool // Crammer-Singer multiclass hinge instead of softmax
	AverageFrom  int  // average the weights after each epoch from this one on (0 = off)
}

// trainLinear fits a softmax regression with SGD: per-example updates in
// a seeded shuffled order, exact L2 decay through a scale factor (so an
// update touches only the example's columns), and a learning rate that
// decays linearly to zero over the epochs.
func trainLinear(ctx context.Context, xs []sparse, ys []int32, dim, k int, o sgdOptions) (*linear, error) {
	m := &linear{Dim: dim, K: k, W: make([]float32, dim*k), B: make([]float32, k)}
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	z := make([]float32, k)
	scale := 1.0 // true W = scale * stored W
	total := float64(o.Epochs * len(xs))
	step := 0.0
	var avgW, avgB []float32
	navg := 0
	for epoch := 0; epoch < o.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			lr := o.LearningRate * (1 - step/total)
			step++
			scale *= 1 - lr*o.L2
			if scale < 1e-4 {
				s := float32(scale)
				for w := range m.W {
					m.W[w] *= s
				}
				scale = 1
			}
			x := xs[i]
			// Scores with the scale folded in.
			copy(z, m.B)
			s := float32(scale)
			for n, j := range x.idx {
				v := x.val[n] * s
				row := m.W[int(j)*k : int(j)*k+k]
				for c := range row {
					z[c] += v * row[c]
				}
			}
			if o.Hinge {
				y := ys[i]
				r := -1
				for c := range z {
					if int32(c) != y && (r < 0 || z[c] > z[r]) {
						r = c
					}
				}
				viol := 1+z[r]-z[y] > 0
				clear(z)
				if !viol {
					continue
				}
				z[r], z[y] = 1, -1
			} else {
				softmaxInPlace(z, 1)
				z[ys[i]] -= 1 // gradient of the loss w.r.t. the scores
			}
			g := float32(lr)
			for c := range z {
				z[c] *= g
			}
			for c := range m.B {
				m.B[c] -= z[c]
			}
			inv := float32(1 / scale)
			for n, j := range x.idx {
				v := x.val[n] * inv
				row := m.W[int(j)*k : int(j)*k+k]
				for c := range row {
					row[c] -= v * z[c]
				}
			}
		}
		if o.AverageFrom > 0 && epoch+1 >= o.AverageFrom {
			if avgW == nil {
				avgW, avgB = make([]float32, len(m.W)), make([]float32, len(m.B))
			}
			s := float32(scale)
			for w, v := range m.W {
				avgW[w] += v * s
			}
			for c, v := range m.B {
				avgB[c] += v
			}
			navg++
		}
	}
	if navg > 0 {
		inv := 1 / float32(navg)
		for w := range avgW {
			avgW[w] *= inv
		}
		for c := range avgB {
			avgB[c] *= inv
		}
		m.W, m.B = avgW, avgB
		return m, nil
	}
	s := float32(scale)
	for w := range m.W {
		m.W[w] *= s
	}
	return m, nil
}
