package embed

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"

	openai "github.com/sashabaranov/go-openai"

	"github.com/veilhq/veil/llm"
)

// Embedder turns texts into vectors of one fixed dimension.
// Implementations must be safe for concurrent use.
type Embedder interface {
	// Embed returns one vector per text, in order. Texts are pseudonymized
	// utterances or training examples.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Fitter is an Embedder that adapts to a training set (e.g. learns term
// weights). The Classifier calls Fit with the training texts before it
// embeds them.
type Fitter interface {
	Fit(ctx context.Context, texts []string) error
}

// Interface guards.
var (
	_ Embedder = (*OpenAI)(nil)
	_ Embedder = (*Local)(nil)
	_ Fitter   = (*Local)(nil)
)

// DefaultBatch is how many texts the OpenAI embedder sends per request.
const DefaultBatch = 256

// OpenAIConfig configures an OpenAI embedder.
type OpenAIConfig struct {
	Model string // e.g. "text-embedding-3-small" (the default)
	// Dimensions asks text-embedding-3 models for shorter vectors (0: the
	// model's own).
	Dimensions int
	// Batch is the number of texts per request (default DefaultBatch).
	Batch int
}

// OpenAI embeds through an OpenAI-compatible embeddings endpoint.
type OpenAI struct {
	client *llm.Client
	cfg    OpenAIConfig
}

// NewOpenAI returns an embedder using client (see llm.NewClient for the
// base URL, key, timeout and retries).
func NewOpenAI(client *llm.Client, cfg OpenAIConfig) (*OpenAI, error) {
	if client == nil {
		return nil, errors.New("embed: nil client")
	}
	if cfg.Model == "" {
		cfg.Model = string(openai.SmallEmbedding3)
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.Dimensions < 0 {
		return nil, fmt.Errorf("embed: negative dimensions %d", cfg.Dimensions)
	}
	return &OpenAI{client: client, cfg: cfg}, nil
}

// Embed implements Embedder, in batches of Config.Batch texts.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	dim := 0
	for start := 0; start < len(texts); start += o.cfg.Batch {
		batch := texts[start:min(start+o.cfg.Batch, len(texts))]
		// An empty input is an API error; a space embeds as "nothing".
		in := make([]string, len(batch))
		for i, t := range batch {
			if in[i] = t; strings.TrimSpace(t) == "" {
				in[i] = " "
			}
		}
		resp, err := o.client.Embeddings(ctx, openai.EmbeddingRequest{
			Input: in, Model: openai.EmbeddingModel(o.cfg.Model), Dimensions: o.cfg.Dimensions,
		})
		if err != nil {
			return nil, fmt.Errorf("embed: %w", err)
		}
		if len(resp.Data) != len(batch) {
			return nil, fmt.Errorf("embed: got %d embeddings for %d texts", len(resp.Data), len(batch))
		}
		vs := make([][]float32, len(batch))
		for _, d := range resp.Data {
			if d.Index < 0 || d.Index >= len(batch) || vs[d.Index] != nil {
				return nil, fmt.Errorf("embed: bad embedding index %d", d.Index)
			}
			if dim == 0 {
				dim = len(d.Embedding)
			}
			if len(d.Embedding) == 0 || len(d.Embedding) != dim {
				return nil, fmt.Errorf("embed: embedding of dimension %d, want %d", len(d.Embedding), dim)
			}
			vs[d.Index] = d.Embedding
		}
		out = append(out, vs...)
	}
	return out, nil
}

// DefaultLocalDim is the Local embedder's dimension when NewLocal gets 0.
const DefaultLocalDim = 1024

// Local is a network-free embedder for the embedded default: each text is
// a bag of features, word unigrams and bigrams and character 3- to
// 5-grams of each word, weighted by sublinear term frequency times the
// inverse document frequency learned by Fit (1 before Fit), hashed with
// signs into a fixed dimension and L2-normalized. Pseudonyms (<EMAIL_1>)
// count as their entity type (<email>), whatever their number.
type Local struct {
	dim int

	mu  sync.RWMutex
	idf map[uint64]float32 // feature hash → weight; nil before Fit
	unk float32            // weight of features Fit never saw
}

// NewLocal returns a local embedder of dimension dim (0: DefaultLocalDim).
func NewLocal(dim int) *Local {
	if dim <= 0 {
		dim = DefaultLocalDim
	}
	return &Local{dim: dim}
}

// Dim is the vector dimension.
func (l *Local) Dim() int { return l.dim }

// Fit learns inverse document frequencies from texts, so words that
// appear in every example (the, my, is) weigh little.
func (l *Local) Fit(ctx context.Context, texts []string) error {
	df := map[uint64]int{}
	seen := map[uint64]bool{}
	for _, t := range texts {
		clear(seen)
		features(t, func(h uint64, _ float32) {
			if !seen[h] {
				seen[h] = true
				df[h]++
			}
		})
	}
	n := float64(len(texts))
	idf := make(map[uint64]float32, len(df))
	for h, d := range df {
		idf[h] = float32(math.Log((n+1)/(float64(d)+1)) + 1)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.idf, l.unk = idf, float32(math.Log(n+1)+1)
	return ctx.Err()
}

// Embed implements Embedder.
func (l *Local) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	l.mu.RLock()
	idf, unk := l.idf, l.unk
	l.mu.RUnlock()
	out := make([][]float32, len(texts))
	tf := map[uint64]float32{}
	for i, t := range texts {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		clear(tf)
		features(t, func(h uint64, w float32) { tf[h] += w })
		v := make([]float32, l.dim)
		for h, c := range tf {
			w := float32(1+math.Log(float64(c))) * weightOf(idf, unk, h)
			if h>>63 == 1 {
				w = -w
			}
			v[h%uint64(l.dim)] += w
		}
		normalize(v)
		out[i] = v
	}
	return out, nil
}

func weightOf(idf map[uint64]float32, unk float32, h uint64) float32 {
	if idf == nil {
		return 1
	}
	if w, ok := idf[h]; ok {
		return w
	}
	return unk
}

// Feature weights: a word counts fully, a bigram a bit less, each of a
// word's character n-grams a fraction (a word has many).
const (
	wordWeight   = 1.0
	bigramWeight = 0.7
	charWeight   = 0.25
)

// features calls emit for each feature of text with its raw weight.
func features(text string, emit func(h uint64, w float32)) {
	words := Words(text)
	prev := ""
	for _, w := range words {
		emit(hash64("w", w), wordWeight)
		if prev != "" {
			emit(hash64("b", prev+" "+w), bigramWeight)
		}
		prev = w
		if strings.HasPrefix(w, "<") {
			continue // a placeholder: no character n-grams
		}
		r := []rune(" " + w + " ")
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(r); i++ {
				emit(hash64("c", string(r[i:i+n])), charWeight)
			}
		}
	}
}

