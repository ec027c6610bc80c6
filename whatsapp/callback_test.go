package whatsapp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCallbackDataRoundTrip(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &got); err != nil {
			t.Errorf("bad JSON: %v", err)
		}
		io.WriteString(w, `{"messaging_product":"whatsapp","contacts":[{"input":"1","wa_id":"1"}],"messages":[{"id":"wamid.X"}]}`)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, AccessToken: "t", PhoneNumberID: "1"}
	for _, tt := range []struct {
		name string
		send func(c *Client) error
	}{
		{"text", func(c *Client) error { _, err := c.SendText(context.Background(), "447700900123", "hi"); return err }},
		{"buttons", func(c *Client) error {
			_, err := c.SendButtons(context.Background(), "447700900123", "pick", []Button{{ID: "a", Title: "A"}})
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			if err := tt.send(c.WithCallbackData("veil-outbox:42")); err != nil {
				t.Fatal(err)
			}
			if got["biz_opaque_callback_data"] != "veil-outbox:42" {
				t.Fatalf("request = %v", got)
			}
			got = nil
			if err := tt.send(c); err != nil {
				t.Fatal(err)
			}
			if _, ok := got["biz_opaque_callback_data"]; ok {
				t.Fatalf("untagged request carries callback data: %v", got)
			}
		})
	}
	if c.WithCallbackData(strings.Repeat("x", MaxCallbackData+1)).CallbackData != "" {
		t.Error("over-long callback data kept")
	}
	b, err := Parse([]byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1"},"statuses":[{"id":"wamid.X","status":"sent","timestamp":"1749416390","recipient_id":"447700900123","biz_opaque_callback_data":"veil-outbox:42"}]}}]}]}`))
	if err != nil || len(b.Statuses) != 1 || b.Statuses[0].CallbackData != "veil-outbox:42" {
		t.Fatalf("parsed %+v, %v", b, err)
	}
}
