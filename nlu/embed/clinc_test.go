package embed_test

import (
	"encoding/json"
	"fmt"
	"github.com/veilhq/veil/internal/refdata"
	"os"
	"testing"
	"time"

	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/chain"
	"github.com/veilhq/veil/nlu/embed"
)

// clinc loads CLINC150's data_full.json from ../shared/data/intents,
// found by walking up to go.mod. Absent data fails in CI and skips
// elsewhere.
func clinc(tb testing.TB) map[string][]nlu.Example {
	tb.Helper()
	raw, err := os.ReadFile(refdata.Path(tb, "intents/clinc150_data_full.json"))
	if err != nil {
		tb.Fatalf("CLINC150 data: %v", err)
	}
	var splits map[string][][2]string
	if err := json.Unmarshal(raw, &splits); err != nil {
		tb.Fatalf("CLINC150 data: %v", err)
	}
	out := map[string][]nlu.Example{}
	for name, rows := range splits {
		for _, r := range rows {
			out[name] = append(out[name], nlu.Example{Text: r[0], Intent: r[1]})
		}
	}
	return out
}

// BenchmarkCLINC150 trains the embedding classifier with the Local
// embedder and the in-memory index on CLINC150 train + oos_train, reports
// in-scope accuracy and out-of-scope recall on the test split (the
// threshold is picked on the validation split), and times Parse.
//
//	go test ./nlu/embed -run '^$' -bench CLINC150 -benchtime 2000x
func BenchmarkCLINC150(b *testing.B) {
	data := clinc(b)
	ctx := b.Context()
	c, err := embed.New(embed.NewLocal(0), embed.NewMemory(), embed.Config{})
	if err != nil {
		b.Fatal(err)
	}
	train := append(append([]nlu.Example{}, data["train"]...), data["oos_train"]...)
	start := time.Now()
	if err := c.Train(ctx, train); err != nil {
		b.Fatal(err)
	}
	trainTime := time.Since(start)
	parse := func(exs []nlu.Example) []nlu.Result {
		out := make([]nlu.Result, len(exs))
		for i, ex := range exs {
			if out[i], err = c.Parse(ctx, ex.Text); err != nil {
				b.Fatal(err)
			}
		}
		return out
	}
	score := func(in, oos []nlu.Example, rin, roos []nlu.Result, thr float64) (acc, recall float64) {
		cfg := chain.Config{Threshold: thr}
		for i, ex := range in {
			if chain.Decide(rin[i], cfg).Intent == ex.Intent {
				acc++
			}
		}
		for i := range oos {
			if chain.Decide(roos[i], cfg).Intent == "" {
				recall++
			}
		}
		return acc / float64(len(in)), recall / float64(len(oos))
	}
	// Pick the threshold that maximizes accuracy + recall on validation.
	vin, voos := parse(data["val"]), parse(data["oos_val"])
	best, bestSum := 0.0, -1.0
	for thr := 0.0; thr <= 0.95; thr += 0.05 {
		a, r := score(data["val"], data["oos_val"], vin, voos, thr)
		if a+r > bestSum {
			best, bestSum = thr, a+r
		}
	}
	tin, toos := parse(data["test"]), parse(data["oos_test"])
	acc, recall := score(data["test"], data["oos_test"], tin, toos, best)
	b.ReportMetric(100*acc, "in-scope-acc-%")
	b.ReportMetric(100*recall, "oos-recall-%")
	b.ReportMetric(best, "threshold")
	b.ReportMetric(trainTime.Seconds(), "train-s")
	fmt.Fprintf(os.Stderr, "CLINC150 embed/local: trained on %d examples in %v; threshold %.2f (val); test in-scope accuracy %.1f%%, oos recall %.1f%%\n",
		len(train), trainTime.Round(time.Millisecond), best, 100*acc, 100*recall)

	test := data["test"]
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, err := c.Parse(ctx, test[i%len(test)].Text); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
