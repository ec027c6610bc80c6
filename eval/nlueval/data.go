package nlueval

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/veilhq/veil/nlu"
)

// Default CLINC150 splits: oos_* queries join the in-scope ones, as in the
// paper's full setting (oos trained as a 151st intent).
var (
	DefaultTrainSplits = []string{"train", "oos_train"}
	DefaultTestSplits  = []string{"test", "oos_test"}
)

// DataError is a problem in an intent data file.
type DataError struct {
	File    string
	Line    int // 0 when unknown
	Problem string
}

func (e *DataError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Problem)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Problem)
}

// IsCLINC reports whether data looks like a CLINC150 file: a JSON object
// whose values are arrays.
func IsCLINC(name string, data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	if strings.EqualFold(filepath.Ext(name), ".jsonl") {
		return false
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil {
		return strings.EqualFold(filepath.Ext(name), ".json")
	}
	for _, v := range probe {
		if b := bytes.TrimSpace(v); len(b) > 0 && b[0] == '[' {
			return true
		}
	}
	return false
}

// ParseCLINC reads a CLINC150 JSON file ({split: [[text, intent], …]}) and
// returns the examples of the named splits, in file order per split.
func ParseCLINC(data []byte, name string, splits []string) ([]nlu.Example, error) {
	var raw map[string][][]string
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\ufeff")), &raw); err != nil {
		line := 0
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line = bytes.Count(data[:min(int(se.Offset), len(data))], []byte{'\n'}) + 1
		case errors.As(err, &te):
			line = bytes.Count(data[:min(int(te.Offset), len(data))], []byte{'\n'}) + 1
			return nil, &DataError{File: name, Line: line, Problem: "want {split: [[text, intent], …]}: " + err.Error()}
		}
		return nil, &DataError{File: name, Line: line, Problem: "invalid JSON: " + err.Error()}
	}
	var out []nlu.Example
	for _, sp := range splits {
		rows, ok := raw[sp]
		if !ok {
			return nil, &DataError{File: name, Problem: fmt.Sprintf("no split %q (has: %s)", sp, strings.Join(sortedSplits(raw), ", "))}
		}
		for i, r := range rows {
			if len(r) != 2 || strings.TrimSpace(r[0]) == "" || strings.TrimSpace(r[1]) == "" {
				return nil, &DataError{File: name, Problem: fmt.Sprintf("split %q item %d: want [text, intent], got %q", sp, i, r)}
			}
			out = append(out, nlu.Example{Text: r[0], Intent: strings.TrimSpace(r[1])})
		}
	}
	return out, nil
}

