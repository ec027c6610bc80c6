package classifier

import (
	"math"
	"reflect"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"What's my BALANCE?", []string{"whats", "my", "balance"}},
		{"  multiple   spaces\tand\nlines ", []string{"multiple", "spaces", "and", "lines"}},
		{"transfer $1,250.50 to savings", []string{"transfer", "0", "to", "savings"}},
		{"¿Dónde está mi pedido?", []string{"donde", "esta", "mi", "pedido"}},
		{"don’t stop", []string{"dont", "stop"}},
		{"email <EMAIL_ADDRESS_1> now", []string{"email", "<email_address>", "now"}},
		{"a<b and <notaplaceholder>", []string{"a", "b", "and", "notaplaceholder"}},
		{"order12 ref A-7", []string{"order0", "ref", "a", "0"}},
		{"", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := normalize(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig invalid: %v", err)
	}
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"ErrWordNgrams", func(c *Config) { c.WordNgrams = 0 }},
		{"ErrCharMin", func(c *Config) { c.CharMin = 6 }},
		{"ErrEpochs", func(c *Config) { c.Epochs = 0 }},
		{"ErrLearningRate", func(c *Config) { c.LearningRate = 0 }},
		{"ErrLoss", func(c *Config) { c.Loss = "" }},
		{"ErrTemperature", func(c *Config) { c.Temperature = -1 }},
		{"ErrThreshold", func(c *Config) { c.OOSThreshold = 1 }},
		{"ErrSmoothing", func(c *Config) { c.HingeSmoothing = -1 }},
		{"ErrMarginNaN", func(c *Config) { c.OOSMargin = math.NaN() }},
		{"ErrMarginRange", func(c *Config) { c.OOSMargin = 11 }},
		{"ErrTopK", func(c *Config) { c.TopK = 0 }},
		{"ErrNBWeight", func(c *Config) { c.NBWeight = -0.1 }},
		{"ErrNBSmoothing", func(c *Config) { c.NBSmoothing = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			if err := c.Validate(); err == nil {
				t.Errorf("Validate() = nil for %+v", c)
			}
		})
	}
}
