package embed_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/internal/openaitest"
	"github.com/veilhq/veil/llm"
	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/embed"
)

// shop is a small training set with distinct vocabularies per intent.
var shop = []nlu.Example{
	{Text: "where is my order", Intent: "order_status"},
	{Text: "has my order shipped yet", Intent: "order_status"},
	{Text: "track my parcel <ORDER_ID_1>", Intent: "order_status"},
	{Text: "when will my package arrive", Intent: "order_status"},
	{Text: "book an appointment for tomorrow", Intent: "book_appointment"},
	{Text: "can I schedule a visit", Intent: "book_appointment"},
	{Text: "I need an appointment with the dentist", Intent: "book_appointment"},
	{Text: "cancel my subscription", Intent: "cancel"},
	{Text: "please cancel it, I want to stop", Intent: "cancel"},
	{Text: "what are your opening hours", Intent: "hours"},
	{Text: "when do you open on sunday", Intent: "hours"},
	{Text: "tell me a joke", Intent: nlu.OutOfScope},
	{Text: "what is the capital of france", Intent: nlu.OutOfScope},
}

var shopQueries = []struct{ text, want string }{
	{"where is my parcel", "order_status"},
	{"has order <ORDER_ID_2> shipped", "order_status"},
	{"I want to book an appointment", "book_appointment"},
	{"schedule a dentist visit for <PERSON_1>", "book_appointment"},
	{"cancel my subscription please", "cancel"},
	{"what time do you open", "hours"},
	{"tell me a funny joke", nlu.OutOfScope},
}

func openAIEmbedder(t *testing.T, srv *openaitest.Server, batch int) *embed.OpenAI {
	t.Helper()
	client, err := llm.NewClient(llm.ClientConfig{BaseURL: srv.URL, APIKey: srv.APIKey, MaxRetries: -1}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	e, err := embed.NewOpenAI(client, embed.OpenAIConfig{Model: "emb-model", Batch: batch})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestClassifierPicksNearestIntent(t *testing.T) {
	t.Parallel()
	type setup struct {
		name string
		emb  func(t *testing.T) embed.Embedder
		cfg  embed.Config
	}
	setups := []setup{
		{"Local", func(t *testing.T) embed.Embedder { return embed.NewLocal(0) }, embed.Config{}},
		{"LocalBestMatch", func(t *testing.T) embed.Embedder { return embed.NewLocal(256) }, embed.Config{TopK: 1}},
		{"OpenAIFake", func(t *testing.T) embed.Embedder { return openAIEmbedder(t, openaitest.New(t), 4) }, embed.Config{}},
	}
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			c, err := embed.New(s.emb(t), embed.NewMemory(), s.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Train(t.Context(), shop); err != nil {
				t.Fatalf("Train: %v", err)
			}
			for _, q := range shopQueries {
				res, err := c.Parse(t.Context(), q.text)
				if err != nil {
					t.Fatalf("Parse(%q): %v", q.text, err)
				}
				if got := res.Top().Name; got != q.want {
					t.Errorf("Parse(%q) top = %q, want %q (%+v)", q.text, got, q.want, res.Intents)
				}
				checkRanked(t, res)
			}
		})
	}
}

func checkRanked(t *testing.T, res nlu.Result) {
	t.Helper()
	sum := 0.0
	for i, in := range res.Intents {
		if in.Confidence < 0 || in.Confidence > 1 || math.IsNaN(in.Confidence) {
			t.Errorf("confidence %v out of [0,1]", in.Confidence)
		}
		if i > 0 && in.Confidence > res.Intents[i-1].Confidence {
			t.Errorf("intents not ranked: %+v", res.Intents)
		}
		sum += in.Confidence
	}
	if sum > 1+1e-9 {
		t.Errorf("confidences sum to %v > 1", sum)
	}
}

