package anonymize

import (
	"testing"

	"gopkg.in/yaml.v3"
)

func TestAnalyzerConfigFromYAML(t *testing.T) {
	src := `
threshold: 0.4
language: es
allow_list: ["soporte@tienda.example"]
deny_list:
  PERSON: ["Pepito Grillo"]
patterns:
  - name: order_id
    type: ORDER_ID
    regex: 'ORD-[0-9]{6}'
    score: 0.5
    context: [pedido, order]
disabled: [mac]
context:
  es:
    DATE_TIME: [boda]
negative_context:
  "":
    ORDER_ID: [prueba]
`
	var cfg AnalyzerConfig
	if err := yaml.Unmarshal([]byte(src), &cfg); err != nil {
		t.Fatal(err)
	}
	a, err := NewAnalyzer(cfg, DefaultRecognizers()...)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       []found
	}{
		{"allow list skips the business's own address", "escribe a soporte@tienda.example o a ana@example.com",
			[]found{{EntityEmail, "ana@example.com"}}},
		{"deny list", "habla con pepito grillo mañana", []found{{EntityPerson, "pepito grillo"}}},
		{"pattern with context", "mi pedido ORD-123456 no llega", []found{{"ORDER_ID", "ORD-123456"}}},
		{"disabled recognizer", "mac 00:1A:2B:3C:4D:5E", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := analyzeFound(a, tt.text)
			if len(got) != len(tt.want) {
				t.Fatalf("Analyze(%q) = %v, want %v", tt.text, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("[%d] = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
	spans := a.Analyze("mi pedido ORD-123456")
	if len(spans) != 1 || spans[0].Score != 0.75 {
		t.Errorf("context should raise the pattern's 0.5 by 0.25: %+v", spans)
	}
	if spans := a.Analyze("es una prueba: ORD-123456"); len(spans) != 0 {
		t.Errorf("negative context should drop the 0.5 match under the 0.4 threshold: %+v", spans)
	}
}

func TestPatternConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		pc   PatternConfig
	}{
		{"bad regex", PatternConfig{Name: "x", Type: "X", Regex: "("}},
		{"no name", PatternConfig{Type: "X", Regex: "x"}},
		{"no type", PatternConfig{Name: "x", Regex: "x"}},
		{"bad score", PatternConfig{Name: "x", Type: "X", Regex: "x", Score: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewAnalyzer(AnalyzerConfig{Patterns: []PatternConfig{tt.pc}}, EmailRecognizer{}); err == nil {
				t.Error("NewAnalyzer succeeded, want an error")
			}
		})
	}
}
