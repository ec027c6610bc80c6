package anonymize_test

import (
	"fmt"

	"github.com/veilhq/veil/anonymize"
)

func ExampleAnalyzer_Analyze() {
	a := anonymize.DefaultAnalyzer()
	text := "hola, soy María García, mi móvil es 612 34 56 78"
	for _, s := range a.Analyze(text, anonymize.WithLanguage("es"), anonymize.WithRegion("ES")) {
		fmt.Printf("%s %q validated=%v\n", s.Type, text[s.Start:s.End], s.Validated)
	}
	// Output:
	// PERSON "María García" validated=false
	// PHONE_NUMBER "612 34 56 78" validated=true
}

func ExampleRegionForNumber() {
	fmt.Println(anonymize.RegionForNumber("34612345678"), anonymize.RegionForNumber("+5215512345678"))
	// Output: ES MX
}

func ExampleMask() {
	fmt.Println(anonymize.Mask("4111 1111 1111 1111", 0, 4))
	// Output: **** **** **** 1111
}
