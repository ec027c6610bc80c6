package pii_test

import (
	"context"
	"fmt"
	"regexp"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/eval/labelmaps"
	"github.com/veilhq/veil/eval/pii"
)

func ExampleEvaluate() {
	data := `{"text":"soy Zoë, escríbeme a zoe@correo.es","spans":[{"start":4,"end":7,"label":"NOMBRE"},{"start":21,"end":34,"label":"CORREO"}]}
{"text":"Acme me debe 20€","spans":[{"start":0,"end":4,"label":"EMPRESA"}]}`
	recs, err := pii.Parse([]byte(data), "example.jsonl", pii.FormatAuto)
	if err != nil {
		fmt.Println(err)
		return
	}
	lm, _ := labelmaps.Parse([]byte(`{"nombre":"PERSON","correo":"EMAIL_ADDRESS","empresa":"IGNORE"}`))
	email := regexp.MustCompile(`\S+@\S+\.\w+`)
	detect := func(text string) []anonymize.Span {
		var out []anonymize.Span
		for _, m := range email.FindAllStringIndex(text, -1) {
			out = append(out, anonymize.Span{Start: m[0], End: m[1], Type: anonymize.EntityEmail})
		}
		return out
	}
	rep, err := pii.Evaluate(context.Background(), recs, detect, pii.Options{LabelMap: lm})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("recall %.2f, F2 %.2f, leak %.2f\n", rep.Overall.Recall, rep.Overall.F2, rep.LeakRate)
	fmt.Printf("EMAIL_ADDRESS F1 %.2f, PERSON recall %.2f\n", rep.Entities["EMAIL_ADDRESS"].F1, rep.Entities["PERSON"].Recall)
	for _, e := range rep.Errors {
		fmt.Println(e.Kind, e.Gold, e.Context)
	}
	// Output:
	// recall 0.50, F2 0.56, leak 0.19
	// EMAIL_ADDRESS F1 1.00, PERSON recall 0.00
	// FN PERSON soy [[Zoë]], escríbeme a zoe@correo.es
}
