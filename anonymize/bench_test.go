package anonymize

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// chatCorpus builds a deterministic WhatsApp-style corpus: n messages of
// 10–300 characters in English and Spanish, about one in ten with
// personal data.
func chatCorpus(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	plain := []string{
		"hi", "hola!", "ok thanks 👍", "what time do you open tomorrow?", "¿a qué hora abren mañana?",
		"I want to change my booking please", "quiero cambiar mi reserva por favor", "is the order on its way?",
		"¿dónde está mi pedido? lleva 3 días de retraso", "can you send me the menu", "gracias, muy amable",
		"the app keeps crashing when I open the cart, can someone help me with this? it's really annoying",
		"no me llega el código de verificación, ya lo intenté tres veces y nada 😩",
		"How much is the delivery fee to the city centre? And do you deliver on Sundays?",
		"perfecto, entonces nos vemos el lunes a las 10", "yes", "no", "👍👍", "cancel", "STOP",
		"I was charged twice for order 48213, can you refund one of them please",
		"Do you have the blue one in size M? The website says out of stock but maybe in the shop",
		"vale, lo reviso y te digo algo esta tarde cuando salga del trabajo",
	}
	pii := []string{
		"my email is %s, please send the invoice there", "mi correo es %s", "call me on %s", "llámame al %s",
		"my card %s was declined", "hi, I'm %s and I have a question about my account", "soy %s, tengo una cita el martes",
		"send it to %s please", "my IBAN is %s", "born on %s",
	}
	vals := [][]string{
		{"ana.lopez@example.com", "JOHN.SMITH@mail.co.uk"}, {"maria@correo.es"}, {"+44 20 7946 0958", "(415) 555-2671"},
		{"612 34 56 78", "+34 699 111 222"}, {"4111 1111 1111 1111"}, {"Laura Martínez", "David Chen"}, {"María García"},
		{"24 Clarke Avenue, London", "Calle Mayor 5, Madrid"}, {"GB82WEST12345698765432"}, {"12 March 1985"},
	}
	out := make([]string, n)
	for i := range out {
		var s string
		if r.IntN(10) == 0 {
			k := r.IntN(len(pii))
			// Fresh digits in every value, so no cache sees a value twice.
			v := []byte(vals[k][r.IntN(len(vals[k]))])
			for j := range v {
				if isDigit(v[j]) && j > 1 {
					v[j] = byte('0' + r.IntN(10))
				}
			}
			s = fmt.Sprintf(pii[k], v)
		} else {
			s = plain[r.IntN(len(plain))]
			for len(s) < 10 || r.IntN(4) == 0 && len(s) < 200 {
				s += " " + plain[r.IntN(len(plain))]
			}
		}
		if len(s) > 300 {
			s = strings.ToValidUTF8(s[:300], "")
		}
		out[i] = s
	}
	return out
}

func corpusBytes(c []string) int64 {
	n := 0
	for _, s := range c {
		n += len(s)
	}
	return int64(n)
}

// BenchmarkAnalyze runs the whole default analyzer over the chat corpus,
// with a default region as the pipeline sets one (the sender's country).
// MB/s is the throughput; ns/msg the mean time per message.
func BenchmarkAnalyze(b *testing.B) {
	defer noPhoneCache()()
	a := DefaultAnalyzer()
	corpus := chatCorpus(1000)
	a.Analyze(corpus[0]) // load the gazetteers outside the timer
	b.SetBytes(corpusBytes(corpus))
	b.ReportAllocs()
	region := WithRegion("ES")
	for b.Loop() {
		for _, s := range corpus {
			a.Analyze(s, region)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(corpus)), "ns/msg")
}

// BenchmarkAnalyze100 analyses one 100-character message with PII.
func BenchmarkAnalyze100(b *testing.B) {
	defer noPhoneCache()()
	a := DefaultAnalyzer()
	msg := "hola, soy María García, mi móvil es 612 34 56 78 y mi correo maria@correo.es, gracias!!"
	msg += strings.Repeat(" ", 100-len(msg))
	a.Analyze(msg)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		a.Analyze(msg, WithLanguage("es"), WithRegion("ES"))
	}
}

// BenchmarkAnalyze100Latency times each Analyze call of
// BenchmarkAnalyze100 on its own and reports the median (p50-ns) and the
// 99th percentile (p99-ns) of the last 4096 calls.
func BenchmarkAnalyze100Latency(b *testing.B) {
	defer noPhoneCache()()
	a := DefaultAnalyzer()
	msg := "hola, soy María García, mi móvil es 612 34 56 78 y mi correo maria@correo.es, gracias!!"
	msg += strings.Repeat(" ", 100-len(msg))
	a.Analyze(msg)
	lang, region := WithLanguage("es"), WithRegion("ES")
	var lat [4096]time.Duration
	n := 0
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		t0 := time.Now()
		a.Analyze(msg, lang, region)
		lat[n%len(lat)] = time.Since(t0)
		n++
	}
	got := slices.Clone(lat[:min(n, len(lat))])
	slices.Sort(got)
	b.ReportMetric(float64(got[len(got)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(got[len(got)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkRecognizer runs each built-in recognizer alone over the corpus.
func BenchmarkRecognizer(b *testing.B) {
	defer noPhoneCache()()
	corpus := chatCorpus(1000)
	for _, r := range DefaultRecognizers() {
		a, err := NewAnalyzer(AnalyzerConfig{}, r)
		if err != nil {
			b.Fatal(err)
		}
		a.Analyze(corpus[0])
		b.Run(r.Name(), func(b *testing.B) {
			b.SetBytes(corpusBytes(corpus))
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range corpus {
					a.Analyze(s)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(corpus)), "ns/msg")
		})
	}
}

// noPhoneCache turns the phone validity cache off until the returned
// function runs: the corpus repeats, and a benchmark must pay for every
// parse as a stream of new messages would.
func noPhoneCache() func() {
	phoneCacheOff = true
	return func() { phoneCacheOff = false }
}

// BenchmarkAnalyzeCached is BenchmarkAnalyze with the phone cache on: the
// steady state when the same numbers come back (a user's own number, the
// output guard re-reading a reply).
func BenchmarkAnalyzeCached(b *testing.B) {
	a := DefaultAnalyzer()
	corpus := chatCorpus(1000)
	for _, s := range corpus {
		a.Analyze(s)
	}
	b.SetBytes(corpusBytes(corpus))
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range corpus {
			a.Analyze(s)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(corpus)), "ns/msg")
}

// BenchmarkTokenize runs the shared token pass alone over the chat corpus.
func BenchmarkTokenize(b *testing.B) {
	corpus := chatCorpus(1000)
	loadGazetteer()
	b.SetBytes(corpusBytes(corpus))
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range corpus {
			d := newDoc(s)
			d.tokens()
			d.release()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(corpus)), "ns/msg")
}
