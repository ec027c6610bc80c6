package conversations

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"regexp"
	"strings"
	"testing"
)

var emailRE = regexp.MustCompile(`[\w.+-]+@[\w-]+(\.[\w-]+)+`)
var phoneRE = regexp.MustCompile(`\+?\d[\d ]{7,}\d`)

// fakeRunner is a tiny bot with a consent gate and one intent. It records
// what its "LLM", "NLU", logs and store see; leak sends raw text to the LLM
// and logs the raw user ID.
type fakeRunner struct {
	leak      bool
	failStart bool
	failTurn  int
	started   []ConversationInfo
}

var _ Runner = (*fakeRunner)(nil)

type fakeSession struct {
	r       *fakeRunner
	info    ConversationInfo
	consent string
	turns   int
	obs     map[string][]string
	vault   map[string]string
}

var _ Session = (*fakeSession)(nil)

func (f *fakeRunner) Start(_ context.Context, c ConversationInfo) (Session, error) {
	if f.failStart {
		return nil, errors.New("pipeline down")
	}
	f.started = append(f.started, c)
	s := &fakeSession{r: f, info: c, consent: ConsentNone, obs: map[string][]string{}, vault: map[string]string{}}
	log := "turn start subject=ab12cd"
	if f.leak {
		log = "turn start user=" + c.UserID
	}
	s.obs["log"] = append(s.obs["log"], log)
	return s, nil
}

func (s *fakeSession) redact(text string) string {
	text = emailRE.ReplaceAllStringFunc(text, func(v string) string { s.vault["<EMAIL_1>"] = v; return "<EMAIL_1>" })
	return phoneRE.ReplaceAllStringFunc(text, func(v string) string { s.vault["<PHONE_1>"] = v; return "<PHONE_1>" })
}

func (s *fakeSession) Send(_ context.Context, m Message) (TurnResult, error) {
	s.turns++
	if s.r.failTurn == s.turns {
		return TurnResult{}, errors.New("stage llm: timeout")
	}
	switch {
	case m.ButtonID == "consent_yes":
		s.consent = ConsentOptedIn
		return TurnResult{Replies: []string{"Thanks! How can I help?"}, Consent: s.consent}, nil
	case m.ButtonID == "consent_no":
		s.consent = ConsentDeclined
		return TurnResult{Replies: []string{"OK, we won't process your messages."}, Consent: s.consent}, nil
	case s.consent == ConsentNone:
		s.consent = ConsentNotice
		return TurnResult{Replies: []string{"Hi! Please read our privacy notice. OK?"}, Buttons: []string{"Yes", "No"}, Consent: s.consent}, nil
	case s.consent != ConsentOptedIn:
		return TurnResult{Consent: s.consent}, nil
	}
	red := s.redact(m.Text)
	if s.r.leak {
		red = m.Text
	}
	s.obs["nlu"] = append(s.obs["nlu"], red)
	s.obs["store"] = append(s.obs["store"], red)
	res := TurnResult{Consent: s.consent}
	if strings.Contains(red, "order") {
		res.Intent = "order_status"
		s.obs["llm"] = append(s.obs["llm"], "user asks about an order: "+red)
		reply := "Your order is on its way, <EMAIL_1>"
		for tok, v := range s.vault {
			reply = strings.ReplaceAll(reply, tok, v)
		}
		res.Replies = []string{reply}
	}
	return res, nil
}

func (s *fakeSession) Observed(context.Context) (map[string][]string, error) { return s.obs, nil }
func (s *fakeSession) Close(context.Context) error                           { return nil }

