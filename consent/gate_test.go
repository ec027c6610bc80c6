package consent

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store"
)

// fakeLedger is an append-only in-memory ledger.
type fakeLedger struct {
	mu     sync.Mutex
	events []store.ConsentEvent
	fail   error
}

func (l *fakeLedger) AppendConsent(_ context.Context, ev store.ConsentEvent) (store.ConsentEvent, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return ev, l.fail
	}
	ev.Seq = uint64(len(l.events) + 1)
	l.events = append(l.events, ev)
	return ev, nil
}

func (l *fakeLedger) ConsentHistory(_ context.Context, subject string) ([]store.ConsentEvent, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []store.ConsentEvent
	for _, ev := range l.events {
		if ev.Subject == subject {
			out = append(out, ev)
		}
	}
	return out, nil
}

type fakeRights struct {
	erased []string
	sum    DataSummary
}

func (r *fakeRights) Summary(context.Context, string, string) (DataSummary, error) { return r.sum, nil }
func (r *fakeRights) Export(context.Context, string, string) ([]byte, error) {
	return []byte(`{"consent":[]}`), nil
}

func (r *fakeRights) Erase(_ context.Context, subject string) error {
	r.erased = append(r.erased, subject)
	return nil
}

var notice = Notice{Version: "v2", Text: "We process your messages. OK?", Purposes: []string{"support"}}

func text(id, s string) *pipeline.Turn {
	return &pipeline.Turn{MessageID: id, Subject: "subj-1", Kind: pipeline.KindText, Text: s}
}

func button(id, buttonID string) *pipeline.Turn {
	return &pipeline.Turn{MessageID: id, Subject: "subj-1", Kind: pipeline.KindButton, ButtonID: buttonID, Text: "x"}
}

// run sends turns in order through one gate and returns the last turn.
func run(t *testing.T, g *Gate, turns ...*pipeline.Turn) *pipeline.Turn {
	t.Helper()
	for _, tu := range turns {
		if err := g.Process(context.Background(), tu); err != nil {
			t.Fatalf("process %s: %v", tu.MessageID, err)
		}
	}
	return turns[len(turns)-1]
}

