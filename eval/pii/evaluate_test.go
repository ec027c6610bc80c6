package pii

import (
	"context"
	"encoding/json"
	"github.com/veilhq/veil/internal/refdata"
	"math"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/eval/labelmaps"
)

// fixed returns a detector that answers every text with the given spans
// (byte offsets), keyed by text.
func fixed(m map[string][]anonymize.Span) Detector {
	return func(text string) []anonymize.Span { return m[text] }
}

// perfect predicts exactly the gold spans, mapped like the evaluation.
func perfect(recs []Record, lm labelmaps.Map) Detector {
	m := map[string][]anonymize.Span{}
	for _, r := range recs {
		for _, s := range r.Spans {
			if l, keep := lm.Apply(s.Label); keep {
				m[r.Text] = append(m[r.Text], anonymize.Span{Start: s.Start, End: s.End, Type: l})
			}
		}
	}
	return fixed(m)
}

func empty(string) []anonymize.Span { return nil }

var emailRE = regexp.MustCompile(`[\p{L}\p{N}_.+-]+@[\p{L}\p{N}_-]+(\.[\p{L}\p{N}_-]+)+`)

func emailDetector(text string) []anonymize.Span {
	var out []anonymize.Span
	for _, m := range emailRE.FindAllStringIndex(text, -1) {
		out = append(out, anonymize.Span{Start: m[0], End: m[1], Type: anonymize.EntityEmail})
	}
	return out
}

func span(s, e int, l string) anonymize.Span { return anonymize.Span{Start: s, End: e, Type: l} }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestIoU(t *testing.T) {
	tests := []struct {
		name           string
		as, ae, bs, be int
		want           float64
	}{
		{"identical", 0, 10, 0, 10, 1},
		{"nine of ten", 0, 10, 0, 9, 0.9},
		{"contained", 0, 10, 2, 4, 0.2},
		{"disjoint", 0, 5, 5, 9, 0},
		{"partial", 0, 6, 3, 9, 3.0 / 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IoU(tt.as, tt.ae, tt.bs, tt.be); !near(got, tt.want) {
				t.Errorf("IoU = %v, want %v", got, tt.want)
			}
			if got := IoU(tt.bs, tt.be, tt.as, tt.ae); !near(got, tt.want) {
				t.Errorf("IoU not symmetric: %v", got)
			}
		})
	}
}

