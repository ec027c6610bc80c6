package whatsapp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ObjectWhatsApp is the only webhook object Parse accepts.
const ObjectWhatsApp = "whatsapp_business_account"

// Parse errors. Both are permanent: the same body will never parse, so the
// webhook answers 400. Their messages never quote the payload.
var (
	// ErrMalformedPayload means the body is not JSON of the expected shape.
	ErrMalformedPayload = errors.New("malformed webhook payload")
	// ErrUnsupportedObject means the body's "object" is not
	// whatsapp_business_account (another product's webhook, or none).
	ErrUnsupportedObject = errors.New("webhook object is not " + ObjectWhatsApp)
)

// Wire shapes. Only the fields Veil uses are declared, so unknown fields
// (and type changes in fields we never read) are ignored.
type (
	wireNotification struct {
		Object *string     `json:"object"`
		Entry  []wireEntry `json:"entry"`
	}
	wireEntry struct {
		ID      string       `json:"id"`
		Changes []wireChange `json:"changes"`
	}
	wireChange struct {
		Field string    `json:"field"`
		Value wireValue `json:"value"`
	}
	wireValue struct {
		Metadata struct {
			DisplayPhoneNumber string `json:"display_phone_number"`
			PhoneNumberID      string `json:"phone_number_id"`
		} `json:"metadata"`
		Contacts []struct {
			Profile struct {
				Name string `json:"name"`
			} `json:"profile"`
			WaID   string `json:"wa_id"`
			UserID string `json:"user_id"`
		} `json:"contacts"`
		Messages []wireMessage `json:"messages"`
		Statuses []wireStatus  `json:"statuses"`
	}
	wireError struct {
		Code  int    `json:"code"`
		Title string `json:"title"`
	}
	wireMedia struct {
		ID       string `json:"id"`
		MimeType string `json:"mime_type"`
		SHA256   string `json:"sha256"`
		Caption  string `json:"caption"`
		Filename string `json:"filename"`
		Animated bool   `json:"animated"`
	}
	wireMessage struct {
		ID         string   `json:"id"`
		From       string   `json:"from"`
		FromUserID string   `json:"from_user_id"`
		Timestamp  flexTime `json:"timestamp"`
		Type       string   `json:"type"`
		Context    *struct {
			ID string `json:"id"`
		} `json:"context"`
		Text *struct {
			Body string `json:"body"`
		} `json:"text"`
		Button *struct {
			Payload string `json:"payload"`
			Text    string `json:"text"`
		} `json:"button"`
		Interactive *struct {
			Type        string `json:"type"`
			ButtonReply *struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"button_reply"`
			ListReply *struct {
				ID          string `json:"id"`
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"list_reply"`
			NFMReply *struct {
				Name string `json:"name"`
				Body string `json:"body"`
			} `json:"nfm_reply"`
		} `json:"interactive"`
		Image    *wireMedia `json:"image"`
		Audio    *wireMedia `json:"audio"`
		Voice    *wireMedia `json:"voice"`
		Video    *wireMedia `json:"video"`
		Document *wireMedia `json:"document"`
		Sticker  *wireMedia `json:"sticker"`
		Location *struct {
			Latitude  float64 `json:"latitude"`
			Longitude float64 `json:"longitude"`
			Name      string  `json:"name"`
			Address   string  `json:"address"`
			URL       string  `json:"url"`
		} `json:"location"`
		Reaction *struct {
			MessageID string `json:"message_id"`
			Emoji     string `json:"emoji"`
		} `json:"reaction"`
		Contacts []struct {
			Name struct {
				FormattedName string `json:"formatted_name"`
			} `json:"name"`
			Phones []struct {
				Phone string `json:"phone"`
				WaID  string `json:"wa_id"`
				Type  string `json:"type"`
			} `json:"phones"`
		} `json:"contacts"`
		Errors []wireError `json:"errors"`
	}
	wireStatus struct {
		ID           string      `json:"id"`
		CallbackData string      `json:"biz_opaque_callback_data"`
		RecipientID  string      `json:"recipient_id"`
		Status       string      `json:"status"`
		Timestamp    flexTime    `json:"timestamp"`
		Errors       []wireError `json:"errors"`
	}
)

// flexTime decodes a Unix timestamp sent as a string ("1749416383", the
// documented form) or a number. Anything else decodes to the zero time
// rather than failing the whole delivery for one bad field. Values of 1e12
// and above are taken as milliseconds, which WhatsApp has been seen to send.
type flexTime time.Time

func (t *flexTime) UnmarshalJSON(b []byte) error {
	*t = flexTime{}
	s := string(bytes.Trim(b, `"`))
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return nil
	}
	if n >= 1_000_000_000_000 {
		*t = flexTime(time.UnixMilli(n).UTC())
		return nil
	}
	*t = flexTime(time.Unix(n, 0).UTC())
	return nil
}