func TestGate(t *testing.T) {
	tests := []struct {
		name        string
		prior       []store.ConsentEvent
		turns       []*pipeline.Turn
		wantPass    bool   // last turn continues to the next stage
		wantReply   string // substring of the halt reply
		wantButtons []string
		wantLast    store.ConsentAction // last ledger action
		wantErased  bool
	}{
		{name: "unknown user gets the notice", turns: []*pipeline.Turn{text("m1", "hello, my email is a@b.co")},
			wantReply: "We process", wantButtons: []string{ButtonAgree, ButtonDecline}, wantLast: store.ConsentNoticeShown},
		{name: "agree button opts in", turns: []*pipeline.Turn{text("m1", "hi"), button("m2", ButtonAgree)},
			wantReply: "Thank you", wantLast: store.ConsentOptIn},
		{name: "opted-in user passes", turns: []*pipeline.Turn{text("m1", "hi"), button("m2", ButtonAgree), text("m3", "where is my order")},
			wantPass: true, wantLast: store.ConsentOptIn},
		{name: "decline is recorded and nothing passes", turns: []*pipeline.Turn{text("m1", "hi"), button("m2", ButtonDecline), text("m3", "where is my order")},
			wantReply: "We process", wantLast: store.ConsentNoticeShown},
		{name: "STOP withdraws", turns: []*pipeline.Turn{button("m1", ButtonAgree), text("m2", "Stop!")},
			wantReply: "opted out", wantLast: store.ConsentWithdraw},
		{name: "after withdrawal nothing passes", turns: []*pipeline.Turn{button("m1", ButtonAgree), text("m2", "STOP"), text("m3", "my order")},
			wantReply: "We process", wantLast: store.ConsentNoticeShown},
		{name: "withdraw button works", turns: []*pipeline.Turn{button("m1", ButtonAgree), button("m2", ButtonWithdraw)},
			wantReply: "opted out", wantLast: store.ConsentWithdraw},
		{name: "older notice needs new consent",
			prior: []store.ConsentEvent{{Subject: "subj-1", Action: store.ConsentOptIn, NoticeVersion: "v1"}},
			turns: []*pipeline.Turn{text("m1", "hi")}, wantReply: "changed", wantLast: store.ConsentNoticeShown},
		{name: "my data works without consent", turns: []*pipeline.Turn{text("m1", "MY DATA")},
			wantReply: "Consent: not given", wantLast: ""},
		{name: "my data offers export, opt-out and erasure", turns: []*pipeline.Turn{button("m1", ButtonAgree), text("m2", "My data!")},
			wantReply: "Consent: given", wantButtons: []string{ButtonExport, ButtonWithdraw, ButtonDeleteMyData}, wantLast: store.ConsentOptIn},
		{name: "delete button asks for confirmation", turns: []*pipeline.Turn{button("m1", ButtonAgree), button("m2", ButtonDeleteMyData)},
			wantReply: "Erase now?", wantButtons: []string{ButtonEraseConfirm, ButtonEraseCancel}, wantLast: store.ConsentOptIn},
		{name: "export works without consent", turns: []*pipeline.Turn{text("m1", "my data"), button("m2", ButtonExport)},
			wantReply: `{"consent":[]}`, wantLast: ""},
		{name: "delete my data asks for confirmation", turns: []*pipeline.Turn{button("m1", ButtonAgree), text("m2", "delete my data")},
			wantReply: "Erase now?", wantButtons: []string{ButtonEraseConfirm, ButtonEraseCancel}, wantLast: store.ConsentOptIn},
		{name: "confirmed erasure shreds and leaves a tombstone", turns: []*pipeline.Turn{button("m1", ButtonAgree), button("m2", ButtonEraseConfirm)},
			wantReply: "erased", wantLast: store.ConsentErased, wantErased: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			led := &fakeLedger{events: tt.prior}
			rights := &fakeRights{}
			at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
			g := NewGate(led, rights, notice, func() time.Time { return at })
			last := run(t, g, tt.turns...)
			halted, _ := last.Halted()
			if halted == tt.wantPass {
				t.Fatalf("halted = %v, want pass = %v (out %+v)", halted, tt.wantPass, last.Out)
			}
			if !tt.wantPass {
				if len(last.Out) != 1 || !strings.Contains(last.Out[0].Text, tt.wantReply) {
					t.Fatalf("reply = %+v, want it to contain %q", last.Out, tt.wantReply)
				}
				var ids []string
				for _, b := range last.Out[0].Buttons {
					ids = append(ids, b.ID)
				}
				if tt.wantButtons != nil && strings.Join(ids, ",") != strings.Join(tt.wantButtons, ",") {
					t.Errorf("buttons = %v, want %v", ids, tt.wantButtons)
				}
			}
			var lastAction store.ConsentAction
			if n := len(led.events); n > 0 {
				lastAction = led.events[n-1].Action
				ev := led.events[n-1]
				if ev.Subject != "subj-1" || !ev.At.Equal(at) {
					t.Errorf("ledger event lacks subject or time: %+v", ev)
				}
				if ev.Action != store.ConsentNoticeShown && ev.Action == tt.wantLast && (ev.NoticeVersion != "v2" || ev.Evidence == "" || len(ev.Purposes) == 0) {
					t.Errorf("ledger event lacks version, evidence or purposes: %+v", ev)
				}
			}
			if lastAction != tt.wantLast {
				t.Errorf("last ledger action = %q, want %q", lastAction, tt.wantLast)
			}
			if tt.wantErased != (len(rights.erased) == 1) {
				t.Errorf("erased = %v", rights.erased)
			}
		})
	}
}

func TestGateNoticeRecordedOncePerVersion(t *testing.T) {
	led := &fakeLedger{}
	g := NewGate(led, &fakeRights{}, notice, nil)
	run(t, g, text("m1", "hi"), text("m2", "hello?"), text("m3", "anyone?"))
	if len(led.events) != 1 {
		t.Fatalf("want one notice_shown event, got %d", len(led.events))
	}
}

func TestGateLedgerFailureIsAnError(t *testing.T) {
	led := &fakeLedger{fail: errors.New("disk full")}
	g := NewGate(led, &fakeRights{}, notice, nil)
	err := g.Process(context.Background(), button("m1", ButtonAgree))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("want wrapped ledger error, got %v", err)
	}
}

func TestStatusOf(t *testing.T) {
	h := []store.ConsentEvent{
		{Action: store.ConsentNoticeShown, NoticeVersion: "v1"},
		{Action: store.ConsentOptIn, NoticeVersion: "v1"},
		{Action: store.ConsentWithdraw, NoticeVersion: "v1"},
		{Action: store.ConsentOptIn, NoticeVersion: "v2"},
	}
	st := StatusOf(h)
	if !st.OptedIn || st.NoticeVersion != "v2" {
		t.Fatalf("status = %+v", st)
	}
	if st := StatusOf(h[:3]); st.OptedIn || st.Last != store.ConsentWithdraw {
		t.Fatalf("status after withdraw = %+v", st)
	}
}