func TestSpanMatching(t *testing.T) {
	const text = "0123456789 abcdefghijklmnopqrstuvwxyz"
	gold := []GoldSpan{{0, 10, "PERSON"}}
	tests := []struct {
		name                  string
		gold                  []GoldSpan
		preds                 []anonymize.Span
		iou                   float64
		tp, fp, fn            int
		exactTP, anyTP, anyFP int
	}{
		{"exact", gold, []anonymize.Span{span(0, 10, "PERSON")}, 0.9, 1, 0, 0, 1, 1, 0},
		{"IoU exactly 0.9 matches", gold, []anonymize.Span{span(0, 9, "PERSON")}, 0.9, 1, 0, 0, 0, 1, 0},
		{"IoU 10/11 matches", gold, []anonymize.Span{span(0, 11, "PERSON")}, 0.9, 1, 0, 0, 0, 1, 0},
		{"IoU 0.8 misses", gold, []anonymize.Span{span(0, 8, "PERSON")}, 0.9, 0, 1, 1, 0, 0, 1},
		{"IoU 0.8 with threshold 0.8", gold, []anonymize.Span{span(1, 9, "PERSON")}, 0.8, 1, 0, 0, 0, 1, 0},
		{"just below 0.9", []GoldSpan{{0, 30, "PERSON"}}, []anonymize.Span{span(0, 26, "PERSON")}, 0.9, 0, 1, 1, 0, 0, 1},
		{"overlapping duplicates: one TP one FP", gold, []anonymize.Span{span(0, 10, "PERSON"), span(0, 9, "PERSON")}, 0.9, 1, 1, 0, 1, 1, 1},
		{"identical duplicate predictions collapse", gold, []anonymize.Span{span(0, 10, "PERSON"), span(0, 10, "PERSON")}, 0.9, 1, 0, 0, 1, 1, 0},
		{"same type wins over better wrong type", gold, []anonymize.Span{span(0, 10, "LOCATION"), span(0, 9, "PERSON")}, 0.9, 1, 1, 0, 0, 1, 1},
		{"wrong type", gold, []anonymize.Span{span(0, 10, "LOCATION")}, 0.9, 0, 1, 1, 0, 1, 0},
		{"two gold one wide prediction", []GoldSpan{{0, 4, "PERSON"}, {5, 10, "PERSON"}}, []anonymize.Span{span(0, 10, "PERSON")}, 0.9, 0, 1, 2, 0, 0, 1},
		{"lowercase type", gold, []anonymize.Span{span(0, 10, "person")}, 0.9, 1, 0, 0, 1, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := []Record{{Text: text, Spans: tt.gold}}
			rep, err := Evaluate(context.Background(), recs, fixed(map[string][]anonymize.Span{text: tt.preds}), Options{IoU: tt.iou, ScoreAllTypes: true})
			if err != nil {
				t.Fatal(err)
			}
			o := rep.Overall
			if o.TP != tt.tp || o.FP != tt.fp || o.FN != tt.fn {
				t.Errorf("span TP/FP/FN = %d/%d/%d, want %d/%d/%d", o.TP, o.FP, o.FN, tt.tp, tt.fp, tt.fn)
			}
			if rep.Exact.TP != tt.exactTP {
				t.Errorf("exact TP = %d, want %d", rep.Exact.TP, tt.exactTP)
			}
			if rep.AnyPII.TP != tt.anyTP || rep.AnyPII.FP != tt.anyFP {
				t.Errorf("any TP/FP = %d/%d, want %d/%d", rep.AnyPII.TP, rep.AnyPII.FP, tt.anyTP, tt.anyFP)
			}
			wantP := ratio(tt.tp, tt.tp+tt.fp, tt.fn == 0)
			if !near(o.Precision, wantP) {
				t.Errorf("precision = %v, want %v", o.Precision, wantP)
			}
		})
	}
}