// Words splits text into lower-cased words (runs of letters and digits,
// apostrophes inside words dropped); a pseudonym such as <EMAIL_1> becomes
// its lower-cased type, "<email>".
func Words(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	rs := []rune(strings.ToLower(text))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '<' {
			if end, label, ok := placeholder(rs[i:]); ok {
				flush()
				out = append(out, "<"+label+">")
				i += end - 1
				continue
			}
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		case (r == '\'' || r == '’') && b.Len() > 0:
			// don't, customer's: keep the word whole
		default:
			flush()
		}
	}
	flush()
	return out
}

// placeholder matches "<label_n>" (lower-cased) at the start of rs,
// returning its length in runes and the label.
func placeholder(rs []rune) (int, string, bool) {
	for j := 1; j < len(rs) && j < 40; j++ {
		if rs[j] == '>' {
			body := string(rs[1:j])
			k := strings.LastIndexByte(body, '_')
			if k <= 0 || k == len(body)-1 {
				return 0, "", false
			}
			for _, c := range body[k+1:] {
				if c < '0' || c > '9' {
					return 0, "", false
				}
			}
			for _, c := range body[:k] {
				if !(c >= 'a' && c <= 'z' || c == '_') {
					return 0, "", false
				}
			}
			return j + 1, body[:k], true
		}
	}
	return 0, "", false
}

// hash64 is FNV-1a of kind and s: stable across processes and machines.
func hash64(kind, s string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(kind); i++ {
		h ^= uint64(kind[i])
		h *= prime
	}
	h ^= 0xff
	h *= prime
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	// FNV's high bits mix poorly; finish with a murmur-style avalanche.
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
