package anonymize

import (
	"encoding/json"
	"fmt"
	"github.com/veilhq/veil/internal/refdata"
	"os"
	"slices"
	"strings"
	"testing"
)

// presidioLabels maps presidio_synth_dataset_v2 labels onto Veil's entity
// types; "" means out of scope (predictions overlapping such a span are
// not counted as false positives).
var presidioLabels = map[string]string{
	"PERSON": EntityPerson, "STREET_ADDRESS": EntityStreetAddress, "ZIP_CODE": EntityStreetAddress,
	"GPE": EntityLocation, "DOMAIN_NAME": EntityURL, "EMAIL_ADDRESS": EntityEmail, "PHONE_NUMBER": EntityPhone,
	"CREDIT_CARD": EntityCreditCard, "IBAN_CODE": EntityIBAN, "IP_ADDRESS": EntityIP, "US_SSN": EntityUSSSN,
	"US_DRIVER_LICENSE": EntityUSDriver, "DATE_TIME": EntityDateTime,
	"ORGANIZATION": "", "TITLE": "", "NRP": "", "AGE": "",
}

type goldRecord struct {
	FullText string `json:"full_text"`
	Spans    []struct {
		Type  string `json:"entity_type"`
		Start int    `json:"start_position"`
		End   int    `json:"end_position"`
	} `json:"spans"`
}

type prf struct{ tp, fp, fn int }

