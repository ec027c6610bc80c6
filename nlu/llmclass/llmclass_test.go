package llmclass_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	openai "github.com/sashabaranov/go-openai"

	"github.com/veilhq/veil/internal/openaitest"
	"github.com/veilhq/veil/llm"
	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/llmclass"
)

var examples = []nlu.Example{
	{Text: "where is my order", Intent: "order_status"},
	{Text: "has my parcel shipped yet", Intent: "order_status"},
	{Text: "where is my order", Intent: "order_status"}, // duplicate: shown once
	{Text: "track order <ORDER_ID_1>", Intent: "order_status"},
	{Text: "I want to book an appointment", Intent: "book_appointment"},
	{Text: "what is the meaning of life", Intent: nlu.OutOfScope},
}

var descriptions = map[string]string{
	"order_status":     "the customer asks where an order is",
	"book_appointment": "the customer wants to book a visit",
}

func newClassifier(t *testing.T, srv *openaitest.Server, log zerolog.Logger) *llmclass.Classifier {
	t.Helper()
	client, err := llm.NewClient(llm.ClientConfig{BaseURL: srv.URL, APIKey: srv.APIKey, MaxRetries: -1, Timeout: 5 * time.Second}, log)
	if err != nil {
		t.Fatal(err)
	}
	c, err := llmclass.New(client, llmclass.Config{Model: "clf-model", Examples: 2, Descriptions: descriptions}, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Train(t.Context(), examples); err != nil {
		t.Fatalf("Train: %v", err)
	}
	return c
}

func TestParse(t *testing.T) {
	t.Parallel()
	const secret = "SECRET-CONTENT"
	tests := []struct {
		name string
		resp openaitest.Response
		want []nlu.Intent // nil: no intent
	}{
		{"KnownIntent", openaitest.Completion(`{"intent":"order_status","confidence":0.87}`), []nlu.Intent{{Name: "order_status", Confidence: 0.87}}},
		{"SurroundingWhitespace", openaitest.Completion("\n {\"intent\": \"book_appointment\", \"confidence\": 1}\n"), []nlu.Intent{{Name: "book_appointment", Confidence: 1}}},
		{"CaseInsensitiveName", openaitest.Completion(`{"intent":"Order_Status","confidence":0.6}`), []nlu.Intent{{Name: "order_status", Confidence: 0.6}}},
		{"PercentConfidence", openaitest.Completion(`{"intent":"order_status","confidence":90}`), []nlu.Intent{{Name: "order_status", Confidence: 0.9}}},
		{"NoneIsOutOfScope", openaitest.Completion(`{"intent":"none","confidence":0.95}`), []nlu.Intent{{Name: nlu.OutOfScope, Confidence: 0.95}}},
		{"InvalidJSON", openaitest.Completion("The intent is order_status " + secret), nil},
		{"TrailingGarbage", openaitest.Completion(`{"intent":"order_status","confidence":0.9} ` + secret), nil},
		{"UnknownIntent", openaitest.Completion(`{"intent":"` + secret + `","confidence":0.99}`), nil},
		{"MissingConfidence", openaitest.Completion(`{"intent":"order_status"}`), nil},
		{"ConfidenceOutOfRange", openaitest.Completion(`{"intent":"order_status","confidence":250}`), nil},
		{"NegativeConfidence", openaitest.Completion(`{"intent":"order_status","confidence":-0.2}`), nil},
		{"IntentNotAString", openaitest.Completion(`{"intent":3,"confidence":0.5}`), nil},
		{"ServerError", openaitest.Error(500, "server_error", "", secret), nil},
		{"Unauthorized", openaitest.Error(401, "invalid_request_error", "invalid_api_key", secret), nil},
		{"EmptyCompletion", openaitest.Completion(""), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t)
			srv.QueueChat(tt.resp)
			var buf bytes.Buffer
			c := newClassifier(t, srv, zerolog.New(&buf))
			got, err := c.Parse(t.Context(), "hi, is <ORDER_ID_1> on its way?")
			if err != nil {
				t.Fatalf("Parse: %v (only ctx errors are returned)", err)
			}
			if len(got.Intents) != len(tt.want) {
				t.Fatalf("Parse = %+v, want %+v", got.Intents, tt.want)
			}
			for i := range tt.want {
				if got.Intents[i].Name != tt.want[i].Name || abs(got.Intents[i].Confidence-tt.want[i].Confidence) > 1e-9 {
					t.Errorf("intent %d = %+v, want %+v", i, got.Intents[i], tt.want[i])
				}
			}
			if tt.want == nil && !strings.Contains(buf.String(), "no intent") {
				t.Errorf("no log line for a failed classification: %q", buf.String())
			}
			for _, s := range []string{secret, "ORDER_ID", "on its way", "order_status"} {
				if strings.Contains(buf.String(), s) {
					t.Errorf("log contains content %q: %s", s, buf.String())
				}
			}
		})
	}
}