func TestWrongTypeConfusionAndErrors(t *testing.T) {
	text := "call Ana at ana@x.es now"
	recs := []Record{{Text: text, Spans: []GoldSpan{{5, 8, "PERSON"}, {12, 20, "EMAIL_ADDRESS"}}}}
	det := fixed(map[string][]anonymize.Span{text: {span(5, 8, "LOCATION"), span(21, 24, "PHONE_NUMBER")}})
	rep, err := Evaluate(context.Background(), recs, det, Options{ScoreAllTypes: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Confusion["PERSON"]["LOCATION"]; got != 1 {
		t.Errorf("confusion PERSON→LOCATION = %d", got)
	}
	if got := rep.Confusion["EMAIL_ADDRESS"][None]; got != 1 {
		t.Errorf("confusion EMAIL→O = %d", got)
	}
	if got := rep.Confusion[None]["PHONE_NUMBER"]; got != 1 {
		t.Errorf("confusion O→PHONE = %d", got)
	}
	kinds := map[ErrorKind]Error{}
	for _, e := range rep.Errors {
		kinds[e.Kind] = e
	}
	if e := kinds[KindWrongType]; e.Gold != "PERSON" || e.Pred != "LOCATION" || e.Text != "Ana" || !strings.Contains(e.Context, "[[Ana]]") {
		t.Errorf("wrong-type error = %+v", e)
	}
	if e := kinds[KindFN]; e.Gold != "EMAIL_ADDRESS" || e.Text != "ana@x.es" || e.Leaked != 8 {
		t.Errorf("FN error = %+v", e)
	}
	if e := kinds[KindFP]; e.Pred != "PHONE_NUMBER" || e.Text != "now" {
		t.Errorf("FP error = %+v", e)
	}
	if len(rep.Errors) != 3 {
		t.Errorf("errors = %d, want 3", len(rep.Errors))
	}
	// PERSON: FN 1; LOCATION: FP 1; EMAIL: FN 1; PHONE: FP 1.
	if e := rep.Entities["PERSON"]; e.TP != 0 || e.FN != 1 || e.Support != 1 {
		t.Errorf("PERSON = %+v", e.Scores)
	}
	if e := rep.Entities["LOCATION"]; e.FP != 1 || e.Support != 0 {
		t.Errorf("LOCATION = %+v", e.Scores)
	}
	// Leak: "Ana" is covered (by the wrong type); the e-mail is not: 8/11.
	if !near(rep.LeakRate, 8.0/11) {
		t.Errorf("leak = %v, want 8/11", rep.LeakRate)
	}
}

func TestCodePointsVersusBytes(t *testing.T) {
	// Gold offsets in code points; the e-mail detector returns bytes.
	line := `{"text":"Olá 👋🏽 señor Müller, 東京の mail: jörg@müller.de ✓","spans":[{"start":31,"end":45,"label":"EMAIL_ADDRESS","text":"jörg@müller.de"}]}`
	recs, err := Parse([]byte(line), "x.jsonl", FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(context.Background(), recs, emailDetector, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.TP != 1 || rep.Overall.FP != 0 || rep.LeakRate != 0 {
		t.Errorf("TP/FP = %d/%d leak %v, want 1/0 leak 0 (errors %+v)", rep.Overall.TP, rep.Overall.FP, rep.LeakRate, rep.Errors)
	}
	// A detector that (wrongly) answers code-point offsets as bytes misses.
	cp := func(string) []anonymize.Span { return []anonymize.Span{span(31, 45, anonymize.EntityEmail)} }
	rep, err = Evaluate(context.Background(), recs, cp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.TP != 0 {
		t.Errorf("code-point offsets used as bytes should not match, got TP %d", rep.Overall.TP)
	}
}

func TestIgnoredLabels(t *testing.T) {
	text := "Acme Corp hired John Smith"
	recs := []Record{{Text: text, Spans: []GoldSpan{{0, 9, "ORGANIZATION"}, {16, 26, "PERSON"}}}}
	lm := labelmaps.Map{"ORGANIZATION": labelmaps.Ignore}
	tests := []struct {
		name       string
		preds      []anonymize.Span
		tp, fp, fn int
		ignored    int
	}{
		{"prediction on ignored span is neither TP nor FP", []anonymize.Span{span(0, 9, "PERSON"), span(16, 26, "PERSON")}, 1, 0, 0, 1},
		{"partial overlap with ignored span also ignored", []anonymize.Span{span(0, 4, "LOCATION")}, 0, 0, 1, 1},
		{"prediction elsewhere is FP", []anonymize.Span{span(10, 15, "PERSON")}, 0, 1, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Evaluate(context.Background(), recs, fixed(map[string][]anonymize.Span{text: tt.preds}), Options{LabelMap: lm, ScoreAllTypes: true})
			if err != nil {
				t.Fatal(err)
			}
			o := rep.Overall
			if o.TP != tt.tp || o.FP != tt.fp || o.FN != tt.fn || rep.IgnoredPredictions != tt.ignored {
				t.Errorf("TP/FP/FN/ignored = %d/%d/%d/%d, want %d/%d/%d/%d", o.TP, o.FP, o.FN, rep.IgnoredPredictions, tt.tp, tt.fp, tt.fn, tt.ignored)
			}
			if _, ok := rep.Entities["ORGANIZATION"]; ok {
				t.Error("ignored label appears in entities")
			}
			if rep.IgnoredGold != 1 {
				t.Errorf("ignored gold = %d", rep.IgnoredGold)
			}
		})
	}
}

func TestUnscoredTypes(t *testing.T) {
	text := "John Smith mail j@x.io"
	recs := []Record{{Text: text, Spans: []GoldSpan{{0, 10, "PERSON"}}}}
	det := fixed(map[string][]anonymize.Span{text: {span(0, 10, "PERSON"), span(16, 22, "EMAIL_ADDRESS")}})
	rep, err := Evaluate(context.Background(), recs, det, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.FP != 0 || rep.Unscored["EMAIL_ADDRESS"] != 1 {
		t.Errorf("FP %d unscored %v: e-mail should be unscored on a set without e-mail labels", rep.Overall.FP, rep.Unscored)
	}
	rep, err = Evaluate(context.Background(), recs, det, Options{ScoreAllTypes: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.FP != 1 {
		t.Errorf("ScoreAllTypes: FP = %d, want 1", rep.Overall.FP)
	}
}

func TestTokenLevelAndLeak(t *testing.T) {
	text := "John Smith, lives in Paris."
	recs := []Record{{Text: text, Spans: []GoldSpan{{0, 10, "PERSON"}, {21, 26, "LOCATION"}}}}
	// Finds "John" as PERSON and "lives" as PERSON.
	det := fixed(map[string][]anonymize.Span{text: {span(0, 4, "PERSON"), span(12, 17, "PERSON")}})
	rep, err := Evaluate(context.Background(), recs, det, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Tokens: John(TP) Smith(FN) ,(O) lives(FP) in Paris(FN LOC) .
	p := rep.Entities["PERSON"].Token
	if p.TP != 1 || p.FN != 1 || p.FP != 1 {
		t.Errorf("PERSON token = %+v", p)
	}
	if l := rep.Entities["LOCATION"].Token; l.FN != 1 || l.TP != 0 {
		t.Errorf("LOCATION token = %+v", l)
	}
	if rep.Token.TP != 1 || rep.Token.FP != 1 || rep.Token.FN != 2 {
		t.Errorf("micro token = %+v", rep.Token)
	}
	// Leak: PERSON gold has 9 non-space code points, 4 covered; LOCATION 5, 0.
	if e := rep.Entities["PERSON"]; !near(e.LeakRate, 5.0/9) {
		t.Errorf("PERSON leak = %v, want 5/9", e.LeakRate)
	}
	if !near(rep.LeakRate, 10.0/14) {
		t.Errorf("leak = %v, want 10/14", rep.LeakRate)
	}
	// Macro over PERSON (P 0 R 0 at span level: "John" has IoU 0.4) and LOCATION.
	if rep.Macro.Recall != 0 || rep.Overall.FN != 2 || rep.Overall.FP != 2 {
		t.Errorf("macro %+v overall %+v", rep.Macro, rep.Overall)
	}
}

func TestMacroAndFBeta(t *testing.T) {
	text := "aa bb cc dd"
	recs := []Record{{Text: text, Spans: []GoldSpan{{0, 2, "A"}, {3, 5, "A"}, {6, 8, "B"}}}}
	det := fixed(map[string][]anonymize.Span{text: {span(0, 2, "A"), span(6, 8, "B"), span(9, 11, "B")}})
	rep, err := Evaluate(context.Background(), recs, det, Options{Beta: 3})
	if err != nil {
		t.Fatal(err)
	}
	// A: P 1, R 0.5. B: P 0.5, R 1. Micro: TP 2 FP 1 FN 1.
	a, b := rep.Entities["A"], rep.Entities["B"]
	if !near(a.Precision, 1) || !near(a.Recall, 0.5) || !near(b.Precision, 0.5) || !near(b.Recall, 1) {
		t.Fatalf("A %+v B %+v", a.Scores, b.Scores)
	}
	wantF2A := 5 * 1 * 0.5 / (4*1 + 0.5)
	if !near(a.F2, wantF2A) {
		t.Errorf("A F2 = %v, want %v", a.F2, wantF2A)
	}
	wantF3A := 10 * 0.5 / (9 + 0.5)
	if !near(a.FBeta, wantF3A) {
		t.Errorf("A F3 = %v, want %v", a.FBeta, wantF3A)
	}
	if !near(rep.Macro.Precision, 0.75) || !near(rep.Macro.Recall, 0.75) {
		t.Errorf("macro = %+v", rep.Macro)
	}
	if !near(rep.Overall.Precision, 2.0/3) || !near(rep.Overall.Recall, 2.0/3) {
		t.Errorf("micro = %+v", rep.Overall)
	}
}

func TestPerfectAndEmptyOnReferenceData(t *testing.T) {
	path := filepath.Join(refdata.Path(t, "."), "pii", "presidio_synth_dataset_v2.json")
	recs, err := ReadFile(path, FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	lm, _ := labelmaps.Builtin("presidio")
	rep, err := Evaluate(context.Background(), recs, perfect(recs, lm), Options{LabelMap: lm})
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, s Scores) {
		if s.Precision != 1 || s.Recall != 1 || s.F1 != 1 || s.F2 != 1 || s.FP != 0 || s.FN != 0 {
			t.Errorf("perfect %s = %+v", name, s)
		}
	}
	check("overall", rep.Overall)
	check("macro", rep.Macro)
	check("exact", rep.Exact)
	check("token", rep.Token)
	check("any", rep.AnyPII)
	for n, e := range rep.Entities {
		check(n, e.Scores)
		check(n+" token", e.Token)
	}
	if rep.LeakRate != 0 || rep.Records != 1500 || len(rep.Errors) != 0 {
		t.Errorf("perfect leak %v records %d errors %d", rep.LeakRate, rep.Records, len(rep.Errors))
	}
	if _, ok := rep.Entities["ORGANIZATION"]; ok {
		t.Error("ORGANIZATION should be ignored by the presidio map")
	}
	if rep.Entities["LOCATION"].Support != 411 {
		t.Errorf("LOCATION support = %d, want 411 (GPE)", rep.Entities["LOCATION"].Support)
	}

	rep, err = Evaluate(context.Background(), recs, empty, Options{LabelMap: lm})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.Recall != 0 || rep.Overall.TP != 0 || rep.LeakRate != 1 || rep.AnyPII.Recall != 0 {
		t.Errorf("empty: recall %v leak %v", rep.Overall.Recall, rep.LeakRate)
	}
	if rep.Overall.FN != rep.Overall.Support || rep.Overall.Support == 0 {
		t.Errorf("empty: FN %d support %d", rep.Overall.FN, rep.Overall.Support)
	}
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	var recs []Record
	for i := range 200 {
		text := strings.Repeat("x", i%7) + " write to user" + strings.Repeat("é", i%3) + "@example.com or bob"
		recs = append(recs, Record{Text: text, Spans: []GoldSpan{{len(text) - 3, len(text), "PERSON"}}})
	}
	var out []string
	for _, w := range []int{1, 3, 8} {
		rep, err := Evaluate(context.Background(), recs, emailDetector, Options{Workers: w, ScoreAllTypes: true})
		if err != nil {
			t.Fatal(err)
		}
		rep.MsPerRecord, rep.WallSeconds = 0, 0
		b, _ := json.Marshal(rep)
		e, _ := json.Marshal(rep.Errors)
		out = append(out, string(b)+string(e))
	}
	if out[0] != out[1] || out[1] != out[2] {
		t.Error("report depends on the number of workers")
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	recs := make([]Record, 10)
	if _, err := Evaluate(ctx, recs, empty, Options{}); err == nil {
		t.Error("want context error")
	}
}

func BenchmarkEvaluate(b *testing.B) {
	var recs []Record
	for i := range 500 {
		text := "hola Ana García, escribe a ana" + strings.Repeat("x", i%5) + "@correo.es 😀"
		recs = append(recs, Record{Text: text, Spans: []GoldSpan{{5, 16, "PERSON"}}})
	}
	for b.Loop() {
		if _, err := Evaluate(context.Background(), recs, emailDetector, Options{ScoreAllTypes: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLeakCountsOverlappingGoldOnce(t *testing.T) {
	// "Ana Ruiz" is labeled PERSON and, overlapping, LOCATION "Ruiz Street".
	text := "Ana Ruiz Street"
	recs := []Record{{Text: text, Spans: []GoldSpan{{0, 8, "PERSON"}, {4, 15, "LOCATION"}}}}
	det := fixed(map[string][]anonymize.Span{text: {span(0, 3, "PERSON")}})
	rep, err := Evaluate(context.Background(), recs, det, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Union of gold: 13 non-space code points; "Ana" covered → 10 leaked.
	if rep.GoldChars != 13 || rep.LeakedChars != 10 {
		t.Errorf("gold %d leaked %d, want 13 and 10", rep.GoldChars, rep.LeakedChars)
	}
	if e := rep.Entities["LOCATION"]; e.GoldChars != 10 || e.LeakedChars != 10 {
		t.Errorf("LOCATION gold %d leaked %d", e.GoldChars, e.LeakedChars)
	}
	if e := rep.Entities["PERSON"]; e.GoldChars != 7 || e.LeakedChars != 4 {
		t.Errorf("PERSON gold %d leaked %d", e.GoldChars, e.LeakedChars)
	}
}

func TestAddressBlocks(t *testing.T) {
	// "12 High St" [0,10) ", " "Leeds" [12,17) " " "LS1 4AB" [18,25); "Paris, France" later.
	text := "12 High St, Leeds LS1 4AB. Paris, France"
	pieces := []GoldSpan{{0, 10, "STREET_ADDRESS"}, {12, 17, "LOCATION"}, {18, 25, "STREET_ADDRESS"}, {27, 32, "LOCATION"}, {34, 40, "LOCATION"}}
	block := []GoldSpan{{0, 25, "STREET_ADDRESS"}, {27, 32, "LOCATION"}, {34, 40, "LOCATION"}}
	predPieces := []anonymize.Span{span(0, 10, "STREET_ADDRESS"), span(12, 17, "LOCATION"), span(18, 25, "STREET_ADDRESS"), span(27, 32, "LOCATION"), span(34, 40, "LOCATION")}
	predBlock := []anonymize.Span{span(0, 25, "STREET_ADDRESS"), span(27, 32, "LOCATION"), span(34, 40, "LOCATION")}
	tests := []struct {
		name       string
		gold       []GoldSpan
		preds      []anonymize.Span
		blocks     bool
		tp, fp, fn int
	}{
		{"strict: block predicted, pieces gold", pieces, predBlock, false, 2, 1, 3},
		{"strict: pieces predicted, block gold", block, predPieces, false, 2, 3, 1},
		{"blocks: block predicted, pieces gold", pieces, predBlock, true, 3, 0, 0},
		{"blocks: pieces predicted, block gold", block, predPieces, true, 3, 0, 0},
		// Towns with no street in their run stay LOCATIONs, and the "."
		// after "4AB" parts the address from the next sentence.
		{"blocks: locations alone are not joined", []GoldSpan{{27, 32, "LOCATION"}, {34, 40, "LOCATION"}}, []anonymize.Span{span(27, 40, "LOCATION")}, true, 0, 1, 2},
		{"blocks: a street alone is unchanged", []GoldSpan{{0, 10, "STREET_ADDRESS"}}, []anonymize.Span{span(0, 10, "STREET_ADDRESS")}, true, 1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := []Record{{Text: text, Spans: tt.gold}}
			rep, err := Evaluate(context.Background(), recs, fixed(map[string][]anonymize.Span{text: tt.preds}), Options{AddressBlocks: tt.blocks})
			if err != nil {
				t.Fatal(err)
			}
			if o := rep.Overall; o.TP != tt.tp || o.FP != tt.fp || o.FN != tt.fn {
				t.Errorf("TP/FP/FN = %d/%d/%d, want %d/%d/%d (errors %+v)", o.TP, o.FP, o.FN, tt.tp, tt.fp, tt.fn, rep.Errors)
			}
			strict, err := Evaluate(context.Background(), recs, fixed(map[string][]anonymize.Span{text: tt.preds}), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.LeakRate != strict.LeakRate {
				t.Errorf("leak %v with blocks, %v strict: the view must not change the leak rate", rep.LeakRate, strict.LeakRate)
			}
			if rep.Config.AddressBlocks != tt.blocks {
				t.Errorf("Config.AddressBlocks = %v", rep.Config.AddressBlocks)
			}
		})
	}
}
