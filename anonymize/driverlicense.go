package anonymize

import "strings"

// USDriverLicenseRecognizer finds driver's licence numbers, only right
// after a licence phrase ("driver's license number is", "DL#",
// "licencia de conducir"): US formats vary too much by state to be told
// from any other code without context. The number is one token of 5 to 20
// letters and digits (hyphens allowed), with at least 4 digits.
type USDriverLicenseRecognizer struct{}

var _ Recognizer = USDriverLicenseRecognizer{}

// Name implements Recognizer.
func (USDriverLicenseRecognizer) Name() string { return "us_driver_license" }

// Recognize implements Recognizer.
func (r USDriverLicenseRecognizer) Recognize(text string) []Span {
	return r.recognizeDoc(&doc{text: text})
}

var dlFiller = wordSet("number", "no", "num", "nr", "is", "was", "id", "es", "número", "numero", "nº", "n", "my", "mi", "the", "el", "de", "card")

func (USDriverLicenseRecognizer) recognizeDoc(d *doc) []Span {
	toks := d.tokens()
	if d.anyFlags&gDLCue == 0 {
		return nil
	}
	// Prefilter on the words that must be there.
	cue := false
	for _, t := range toks {
		if t.kind == tokWord && t.flags&gDLCue != 0 {
			cue = true
			break
		}
	}
	if !cue {
		return nil
	}
	var out []Span
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tokWord {
			continue
		}
		w := d.lower(toks[i])
		cueEnd := -1
		switch {
		case w == "dl" || w == "cdl":
			cueEnd = i + 1
		case w == "license" || w == "licence" || w == "licencia" || w == "permiso" || w == "carnet" || w == "carné":
			// driver's license / driving licence / licencia de conducir
			if driverBefore(d, toks, i) {
				cueEnd = i + 1
			} else if i+2 < len(toks) && strings.HasPrefix(d.lower(toks[i+2]), "conduc") {
				cueEnd = i + 3
			}
		}
		if cueEnd < 0 {
			continue
		}
		j := cueEnd
		for steps := 0; j < len(toks) && steps < 5; steps++ {
			t := toks[j]
			if t.kind == tokPunct && strings.Contains(":#.-'’", d.str(t)) || t.kind == tokWord && dlFiller[d.lower(t)] {
				j++
				continue
			}
			break
		}
		if j >= len(toks) || toks[j].kind == tokPunct {
			continue
		}
		s := toks[j].start
		e := s
		digits, n := 0, 0
		for e < len(d.text) && (isAlnum(d.text[e]) || d.text[e] == '-' && e+1 < len(d.text) && isAlnum(d.text[e+1])) {
			if isDigit(d.text[e]) {
				digits++
			}
			e++
			n++
		}
		if n < 5 || n > 20 || digits < 4 || !wordEnd(d.text, e) {
			continue
		}
		out = append(out, Span{Start: s, End: e, Type: EntityUSDriver, Score: 0.8, Recognizer: "us_driver_license"})
		for i < len(toks) && toks[i].start < e {
			i++
		}
		i--
	}
	return out
}

// driverBefore reports whether "driver", "driver's" or "driving" is one of
// the three tokens before i.
func driverBefore(d *doc, toks []token, i int) bool {
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if strings.HasPrefix(d.lower(toks[k]), "driv") {
			return true
		}
	}
	return false
}
