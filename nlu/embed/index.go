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
// embedded default and tests. A few thousand examples take well under a
// millisecond per query.
type Memory struct {
	mu    sync.RWMutex
	dim   int
	data  []float32 // row-major, rows normalized
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
	data := make([]float32, 0, dim*len(vs))
	items := make([]Vector, len(vs))
	for i, v := range vs {
		data = append(data, v.Vector...)
		normalize(data[i*dim : (i+1)*dim])
		items[i] = Vector{Intent: v.Intent, Example: v.Example}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dim, m.data, m.items = dim, data, items
	return nil
}

// Nearest implements Index.
func (m *Memory) Nearest(_ context.Context, v []float32, k int) ([]Match, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if k <= 0 || len(m.items) == 0 {
		return nil, nil
	}
	if len(v) != m.dim {
		return nil, fmt.Errorf("embed: memory index: query dimension %d, index %d", len(v), m.dim)
	}
	q := slices.Clone(v)
	normalize(q)
	k = min(k, len(m.items))
	// Keep the k best in a small sorted slice: k is small.
	type hit struct {
		i     int
		score float32
	}
	best := make([]hit, 0, k+1)
	for i := range m.items {
		s := dot(q, m.data[i*m.dim:(i+1)*m.dim])
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
	for n, h := range best {
		out[n] = Match{Intent: m.items[h.i].Intent, Example: m.items[h.i].Example, Score: float64(h.score)}
	}
	return out, nil
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

func dot(a, b []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
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
