package anonymize

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/veilhq/veil/internal/refdata"
	"hash"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenFile holds hashes of everything the default analyzer finds over
// fixed inputs. Speed work must leave them unchanged; a change that is
// meant to alter results rewrites the file with VEIL_UPDATE_GOLDEN=1.
const goldenFile = "testdata/analyze_golden.txt"

// hashSpans writes every span of every text into a hash, so that a moved
// offset, score, type, recognizer or validation flag changes the sum.
func hashSpans(h hash.Hash, a *Analyzer, texts []string, opts ...AnalyzeOption) int {
	n := 0
	for i, s := range texts {
		for _, sp := range a.Analyze(s, opts...) {
			fmt.Fprintf(h, "%d %d %d %s %.6f %s %t\n", i, sp.Start, sp.End, sp.Type, sp.Score, sp.Recognizer, sp.Validated)
			n++
		}
	}
	return n
}

func readGolden(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	f, err := os.Open(goldenFile)
	if err != nil {
		if os.IsNotExist(err) {
			return out
		}
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), " "); ok {
			out[k] = v
		}
	}
	return out
}

// TestAnalyzeGolden checks that the analyzer's output over the benchmark
// corpus and the presidio and MEDDOCAN texts is what it was when the
// golden file was written.
func TestAnalyzeGolden(t *testing.T) {
	a := DefaultAnalyzer()
	corpus := chatCorpus(2000)
	type set struct {
		name  string
		texts func(t *testing.T) []string
		opts  []AnalyzeOption
	}
	texts := func(recs []evalRecord) []string {
		out := make([]string, len(recs))
		for i, r := range recs {
			out[i] = r.text
		}
		return out
	}
	sets := []set{
		{"corpus_es", func(*testing.T) []string { return corpus }, []AnalyzeOption{WithRegion("ES")}},
		{"corpus_en_us", func(*testing.T) []string { return corpus }, []AnalyzeOption{WithLanguage("en"), WithRegion("US")}},
		{"presidio", func(t *testing.T) []string {
			return texts(loadPresidio(t, refdata.Path(t, "pii/presidio_synth_dataset_v2.json")))
		}, nil},
		{"meddocan", func(t *testing.T) []string {
			return texts(loadMEDDOCAN(t, refdata.Path(t, "pii/meddocan_es_dev.jsonl")))
		}, []AnalyzeOption{WithLanguage("es"), WithRegion("ES")}},
	}
	golden := readGolden(t)
	update := os.Getenv("VEIL_UPDATE_GOLDEN") != ""
	got := map[string]string{}
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			h := sha256.New()
			n := hashSpans(h, a, s.texts(t), s.opts...)
			if n == 0 {
				t.Fatal("no spans found at all")
			}
			sum := fmt.Sprintf("%s:%d", hex.EncodeToString(h.Sum(nil))[:32], n)
			got[s.name] = sum
			if update {
				return
			}
			want, ok := golden[s.name]
			if !ok {
				t.Fatalf("no golden hash for %s in %s (write it with VEIL_UPDATE_GOLDEN=1)", s.name, goldenFile)
			}
			if sum != want {
				t.Errorf("analyzer output changed: hash:spans %s, golden %s", sum, want)
			}
		})
	}
	if update {
		var b strings.Builder
		for _, s := range sets {
			if v, ok := got[s.name]; ok {
				fmt.Fprintf(&b, "%s %s\n", s.name, v)
			}
		}
		if err := os.WriteFile(filepath.FromSlash(goldenFile), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
