package labelmaps

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Ignore is the target label that removes a gold span from scoring.
const Ignore = "IGNORE"

// ID is the generic label the shipped maps give identifiers that have no
// specific Veil entity type (patient numbers, insurance numbers, …).
const ID = "ID"

//go:embed *.json
var files embed.FS

// aliases are short names for the shipped maps.
var aliases = map[string]string{
	"presidio":          "presidio_synth_dataset_v2",
	"presidio_synth":    "presidio_synth_dataset_v2",
	"synth_dataset_v2":  "presidio_synth_dataset_v2",
	"wnut":              "wnut17",
	"meddocan_es":       "meddocan",
	"wnut17_emerging":   "wnut17",
	"presidio-research": "presidio_synth_dataset_v2",
}

// Map is a label map with upper-cased keys and values.
type Map map[string]string

// Apply returns the Veil label for a dataset label, upper-cased, and false
// when the label is mapped to IGNORE. A nil Map keeps every label.
func (m Map) Apply(label string) (string, bool) {
	l := strings.ToUpper(strings.TrimSpace(label))
	if v, ok := m[l]; ok {
		l = v
	}
	return l, l != Ignore
}

// Targets returns the distinct Veil labels the map produces, IGNORE
// excluded, sorted.
func (m Map) Targets() []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range m {
		if v != Ignore && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// Parse reads a JSON label map. Keys are compared case-insensitively, so two
// keys differing only in case must agree.
func Parse(data []byte) (Map, error) {
	var raw map[string]string
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("label map: %w", err)
	}
	m := make(Map, len(raw))
	for k, v := range raw {
		uk := strings.ToUpper(strings.TrimSpace(k))
		uv := strings.ToUpper(strings.TrimSpace(v))
		if uk == "" || uv == "" {
			return nil, fmt.Errorf("label map: empty label in %q: %q", k, v)
		}
		if prev, ok := m[uk]; ok && prev != uv {
			return nil, fmt.Errorf("label map: %q maps to both %q and %q", uk, prev, uv)
		}
		m[uk] = uv
	}
	return m, nil
}

// Names lists the shipped maps.
func Names() []string {
	ents, _ := files.ReadDir(".")
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(out)
	return out
}

// Builtin returns a shipped map by name or alias (case-insensitive).
func Builtin(name string) (Map, bool) {
	n := strings.ToLower(strings.TrimSuffix(name, ".json"))
	if a, ok := aliases[n]; ok {
		n = a
	}
	data, err := files.ReadFile(n + ".json")
	if err != nil {
		return nil, false
	}
	m, err := Parse(data)
	if err != nil {
		panic("labelmaps: shipped map " + n + ": " + err.Error())
	}
	return m, true
}

// Load returns the map in the file at nameOrPath, or the shipped map of that
// name when no such file exists.
func Load(nameOrPath string) (Map, error) {
	data, err := os.ReadFile(nameOrPath)
	if err != nil {
		if m, ok := Builtin(nameOrPath); ok {
			return m, nil
		}
		return nil, fmt.Errorf("label map %s: %w (shipped maps: %s)", nameOrPath, err, strings.Join(Names(), ", "))
	}
	m, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", nameOrPath, err)
	}
	return m, nil
}
