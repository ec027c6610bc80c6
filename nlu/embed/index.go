package embed

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
)

// Vector is one embedded training example.
type Vector struct {
	Intent  string
	Example string // the example's text (training data, never user text)
	Vector  []float32
}

// Match is a nearest neighbour; Score is the cosine similarity (1: same
// direction).
type Match struct {
	Intent  string
	Example string
	Score   float64
}

// Index stores embedded examples and finds the nearest ones.
// Implementations must be safe for concurrent use.
type Index interface {
	// Replace swaps every stored vector for vs, atomically: a concurrent
	// Nearest sees the old set or the new one. All vectors have one
	// dimension.
	Replace(ctx context.Context, vs []Vector) error
	// Nearest returns up to k stored vectors closest to v by cosine
	// similarity, best first. It may be approximate (an ANN index).
	Nearest(ctx context.Context, v []float32, k int) ([]Match, error)
}

// Interface guards.
var _ Index = (*Memory)(nil)

// Memory is an exact in-memory Index (brute-force cosine), for the
// embedded default and tests. Vectors are stored by dimension (column
// major), so a query touches only its non-zero dimensions: sparse vectors
// such as the Local embedder's are scored in a fraction of a millisecond
// over thousands of examples.
type Memory struct {
	mu    sync.RWMutex
	dim   int
	cols  []float32 // cols[j*len(items)+i] is dimension j of normalized row i
	items []Vector  // Intent and Example of each row (Vector nil)
}

// NewMemory returns an empty index.
func NewMemory() *Memory { return &Memory{} }

// Len is the number of stored vectors.
func (m *Memory) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.items)
}

// Replace implements Index.
func (m *Memory) Replace(_ context.Context, vs []Vector) error {
	dim, err := checkDims(vs)
	if err != nil {
		return fmt.Errorf("embed: memory index: %w", err)
	}
	n := len(vs)
	cols := make([]float32, dim*n)
	items := make([]Vector, n)
	row := make([]float32, dim)
	for i, v := range vs {
		copy(row, v.Vector)
		normalize(row)
		for j, f := range row {
			cols[j*n+i] = f
		}
		items[i] = Vector{Intent: v.Intent, Example: v.Example}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dim, m.cols, m.items = dim, cols, items
	return nil
}

// Nearest implements Index.
func (m *Memory) Nearest(_ context.Context, v []float32, k int) ([]Match, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n := len(m.items)
	if k <= 0 || n == 0 {
		return nil, nil
	}
	if len(v) != m.dim {
		return nil, fmt.Errorf("embed: memory index: query dimension %d, index %d", len(v), m.dim)
	}
	q := slices.Clone(v)
	normalize(q)
	scores := make([]float32, n)
	for j, f := range q {
		if f != 0 {
			axpy(f, m.cols[j*n:(j+1)*n], scores)
		}
	}
	k = min(k, n)
	// Keep the k best in a small sorted slice: k is small.
	type hit struct {
		i     int
		score float32
	}
	best := make([]hit, 0, k+1)
	for i, s := range scores {
		if len(best) == k && s <= best[k-1].score {
			continue
		}
		j, _ := slices.BinarySearchFunc(best, s, func(h hit, s float32) int { return cmp.Compare(s, h.score) })
		for j < len(best) && best[j].score == s {
			j++ // equal scores keep insertion order
		}
		best = slices.Insert(best, j, hit{i, s})
		if len(best) > k {
			best = best[:k]
		}
	}
	out := make([]Match, len(best))
	for r, h := range best {
		out[r] = Match{Intent: m.items[h.i].Intent, Example: m.items[h.i].Example, Score: float64(h.score)}
	}
	return out, nil
}

// axpy adds a·x to y.
func axpy(a float32, x, y []float32) {
	y = y[:len(x)]
	for i, f := range x {
		y[i] += a * f
	}
}

func checkDims(vs []Vector) (int, error) {
	if len(vs) == 0 {
		return 0, nil
	}
	dim := len(vs[0].Vector)
	for i, v := range vs {
		if len(v.Vector) == 0 || len(v.Vector) != dim {
			return 0, fmt.Errorf("vector %d has dimension %d, want %d (non-zero, all equal)", i, len(v.Vector), dim)
		}
		for _, f := range v.Vector {
			if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
				return 0, fmt.Errorf("vector %d is not finite", i)
			}
		}
	}
	return dim, nil
}

// normalize scales v to unit length in place; a zero vector stays zero.
func normalize(v []float32) {
	var n float64
	for _, f := range v {
		n += float64(f) * float64(f)
	}
	if n == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(n))
	for i := range v {
		v[i] *= inv
	}
}