func mustSuite(t *testing.T) *Suite {
	t.Helper()
	s, err := ReadSuite("testdata/suite.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRunPasses(t *testing.T) {
	s := mustSuite(t)
	fr := &fakeRunner{}
	rep, err := Run(context.Background(), s, fr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 4 || rep.Passed != 3 || rep.Skipped != 1 || rep.Failed != 0 || !rep.OK() {
		var buf bytes.Buffer
		rep.WriteTable(&buf)
		t.Fatalf("total %d passed %d skipped %d failed %d\n%s", rep.Total, rep.Passed, rep.Skipped, rep.Failed, buf.String())
	}
	if len(fr.started) != 3 || fr.started[1].UserID != "+447700900123" || fr.started[0].Language != "en" || fr.started[0].Region != "GB" {
		t.Errorf("started = %+v", fr.started)
	}
	if fr.started[0].UserID == "" || fr.started[0].UserID == fr.started[2].UserID {
		t.Errorf("invented user IDs must be set and distinct: %+v", fr.started)
	}
}

func TestRunReportsAssertionAndPrivacyFailures(t *testing.T) {
	s := mustSuite(t)
	rep, err := Run(context.Background(), s, &fakeRunner{leak: true}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	out := table.String()
	for _, want := range []string{
		"FAIL  order status with an e-mail",
		"privacy: raw pii from turn 3",
		"reached llm",
		"reached nlu",
		"privacy: raw the user's WhatsApp ID from turn 0",
		"reached log",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ana@example.com") || strings.Contains(out, "900123") {
		t.Errorf("report prints a raw PII value:\n%s", out)
	}
	if rep.OK() || rep.Failed != 3 {
		t.Errorf("failed = %d, want 3 (every conversation leaks the user ID to the log)", rep.Failed)
	}
}

func TestCheckAssertions(t *testing.T) {
	re := regexp.MustCompile(`order \d+`)
	got := TurnResult{Replies: []string{"Your Order 123 ships today"}, Buttons: []string{"Track"}, Intent: "order_status", Consent: ConsentOptedIn}
	tests := []struct {
		name string
		e    Expect
		want string // substring of the only failure, "" for none
	}{
		{"all good", Expect{Intent: "order_status", ReplyContains: []string{"ORDER 123"}, Buttons: []string{"track"}, Consent: ConsentOptedIn}, ""},
		{"intent", Expect{Intent: "greet"}, `intent "order_status", want "greet"`},
		{"intent in", Expect{IntentIn: []string{"a", "b"}}, `want one of`},
		{"contains", Expect{ReplyContains: []string{"refund"}}, `no reply contains "refund"`},
		{"not contains", Expect{ReplyNotContains: []string{"ships"}}, `a reply contains "ships"`},
		{"regex", Expect{re: re}, `no reply matches`},
		{"button", Expect{Buttons: []string{"Cancel"}}, `button "Cancel" not offered`},
		{"no reply", Expect{NoReply: true}, `want no reply`},
		{"consent", Expect{Consent: ConsentWithdrawn}, `consent "opted_in", want "withdrawn"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fails := check(tt.e, got)
			if tt.want == "" {
				if len(fails) != 0 {
					t.Errorf("failures %v", fails)
				}
				return
			}
			if len(fails) != 1 || !strings.Contains(fails[0], tt.want) {
				t.Errorf("failures %v, want one containing %q", fails, tt.want)
			}
		})
	}
}

func TestPrivacyMatching(t *testing.T) {
	p := []protectedValue{{"+44 7700 900123", 1, "pii"}, {"Ana@Example.com", 2, "pii"}}
	tests := []struct {
		text string
		hits int
	}{
		{"call 447700900123 now", 1},
		{"call +44-7700-900-123", 1},
		{"mail ana@example.COM", 1},
		{"orders 4477 and 00900123", 0}, // two numbers never join
		{"<PHONE_1> <EMAIL_1>", 0},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := privacy(p, map[string][]string{"llm": {tt.text}}); len(got) != tt.hits {
				t.Errorf("hits = %v, want %d", got, tt.hits)
			}
		})
	}
}

func TestRunnerErrors(t *testing.T) {
	s := mustSuite(t)
	rep, err := Run(context.Background(), s, &fakeRunner{failTurn: 2}, Options{Filter: regexp.MustCompile("order")})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 1 || rep.Failed != 1 || !strings.Contains(rep.Results[0].Error, "turn 2") || !strings.Contains(rep.Results[0].Error, "timeout") {
		t.Errorf("report = %+v", rep)
	}
	rep, err = Run(context.Background(), s, &fakeRunner{failStart: true}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 3 || !strings.Contains(rep.Results[0].Error, "start: pipeline down") {
		t.Errorf("report = %+v", rep.Results[0])
	}
}

func TestJUnit(t *testing.T) {
	s := mustSuite(t)
	rep, err := Run(context.Background(), s, &fakeRunner{leak: true, failTurn: 2}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	type junitDoc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suite    struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Body    string `xml:",chardata"`
				} `xml:"failure"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	var doc junitDoc
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("invalid XML: %v\n%s", err, buf.String())
	}
	// failTurn 2 errors every conversation that reaches turn 2; the skipped one is skipped.
	if doc.Tests != 4 || doc.Errors != 3 || doc.Skipped != 1 || len(doc.Suite.Cases) != 4 {
		t.Errorf("tests %d failures %d errors %d skipped %d\n%s", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, buf.String())
	}
	if c := doc.Suite.Cases[3]; c.Skipped == nil || c.Skipped.Message != "waiting for the returns dialog" {
		t.Errorf("skipped case = %+v", c)
	}
	rep, _ = Run(context.Background(), s, &fakeRunner{leak: true}, Options{})
	buf.Reset()
	if err := rep.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	doc = junitDoc{}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Failures != 3 || doc.Suite.Cases[1].Failure == nil || !strings.Contains(doc.Suite.Cases[1].Failure.Body, "turn 3: privacy") {
		t.Errorf("failures %d, case %+v", doc.Failures, doc.Suite.Cases[1])
	}
}

func TestParseSuiteErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "conversations:\n  - name: a\n    turns:\n      - user: hi\n        expct: {}\n", "field expct not found"},
		{"no conversations", "language: en\n", "no conversations"},
		{"no name", "conversations:\n  - turns:\n      - user: hi\n", "s.yaml:2: conversation 1 has no name"},
		{"duplicate", "conversations:\n  - name: a\n    turns: [{user: x}]\n  - name: a\n    turns: [{user: y}]\n", `name "a" already used on line 2`},
		{"no turns", "conversations:\n  - name: a\n", "has no turns"},
		{"user and button", "conversations:\n  - name: a\n    turns:\n      - user: hi\n        button: b\n", "s.yaml:4: conversation \"a\" turn 1: set exactly one"},
		{"pii not in text", "conversations:\n  - name: a\n    turns:\n      - user: hi\n        pii: [bob@x.io]\n", "not in the message"},
		{"bad regex", "conversations:\n  - name: a\n    turns:\n      - user: hi\n        expect: {reply_regex: \"(\"}\n", "reply_regex"},
		{"bad yaml", "conversations: [\n", "s.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSuite([]byte(tt.yaml), "s.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