func TestOpenAIEmbedderBatchesAndSendsOnlyPseudonyms(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	c, err := embed.New(openAIEmbedder(t, srv, 5), embed.NewMemory(), embed.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Train(t.Context(), shop); err != nil {
		t.Fatal(err)
	}
	// 13 examples in batches of 5: 3 requests of 5, 5 and 3 inputs.
	var sizes []int
	for _, r := range srv.Requests() {
		in, err := r.EmbeddingInputs()
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(in))
	}
	if !slices.Equal(sizes, []int{5, 5, 3}) {
		t.Errorf("batch sizes = %v, want [5 5 3]", sizes)
	}
	if _, err := c.Parse(t.Context(), "is <ORDER_ID_1> shipped"); err != nil {
		t.Fatal(err)
	}
	srv.AssertSent(t, "is <ORDER_ID_1> shipped")
	srv.AssertNoRaw(t, "ana@example.com")
}

func TestOpenAIEmbedderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		resp openaitest.Response
	}{
		{"ServerError", openaitest.ServerError()},
		{"Unauthorized", openaitest.Error(401, "invalid_request_error", "invalid_api_key", "bad key")},
		{"TooFewVectors", openaitest.Response{Vectors: [][]float32{{1, 0}}, Body: map[string]any{
			"object": "list", "model": "m", "data": []any{map[string]any{"object": "embedding", "index": 0, "embedding": []float32{1, 0}}},
		}}},
		{"MixedDimensions", openaitest.Response{Body: map[string]any{
			"object": "list", "model": "m", "data": []any{
				map[string]any{"object": "embedding", "index": 0, "embedding": []float32{1, 0}},
				map[string]any{"object": "embedding", "index": 1, "embedding": []float32{1, 0, 0}},
			},
		}}},
		{"DuplicateIndex", openaitest.Response{Body: map[string]any{
			"object": "list", "model": "m", "data": []any{
				map[string]any{"object": "embedding", "index": 0, "embedding": []float32{1, 0}},
				map[string]any{"object": "embedding", "index": 0, "embedding": []float32{0, 1}},
			},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.QueueEmbeddings(tt.resp)
			e := openAIEmbedder(t, srv, 10)
			if vs, err := e.Embed(t.Context(), []string{"a", "b"}); err == nil {
				t.Errorf("Embed = %v, want an error", vs)
			}
		})
	}
}

func TestOpenAIEmbedderKeepsOrder(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	// The server may return data out of order: index decides.
	srv.QueueEmbeddings(openaitest.Response{Body: map[string]any{
		"object": "list", "model": "m", "data": []any{
			map[string]any{"object": "embedding", "index": 1, "embedding": []float32{0, 1}},
			map[string]any{"object": "embedding", "index": 0, "embedding": []float32{1, 0}},
		},
	}})
	vs, err := openAIEmbedder(t, srv, 10).Embed(t.Context(), []string{"first", "second"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0][0] != 1 || vs[1][1] != 1 {
		t.Errorf("Embed = %v, want [[1 0] [0 1]]", vs)
	}
}

func TestMemoryIndex(t *testing.T) {
	t.Parallel()
	m := embed.NewMemory()
	vs := []embed.Vector{
		{Intent: "greet", Example: "hello", Vector: []float32{1, 0, 0}},
		{Intent: "greet", Example: "hi there", Vector: []float32{0.9, 0.1, 0}},
		{Intent: "bye", Example: "goodbye", Vector: []float32{0, 1, 0}},
		{Intent: "hours", Example: "when are you open", Vector: []float32{0, 0, 2}},
	}
	if err := m.Replace(t.Context(), vs); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    []float32
		k    int
		want []string // examples, best first
	}{
		{"ClosestTwo", []float32{1, 0.05, 0}, 2, []string{"hello", "hi there"}},
		{"ScaledQuery", []float32{0, 0, 42}, 1, []string{"when are you open"}},
		{"KLargerThanSet", []float32{0, 1, 0}, 10, []string{"goodbye", "hi there", "hello", "when are you open"}},
		{"ZeroK", []float32{0, 1, 0}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.Nearest(t.Context(), tt.q, tt.k)
			if err != nil {
				t.Fatal(err)
			}
			var ex []string
			for _, g := range got {
				ex = append(ex, g.Example)
			}
			if !slices.Equal(ex, tt.want) {
				t.Errorf("Nearest = %v, want %v", ex, tt.want)
			}
		})
	}
	t.Run("ExactScore", func(t *testing.T) {
		got, _ := m.Nearest(t.Context(), []float32{0, 0, 1}, 1)
		if len(got) != 1 || math.Abs(got[0].Score-1) > 1e-6 || got[0].Intent != "hours" {
			t.Errorf("Nearest = %+v, want hours with score 1", got)
		}
	})
	t.Run("DimensionMismatch", func(t *testing.T) {
		if _, err := m.Nearest(t.Context(), []float32{1, 0}, 1); err == nil {
			t.Error("a query of the wrong dimension succeeded")
		}
	})
	t.Run("ReplaceRejectsMixedDims", func(t *testing.T) {
		err := m.Replace(t.Context(), []embed.Vector{{Intent: "a", Vector: []float32{1}}, {Intent: "b", Vector: []float32{1, 2}}})
		if err == nil {
			t.Error("Replace accepted mixed dimensions")
		}
		if m.Len() != len(vs) {
			t.Errorf("a failed Replace changed the index: len %d", m.Len())
		}
	})
	t.Run("ReplaceRejectsNaN", func(t *testing.T) {
		if err := m.Replace(t.Context(), []embed.Vector{{Intent: "a", Vector: []float32{float32(math.NaN())}}}); err == nil {
			t.Error("Replace accepted NaN")
		}
	})
	t.Run("ReplaceSwapsTheSet", func(t *testing.T) {
		m2 := embed.NewMemory()
		m2.Replace(t.Context(), vs)
		if err := m2.Replace(t.Context(), vs[2:3]); err != nil {
			t.Fatal(err)
		}
		got, _ := m2.Nearest(t.Context(), []float32{1, 0, 0}, 10)
		if len(got) != 1 || got[0].Intent != "bye" {
			t.Errorf("after Replace = %+v, want only bye", got)
		}
	})
}

