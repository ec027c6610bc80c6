package classifier_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/classifier"
)

func Example() {
	ctx := context.Background()
	examples := []nlu.Example{
		{Text: "where is my order", Intent: "order_status"},
		{Text: "has my package shipped", Intent: "order_status"},
		{Text: "track my parcel", Intent: "order_status"},
		{Text: "book an appointment", Intent: "book"},
		{Text: "schedule a visit for monday", Intent: "book"},
		{Text: "i need an appointment", Intent: "book"},
		{Text: "what is the capital of peru", Intent: nlu.OutOfScope},
		{Text: "tell me a joke", Intent: nlu.OutOfScope},
	}
	c := classifier.New(classifier.DefaultConfig())
	if err := c.Train(ctx, examples); err != nil {
		fmt.Println(err)
		return
	}
	// Save and load the model, as `veil nlu train` and the server do.
	var file bytes.Buffer
	if err := c.Save(&file); err != nil {
		fmt.Println(err)
		return
	}
	c, err := classifier.Load(&file)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, text := range []string{"Where's my package?", "I'd like to book a visit", "tell me a joke about dogs"} {
		res, err := c.Parse(ctx, text)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s → %s\n", text, res.Top().Name)
	}
	// Output:
	// Where's my package? → order_status
	// I'd like to book a visit → book
	// tell me a joke about dogs → oos
}
