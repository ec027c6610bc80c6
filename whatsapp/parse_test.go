package whatsapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"
)

const (
	testSecret = "test-app-secret"
	testToken  = "test-verify-token"
)

func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// business is the metadata every single-number fixture carries.
func business(m Message) Message {
	m.PhoneNumberID = "106540352242922"
	m.DisplayPhoneNumber = "15550783881"
	return m
}

// captureReceiver records batches; it is safe for concurrent use.
type captureReceiver struct {
	mu      sync.Mutex
	batches []Batch
	err     error
}

func (c *captureReceiver) Receive(_ context.Context, b Batch) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batches = append(c.batches, b)
	return c.err
}

func (c *captureReceiver) calls() []Batch {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Batch(nil), c.batches...)
}

func mustHandler(t testing.TB, rcv Receiver, logBuf *bytes.Buffer, mutate ...func(*HandlerConfig)) *Handler {
	t.Helper()
	cfg := HandlerConfig{VerifyToken: testToken, AppSecret: testSecret, Receiver: rcv}
	if logBuf != nil {
		cfg.Logger = zerolog.New(logBuf).Level(zerolog.DebugLevel)
	}
	for _, m := range mutate {
		m(&cfg)
	}
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	return h
}

func signedPost(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(SignatureHeader, Sign([]byte(testSecret), body))
	return r
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// TestWebhookFixtures runs every recorded payload through the real Handler
// (signature, parse, receiver) and compares the batch the receiver got. It
// also checks that nothing personal from the payloads reached the log.
func TestWebhookFixtures(t *testing.T) {
	sheena := func(m Message) Message {
		m = business(m)
		m.From, m.ProfileName = "16505551234", "Sheena Nelson"
		return m
	}
	tests := []struct {
		file string
		want Batch // zero Batch: receiver must not be called
		// personal strings that appear in the fixture and must not be logged
		secrets []string
	}{
		{
			file: "text.json",
			want: Batch{Messages: []Message{sheena(Message{
				ID:        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
				Timestamp: unix(1749416383), Type: TypeText,
				Text: "Does it come in another color?",
			})}},
			secrets: []string{"16505551234", "Sheena", "another color"},
		},
		{
			file: "button_reply.json",
			want: Batch{Messages: []Message{sheena(Message{
				ID: "wamid.BUTTONREPLY1", Timestamp: unix(1749416400), Type: TypeInteractive,
				InteractiveType: InteractiveButtonReply, ButtonID: "order-yes", ButtonTitle: "Yes, order",
				Text: "Yes, order", ContextID: "wamid.OUTBOUND1",
			})}},
			secrets: []string{"16505551234", "Yes, order"},
		},
		{
			file: "list_reply.json",
			want: Batch{Messages: []Message{sheena(Message{
				ID: "wamid.LISTREPLY1", Timestamp: unix(1749416410), Type: TypeInteractive,
				InteractiveType: InteractiveListReply, ButtonID: "slot-tue-10", ButtonTitle: "Tuesday 10:00",
				Description: "Downtown branch", Text: "Tuesday 10:00", ContextID: "wamid.OUTBOUNDLIST",
			})}},
			secrets: []string{"Tuesday", "Downtown"},
		},
		{
			file: "template_button.json",
			want: Batch{Messages: []Message{sheena(Message{
				ID: "wamid.TEMPLATEBUTTON1", Timestamp: unix(1749416420), Type: TypeButton,
				Text: "Stop promotions", ButtonID: "STOP_PROMOS", ButtonTitle: "Stop promotions",
				ContextID: "wamid.TEMPLATE1",
			})}},
			secrets: []string{"Stop promotions"},
		},
		{
			file: "image.json",
			want: Batch{Messages: []Message{sheena(Message{
				ID: "wamid.IMAGE1", Timestamp: unix(1749416430), Type: TypeImage, Text: "Receipt attached",
				Media: &Media{ID: "1003383421387256", MimeType: "image/jpeg", SHA256: "u6Nz1ZlQ0a8yx0sJ3m0g8a6ZxZpY0p5r8iE1f1Ruq9w="},
			})}},
			secrets: []string{"Receipt"},
		},
		{
			file: "location.json",
			want: Batch{Messages: []Message{sheena(Message{
				ID: "wamid.LOCATION1", Timestamp: unix(1749416440), Type: TypeLocation,
				Location: &Location{
					Latitude: 37.483307, Longitude: -122.148981, Name: "Main office",
					Address: "1 Hacker Way, Menlo Park, CA 94025", URL: "https://example.com/office",
				},
			})}},
			secrets: []string{"Hacker Way", "37.48", "Main office"},
		},
		{
			file: "contacts.json",
			want: Batch{Messages: []Message{sheena(Message{
				ID: "wamid.CONTACTS1", Timestamp: unix(1749416450), Type: TypeContacts,
				Contacts: []SharedContact{{Name: "Barbara J. Johnson", Phones: []ContactPhone{
					{Phone: "+1 (650) 555-1234", WaID: "16505551234", Type: "MOBILE"},
					{Phone: "+1 (650) 555-1235", Type: "WORK"},
				}}},
			})}},
			secrets: []string{"Barbara", "555-123"},
		},
		{
			file: "reaction.json",
			want: Batch{Messages: []Message{
				sheena(Message{
					ID: "wamid.REACTION1", Timestamp: unix(1749416460), Type: TypeReaction,
					Reaction: &Reaction{MessageID: "wamid.OUTBOUND1", Emoji: "👍"},
				}),
				sheena(Message{
					ID: "wamid.REACTION2", Timestamp: unix(1749416461), Type: TypeReaction,
					Reaction: &Reaction{MessageID: "wamid.OUTBOUND1"},
				}),
			}},
			secrets: []string{"👍"},
		},
		{
			file: "status_failed.json",
			want: Batch{Statuses: []Status{
				{
					MessageID: "wamid.OUTBOUND2", RecipientID: "16505551234", PhoneNumberID: "106540352242922",
					Status: StatusFailed, Timestamp: unix(1749416470),
					Errors: []Error{{Code: 131047, Title: "Re-engagement message"}},
				},
				{
					MessageID: "wamid.OUTBOUND3", RecipientID: "16505551234", PhoneNumberID: "106540352242922",
					Status: StatusSent, Timestamp: unix(1749416471),
				},
			}},
			secrets: []string{"16505551234"},
		},
		{
			file: "status_read.json",
			want: Batch{Statuses: []Status{{
				MessageID: "wamid.OUTBOUND1", RecipientID: "16505551234", PhoneNumberID: "106540352242922",
				Status: StatusRead, Timestamp: unix(1749416480),
			}}},
			secrets: []string{"16505551234"},
		},
		{
			file: "unknown_type.json",
			want: Batch{Messages: []Message{
				sheena(Message{
					ID: "wamid.UNSUPPORTED1", Timestamp: unix(1749416490), Type: TypeUnsupported,
					Errors: []Error{{Code: 131051, Title: "Message type unknown"}},
				}),
				sheena(Message{ID: "wamid.HOLOGRAM1", Timestamp: unix(1749416491), Type: "hologram"}),
				// no type: kept as unknown, content not guessed; bad timestamp → zero
				sheena(Message{ID: "wamid.NOTYPE1", Type: TypeUnknown}),
			}},
			secrets: []string{"must not be read", "type missing", "hologram"},
		},
		{
			file: "multi.json",
			want: Batch{
				Messages: []Message{
					sheena(Message{ID: "wamid.MULTI1", Timestamp: unix(1749416500), Type: TypeText, Text: "first"}),
					business(Message{
						ID: "wamid.MULTI2", From: "34600111222", ProfileName: "Ana Pérez",
						Timestamp: unix(1749416501), Type: TypeText, Text: "second",
					}),
					// wamid.MULTI1 repeated in the same body is dropped
					{
						ID: "wamid.MULTI3", From: "8613800138000", ProfileName: "Li Wei",
						PhoneNumberID: "200000000000002", DisplayPhoneNumber: "15550009999",
						Timestamp: unix(1749416503), // sent in milliseconds
						Type:      TypeDocument, Text: "contract",
						Media: &Media{ID: "2000000000000003", MimeType: "application/pdf", SHA256: "abc=", Filename: "contract.pdf"},
					},
					{
						ID: "wamid.MULTI4", From: "8613800138000", ProfileName: "Li Wei",
						PhoneNumberID: "200000000000002", DisplayPhoneNumber: "15550009999",
						Timestamp: unix(1749416504), Type: TypeSticker,
						Media: &Media{ID: "2000000000000004", MimeType: "image/webp", SHA256: "def=", Animated: true},
					},
					{
						ID: "wamid.MULTI5", From: "8613800138000", ProfileName: "Li Wei",
						PhoneNumberID: "200000000000002", DisplayPhoneNumber: "15550009999",
						Timestamp: unix(1749416505), Type: TypeAudio,
						Media: &Media{ID: "2000000000000005", MimeType: "audio/ogg; codecs=opus", SHA256: "ghi="},
					},
					{
						ID: "wamid.MULTI6", From: "8613800138000", ProfileName: "Li Wei",
						PhoneNumberID: "200000000000002", DisplayPhoneNumber: "15550009999",
						Timestamp: unix(1749416506), Type: TypeVideo, Text: "unboxing",
						Media: &Media{ID: "2000000000000006", MimeType: "video/mp4", SHA256: "jkl="},
					},
				},
				Statuses: []Status{{
					MessageID: "wamid.OUTBOUND4", RecipientID: "34600111222", PhoneNumberID: "106540352242922",
					Status: StatusDelivered, Timestamp: unix(1749416502),
				}},
			},
			secrets: []string{"34600111222", "8613800138000", "Ana", "Li Wei", "contract", "unboxing", "first", "second"},
		},
		{
			file: "non_ascii.json",
			want: Batch{Messages: []Message{business(Message{
				ID: "wamid.NONASCII1", From: "4915112345678", ProfileName: "José Müller",
				Timestamp: unix(1749416510), Type: TypeText,
				Text: "Café — naïve 日本語 😀\n\"quoted\" \\ slash",
			})}},
			secrets: []string{"4915112345678", "Jos", "Caf", `\u00e9`},
		},
		{
			file:    "non_messages_field.json",
			want:    Batch{},
			secrets: []string{"15550783881"},
		},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".json"), func(t *testing.T) {
			body := readFixture(t, tt.file)
			rcv := &captureReceiver{}
			var logs bytes.Buffer
			h := mustHandler(t, rcv, &logs)

			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, signedPost(body))

			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d (%s), want 200", rec.Code, rec.Body)
			}
			calls := rcv.calls()
			if tt.want.Empty() {
				if len(calls) != 0 {
					t.Fatalf("receiver called %d times for an empty batch", len(calls))
				}
			} else {
				if len(calls) != 1 {
					t.Fatalf("receiver called %d times, want 1", len(calls))
				}
				if !reflect.DeepEqual(calls[0], tt.want) {
					t.Errorf("batch mismatch\n got: %s\nwant: %s", dump(calls[0]), dump(tt.want))
				}
			}
			// Parse alone must agree with what the handler delivered.
			direct, err := Parse(body)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(direct, tt.want) && !(direct.Empty() && tt.want.Empty()) {
				t.Errorf("Parse disagrees with handler: %s", dump(direct))
			}
			if logs.Len() == 0 {
				t.Fatal("handler logged nothing; privacy check would be vacuous")
			}
			for _, s := range tt.secrets {
				if strings.Contains(logs.String(), s) {
					t.Errorf("log contains personal data %q:\n%s", s, logs.String())
				}
			}
		})
	}
}