func TestRank(t *testing.T) {
	t.Parallel()
	ms := []embed.Match{
		{Intent: "a", Score: 0.9}, {Intent: "b", Score: 0.85}, {Intent: "a", Score: 0.5},
		{Intent: "b", Score: 0.84}, {Intent: "c", Score: 0.2},
	}
	tests := []struct {
		name    string
		cfg     embed.Config
		want    []string
		checkFn func(t *testing.T, got []nlu.Intent)
	}{
		{"BestMatch", embed.Config{TopK: 1}, []string{"a", "b", "c"}, nil},
		{"MeanOfTopTwoFavoursConsistentIntent", embed.Config{TopK: 2}, []string{"b", "a", "c"}, nil},
		{"MaxIntents", embed.Config{TopK: 1, MaxIntents: 2}, []string{"a", "b"}, nil},
		{"NoneScoreLowersConfidence", embed.Config{TopK: 1, NoneScore: 0.95}, []string{"a", "b", "c"}, func(t *testing.T, got []nlu.Intent) {
			if got[0].Confidence >= 0.5 {
				t.Errorf("top confidence %v with a stronger none competitor, want < 0.5", got[0].Confidence)
			}
		}},
		{"LowTemperatureIsPeaked", embed.Config{TopK: 1, Temperature: 0.001}, []string{"a", "b", "c"}, func(t *testing.T, got []nlu.Intent) {
			if got[0].Confidence < 0.999 {
				t.Errorf("top confidence %v, want ≈1 at a low temperature", got[0].Confidence)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := embed.Rank(ms, tt.cfg)
			var names []string
			for _, g := range got {
				names = append(names, g.Name)
			}
			if !slices.Equal(names, tt.want) {
				t.Errorf("Rank = %+v, want order %v", got, tt.want)
			}
			checkRanked(t, nlu.Result{Intents: got})
			if tt.checkFn != nil {
				tt.checkFn(t, got)
			}
		})
	}
	if got := embed.Rank(nil, embed.Config{}); got != nil {
		t.Errorf("Rank(nil) = %v", got)
	}
}

func TestLocalEmbedder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := embed.NewLocal(512)
	cos := func(a, b string) float64 {
		vs, err := l.Embed(ctx, []string{a, b})
		if err != nil {
			t.Fatal(err)
		}
		var s float64
		for i := range vs[0] {
			s += float64(vs[0][i]) * float64(vs[1][i])
		}
		return s
	}
	t.Run("Deterministic", func(t *testing.T) {
		a, _ := l.Embed(ctx, []string{"where is my order"})
		b, _ := embed.NewLocal(512).Embed(ctx, []string{"where is my order"})
		if !slices.Equal(a[0], b[0]) {
			t.Error("two Local embedders disagree on the same text")
		}
		if len(a[0]) != 512 || l.Dim() != 512 {
			t.Errorf("dimension %d, want 512", len(a[0]))
		}
	})
	t.Run("PlaceholderNumberIgnored", func(t *testing.T) {
		if c := cos("email <EMAIL_1> now", "email <EMAIL_7> now"); math.Abs(c-1) > 1e-6 {
			t.Errorf("cos = %v, want 1: pseudonym numbers must not matter", c)
		}
	})
	t.Run("MorphologySharesCharGrams", func(t *testing.T) {
		if near, far := cos("cancelling", "cancellation"), cos("cancelling", "weather"); near <= far {
			t.Errorf("cos(cancelling, cancellation) = %v <= cos(cancelling, weather) = %v", near, far)
		}
	})
	t.Run("FitDownweightsCommonWords", func(t *testing.T) {
		f := embed.NewLocal(512)
		var texts []string
		for _, w := range []string{"order", "refund", "hours", "booking", "invoice", "delivery"} {
			texts = append(texts, "the "+w+" the")
		}
		pair := []string{"the order", "the refund"}
		before, _ := f.Embed(ctx, pair)
		if err := f.Fit(ctx, texts); err != nil {
			t.Fatal(err)
		}
		after, _ := f.Embed(ctx, pair)
		dot := func(v [][]float32) (s float64) {
			for i := range v[0] {
				s += float64(v[0][i]) * float64(v[1][i])
			}
			return s
		}
		if dot(after) >= dot(before) {
			t.Errorf("similarity through the shared word 'the': %v after Fit, %v before; want lower", dot(after), dot(before))
		}
	})
	t.Run("EmptyTextIsZero", func(t *testing.T) {
		vs, _ := l.Embed(ctx, []string{"  !! "})
		for _, f := range vs[0] {
			if f != 0 {
				t.Fatal("an empty text embeds to a non-zero vector")
			}
		}
	})
}

func TestWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"Where's my ORDER?", []string{"wheres", "my", "order"}},
		{"mail <EMAIL_12>, call <PHONE_NUMBER_1>.", []string{"mail", "<email>", "call", "<phone_number>"}},
		{"a <b> c <x_y> <Z_1", []string{"a", "b", "c", "x", "y", "z", "1"}},
		{"¿Dónde está mi pedido?", []string{"dónde", "está", "mi", "pedido"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := embed.Words(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Words = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTrainAndNewReject(t *testing.T) {
	t.Parallel()
	c, err := embed.New(embed.NewLocal(64), embed.NewMemory(), embed.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for name, ex := range map[string][]nlu.Example{
		"None":        nil,
		"EmptyText":   {{Text: " ", Intent: "a"}},
		"EmptyIntent": {{Text: "hi", Intent: ""}},
	} {
		if err := c.Train(t.Context(), ex); err == nil {
			t.Errorf("%s: Train succeeded", name)
		}
	}
	if _, err := embed.New(nil, embed.NewMemory(), embed.Config{}); err == nil {
		t.Error("New with a nil embedder succeeded")
	}
	if _, err := embed.New(embed.NewLocal(8), embed.NewMemory(), embed.Config{NoneScore: 2}); err == nil {
		t.Error("New with NoneScore 2 succeeded")
	}
	if res, err := c.Parse(t.Context(), "untrained"); err != nil || len(res.Intents) != 0 {
		t.Errorf("untrained Parse = %+v, %v; want empty", res, err)
	}
}
