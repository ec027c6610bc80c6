package pii

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Format names a labeled-data file format.
type Format string

// Supported formats. FormatAuto picks one from the file name and contents.
const (
	FormatAuto     Format = "auto"
	FormatJSONL    Format = "jsonl"    // {"text","spans":[{"start","end","label"}]} per line
	FormatPresidio Format = "presidio" // JSON array of {full_text, spans[].entity_type/start_position/end_position}
	FormatCoNLL    Format = "conll"    // token<TAB>BIO-tag, blank line between records
)

// ParseFormat accepts a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "", FormatAuto:
		return FormatAuto, nil
	case FormatJSONL, FormatPresidio, FormatCoNLL:
		return f, nil
	case "json", "presidio-research":
		return FormatPresidio, nil
	case "bio", "canonical":
		if f == "bio" {
			return FormatCoNLL, nil
		}
		return FormatJSONL, nil
	}
	return "", fmt.Errorf("unknown format %q (want auto, jsonl, presidio or conll)", s)
}

// GoldSpan is one labeled span, in byte offsets into Record.Text.
type GoldSpan struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Label string `json:"label"`
}

// Record is one labeled text. Spans use byte offsets (converted from the
// file's code-point offsets) and the dataset's own labels.
type Record struct {
	ID    string     `json:"id,omitempty"`
	Text  string     `json:"text"`
	Spans []GoldSpan `json:"spans"`
	// Source is "file:line" (or "file: record N (line L)" for JSON arrays),
	// for messages about this record.
	Source string `json:"-"`
}

// DataError is a problem in a labeled-data file.
type DataError struct {
	File    string
	Line    int // 1-based; 0 when unknown
	Record  int // 1-based record index in a JSON array; 0 otherwise
	Problem string
}

func (e *DataError) Error() string {
	switch {
	case e.Record > 0 && e.Line > 0:
		return fmt.Sprintf("%s: record %d (line %d): %s", e.File, e.Record, e.Line, e.Problem)
	case e.Record > 0:
		return fmt.Sprintf("%s: record %d: %s", e.File, e.Record, e.Problem)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Problem)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Problem)
}

// ReadFile reads labeled records from path.
func ReadFile(path string, format Format) ([]Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read data: %w", err)
	}
	return Parse(data, path, format)
}

// Read reads labeled records from r; name is used in messages.
func Read(r io.Reader, name string, format Format) ([]Record, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return Parse(data, name, format)
}

// DetectFormat guesses a file's format from its name and first bytes.
func DetectFormat(name string, data []byte) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".conll", ".bio", ".tsv", ".iob":
		return FormatCoNLL
	case ".jsonl", ".ndjson":
		return FormatJSONL
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	switch {
	case len(trimmed) == 0:
		return FormatJSONL
	case trimmed[0] == '[':
		return FormatPresidio
	case trimmed[0] == '{':
		return FormatJSONL
	}
	return FormatCoNLL
}

// Parse decodes data in the given format; name is used in messages.
func Parse(data []byte, name string, format Format) ([]Record, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if format == FormatAuto || format == "" {
		format = DetectFormat(name, data)
	}
	switch format {
	case FormatJSONL:
		return parseJSONL(data, name)
	case FormatPresidio:
		return parseJSONArray(data, name)
	case FormatCoNLL:
		return parseCoNLL(data, name)
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

// rawSpan accepts both Veil's and presidio-research's span fields.
type rawSpan struct {
	Start         *int    `json:"start"`
	End           *int    `json:"end"`
	StartPosition *int    `json:"start_position"`
	EndPosition   *int    `json:"end_position"`
	Label         string  `json:"label"`
	Type          string  `json:"type"`
	EntityType    string  `json:"entity_type"`
	Text          *string `json:"text"`
	EntityValue   *string `json:"entity_value"`
}

type rawRecord struct {
	ID       json.RawMessage `json:"id"`
	Text     *string         `json:"text"`
	FullText *string         `json:"full_text"`
	Spans    []rawSpan       `json:"spans"`
}

// convert validates a decoded record and converts its offsets to bytes.
func (r rawRecord) convert() (Record, error) {
	var rec Record
	switch {
	case r.Text != nil:
		rec.Text = *r.Text
	case r.FullText != nil:
		rec.Text = *r.FullText
	default:
		return rec, errors.New(`missing "text" (or "full_text")`)
	}
	if len(r.ID) > 0 && string(r.ID) != "null" {
		var s string
		if json.Unmarshal(r.ID, &s) == nil {
			rec.ID = s
		} else {
			rec.ID = string(r.ID)
		}
	}
	off := newOffsets(rec.Text)
	for i, s := range r.Spans {
		start, end := s.Start, s.End
		if start == nil {
			start = s.StartPosition
		}
		if end == nil {
			end = s.EndPosition
		}
		label := firstNonEmpty(s.Label, s.Type, s.EntityType)
		if start == nil || end == nil {
			return rec, fmt.Errorf("span %d: missing start or end offset", i)
		}
		if label == "" {
			return rec, fmt.Errorf("span %d: missing label", i)
		}
		if *start < 0 || *end > off.runes || *start >= *end {
			return rec, fmt.Errorf("span %d (%s): offsets [%d,%d) out of range for text of %d code points", i, label, *start, *end, off.runes)
		}
		g := GoldSpan{Start: off.byteAt(*start), End: off.byteAt(*end), Label: label}
		want := s.Text
		if want == nil {
			want = s.EntityValue
		}
		if want != nil && rec.Text[g.Start:g.End] != *want {
			return rec, fmt.Errorf("span %d (%s) [%d,%d): text %q does not match the record's %q", i, label, *start, *end, truncate(*want, 60), truncate(rec.Text[g.Start:g.End], 60))
		}
		rec.Spans = append(rec.Spans, g)
	}
	return rec, nil
}

func parseJSONL(data []byte, name string) ([]Record, error) {
	var out []Record
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		var raw rawRecord
		if err := json.Unmarshal(l, &raw); err != nil {
			return nil, &DataError{File: name, Line: line, Problem: "invalid JSON: " + jsonProblem(err)}
		}
		rec, err := raw.convert()
		if err != nil {
			return nil, &DataError{File: name, Line: line, Problem: err.Error()}
		}
		rec.Source = fmt.Sprintf("%s:%d", name, line)
		out = append(out, rec)
	}
	return out, nil
}

func parseJSONArray(data []byte, name string) ([]Record, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	lineAt := func(off int64) int {
		if off > int64(len(data)) {
			off = int64(len(data))
		}
		return bytes.Count(data[:off], []byte{'\n'}) + 1
	}
	syntaxLine := func(err error) int {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return lineAt(se.Offset)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return lineAt(te.Offset)
		}
		return lineAt(dec.InputOffset())
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, &DataError{File: name, Line: syntaxLine(err), Problem: "invalid JSON: " + jsonProblem(err)}
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, &DataError{File: name, Line: 1, Problem: "expected a JSON array of records"}
	}
	var out []Record
	for n := 1; dec.More(); n++ {
		start := dec.InputOffset()
		// Skip the comma and whitespace so the line is the record's first.
		for start < int64(len(data)) && strings.IndexByte(", \t\r\n", data[start]) >= 0 {
			start++
		}
		var raw rawRecord
		if err := dec.Decode(&raw); err != nil {
			return nil, &DataError{File: name, Record: n, Line: syntaxLine(err), Problem: "invalid JSON: " + jsonProblem(err)}
		}
		rec, err := raw.convert()
		if err != nil {
			return nil, &DataError{File: name, Record: n, Line: lineAt(start), Problem: err.Error()}
		}
		rec.Source = fmt.Sprintf("%s: record %d (line %d)", name, n, lineAt(start))
		out = append(out, rec)
	}
	if _, err := dec.Token(); err != nil {
		return nil, &DataError{File: name, Line: syntaxLine(err), Problem: "invalid JSON: " + jsonProblem(err)}
	}
	return out, nil
}

