package whatsapp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/veilhq/veil/whatsapp"
)

func ExampleHandler() {
	h, err := whatsapp.NewHandler(whatsapp.HandlerConfig{
		VerifyToken: "meatyhamhock",
		AppSecret:   "app-secret",
		Receiver: whatsapp.ReceiverFunc(func(_ context.Context, b whatsapp.Batch) error {
			for _, m := range b.Messages {
				fmt.Println("enqueued", m.ID, m.Type)
			}
			return nil
		}),
	})
	if err != nil {
		panic(err)
	}

	// Meta's verification handshake.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet,
		"/webhook?hub.mode=subscribe&hub.verify_token=meatyhamhock&hub.challenge=1158201444", nil))
	fmt.Println(rec.Code, rec.Body.String())

	// A signed delivery.
	body := `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{` +
		`"messages":[{"id":"wamid.1","from":"16505551234","timestamp":"1749416383","type":"text","text":{"body":"hi"}}]}}]}]}`
	req := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(body))
	req.Header.Set(whatsapp.SignatureHeader, whatsapp.Sign([]byte("app-secret"), []byte(body)))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// 200 1158201444
	// enqueued wamid.1 text
	// 200
}

func ExampleButtonMessage_Validate() {
	msg := whatsapp.ButtonMessage{
		Body: "How can we help?",
		Buttons: []whatsapp.Button{
			{ID: "track", Title: "Track my parcel please"},
			{ID: "agent", Title: "Agent"},
		},
	}
	err := msg.Validate()
	fmt.Println(errors.Is(err, whatsapp.ErrInvalidMessage))
	fmt.Println(err)

	msg.Buttons[0].Title = whatsapp.ShortenTitle(msg.Buttons[0].Title)
	fmt.Println(msg.Buttons[0].Title, msg.Validate() == nil)
	// Output:
	// true
	// whatsapp: invalid message: buttons[0].title: is 22 characters, max 20
	// Track my parcel… true
}

func ExampleSplitText() {
	for _, part := range whatsapp.SplitText("First sentence here. Second one follows it.", 24) {
		fmt.Printf("%q\n", part)
	}
	// Output:
	// "First sentence here."
	// "Second one follows it."
}
