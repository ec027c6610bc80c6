package pii

import (
	"github.com/veilhq/veil/internal/refdata"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFormats(t *testing.T) {
	tests := []struct {
		name, file, data string
		format           Format
		wantText         []string
		wantSpans        [][]GoldSpan
	}{
		{
			name: "jsonl code points to bytes", file: "a.jsonl",
			data:      `{"text":"José 🎉 東京 x@y.es","spans":[{"start":0,"end":4,"label":"PERSON","text":"José"},{"start":7,"end":9,"label":"LOCATION"},{"start":10,"end":16,"label":"EMAIL_ADDRESS"}]}` + "\n\n",
			wantText:  []string{"José 🎉 東京 x@y.es"},
			wantSpans: [][]GoldSpan{{{0, 5, "PERSON"}, {11, 17, "LOCATION"}, {18, 24, "EMAIL_ADDRESS"}}},
		},
		{
			name: "presidio array", file: "synth.json",
			data:      "[\n {\"full_text\": \"Hi Zoë!\", \"spans\": [{\"entity_type\": \"PERSON\", \"entity_value\": \"Zoë\", \"start_position\": 3, \"end_position\": 6}], \"template_id\": 1},\n {\"full_text\": \"nothing\", \"spans\": []}\n]",
			wantText:  []string{"Hi Zoë!", "nothing"},
			wantSpans: [][]GoldSpan{{{3, 7, "PERSON"}}, nil},
		},
		{
			name: "conll", file: "w.conll",
			data:      "-DOCSTART-\tO\n\nmeet\tO\nJosé\tB-person\nGarcía\tI-person\nin\tO\nRedondo\tB-location\nBeach\tI-location\n\nok\tO\nbob\tB-person\nbob\tB-person\n",
			wantText:  []string{"meet José García in Redondo Beach", "ok bob bob"},
			wantSpans: [][]GoldSpan{{{5, 18, "person"}, {22, 35, "location"}}, {{3, 6, "person"}, {7, 10, "person"}}},
		},
		{
			name: "conll IOB1 and BIOES", file: "x.bio",
			data:      "a I-X\nb I-X\nc O\nd S-Y\ne B-Z\nf E-Z\n",
			wantText:  []string{"a b c d e f"},
			wantSpans: [][]GoldSpan{{{0, 3, "X"}, {6, 7, "Y"}, {8, 11, "Z"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := Parse([]byte(tt.data), tt.file, FormatAuto)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(tt.wantText) {
				t.Fatalf("got %d records, want %d", len(recs), len(tt.wantText))
			}
			for i, r := range recs {
				if r.Text != tt.wantText[i] {
					t.Errorf("record %d text %q, want %q", i, r.Text, tt.wantText[i])
				}
				if len(r.Spans) != len(tt.wantSpans[i]) {
					t.Fatalf("record %d spans %v, want %v", i, r.Spans, tt.wantSpans[i])
				}
				for j, s := range r.Spans {
					if s != tt.wantSpans[i][j] {
						t.Errorf("record %d span %d = %v, want %v (%q)", i, j, s, tt.wantSpans[i][j], r.Text[s.Start:s.End])
					}
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file, data string
		format           Format
		want             []string
	}{
		{"invalid json line", "d.jsonl", `{"text":"a","spans":[]}` + "\n" + `{"text": "b", spans: []}`, FormatAuto, []string{"d.jsonl:2:", "invalid JSON"}},
		{"out of range", "d.jsonl", `{"text":"añb","spans":[{"start":1,"end":4,"label":"X"}]}`, FormatAuto, []string{"d.jsonl:1:", "out of range", "3 code points"}},
		{"start after end", "d.jsonl", `{"text":"abc","spans":[{"start":2,"end":1,"label":"X"}]}`, FormatAuto, []string{"d.jsonl:1:", "out of range"}},
		{"text mismatch", "d.jsonl", "\n" + `{"text":"José Ruiz","spans":[{"start":0,"end":4,"label":"PERSON","text":"Jose"}]}`, FormatAuto, []string{"d.jsonl:2:", "does not match", `"José"`}},
		{"missing text", "d.jsonl", `{"spans":[]}`, FormatAuto, []string{"d.jsonl:1:", `missing "text"`}},
		{"missing label", "d.jsonl", `{"text":"ab","spans":[{"start":0,"end":1}]}`, FormatAuto, []string{"missing label"}},
		{"wrong type", "d.jsonl", `{"text":"ab","spans":[{"start":"0","end":1,"label":"X"}]}`, FormatAuto, []string{"d.jsonl:1:", "invalid JSON"}},
		{"presidio bad record", "s.json", "[\n{\"full_text\":\"ab\",\"spans\":[]},\n{\"full_text\":\"ab\",\"spans\":[{\"entity_type\":\"X\",\"entity_value\":\"b\",\"start_position\":0,\"end_position\":1}]}\n]", FormatAuto, []string{"s.json: record 2 (line 3)", "does not match"}},
		{"presidio syntax", "s.json", "[\n{\"full_text\":\"ab\",\"spans\":[]},\n{\"full_text\":\"ab\" \"spans\":[]}\n]", FormatAuto, []string{"s.json: record 2 (line 3)", "invalid JSON"}},
		{"presidio not array", "s.json", `{"a":1}`, FormatPresidio, []string{"s.json:1:", "array"}},
		{"conll no tag", "w.conll", "a\tO\nbroken\n", FormatAuto, []string{"w.conll:2:", "token<TAB>tag"}},
		{"conll bad tag", "w.conll", "a\tO\nb\tX-person\n", FormatAuto, []string{"w.conll:2:", "invalid BIO tag"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.data), tt.file, tt.format)
			if err == nil {
				t.Fatal("want error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestOffsetsRoundTrip(t *testing.T) {
	for _, text := range []string{"", "abc", "é", "a🎉b東京c", "👩‍👩‍👧 é"} {
		o := newOffsets(text)
		if o.runes != len([]rune(text)) {
			t.Errorf("%q: runes %d", text, o.runes)
		}
		for r := 0; r <= o.runes; r++ {
			b := o.byteAt(r)
			if got := o.runeAt(b); got != r {
				t.Errorf("%q: runeAt(byteAt(%d)=%d) = %d", text, r, b, got)
			}
			if string([]rune(text)[:r]) != text[:b] {
				t.Errorf("%q: byteAt(%d) = %d is not the prefix", text, r, b)
			}
		}
	}
}

func TestReadReferenceData(t *testing.T) {
	dir := filepath.Join(refdata.Path(t, "."), "pii")
	tests := []struct {
		file      string
		records   int // 0: only check > 0
		wantLabel string
	}{
		{"presidio_synth_dataset_v2.json", 1500, "STREET_ADDRESS"},
		{"wnut17_dev.conll", 0, "person"},
		{"meddocan_es_dev.jsonl", 250, "CORREO_ELECTRONICO"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs, err := ReadFile(filepath.Join(dir, tt.file), FormatAuto)
			if err != nil {
				t.Fatal(err)
			}
			if tt.records > 0 && len(recs) != tt.records {
				t.Errorf("records = %d, want %d", len(recs), tt.records)
			}
			found := false
			for _, r := range recs {
				for _, s := range r.Spans {
					if s.Start < 0 || s.End > len(r.Text) || s.Start >= s.End {
						t.Fatalf("%s: bad span %v", r.Source, s)
					}
					found = found || s.Label == tt.wantLabel
				}
			}
			if !found {
				t.Errorf("label %s not found", tt.wantLabel)
			}
		})
	}
}