// Parse decodes a webhook body into a Batch. It never panics. It returns an
// error wrapping ErrMalformedPayload or ErrUnsupportedObject; the error text
// names at most a byte offset or a schema field, never payload content.
//
// Changes whose field is not "messages" (template or account updates) are
// skipped. A message keeps its Type even when Parse does not know it, with
// no content. Parse does not check the signature: call VerifySignature on the
// raw body first.
func Parse(body []byte) (Batch, error) {
	var n wireNotification
	if err := json.Unmarshal(body, &n); err != nil {
		return Batch{}, describeJSONError(err)
	}
	if n.Object == nil || *n.Object != ObjectWhatsApp {
		return Batch{}, ErrUnsupportedObject
	}
	var b Batch
	seen := make(map[string]bool)
	for _, e := range n.Entry {
		for _, c := range e.Changes {
			if c.Field != "" && c.Field != "messages" {
				continue
			}
			v := &c.Value
			names := make(map[string]string, len(v.Contacts))
			for _, ct := range v.Contacts {
				if ct.WaID != "" {
					names[ct.WaID] = ct.Profile.Name
				}
				if ct.UserID != "" {
					names["u:"+ct.UserID] = ct.Profile.Name
				}
			}
			for i := range v.Messages {
				wm := &v.Messages[i]
				if wm.ID != "" {
					if seen[wm.ID] {
						continue
					}
					seen[wm.ID] = true
				}
				m := convertMessage(wm)
				m.PhoneNumberID = v.Metadata.PhoneNumberID
				m.DisplayPhoneNumber = v.Metadata.DisplayPhoneNumber
				if name, ok := names[m.From]; ok && m.From != "" {
					m.ProfileName = name
				} else if name, ok := names["u:"+m.FromUserID]; ok && m.FromUserID != "" {
					m.ProfileName = name
				}
				b.Messages = append(b.Messages, m)
			}
			for _, ws := range v.Statuses {
				b.Statuses = append(b.Statuses, Status{
					MessageID:     ws.ID,
					RecipientID:   ws.RecipientID,
					PhoneNumberID: v.Metadata.PhoneNumberID,
					Status:        ws.Status,
					Timestamp:     time.Time(ws.Timestamp),
					Errors:        convertErrors(ws.Errors),
					CallbackData:  ws.CallbackData,
				})
			}
		}
	}
	return b, nil
}

func convertMessage(wm *wireMessage) Message {
	m := Message{
		ID:         wm.ID,
		From:       wm.From,
		FromUserID: wm.FromUserID,
		Timestamp:  time.Time(wm.Timestamp),
		Type:       wm.Type,
		Errors:     convertErrors(wm.Errors),
	}
	if m.Type == "" {
		m.Type = TypeUnknown
	}
	if wm.Context != nil {
		m.ContextID = wm.Context.ID
	}
	switch m.Type {
	case TypeText:
		if wm.Text != nil {
			m.Text = wm.Text.Body
		}
	case TypeButton:
		if wm.Button != nil {
			m.Text = wm.Button.Text
			m.ButtonTitle = wm.Button.Text
			m.ButtonID = wm.Button.Payload
		}
	case TypeInteractive:
		if in := wm.Interactive; in != nil {
			m.InteractiveType = in.Type
			switch {
			case in.Type == InteractiveButtonReply && in.ButtonReply != nil:
				m.ButtonID, m.ButtonTitle = in.ButtonReply.ID, in.ButtonReply.Title
				m.Text = m.ButtonTitle
			case in.Type == InteractiveListReply && in.ListReply != nil:
				m.ButtonID, m.ButtonTitle = in.ListReply.ID, in.ListReply.Title
				m.Description = in.ListReply.Description
				m.Text = m.ButtonTitle
			case in.Type == InteractiveFlowReply && in.NFMReply != nil:
				m.Text = in.NFMReply.Body
			}
		}
	case TypeImage:
		m.Media, m.Text = convertMedia(wm.Image)
	case TypeAudio:
		m.Media, m.Text = convertMedia(wm.Audio)
	case TypeVoice:
		m.Media, m.Text = convertMedia(wm.Voice)
	case TypeVideo:
		m.Media, m.Text = convertMedia(wm.Video)
	case TypeDocument:
		m.Media, m.Text = convertMedia(wm.Document)
	case TypeSticker:
		m.Media, m.Text = convertMedia(wm.Sticker)
	case TypeLocation:
		if l := wm.Location; l != nil {
			m.Location = &Location{
				Latitude: l.Latitude, Longitude: l.Longitude,
				Name: l.Name, Address: l.Address, URL: l.URL,
			}
		}
	case TypeReaction:
		if r := wm.Reaction; r != nil {
			m.Reaction = &Reaction{MessageID: r.MessageID, Emoji: r.Emoji}
		}
	case TypeContacts:
		for _, c := range wm.Contacts {
			sc := SharedContact{Name: c.Name.FormattedName}
			for _, p := range c.Phones {
				sc.Phones = append(sc.Phones, ContactPhone{Phone: p.Phone, WaID: p.WaID, Type: p.Type})
			}
			m.Contacts = append(m.Contacts, sc)
		}
	}
	return m
}

// convertMedia returns the media and its caption (which becomes the
// message's Text, so captions get the same PII handling as text bodies).
func convertMedia(w *wireMedia) (*Media, string) {
	if w == nil {
		return nil, ""
	}
	return &Media{ID: w.ID, MimeType: w.MimeType, SHA256: w.SHA256, Filename: w.Filename, Animated: w.Animated}, w.Caption
}

func convertErrors(ws []wireError) []Error {
	if len(ws) == 0 {
		return nil
	}
	out := make([]Error, len(ws))
	for i, w := range ws {
		out[i] = Error{Code: w.Code, Title: w.Title}
	}
	return out
}

// describeJSONError keeps only content-free facts from a decoding error: the
// byte offset of a syntax error, or the schema field of a type mismatch
// (field names come from our structs, never values from the body).
func describeJSONError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%w: invalid JSON at byte %d", ErrMalformedPayload, syn.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Errorf("%w: body is not a JSON object", ErrMalformedPayload)
		}
		return fmt.Errorf("%w: unexpected JSON type for %s", ErrMalformedPayload, typ.Field)
	default:
		return fmt.Errorf("%w: invalid JSON", ErrMalformedPayload)
	}
}
