package nlueval

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

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
	// CLINC's values are arrays of [text, intent] arrays; {intent:
	// [utterance, …]} and {"intents": [{…}]} are other formats.
	clinc := false
	for _, v := range probe {
		var items []json.RawMessage
		if json.Unmarshal(v, &items) != nil {
			continue
		}
		if len(items) == 0 {
			clinc = true
			continue
		}
		if b := bytes.TrimSpace(items[0]); len(b) == 0 || b[0] != '[' {
			return false
		}
		clinc = true
	}
	return clinc
}

// ParseCLINC reads a CLINC150 JSON file ({split: [[text, intent], …]}) and
// returns the examples of the named splits, in file order per split. A
// missing oos_* split is skipped when the file has no oos_* split at all
// (an intent set in CLINC's format without out-of-scope queries).
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
		if !ok && strings.HasPrefix(sp, nlu.OutOfScope+"_") && !hasOOSSplit(raw) {
			continue // an intent set without out-of-scope queries
		}
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

func hasOOSSplit(m map[string][][]string) bool {
	for k := range m {
		if strings.HasPrefix(k, nlu.OutOfScope+"_") {
			return true
		}
	}
	return false
}

func sortedSplits(m map[string][][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ParseExamples reads intent examples in one of the common formats,
// chosen by the file extension or, failing that, the content:
//
//   - CSV or TSV: text,intent rows; a header row may name the columns
//     (text, utterance, utt, sentence, query, example, input, answer,
//     question; intent, label, category, class, target), as in banking77's
//     text,category, with optional scenario and split columns (HWU64's
//     CSV, MASSIVE); the delimiter (comma, semicolon or tab) is taken from
//     the first line.
//   - JSONL: one {"text": …, "intent": …} object per line (the same
//     column names; a numeric label becomes its decimal string).
//   - JSON: an array of such objects or of [text, intent] pairs, or a
//     Rasa JSON file ({"rasa_nlu_data": {"common_examples": […]}}).
//   - Rasa YAML (nlu.yml): "nlu:" items with "intent:" and "examples:";
//     entity annotations such as [Paris](city) keep their text.
func ParseExamples(data []byte, name string) ([]nlu.Example, error) {
	ex, _, err := ParseExamplesLines(data, name)
	return ex, err
}

// ParseExamplesLines is ParseExamples that also returns each example's
// line number in the file.
func ParseExamplesLines(data []byte, name string) ([]nlu.Example, []int, error) {
	ex, lines, _, err := parseAll(data, name)
	return ex, lines, err
}

// parseAll parses any supported non-CLINC format; splits holds each row's
// split column value (normalised by splitName), nil when the format or
// file has none.
func parseAll(data []byte, name string) (ex []nlu.Example, lines []int, splits []string, err error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	ext := strings.ToLower(filepath.Ext(name))
	t := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case ext == ".yml" || ext == ".yaml":
		ex, lines, err = parseRasaYAML(data, name)
	case ext == ".jsonl" || ext == ".ndjson":
		ex, lines, splits, err = parseJSONL(data, name)
	case ext != ".csv" && ext != ".tsv" && len(t) > 0 && t[0] == '[':
		ex, lines, splits, err = parseJSONArray(data, name)
	case ext != ".csv" && ext != ".tsv" && len(t) > 0 && t[0] == '{':
		if isRasaJSON(data) {
			ex, lines, err = parseRasaJSON(data, name)
		} else if m, ok := intentObject(data); ok {
			ex, lines, err = parseIntentObject(m, data, name)
		} else {
			ex, lines, splits, err = parseJSONL(data, name)
		}
	case ext != ".csv" && ext != ".tsv" && looksLikeRasaYAML(t):
		ex, lines, err = parseRasaYAML(data, name)
	default:
		ex, lines, splits, err = parseCSV(data, name, ext == ".tsv")
	}
	if err == nil && len(ex) == 0 {
		err = &DataError{File: name, Problem: "no examples"}
	}
	if !slices.ContainsFunc(splits, func(s string) bool { return s != "" }) {
		splits = nil
	}
	return ex, lines, splits, err
}

// Column names accepted for the utterance and its intent, in CSV headers
// and JSON objects.
// A scenario column (HWU64, MASSIVE) prefixes the intent ("alarm" +
// "set" → "alarm_set") unless the intent already starts with it; a split
// column (MASSIVE's partition) lets one file hold train and test rows.
var (
	textKeys     = []string{"text", "utterance", "utt", "sentence", "query", "example", "input", "answer", "question"}
	intentKeys   = []string{"intent", "label", "category", "class", "target", "intent_name"}
	scenarioKeys = []string{"scenario"}
	splitKeys    = []string{"split", "partition"}
)

// splitName normalises a split column value: dev, valid and validation
// are "val".
func splitName(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "dev", "valid", "validation":
		return "val"
	}
	return v
}