func TestParseRequest(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	srv.QueueChat(openaitest.Completion(`{"intent":"none","confidence":0.7}`))
	c := newClassifier(t, srv, zerolog.Nop())
	if _, err := c.Parse(t.Context(), "my email is <EMAIL_1>"); err != nil {
		t.Fatal(err)
	}
	reqs := srv.ChatRequests(t)
	if len(reqs) != 1 {
		t.Fatalf("requests = %d, want 1", len(reqs))
	}
	req := reqs[0]
	if req.Model != "clf-model" {
		t.Errorf("model = %q", req.Model)
	}
	if req.ResponseFormat == nil || req.ResponseFormat.Type != openai.ChatCompletionResponseFormatTypeJSONObject {
		t.Errorf("response_format = %+v, want json_object", req.ResponseFormat)
	}
	if len(req.Messages) != 2 || req.Messages[1].Content != "my email is <EMAIL_1>" {
		t.Fatalf("messages = %+v, want system + the text", req.Messages)
	}
	sys := req.Messages[0].Content
	for _, want := range []string{
		"- order_status: the customer asks where an order is",
		"- book_appointment: the customer wants to book a visit",
		`"where is my order"`, `"has my parcel shipped yet"`,
		"- none:", `"what is the meaning of life"`, "JSON",
	} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, sys)
		}
	}
	// Examples: 2 per intent, duplicates once, oos not offered as an intent.
	if strings.Count(sys, `"where is my order"`) != 1 || strings.Contains(sys, "track order") || strings.Contains(sys, "- oos") {
		t.Errorf("system prompt examples wrong:\n%s", sys)
	}
}

func TestParseUntrainedAndCancelled(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	client, err := llm.NewClient(llm.ClientConfig{BaseURL: srv.URL, APIKey: srv.APIKey}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	c, err := llmclass.New(client, llmclass.Config{}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Parse(t.Context(), "hello"); err != nil || len(got.Intents) != 0 {
		t.Errorf("untrained Parse = %+v, %v; want empty", got, err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("untrained Parse sent %d requests", n)
	}

	c2 := newClassifier(t, srv, zerolog.Nop())
	srv.QueueChat(openaitest.Timeout())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c2.Parse(ctx, "hello"); err == nil {
		t.Error("Parse with a cancelled context returned no error")
	}
}

func TestTrainRejects(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	client, _ := llm.NewClient(llm.ClientConfig{BaseURL: srv.URL, APIKey: srv.APIKey}, zerolog.Nop())
	tests := []struct {
		name string
		cfg  llmclass.Config
		ex   []nlu.Example
	}{
		{"EmptyIntent", llmclass.Config{}, []nlu.Example{{Text: "hi", Intent: " "}}},
		{"ReservedNone", llmclass.Config{}, []nlu.Example{{Text: "hi", Intent: "None"}}},
		{"DescriptionWithoutExamples", llmclass.Config{Descriptions: map[string]string{"ghost": "x"}}, []nlu.Example{{Text: "hi", Intent: "greet"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := llmclass.New(client, tt.cfg, zerolog.Nop())
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Train(t.Context(), tt.ex); err == nil {
				t.Error("Train succeeded, want an error")
			}
		})
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
