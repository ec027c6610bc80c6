package whatsapp

import "time"

// Message types as WhatsApp names them in messages[].type. Types this
// package does not know are kept verbatim in Message.Type with no content.
const (
	TypeText        = "text"
	TypeInteractive = "interactive"
	TypeButton      = "button" // quick-reply button of a template message
	TypeImage       = "image"
	TypeAudio       = "audio"
	TypeVoice       = "voice"
	TypeVideo       = "video"
	TypeDocument    = "document"
	TypeSticker     = "sticker"
	TypeLocation    = "location"
	TypeContacts    = "contacts"
	TypeReaction    = "reaction"
	TypeOrder       = "order"
	TypeSystem      = "system"
	TypeUnsupported = "unsupported" // WhatsApp could not represent the message
	// TypeUnknown is set by Parse when the payload carried no type at all.
	TypeUnknown = "unknown"
)

// Interactive reply kinds (Message.InteractiveType).
const (
	InteractiveButtonReply = "button_reply"
	InteractiveListReply   = "list_reply"
	InteractiveFlowReply   = "nfm_reply"
)

// Delivery statuses (Status.Status). WhatsApp may add others; they are kept
// verbatim. "read" can arrive without a prior "delivered" (it implies it).
const (
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusRead      = "read"
	StatusFailed    = "failed"
	StatusPlayed    = "played"
	StatusDeleted   = "deleted"
)

// Batch is everything one webhook delivery carried, in payload order.
// Messages are de-duplicated by ID within the batch; statuses are not.
type Batch struct {
	Messages []Message
	Statuses []Status
}

// Empty reports whether the batch carries nothing to process.
func (b Batch) Empty() bool { return len(b.Messages) == 0 && len(b.Statuses) == 0 }

// Message is one inbound user message.
//
// Text, ProfileName, From, Location, Contacts and Media.Filename are personal
// data: they must go through the pipeline's PII handling and must never be
// logged. ID (the wamid) and Type are safe to log.
type Message struct {
	ID                 string    // wamid
	From               string    // sender's wa_id (phone number); may be empty for username-only users
	FromUserID         string    // business-scoped user ID (BSUID), when WhatsApp sends one
	PhoneNumberID      string    // business phone number ID that received the message (metadata)
	DisplayPhoneNumber string    // business display number (metadata)
	ProfileName        string    // sender's WhatsApp profile name, from contacts[]
	Timestamp          time.Time // UTC; zero when the payload's timestamp was missing or invalid
	Type               string    // one of the Type* constants, or an unknown type verbatim

	// Text is what the user wrote or chose: the body of a text message, the
	// caption of a media message, the title of an interactive reply, the
	// text of a template quick-reply button.
	Text string

	InteractiveType string // for Type interactive: button_reply, list_reply, nfm_reply, ...
	ButtonID        string // interactive reply ID, or a template button's payload
	ButtonTitle     string // interactive reply title, or a template button's text
	Description     string // list_reply row description

	ContextID string // ID of the message this one replies to, if any

	Media    *Media          // image, audio, voice, video, document, sticker
	Location *Location       // location
	Reaction *Reaction       // reaction
	Contacts []SharedContact // contacts (vCards the user shared)
	Errors   []Error         // set by WhatsApp on unsupported messages
}

// Media describes an attachment. Download it with the Graph media endpoint
// using ID; the payload carries no URL.
type Media struct {
	ID       string
	MimeType string
	SHA256   string
	Filename string // documents only; user-controlled, treat as personal data
	Animated bool   // stickers only
}

// Location is a shared location pin.
type Location struct {
	Latitude  float64
	Longitude float64
	Name      string
	Address   string
	URL       string
}

// Reaction is an emoji reaction to an earlier message. An empty Emoji means
// the user removed their reaction.
type Reaction struct {
	MessageID string
	Emoji     string
}

// SharedContact is one contact card a user shared.
type SharedContact struct {
	Name   string // formatted_name
	Phones []ContactPhone
}

// ContactPhone is a phone entry of a shared contact card.
type ContactPhone struct {
	Phone string
	WaID  string // set when the number is on WhatsApp
	Type  string // CELL, HOME, WORK, ...
}

// Status is a delivery status update for a message the business sent.
type Status struct {
	MessageID     string    // wamid of the sent message
	RecipientID   string    // recipient's wa_id (personal data: do not log)
	PhoneNumberID string    // business phone number ID (metadata)
	Status        string    // one of the Status* constants, or a new one verbatim
	Timestamp     time.Time // UTC; zero when missing or invalid
	Errors        []Error   // set when Status is failed
	// CallbackData is the biz_opaque_callback_data the message was sent
	// with (Client.WithCallbackData), if any.
	CallbackData string
}

// Error is an error WhatsApp attaches to a status or a message. Title is
// WhatsApp's description and may quote request details; do not show it to
// end users.
type Error struct {
	Code  int
	Title string
}
