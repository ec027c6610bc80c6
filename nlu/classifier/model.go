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
		axpy(out, m.W[int(j)*k:int(j)*k+k], x.val[n])
	}
}

// The two kernels below do nearly all the arithmetic. They are marked
// go:norace because the race detector would instrument every weight
// access and make a -race run of a full training (the CLINC150 test) take
// minutes. They only touch slices their caller owns or reads while no one
// writes: training works on a private model, Parse reads an immutable one.

// axpy adds a·x to dst; len(x) ≥ len(dst).
//
//go:norace
func axpy(dst, x []float32, a float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] += a * x[i]
	}
}

// scale multiplies x by a.
//
//go:norace
func scale(x []float32, a float32) {
	for i := range x {
		x[i] *= a
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
	Hinge        bool    // Crammer-Singer multiclass hinge instead of softmax
	Smooth       float64 // hinge smoothing width δ (0 = plain hinge)
}

// trainLinear fits a linear model with SGD: per-example updates in a
// seeded shuffled order, exact L2 decay through a scale factor (so an
// update touches only the example's columns), and a learning rate that
// decays linearly to zero over the epochs. The loss is the softmax
// cross-entropy or, with Hinge, the Crammer-Singer multiclass hinge on the
// violation v = 1 + max_{r≠y} s_r − s_y, smoothed when Smooth = δ > 0:
// v²/2δ for 0 < v ≤ δ, v − δ/2 above (so small violations take small steps).
func trainLinear(ctx context.Context, xs []sparse, ys []int32, dim, k int, o sgdOptions) (*linear, error) {
	m := &linear{Dim: dim, K: k, W: make([]float32, dim*k), B: make([]float32, k)}
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	z := make([]float32, k)
	wscale := 1.0 // true W = wscale * stored W
	total := float64(o.Epochs * len(xs))
	step := 0.0
	for epoch := 0; epoch < o.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			lr := o.LearningRate * (1 - step/total)
			step++
			wscale *= 1 - lr*o.L2
			if wscale < 1e-4 {
				scale(m.W, float32(wscale))
				wscale = 1
			}
			x := xs[i]
			// Scores with the scale folded in.
			copy(z, m.B)
			s := float32(wscale)
			for n, j := range x.idx {
				axpy(z, m.W[int(j)*k:int(j)*k+k], x.val[n]*s)
			}
			if o.Hinge {
				y := ys[i]
				r := -1
				for c := range z {
					if int32(c) != y && (r < 0 || z[c] > z[r]) {
						r = c
					}
				}
				v := 1 + z[r] - z[y] // margin violation
				clear(z)
				if !(v > 0) {
					continue
				}
				// Smoothed hinge: the gradient grows with the violation
				// up to δ, then is the hinge's.
				g := float32(1)
				if o.Smooth > 0 {
					g = min(v/float32(o.Smooth), 1)
				}
				z[r], z[y] = g, -g
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
			inv := float32(1 / wscale)
			for n, j := range x.idx {
				axpy(m.W[int(j)*k:int(j)*k+k], z, -x.val[n]*inv)
			}
		}
	}
	scale(m.W, float32(wscale))
	return m, nil
}

// addNaiveBayes blends a multinomial naive Bayes model over the same
// feature vectors into m: W[j,c] += weight·(log θ[j,c] − mean_c log θ[j,·]),
// with θ[j,c] = (n[j,c] + α) / (n[c] + α·Dim), where n[j,c] is the summed
// weight of feature j in class c's training vectors. Both models are
// linear in x, so the blend is one linear model: Parse costs nothing
// extra. Centering over the classes does not change any score difference;
// it only keeps the weights small. The class prior is left out (uniform),
// so a large intent does not win ties by its size.
func addNaiveBayes(m *linear, xs []sparse, ys []int32, weight, alpha float64) {
	k := m.K
	cnt := make([]float32, m.Dim*k)
	tot := make([]float64, k)
	for i, x := range xs {
		y := int(ys[i])
		for n, j := range x.idx {
			cnt[int(j)*k+y] += x.val[n]
			tot[y] += float64(x.val[n])
		}
	}
	logDen := make([]float64, k)
	for c := range k {
		logDen[c] = math.Log(tot[c] + alpha*float64(m.Dim))
	}
	lt := make([]float64, k)
	for j := range m.Dim {
		row := cnt[j*k : j*k+k]
		var mean float64
		for c, v := range row {
			lt[c] = math.Log(float64(v)+alpha) - logDen[c]
			mean += lt[c]
		}
		mean /= float64(k)
		w := m.W[j*k : j*k+k]
		for c := range w {
			w[c] += float32(weight * (lt[c] - mean))
		}
	}
}
