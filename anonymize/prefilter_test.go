package anonymize

import (
	"strings"
	"testing"
)

// TestClassMask checks the translation of a recognizer's trigger bytes
// into the analyzer's byte classes: only whole classes translate.
func TestClassMask(t *testing.T) {
	tests := []struct {
		need string
		want uint8
	}{
		{"@", clsAt},
		{digitBytes, clsDigit},
		{digitBytes + ":", clsDigit | clsColon},
		{":.", clsColon | clsDot},
		{"12", 0}, // part of the digit class
		{"x@", 0}, // a byte of no class
		{"", 0},
	}
	for _, tt := range tests {
		t.Run(tt.need, func(t *testing.T) {
			if got := classMask(tt.need); got != tt.want {
				t.Errorf("classMask(%q) = %b, want %b", tt.need, got, tt.want)
			}
		})
	}
}

// needsRecognizer finds "X" only in texts holding one of its needs bytes,
// which no byte class covers.
type needsRecognizer struct{ need string }

func (needsRecognizer) Name() string    { return "needs" }
func (r needsRecognizer) needs() string { return r.need }
func (needsRecognizer) Recognize(text string) []Span {
	for i := 0; i < len(text); i++ {
		if text[i] == 'X' {
			return []Span{{Start: i, End: i + 1, Type: "X", Score: 1}}
		}
	}
	return nil
}

// TestPrefilterSkips checks that the analyzer runs a recognizer only on
// texts holding one of the bytes it needs, by class or byte by byte.
func TestPrefilterSkips(t *testing.T) {
	tests := []struct {
		need, text string
		want       int
	}{
		{"#", "X marks #", 1},
		{"#", "X marks", 0},
		{"@", "X at @", 1},
		{"@", "X at", 0},
		{digitBytes, "X 7", 1},
		{digitBytes, "X seven", 0},
		{"7", "X 8", 0},
		{"7", "X 7", 1},
	}
	for _, tt := range tests {
		t.Run(tt.need+"/"+tt.text, func(t *testing.T) {
			a, err := NewAnalyzer(AnalyzerConfig{}, needsRecognizer{tt.need})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(a.Analyze(tt.text)); got != tt.want {
				t.Errorf("%d spans, want %d", got, tt.want)
			}
		})
	}
}

// TestDigitScannersFromFirstDigit checks that the byte-scan recognizers
// the analyzer starts at the text's first digit find what a scan from the
// start finds, over the chat corpus and texts with every identifier kind.
func TestDigitScannersFromFirstDigit(t *testing.T) {
	texts := append(chatCorpus(2000),
		"IBAN GB82 WEST 1234 5698 7654 32 and es9121000418450200051332", "ip 192.168.1.1/24 and fe80::1ff:fe23:4567:890a",
		"btc 1BoatSLRHtKNngkdXEeobR76b53LETtpyT or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq, eth 0x52908400098527886E0F7030069857D2E4169EE7",
		"CURP GODE561231HDFRRN09, CPF 529.982.247-25, RUT 12.345.678-5, CUIT 20-12345678-6", "card 4111 1111 1111 1111 exp 12/27",
		"abcdXYZW561231HDFRRN09 zz", "no digits at all here", "Tel.: + 34 93 693 29 05", "call ( 415) 555-2671", "x +  - 612 34 56 78",
		"Tfno.+34 945007000")
	for _, r := range DefaultRecognizers() {
		ds, ok := r.(digitScanner)
		if !ok {
			continue
		}
		t.Run(r.Name(), func(t *testing.T) {
			o := AnalyzeOptions{Language: "en"}
			found := 0
			for _, text := range texts {
				fd := 0
				for fd < len(text) && !isDigit(text[fd]) {
					fd++
				}
				want := ds.recognizeAfterDigit(text, o, 0)
				got := ds.recognizeAfterDigit(text, o, fd)
				found += len(want)
				if len(got) != len(want) {
					t.Fatalf("%q: %d spans from the first digit, %d from the start", text, len(got), len(want))
				}
				for i := range got {
					if got[i] != want[i] {
						t.Errorf("%q: span %d = %+v, want %+v", text, i, got[i], want[i])
					}
				}
			}
			if found == 0 {
				t.Error("found nothing in any text: the comparison proves nothing")
			}
		})
	}
}

// TestMACFromFirstSeparator checks the MAC scan, which starts near the
// first separator, against MAC addresses anywhere in a text.
func TestMACFromFirstSeparator(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"mac 00:1A:2b:3C:4d:5E ok", []string{"00:1A:2b:3C:4d:5E"}},
		{"00-1a-2b-3c-4d-5e", []string{"00-1a-2b-3c-4d-5e"}},
		{"cisco 001a.2b3c.4d5e", []string{"001a.2b3c.4d5e"}},
		{"dead beef 001a.2b3c.4d5e, and aa:bb:cc:dd:ee:ff", []string{"001a.2b3c.4d5e", "aa:bb:cc:dd:ee:ff"}},
		{"no separators 001a2b3c4d5e", nil},
		{"a.b 00:1A:2b:3C:4d", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var got []string
			for _, s := range (MACRecognizer{}).Recognize(tt.text) {
				got = append(got, tt.text[s.Start:s.End])
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// TestScanClasses checks the eight-bytes-at-a-time class scan against a
// byte-by-byte count, on texts that put every trigger byte, and bytes one
// off from them, in every lane.
func TestScanClasses(t *testing.T) {
	texts := []string{"", "a", "0", "hello world", "ñ@ñ", "\xc0\xba\xae:", "/0123456789:;", "call 612 34 56 78.", "x@y.z",
		"ÀÁÂ@.:9", "\xb0\xb9\xc0\xba\xae abcdefgh 5", "the quick brown fox. jumps: over @ 12"}
	probe := []byte("/09:@.?-\xb0\xc0\xba")
	for lane := 0; lane < 16; lane++ {
		for _, c := range probe {
			b := []byte(strings.Repeat("x", 17))
			b[lane] = c
			texts = append(texts, string(b))
		}
	}
	for _, text := range texts {
		var wantCls uint8
		wantDigits, wantFirst := 0, len(text)
		for i := 0; i < len(text); i++ {
			wantCls |= byteClasses[text[i]]
			if isDigit(text[i]) {
				if wantFirst == len(text) {
					wantFirst = i
				}
				wantDigits++
			}
		}
		cls, digits, first := scanClasses(text)
		if cls != wantCls || digits != wantDigits || first != wantFirst {
			t.Errorf("scanClasses(%q) = %b, %d, %d; want %b, %d, %d", text, cls, digits, first, wantCls, wantDigits, wantFirst)
		}
	}
}