// withScenario joins a scenario and an intent as HWU64 and MASSIVE name
// their intents.
func withScenario(scenario, intent string) string {
	scenario = strings.TrimSpace(scenario)
	if scenario == "" || strings.HasPrefix(intent, scenario+"_") {
		return intent
	}
	return scenario + "_" + intent
}

func keyIndex(keys []string, name string) int {
	name = strings.ToLower(strings.TrimSpace(name))
	for i, k := range keys {
		if name == k {
			return i
		}
	}
	return -1
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

// record picks the text, intent and split out of one JSON object by the
// first known key present; a numeric intent becomes its decimal string.
func record(raw map[string]json.RawMessage) (text, intent, split string, problem string) {
	pick := func(keys []string) (string, bool, string) {
		for _, k := range keys {
			for rk, v := range raw {
				if !strings.EqualFold(rk, k) {
					continue
				}
				var s string
				if json.Unmarshal(v, &s) == nil {
					return s, true, ""
				}
				var n json.Number
				if json.Unmarshal(v, &n) == nil {
					return n.String(), true, ""
				}
				return "", true, fmt.Sprintf("%q is not a string", rk)
			}
		}
		return "", false, ""
	}
	text, ok, p := pick(textKeys)
	switch {
	case p != "":
		return "", "", "", p
	case !ok || strings.TrimSpace(text) == "":
		return "", "", "", `missing "text"`
	}
	intent, ok, p = pick(intentKeys)
	switch {
	case p != "":
		return "", "", "", p
	case !ok || strings.TrimSpace(intent) == "":
		return "", "", "", `missing "intent"`
	}
	intent = strings.TrimSpace(intent)
	if sc, _, _ := pick(scenarioKeys); sc != "" {
		intent = withScenario(sc, intent)
	}
	split, _, _ = pick(splitKeys)
	return text, intent, splitName(split), ""
}

func parseJSONL(data []byte, name string) ([]nlu.Example, []int, []string, error) {
	var out []nlu.Example
	var lines []int
	var splits []string
	for i, l := range bytes.Split(data, []byte{'\n'}) {
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(l, &raw); err != nil {
			return nil, nil, nil, &DataError{File: name, Line: i + 1, Problem: "invalid JSON: " + err.Error()}
		}
		text, intent, split, problem := record(raw)
		if problem != "" {
			return nil, nil, nil, &DataError{File: name, Line: i + 1, Problem: problem}
		}
		out = append(out, nlu.Example{Text: text, Intent: intent})
		lines = append(lines, i+1)
		splits = append(splits, split)
	}
	return out, lines, splits, nil
}

// jsonLine is the 1-based line of byte offset off in data.
func jsonLine(data []byte, off int64) int {
	return bytes.Count(data[:min(max(int(off), 0), len(data))], []byte{'\n'}) + 1
}

// parseJSONArray reads [{"text","intent"}, …] or [[text, intent], …],
// with each item's line.
func parseJSONArray(data []byte, name string) ([]nlu.Example, []int, []string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // [
		return nil, nil, nil, &DataError{File: name, Line: 1, Problem: "invalid JSON: " + err.Error()}
	}
	var out []nlu.Example
	var lines []int
	var splits []string
	for i := 0; dec.More(); i++ {
		start := dec.InputOffset()
		var item json.RawMessage
		if err := dec.Decode(&item); err != nil {
			off := dec.InputOffset()
			if se := (*json.SyntaxError)(nil); errors.As(err, &se) {
				off = se.Offset
			}
			return nil, nil, nil, &DataError{File: name, Line: jsonLine(data, off), Problem: "invalid JSON: " + err.Error()}
		}
		// The item starts after any whitespace and comma.
		off := start + int64(len(data[start:])-len(bytes.TrimLeft(data[start:], " \t\r\n,")))
		line := jsonLine(data, off)
		text, intent, split, problem := "", "", "", ""
		var pair []string
		var obj map[string]json.RawMessage
		switch {
		case json.Unmarshal(item, &pair) == nil:
			if len(pair) != 2 || strings.TrimSpace(pair[0]) == "" || strings.TrimSpace(pair[1]) == "" {
				problem = fmt.Sprintf("item %d: want [text, intent]", i+1)
			} else {
				text, intent = pair[0], strings.TrimSpace(pair[1])
			}
		case json.Unmarshal(item, &obj) == nil:
			text, intent, split, problem = record(obj)
		default:
			problem = fmt.Sprintf("item %d: want {\"text\": …, \"intent\": …} or [text, intent]", i+1)
		}
		if problem != "" {
			return nil, nil, nil, &DataError{File: name, Line: line, Problem: problem}
		}
		out = append(out, nlu.Example{Text: text, Intent: intent})
		lines = append(lines, line)
		splits = append(splits, split)
	}
	if _, err := dec.Token(); err != nil { // ]
		return nil, nil, nil, &DataError{File: name, Line: jsonLine(data, dec.InputOffset()), Problem: "invalid JSON: " + err.Error()}
	}
	return out, lines, splits, nil
}