func (c prf) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c prf) recall() float64    { return ratio(c.tp, c.tp+c.fn) }
func (c prf) f(beta float64) float64 {
	p, r := c.precision(), c.recall()
	if p+r == 0 {
		return 0
	}
	b2 := beta * beta
	return (1 + b2) * p * r / (b2*p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// cpToByte converts code-point offsets of s to byte offsets.
func cpToByte(s string) []int {
	idx := make([]int, 0, len(s)+1)
	for i := range s {
		idx = append(idx, i)
	}
	return append(idx, len(s))
}

func iou(a0, a1, b0, b1 int) float64 {
	inter := min(a1, b1) - max(a0, b0)
	if inter <= 0 {
		return 0
	}
	return float64(inter) / float64(max(a1, b1)-min(a0, b0))
}

// evalRecord is one labelled text with byte-offset gold spans; typ ""
// marks an out-of-scope span (predictions overlapping it are not counted).
type evalRecord struct {
	text string
	gold []evalSpan
}

type evalSpan struct {
	typ  string
	s, e int
}

// loadPresidio reads presidio_synth_dataset_v2.json with the eval label map.
func loadPresidio(t testing.TB, path string) []evalRecord {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []goldRecord
	if err := json.Unmarshal(raw, &recs); err != nil {
		t.Fatal(err)
	}
	out := make([]evalRecord, 0, len(recs))
	for _, r := range recs {
		off := cpToByte(r.FullText)
		er := evalRecord{text: r.FullText}
		for _, s := range r.Spans {
			typ, ok := presidioLabels[s.Type]
			if !ok {
				t.Fatalf("unmapped label %q", s.Type)
			}
			er.gold = append(er.gold, evalSpan{typ, off[s.Start], off[s.End]})
		}
		out = append(out, er)
	}
	return out
}

// scoreRecords runs a over recs and returns per-type counts (span IoU >=
// 0.9, same type). Only types in only (if any) are counted.
func scoreRecords(a *Analyzer, recs []evalRecord, only map[string]bool, dump func(kind, typ, text string, s, e int), opts ...AnalyzeOption) map[string]*prf {
	counts := map[string]*prf{}
	get := func(typ string) *prf {
		if counts[typ] == nil {
			counts[typ] = &prf{}
		}
		return counts[typ]
	}
	for _, r := range recs {
		type gspan struct {
			evalSpan
			used bool
		}
		var gold []gspan
		var ignored []evalSpan
		for _, g := range r.gold {
			if g.typ == "" || only != nil && !only[g.typ] {
				ignored = append(ignored, g)
			} else {
				gold = append(gold, gspan{evalSpan: g})
			}
		}
		for _, p := range a.Analyze(r.text, opts...) {
			if only != nil && !only[p.Type] {
				continue
			}
			matched := false
			for i := range gold {
				g := &gold[i]
				if !g.used && g.typ == p.Type && iou(g.s, g.e, p.Start, p.End) >= 0.9 {
					g.used, matched = true, true
					break
				}
			}
			if matched {
				get(p.Type).tp++
				continue
			}
			skip := false
			for _, g := range ignored {
				if iou(g.s, g.e, p.Start, p.End) > 0 {
					skip = true
				}
			}
			if !skip {
				get(p.Type).fp++
				if dump != nil {
					dump("FP", p.Type, r.text, p.Start, p.End)
				}
			}
		}
		for _, g := range gold {
			if !g.used {
				get(g.typ).fn++
				if dump != nil {
					dump("FN", g.typ, r.text, g.s, g.e)
				}
			}
		}
	}
	return counts
}

func formatCounts(counts map[string]*prf) (string, prf) {
	var b strings.Builder
	var total prf
	types := make([]string, 0, len(counts))
	for k := range counts {
		types = append(types, k)
	}
	slices.Sort(types)
	fmt.Fprintf(&b, "%-18s %5s %5s %5s %6s %6s %6s %6s\n", "type", "tp", "fp", "fn", "P", "R", "F1", "F2")
	for _, k := range types {
		c := counts[k]
		total.tp += c.tp
		total.fp += c.fp
		total.fn += c.fn
		fmt.Fprintf(&b, "%-18s %5d %5d %5d %6.3f %6.3f %6.3f %6.3f\n", k, c.tp, c.fp, c.fn, c.precision(), c.recall(), c.f(1), c.f(2))
	}
	fmt.Fprintf(&b, "%-18s %5d %5d %5d %6.3f %6.3f %6.3f %6.3f\n", "ALL", total.tp, total.fp, total.fn, total.precision(), total.recall(), total.f(1), total.f(2))
	return b.String(), total
}

// TestPresidioAccuracy measures the default analyzer on
// presidio_synth_dataset_v2 (span IoU >= 0.9, the eval label map) and
// guards against regressions. Run with -v to see the table; set
// VEIL_PII_DUMP=FP or FN (optionally VEIL_PII_DUMP_TYPE) to print errors.
func TestPresidioAccuracy(t *testing.T) {
	path := refdata.Path(t, "pii/presidio_synth_dataset_v2.json")
	dump := dumpFromEnv()
	counts := scoreRecords(DefaultAnalyzer(), loadPresidio(t, path), nil, dump)
	table, total := formatCounts(counts)
	t.Logf("presidio_synth_dataset_v2, span IoU >= 0.9:\n%s", table)
	floors := map[string]float64{ // F1 floors: measured values minus a margin
		EntityEmail: 0.95, EntityCreditCard: 0.95, EntityIBAN: 0.95, EntityIP: 0.95, EntityUSSSN: 0.95,
	}
	for typ, floor := range floors {
		c := counts[typ]
		if c == nil || c.f(1) < floor {
			t.Errorf("%s F1 below %.2f: %+v", typ, floor, c)
		}
	}
	if c := counts[EntityPerson]; c == nil || c.f(2) < 0.85 {
		t.Errorf("PERSON F2 regressed below 0.85: %+v", c)
	}
	if c := counts[EntityPhone]; c == nil || c.f(1) < 0.98 {
		t.Errorf("PHONE_NUMBER F1 regressed below 0.98: %+v", c)
	}
	if f2 := total.f(2); f2 < minOverallF2 {
		t.Errorf("overall F2 %.3f below %.3f", f2, minOverallF2)
	}
}

// minOverallF2 is the regression floor for the overall F2.
const minOverallF2 = 0.78

// dumpFromEnv prints errors when VEIL_PII_DUMP=FP or FN (and, optionally,
// VEIL_PII_DUMP_TYPE=TYPE) is set.
func dumpFromEnv() func(kind, typ, text string, s, e int) {
	k := os.Getenv("VEIL_PII_DUMP")
	if k == "" {
		return nil
	}
	only := os.Getenv("VEIL_PII_DUMP_TYPE")
	return func(kind, typ, text string, s, e int) {
		if kind == k && (only == "" || only == typ) {
			fmt.Printf("%s %s %q\n", kind, typ, text[max(0, s-30):s]+"["+text[s:e]+"]"+text[e:min(len(text), e+20)])
		}
	}
}

// loadWNUT reads a CoNLL file (token TAB tag, blank line between posts):
// tokens are joined by single spaces; person spans are PERSON, every other
// entity is out of scope.
func loadWNUT(t testing.TB, path string) []evalRecord {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []evalRecord
	var b strings.Builder
	var cur evalRecord
	open := -1
	openTyp := ""
	closeSpan := func() {
		if open >= 0 {
			cur.gold = append(cur.gold, evalSpan{openTyp, open, b.Len()})
			open = -1
		}
	}
	flush := func() {
		closeSpan()
		if b.Len() > 0 {
			cur.text = b.String()
			out = append(out, cur)
		}
		cur = evalRecord{}
		b.Reset()
	}
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		tok, tag, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		if !strings.HasPrefix(tag, "I-") {
			closeSpan()
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if strings.HasPrefix(tag, "B-") {
			open = b.Len()
			openTyp = ""
			if tag == "B-person" {
				openTyp = EntityPerson
			}
		}
		b.WriteString(tok)
	}
	flush()
	return out
}

// loadMEDDOCAN reads the MEDDOCAN JSONL with the eval label map.
func loadMEDDOCAN(t testing.TB, path string) []evalRecord {
	labels := map[string]string{
		"NOMBRE_SUJETO_ASISTENCIA": EntityPerson, "NOMBRE_PERSONAL_SANITARIO": EntityPerson, "CORREO_ELECTRONICO": EntityEmail,
		"NUMERO_TELEFONO": EntityPhone, "NUMERO_FAX": EntityPhone, "CALLE": EntityStreetAddress, "TERRITORIO": EntityLocation,
		"PAIS": EntityLocation, "FECHAS": EntityDateTime,
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []evalRecord
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var r struct {
			Text  string `json:"text"`
			Spans []struct {
				Start int    `json:"start"`
				End   int    `json:"end"`
				Label string `json:"label"`
			} `json:"spans"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		off := cpToByte(r.Text)
		er := evalRecord{text: r.Text}
		for _, s := range r.Spans {
			er.gold = append(er.gold, evalSpan{labels[s.Label], off[s.Start], off[s.End]})
		}
		out = append(out, er)
	}
	return out
}

// TestWNUT17Accuracy measures PERSON on WNUT17 dev (real social-media text).
func TestWNUT17Accuracy(t *testing.T) {
	path := refdata.Path(t, "pii/wnut17_dev.conll")
	counts := scoreRecords(DefaultAnalyzer(), loadWNUT(t, path), map[string]bool{EntityPerson: true}, dumpFromEnv())
	table, _ := formatCounts(counts)
	t.Logf("wnut17_dev PERSON, span IoU >= 0.9:\n%s", table)
	if c := counts[EntityPerson]; c == nil || c.recall() < 0.58 || c.precision() < 0.65 {
		t.Errorf("WNUT17 PERSON regressed: %+v", c)
	}
}

// TestMEDDOCANAccuracy measures the Spanish clinical set (dev).
func TestMEDDOCANAccuracy(t *testing.T) {
	path := refdata.Path(t, "pii/meddocan_es_dev.jsonl")
	only := map[string]bool{EntityPerson: true, EntityEmail: true, EntityPhone: true, EntityStreetAddress: true, EntityLocation: true, EntityDateTime: true}
	counts := scoreRecords(DefaultAnalyzer(), loadMEDDOCAN(t, path), only, dumpFromEnv(), WithLanguage("es"), WithRegion("ES"))
	table, _ := formatCounts(counts)
	t.Logf("meddocan_es_dev, span IoU >= 0.9:\n%s", table)
	for typ, floor := range map[string]float64{EntityEmail: 0.95, EntityPerson: 0.88, EntityPhone: 0.9, EntityStreetAddress: 0.88} {
		if c := counts[typ]; c == nil || c.recall() < floor {
			t.Errorf("MEDDOCAN %s recall regressed below %.2f: %+v", typ, floor, c)
		}
	}
}
