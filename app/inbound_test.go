package app

import (
	"testing"

	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/whatsapp"
)

func TestFromWhatsApp(t *testing.T) {
	tests := []struct {
		name               string
		msg                whatsapp.Message
		kind               pipeline.Kind
		text, button, drop string
	}{
		{"text", whatsapp.Message{Type: "text", Text: "hi"}, pipeline.KindText, "hi", "", ""},
		{"button reply", whatsapp.Message{Type: "interactive", InteractiveType: "button_reply", ButtonID: "consent:agree", ButtonTitle: "I agree"}, pipeline.KindButton, "I agree", "consent:agree", ""},
		{"list reply", whatsapp.Message{Type: "interactive", InteractiveType: "list_reply", ButtonID: "row-1", ButtonTitle: "Row"}, pipeline.KindButton, "Row", "row-1", ""},
		{"template button", whatsapp.Message{Type: "button", ButtonID: "PAYLOAD", Text: "Yes"}, pipeline.KindButton, "Yes", "PAYLOAD", ""},
		{"image caption dropped", whatsapp.Message{Type: "image", Text: "my address is 1 Main St"}, pipeline.KindMedia, "", "", "1 Main St"},
		{"location dropped", whatsapp.Message{Type: "location", Location: &whatsapp.Location{Address: "1 Main St"}}, pipeline.KindLocation, "", "", ""},
		{"contacts", whatsapp.Message{Type: "contacts"}, pipeline.KindContacts, "", "", ""},
		{"reaction", whatsapp.Message{Type: "reaction"}, pipeline.KindReaction, "", "", ""},
		{"unknown", whatsapp.Message{Type: "poll"}, pipeline.KindUnknown, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.msg.ID, tt.msg.From = "wamid.1", "447700900123"
			in := FromWhatsApp(tt.msg)
			if in.Kind != tt.kind || in.Text != tt.text || in.ButtonID != tt.button || in.ID != "wamid.1" || in.From != "447700900123" {
				t.Fatalf("got %+v", in)
			}
		})
	}
}