func dump(b Batch) string {
	var sb strings.Builder
	for _, m := range b.Messages {
		fmt.Fprintf(&sb, "\n  msg %+v", m)
		if m.Media != nil {
			fmt.Fprintf(&sb, " media=%+v", *m.Media)
		}
		if m.Location != nil {
			fmt.Fprintf(&sb, " location=%+v", *m.Location)
		}
		if m.Reaction != nil {
			fmt.Fprintf(&sb, " reaction=%+v", *m.Reaction)
		}
	}
	for _, s := range b.Statuses {
		fmt.Fprintf(&sb, "\n  status %+v", s)
	}
	return sb.String()
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		want error
		// wantText must appear in the error; forbidden must not (content).
		wantText, forbidden string
	}{
		{"Empty", ``, ErrMalformedPayload, "byte", ""},
		{"Truncated", `{"object":"whatsapp_business_account","entry":[`, ErrMalformedPayload, "byte", ""},
		{"NotObject", `["whatsapp_business_account"]`, ErrMalformedPayload, "not a JSON object", ""},
		{"TrailingGarbage", `{"object":"whatsapp_business_account"} secret-text`, ErrMalformedPayload, "byte", "secret-text"},
		{"WrongFieldType", `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"text":{"body":12345}}]}}]}]}`,
			ErrMalformedPayload, "body", "12345"},
		{"EntryNotArray", `{"object":"whatsapp_business_account","entry":{"id":"x"}}`, ErrMalformedPayload, "entry", ""},
		{"MissingObject", `{"entry":[]}`, ErrUnsupportedObject, "whatsapp_business_account", ""},
		{"NullObject", `{"object":null}`, ErrUnsupportedObject, "", ""},
		{"OtherObject", `{"object":"page","entry":[]}`, ErrUnsupportedObject, "", "page"},
		{"ObjectWrongType", `{"object":42}`, ErrMalformedPayload, "object", "42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse([]byte(tt.body))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !b.Empty() {
				t.Errorf("batch not empty on error: %s", dump(b))
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("err %q does not mention %q", err, tt.wantText)
			}
			if tt.forbidden != "" && strings.Contains(err.Error(), tt.forbidden) {
				t.Errorf("err %q quotes payload content %q", err, tt.forbidden)
			}
		})
	}
}

