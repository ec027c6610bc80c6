package embed_test

import (
	"fmt"
	"testing"

	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/embed"
)

func BenchmarkLocalEmbed(b *testing.B) {
	l := embed.NewLocal(0)
	texts := []string{"hi, can you tell me where my order <ORDER_ID_1> is? it was due yesterday"}
	for b.Loop() {
		if _, err := l.Embed(b.Context(), texts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseMemory parses against 5,000 synthetic examples.
func BenchmarkParseMemory(b *testing.B) {
	var ex []nlu.Example
	for i := range 5000 {
		ex = append(ex, nlu.Example{Text: fmt.Sprintf("example %d about topic %d and word%d", i, i%50, i%97), Intent: fmt.Sprintf("intent_%d", i%50)})
	}
	c, err := embed.New(embed.NewLocal(0), embed.NewMemory(), embed.Config{})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Train(b.Context(), ex); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Parse(b.Context(), "a question about topic 7 and word3"); err != nil {
			b.Fatal(err)
		}
	}
}
