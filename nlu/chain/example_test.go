package chain_test

import (
	"fmt"

	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/chain"
)

func ExampleDecide() {
	cfg := chain.Config{Threshold: 0.7, MarginThreshold: 0.1, Overrides: map[string]float64{"refund": 0.9}}
	for _, res := range []nlu.Result{
		{Intents: []nlu.Intent{{Name: "order_status", Confidence: 0.92}, {Name: "refund", Confidence: 0.03}}},
		{Intents: []nlu.Intent{{Name: "order_status", Confidence: 0.46}, {Name: "delivery_date", Confidence: 0.41}}},
		{Intents: []nlu.Intent{{Name: "refund", Confidence: 0.8}, {Name: "order_status", Confidence: 0.1}}},
	} {
		d := chain.Decide(res, cfg)
		switch {
		case d.Intent != "":
			fmt.Println("act:", d.Intent)
		case len(d.Clarify) > 0:
			fmt.Println("ask:", d.Clarify[0].Name, "or", d.Clarify[1].Name)
		default:
			fmt.Println("fallback")
		}
	}
	// Output:
	// act: order_status
	// ask: order_status or delivery_date
	// fallback
}