func TestParseTimestamps(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want time.Time
	}{
		{"StringSeconds", `"1749416383"`, unix(1749416383)},
		{"NumberSeconds", `1749416383`, unix(1749416383)},
		{"Milliseconds", `"1749416383123"`, time.UnixMilli(1749416383123).UTC()},
		{"Missing", `null`, time.Time{}},
		{"Garbage", `"soon"`, time.Time{}},
		{"Negative", `"-5"`, time.Time{}},
		{"Float", `1749416383.5`, time.Time{}},
		{"Object", `{"s":1}`, time.Time{}},
		{"Huge", `"99999999999999999999999"`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{` +
				`"messages":[{"id":"m","type":"text","timestamp":` + tt.raw + `}],` +
				`"statuses":[{"id":"s","status":"sent","timestamp":` + tt.raw + `}]}}]}]}`
			b, err := Parse([]byte(body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(b.Messages) != 1 || len(b.Statuses) != 1 {
				t.Fatalf("got %d messages, %d statuses", len(b.Messages), len(b.Statuses))
			}
			if !b.Messages[0].Timestamp.Equal(tt.want) || !b.Statuses[0].Timestamp.Equal(tt.want) {
				t.Errorf("timestamps %v / %v, want %v", b.Messages[0].Timestamp, b.Statuses[0].Timestamp, tt.want)
			}
		})
	}
}

// FuzzParse checks that Parse never panics and that its results keep their
// promises: errors are one of the two sentinels with an empty batch;
// batches have a Type on every message, unique non-empty wamids, valid UTF-8
// strings, and parsing is deterministic.
func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			f.Add(readFixture(f, e.Name()))
		}
	}
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{}]}}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":null}`))
	f.Add([]byte("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{\"messages\":[{\"id\":\"\xff\",\"type\":\"text\",\"text\":{\"body\":\"\xfe\"}}]}}]}]}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := Parse(body)
		if err != nil {
			if !errors.Is(err, ErrMalformedPayload) && !errors.Is(err, ErrUnsupportedObject) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if !b.Empty() {
				t.Fatal("non-empty batch with error")
			}
			return
		}
		seen := map[string]bool{}
		for _, m := range b.Messages {
			if m.Type == "" {
				t.Fatal("message without Type")
			}
			if m.ID != "" {
				if seen[m.ID] {
					t.Fatalf("duplicate wamid %q in batch", m.ID)
				}
				seen[m.ID] = true
			}
			for _, s := range []string{m.ID, m.From, m.Text, m.ProfileName, m.ButtonID, m.ButtonTitle, m.Type} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 in message field %q", s)
				}
			}
			if m.Timestamp.Location() != time.UTC {
				t.Fatal("timestamp not in UTC")
			}
		}
		again, err := Parse(body)
		if err != nil || !reflect.DeepEqual(b, again) {
			t.Fatal("Parse is not deterministic")
		}
	})
}