// parseCoNLL reads token<TAB>tag lines (or "token tag"), blank lines between
// records. The text is the tokens joined by single spaces; tags are BIO
// (IOB1, IOB2 and BIOES are accepted).
func parseCoNLL(data []byte, name string) ([]Record, error) {
	var (
		out       []Record
		sb        strings.Builder
		spans     []GoldSpan
		cur       *GoldSpan
		firstLine int
	)
	flush := func() {
		if cur != nil {
			spans = append(spans, *cur)
			cur = nil
		}
		if sb.Len() > 0 {
			out = append(out, Record{Text: sb.String(), Spans: spans, Source: fmt.Sprintf("%s:%d", name, firstLine)})
		}
		sb.Reset()
		spans = nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		if strings.HasPrefix(l, "-DOCSTART-") {
			continue
		}
		if !utf8.ValidString(l) {
			return nil, &DataError{File: name, Line: line, Problem: "invalid UTF-8"}
		}
		var tok, tag string
		if i := strings.LastIndexByte(l, '\t'); i >= 0 {
			tok, tag = l[:i], l[i+1:]
		} else if i := strings.LastIndexByte(l, ' '); i >= 0 {
			tok, tag = l[:i], l[i+1:]
		} else {
			return nil, &DataError{File: name, Line: line, Problem: fmt.Sprintf("expected token<TAB>tag, got %q", truncate(l, 40))}
		}
		if i := strings.IndexByte(tok, '\t'); i >= 0 { // extra columns: token is the first
			tok = tok[:i]
		}
		tok = strings.TrimSpace(tok)
		tag = strings.TrimSpace(tag)
		if tok == "" {
			return nil, &DataError{File: name, Line: line, Problem: "empty token"}
		}
		prefix, label, err := splitTag(tag)
		if err != nil {
			return nil, &DataError{File: name, Line: line, Problem: err.Error()}
		}
		if sb.Len() == 0 {
			firstLine = line
		} else {
			sb.WriteByte(' ')
		}
		start := sb.Len()
		sb.WriteString(tok)
		end := sb.Len()
		switch {
		case prefix == 'O':
			if cur != nil {
				spans = append(spans, *cur)
				cur = nil
			}
		case (prefix == 'I' || prefix == 'E') && cur != nil && strings.EqualFold(cur.Label, label):
			cur.End = end
		default: // B, S, or an I that starts a new entity
			if cur != nil {
				spans = append(spans, *cur)
			}
			cur = &GoldSpan{Start: start, End: end, Label: label}
		}
		if (prefix == 'E' || prefix == 'S') && cur != nil {
			spans = append(spans, *cur)
			cur = nil
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &DataError{File: name, Line: line + 1, Problem: err.Error()}
	}
	flush()
	return out, nil
}

func splitTag(tag string) (byte, string, error) {
	if tag == "O" || tag == "o" {
		return 'O', "", nil
	}
	if len(tag) > 2 && (tag[1] == '-' || tag[1] == '_') {
		switch p := tag[0] &^ 0x20; p {
		case 'B', 'I', 'E', 'S':
			return p, tag[2:], nil
		}
	}
	return 0, "", fmt.Errorf("invalid BIO tag %q (want O, B-TYPE or I-TYPE)", truncate(tag, 40))
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q: cannot use a JSON %s as %s", te.Field, te.Value, te.Type)
	}
	return err.Error()
}