func isRasaJSON(data []byte) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	_, ok := probe["rasa_nlu_data"]
	return ok
}

// parseRasaJSON reads Rasa's legacy JSON training data.
func parseRasaJSON(data []byte, name string) ([]nlu.Example, []int, error) {
	var doc struct {
		Data struct {
			Examples json.RawMessage `json:"common_examples"`
		} `json:"rasa_nlu_data"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, &DataError{File: name, Problem: "want {\"rasa_nlu_data\": {\"common_examples\": […]}}: " + err.Error()}
	}
	if len(doc.Data.Examples) == 0 {
		return nil, nil, &DataError{File: name, Problem: "rasa_nlu_data has no common_examples"}
	}
	off := bytes.Index(data, doc.Data.Examples)
	ex, lines, _, err := parseJSONArray(doc.Data.Examples, name)
	if err == nil && off > 0 {
		base := jsonLine(data, int64(off)) - 1
		for i := range lines {
			lines[i] += base
		}
	}
	return ex, lines, err
}

// sniffDelimiter picks the CSV delimiter from the first line: the one of
// comma, semicolon and tab that occurs most outside quotes (comma wins
// ties).
func sniffDelimiter(data []byte) rune {
	first := data
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	counts := map[byte]int{}
	quoted := false
	for _, c := range first {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ',' || c == ';' || c == '\t'):
			counts[c]++
		}
	}
	best := byte(',')
	for _, c := range []byte{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return rune(best)
}

func parseCSV(data []byte, name string, tsv bool) ([]nlu.Example, []int, []string, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.Comma = sniffDelimiter(data)
	if tsv {
		r.Comma = '\t'
		r.LazyQuotes = true
	}
	var out []nlu.Example
	var lines []int
	var splits []string
	textCol, intentCol, width := 0, 1, 2
	scenarioCol, splitCol := -1, -1
	for first := true; ; first = false {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, nil, nil, &DataError{File: name, Line: pe.Line, Problem: "invalid CSV: " + pe.Err.Error()}
			}
			return nil, nil, nil, &DataError{File: name, Problem: err.Error()}
		}
		line, _ := r.FieldPos(0)
		if first {
			tc, ic := -1, -1
			for i, h := range rec {
				if k := keyIndex(textKeys, h); k >= 0 && (tc < 0 || k < keyIndex(textKeys, rec[tc])) {
					tc = i
				}
				if k := keyIndex(intentKeys, h); k >= 0 && (ic < 0 || k < keyIndex(intentKeys, rec[ic])) {
					ic = i
				}
			}
			if tc >= 0 && ic >= 0 {
				textCol, intentCol, width = tc, ic, len(rec)
				for i, h := range rec {
					switch {
					case keyIndex(scenarioKeys, h) >= 0:
						scenarioCol = i
					case keyIndex(splitKeys, h) >= 0:
						splitCol = i
					}
				}
				continue
			}
			if (tc >= 0 || ic >= 0) && len(rec) > 2 {
				return nil, nil, nil, &DataError{File: name, Line: line, Problem: fmt.Sprintf("header %q names no %s column (one of %s)",
					strings.Join(rec, string(r.Comma)), map[bool]string{true: "intent", false: "text"}[tc >= 0],
					strings.Join(map[bool][]string{true: intentKeys, false: textKeys}[tc >= 0], ", "))}
			}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != width {
			if width == 2 {
				return nil, nil, nil, &DataError{File: name, Line: line, Problem: fmt.Sprintf("want 2 columns text,intent (or a header naming them), got %d", len(rec))}
			}
			return nil, nil, nil, &DataError{File: name, Line: line, Problem: fmt.Sprintf("want %d columns as in the header, got %d", width, len(rec))}
		}
		if strings.TrimSpace(rec[textCol]) == "" || strings.TrimSpace(rec[intentCol]) == "" {
			return nil, nil, nil, &DataError{File: name, Line: line, Problem: "empty text or intent"}
		}
		intent := strings.TrimSpace(rec[intentCol])
		if scenarioCol >= 0 {
			intent = withScenario(rec[scenarioCol], intent)
		}
		split := ""
		if splitCol >= 0 {
			split = splitName(rec[splitCol])
		}
		out = append(out, nlu.Example{Text: rec[textCol], Intent: intent})
		lines = append(lines, line)
		splits = append(splits, split)
	}
	return out, lines, splits, nil
}

// ReadFile reads examples from path: the given CLINC splits when it is a
// CLINC150 file; the rows whose split column (split or partition: train,
// val/dev/validation, test) names one of splits when the file has one;
// otherwise every example of the file.
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
	ex, lines, rowSplits, err := parseAll(data, path)
	if err != nil || rowSplits == nil || len(splits) == 0 {
		return ex, lines, err
	}
	want := map[string]bool{}
	for _, sp := range splits {
		want[splitName(sp)] = true
	}
	var fex []nlu.Example
	var flines []int
	has := map[string]bool{}
	for i, sp := range rowSplits {
		has[sp] = true
		if want[sp] {
			fex = append(fex, ex[i])
			flines = append(flines, lines[i])
		}
	}
	if len(fex) == 0 {
		return nil, nil, &DataError{File: path, Problem: fmt.Sprintf("no rows in split %s (has: %s)",
			strings.Join(splits, ", "), strings.Join(slices.Sorted(maps.Keys(has)), ", "))}
	}
	return fex, flines, nil
}

// HasSplits reports whether the file at path holds its own train/test
// splits: a CLINC150 file, or rows with a split column. It is false for
// a file it cannot read or parse (ReadFile reports why).
func HasSplits(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	if IsCLINC(path, data) {
		return true
	}
	_, _, splits, err := parseAll(data, path)
	return err == nil && splits != nil
}

// looksLikeRasaYAML reports whether t (trimmed) starts like a Rasa YAML
// training file.
func looksLikeRasaYAML(t []byte) bool {
	for _, p := range []string{"version:", "nlu:", "---", "#"} {
		if bytes.HasPrefix(t, []byte(p)) {
			return bytes.Contains(t, []byte("\nnlu:")) || bytes.HasPrefix(t, []byte("nlu:"))
		}
	}
	return false
}

// rasaEntity matches an entity annotation: [text](entity) or
// [text]{"entity": …}; the text is kept.
var rasaEntity = regexp.MustCompile(`\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})`)

// parseRasaYAML reads Rasa's YAML training data (nlu.yml): items of the
// nlu list with an intent and its examples, as a block of "- text" lines
// or a list of {text: …}. Items without an intent (synonym, regex,
// lookup) are skipped.
func parseRasaYAML(data []byte, name string) ([]nlu.Example, []int, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		return nil, nil, &DataError{File: name, Line: line, Problem: "invalid YAML: " + err.Error()}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, &DataError{File: name, Line: 1, Problem: "want a Rasa NLU file with an nlu: list"}
	}
	nluNode := mapValue(doc.Content[0], "nlu")
	if nluNode == nil || nluNode.Kind != yaml.SequenceNode {
		return nil, nil, &DataError{File: name, Line: doc.Content[0].Line, Problem: "want a Rasa NLU file with an nlu: list"}
	}
	var out []nlu.Example
	var lines []int
	add := func(text string, intent string, line int) {
		text = strings.TrimSpace(rasaEntity.ReplaceAllString(text, "$1"))
		if text != "" {
			out = append(out, nlu.Example{Text: text, Intent: intent})
			lines = append(lines, line)
		}
	}
	for _, item := range nluNode.Content {
		if item.Kind != yaml.MappingNode {
			return nil, nil, &DataError{File: name, Line: item.Line, Problem: "nlu item: want a mapping with intent: and examples:"}
		}
		in := mapValue(item, "intent")
		if in == nil {
			continue // synonym, regex, lookup
		}
		intent := strings.TrimSpace(in.Value)
		if in.Kind != yaml.ScalarNode || intent == "" {
			return nil, nil, &DataError{File: name, Line: in.Line, Problem: "empty intent"}
		}
		exs := mapValue(item, "examples")
		if exs == nil {
			return nil, nil, &DataError{File: name, Line: item.Line, Problem: fmt.Sprintf("intent %q has no examples:", intent)}
		}
		switch exs.Kind {
		case yaml.ScalarNode:
			// A block of "- text" lines; a literal block starts on the
			// line after its indicator.
			first := exs.Line
			if exs.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				first++
			}
			for i, l := range strings.Split(exs.Value, "\n") {
				l = strings.TrimSpace(l)
				if l == "" {
					continue
				}
				if !strings.HasPrefix(l, "-") {
					return nil, nil, &DataError{File: name, Line: first + i, Problem: fmt.Sprintf("intent %q: example lines start with \"- \"", intent)}
				}
				add(strings.TrimPrefix(l, "-"), intent, first+i)
			}
		case yaml.SequenceNode:
			for _, e := range exs.Content {
				switch {
				case e.Kind == yaml.ScalarNode:
					add(e.Value, intent, e.Line)
				case e.Kind == yaml.MappingNode && mapValue(e, "text") != nil:
					add(mapValue(e, "text").Value, intent, e.Line)
				default:
					return nil, nil, &DataError{File: name, Line: e.Line, Problem: fmt.Sprintf("intent %q: want an example text", intent)}
				}
			}
		default:
			return nil, nil, &DataError{File: name, Line: exs.Line, Problem: fmt.Sprintf("intent %q: examples: want a block of \"- text\" lines", intent)}
		}
	}
	return out, lines, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// mapValue returns the value of key in a YAML mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// intentObject returns data as a JSON object when it holds intents by
// name rather than one example per line: {intent: [utterance, …]} or a
// chatbot intents.json ({"intents": [{"tag": …, "patterns": […]}]}).
func intentObject(data []byte) (map[string]json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil || len(m) == 0 {
		return nil, false
	}
	for _, v := range m {
		if b := bytes.TrimSpace(v); len(b) == 0 || b[0] != '[' {
			return nil, false
		}
	}
	return m, true
}

// Keys of a chatbot intents.json entry.
var (
	entryNameKeys    = []string{"tag", "intent", "name", "label"}
	entryExampleKeys = []string{"patterns", "examples", "utterances", "sentences", "texts"}
)

// parseIntentObject reads {intent: [utterance, …]} or {"intents": [{"tag":
// name, "patterns": [utterance, …]}, …]}. An example's line is where its
// text first appears after the previous one (0 if not found as written).
func parseIntentObject(m map[string]json.RawMessage, data []byte, name string) ([]nlu.Example, []int, error) {
	var out []nlu.Example
	var lines []int
	pos := 0
	lineOf := func(text string) int {
		q, _ := json.Marshal(text)
		i := bytes.Index(data[pos:], q)
		if i < 0 {
			return 0
		}
		pos += i + len(q)
		return jsonLine(data, int64(pos-len(q)))
	}
	add := func(intent string, texts []string) error {
		intent = strings.TrimSpace(intent)
		if intent == "" {
			return &DataError{File: name, Problem: "an intent without a name"}
		}
		for _, t := range texts {
			line := lineOf(t)
			if strings.TrimSpace(t) == "" {
				return &DataError{File: name, Line: line, Problem: fmt.Sprintf("intent %q: empty example", intent)}
			}
			out = append(out, nlu.Example{Text: t, Intent: intent})
			lines = append(lines, line)
		}
		return nil
	}
	if raw, ok := m["intents"]; ok && len(m) == 1 {
		var entries []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &entries); err == nil {
			for i, e := range entries {
				var intent string
				var texts []string
				for _, k := range entryNameKeys {
					if v, ok := e[k]; ok && json.Unmarshal(v, &intent) == nil {
						break
					}
				}
				for _, k := range entryExampleKeys {
					if v, ok := e[k]; ok && json.Unmarshal(v, &texts) == nil {
						break
					}
				}
				if intent == "" || texts == nil {
					return nil, nil, &DataError{File: name, Problem: fmt.Sprintf("intents item %d: want {\"tag\": name, \"patterns\": [text, …]}", i+1)}
				}
				if err := add(intent, texts); err != nil {
					return nil, nil, err
				}
			}
			return out, lines, nil
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// File order, so lines are found in sequence.
	sort.Slice(keys, func(i, j int) bool {
		qi, _ := json.Marshal(keys[i])
		qj, _ := json.Marshal(keys[j])
		return bytes.Index(data, qi) < bytes.Index(data, qj)
	})
	for _, k := range keys {
		var texts []string
		if err := json.Unmarshal(m[k], &texts); err != nil {
			return nil, nil, &DataError{File: name, Line: lineOf(k), Problem: fmt.Sprintf("intent %q: want a list of example texts", k)}
		}
		lineOf(k)
		if err := add(k, texts); err != nil {
			return nil, nil, err
		}
	}
	return out, lines, nil
}