func sortedSplits(m map[string][][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ParseExamples reads CSV (text,intent; an optional header row) or JSONL
// ({"text","intent"} per line), chosen by the file extension or, failing
// that, the first byte.
func ParseExamples(data []byte, name string) ([]nlu.Example, error) {
	ex, _, err := ParseExamplesLines(data, name)
	return ex, err
}

// ParseExamplesLines is ParseExamples that also returns each example's
// line number in the file.
func ParseExamplesLines(data []byte, name string) ([]nlu.Example, []int, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	ext := strings.ToLower(filepath.Ext(name))
	t := bytes.TrimLeft(data, " \t\r\n")
	if ext == ".jsonl" || ext == ".ndjson" || (ext != ".csv" && len(t) > 0 && t[0] == '{') {
		return parseJSONL(data, name)
	}
	return parseCSV(data, name)
}

// CheckTrainingData rejects what a classifier cannot learn from: an intent
// with a single example, or one utterance (case and spacing aside) under
// two intents. lines (may be nil) gives each example's line for the
// message.
func CheckTrainingData(examples []nlu.Example, lines []int, name string) error {
	at := func(i int) *DataError {
		e := &DataError{File: name}
		if i < len(lines) {
			e.Line = lines[i]
		}
		return e
	}
	count := map[string]int{}
	first := map[string]int{}
	seen := map[string]int{}
	for i, ex := range examples {
		key := strings.Join(strings.Fields(strings.ToLower(strings.Trim(ex.Text, " \t.!?¿¡"))), " ")
		if j, ok := seen[key]; ok && examples[j].Intent != ex.Intent {
			e := at(i)
			e.Problem = fmt.Sprintf("%q is labeled %q here and %q at example %d", ex.Text, ex.Intent, examples[j].Intent, j+1)
			if j < len(lines) {
				e.Problem = fmt.Sprintf("%q is labeled %q here and %q on line %d", ex.Text, ex.Intent, examples[j].Intent, lines[j])
			}
			return e
		}
		seen[key] = i
		if count[ex.Intent] == 0 {
			first[ex.Intent] = i
		}
		count[ex.Intent]++
	}
	for intent, n := range count {
		if n == 1 {
			e := at(first[intent])
			e.Problem = fmt.Sprintf("intent %q has only one example; give it at least two", intent)
			return e
		}
	}
	return nil
}

func parseJSONL(data []byte, name string) ([]nlu.Example, []int, error) {
	var out []nlu.Example
	var lines []int
	for i, l := range bytes.Split(data, []byte{'\n'}) {
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		var ex struct {
			Text   *string `json:"text"`
			Intent *string `json:"intent"`
		}
		if err := json.Unmarshal(l, &ex); err != nil {
			return nil, nil, &DataError{File: name, Line: i + 1, Problem: "invalid JSON: " + err.Error()}
		}
		switch {
		case ex.Text == nil || strings.TrimSpace(*ex.Text) == "":
			return nil, nil, &DataError{File: name, Line: i + 1, Problem: `missing "text"`}
		case ex.Intent == nil || strings.TrimSpace(*ex.Intent) == "":
			return nil, nil, &DataError{File: name, Line: i + 1, Problem: `missing "intent"`}
		}
		out = append(out, nlu.Example{Text: *ex.Text, Intent: strings.TrimSpace(*ex.Intent)})
		lines = append(lines, i+1)
	}
	return out, lines, nil
}

func parseCSV(data []byte, name string) ([]nlu.Example, []int, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var out []nlu.Example
	var lines []int
	for first := true; ; first = false {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, nil, &DataError{File: name, Line: pe.Line, Problem: "invalid CSV: " + pe.Err.Error()}
			}
			return nil, nil, &DataError{File: name, Problem: err.Error()}
		}
		line, _ := r.FieldPos(0)
		if first && len(rec) >= 2 && strings.EqualFold(strings.TrimSpace(rec[0]), "text") && strings.EqualFold(strings.TrimSpace(rec[1]), "intent") {
			continue
		}
		if len(rec) != 2 {
			return nil, nil, &DataError{File: name, Line: line, Problem: fmt.Sprintf("want 2 columns text,intent, got %d", len(rec))}
		}
		if strings.TrimSpace(rec[0]) == "" || strings.TrimSpace(rec[1]) == "" {
			return nil, nil, &DataError{File: name, Line: line, Problem: "empty text or intent"}
		}
		out = append(out, nlu.Example{Text: rec[0], Intent: strings.TrimSpace(rec[1])})
		lines = append(lines, line)
	}
	return out, lines, nil
}

// ReadFile reads examples from path: the given CLINC splits when it is a
// CLINC150 file, otherwise every row of a CSV or JSONL file.
func ReadFile(path string, splits []string) ([]nlu.Example, error) {
	ex, _, err := ReadFileLines(path, splits)
	return ex, err
}

// ReadFileLines is ReadFile that also returns each example's line (nil for
// a CLINC150 file, whose records are not one per line).
func ReadFileLines(path string, splits []string) ([]nlu.Example, []int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read data: %w", err)
	}
	if IsCLINC(path, data) {
		ex, err := ParseCLINC(data, path, splits)
		return ex, nil, err
	}
	return ParseExamplesLines(data, path)
}
