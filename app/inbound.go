package app

import (
	"time"

	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/whatsapp"
)

// Inbound is a channel message as Veil keeps it in the inbox (encrypted
// with the user's key) until its turn is processed.
type Inbound struct {
	ID            string        `json:"id"`
	From          string        `json:"from"`
	PhoneNumberID string        `json:"pnid,omitempty"`
	Kind          pipeline.Kind `json:"kind"`
	Type          string        `json:"type,omitempty"` // the channel's own type name
	Text          string        `json:"text,omitempty"`
	ButtonID      string        `json:"button_id,omitempty"`
	Timestamp     time.Time     `json:"ts"`
}

// FromWhatsApp maps a webhook message to an Inbound. Content Veil does not
// process (media captions, locations, shared contacts) is dropped here so
// it is never stored.
func FromWhatsApp(m whatsapp.Message) Inbound {
	in := Inbound{ID: m.ID, From: m.From, PhoneNumberID: m.PhoneNumberID, Type: m.Type, Timestamp: m.Timestamp}
	switch m.Type {
	case whatsapp.TypeText:
		in.Kind, in.Text = pipeline.KindText, m.Text
	case whatsapp.TypeInteractive:
		if m.ButtonID != "" {
			in.Kind, in.ButtonID, in.Text = pipeline.KindButton, m.ButtonID, m.ButtonTitle
		} else {
			in.Kind = pipeline.KindUnknown
		}
	case whatsapp.TypeButton:
		in.Kind, in.ButtonID, in.Text = pipeline.KindButton, m.ButtonID, m.Text
		if in.Text == "" {
			in.Text = m.ButtonTitle
		}
	case whatsapp.TypeImage, whatsapp.TypeAudio, whatsapp.TypeVoice, whatsapp.TypeVideo, whatsapp.TypeDocument, whatsapp.TypeSticker:
		in.Kind = pipeline.KindMedia
	case whatsapp.TypeLocation:
		in.Kind = pipeline.KindLocation
	case whatsapp.TypeContacts:
		in.Kind = pipeline.KindContacts
	case whatsapp.TypeReaction:
		in.Kind = pipeline.KindReaction
	default:
		in.Kind = pipeline.KindUnknown
	}
	return in
}
