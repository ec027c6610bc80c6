package anonymize

import "testing"

// TestClassOf checks the packed name class of a token against its flags
// and capitalisation, in plain and in shouting texts.
func TestClassOf(t *testing.T) {
	for _, tc := range []struct {
		tok                                          token
		shout                                        bool
		first, last, common, veryCommon, stop, place bool
		cap, allCap, lower                           bool
	}{
		{tok: token{kind: tokWord, flags: gFirst | gLast, cap: true}, first: true, last: true, cap: true},
		{tok: token{kind: tokWord, flags: gCommon | gVeryCommon | gStop}, common: true, veryCommon: true, stop: true, lower: true},
		{tok: token{kind: tokWord, flags: gPlace | gCity, cap: true, allCap: true}, place: true, cap: true, allCap: true},
		{tok: token{kind: tokWord, flags: gPlace | gCity, cap: true, allCap: true}, shout: true, place: true},
		{tok: token{kind: tokWord, flags: gFirst, cap: true}, shout: true, first: true},
		{tok: token{kind: tokWord, flags: gLast | gTitle | gMonth}, shout: true, last: true, lower: true},
	} {
		c := classOf(&tc.tok, tc.shout)
		got := [...]bool{c.first(), c.last(), c.common(), c.veryCommon(), c.stop(), c.place(), c.cap(), c.allCap(), c.lower()}
		want := [...]bool{tc.first, tc.last, tc.common, tc.veryCommon, tc.stop, tc.place, tc.cap, tc.allCap, tc.lower}
		if got != want {
			t.Errorf("classOf(%+v, shout %v) = %v, want %v", tc.tok, tc.shout, got, want)
		}
	}
}

// TestInWordSet checks inWordSet against the word sets themselves on
// every word of a few texts, with accented look-alikes that fold onto
// their words.
func TestInWordSet(t *testing.T) {
	sets := []struct {
		name string
		flag uint32
		set  map[string]bool
	}{
		{"introEnd", gIntroEnd, introEnd}, {"personTitles", gTitle, personTitles}, {"personFields", gField, personFields},
	}
	for _, text := range []string{
		"my name is Ana and I am here",
		"me llamo María, mi nombre es Juan",
		"ÉS MÉ IM Im é m Llamo LLAMO és",
		"this isn't it, Is Me Am",
		"Dr. Pérez, Sra. López, Doña Ana, dona, DOÑA, señor Ruiz, senor, Mr Smith, mR, prof.",
		"Name: Ana; nómbre: Luis; NOMBRE: x; cliente: y; Clïent: z; huésped: w; huesped: v",
	} {
		d := newDoc(text)
		for _, tok := range d.tokens() {
			if tok.kind != tokWord {
				continue
			}
			for _, s := range sets {
				if got, want := inWordSet(d, &tok, s.flag, s.set), s.set[d.lower(tok)]; got != want {
					t.Errorf("%q: inWordSet(%q, %s) = %v, want %v", text, d.str(tok), s.name, got, want)
				}
			}
			if got, want := afterIntro(d, &tok), introEnd[d.lower(tok)]; got != want {
				t.Errorf("%q: afterIntro(%q) = %v, want %v", text, d.str(tok), got, want)
			}
		}
		d.release()
	}
}
