package consent

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store"
)

// Button IDs the gate sends and understands.
const (
	ButtonAgree        = "consent:agree"
	ButtonDecline      = "consent:decline"
	ButtonWithdraw     = "consent:withdraw"
	ButtonEraseConfirm = "rights:erase:confirm"
	ButtonEraseCancel  = "rights:erase:cancel"
	ButtonExport       = "rights:export"
	ButtonDeleteMyData = "rights:erase"
)

// Notice is the privacy notice users opt in to.
type Notice struct {
	Version  string
	Text     string
	Purposes []string
}

// DataSummary is what the store holds about a subject, without values.
type DataSummary struct {
	Messages      int            // retained transcript records
	VaultEntries  map[string]int // pseudonymized values per entity type
	OldestExpires time.Time      // zero when nothing is kept
}

// Rights carries out data-subject requests on the stores.
type Rights interface {
	Summary(ctx context.Context, subject, conversation string) (DataSummary, error)
	// Export returns everything kept about the subject as JSON,
	// re-identified for them alone (portability).
	Export(ctx context.Context, subject, conversation string) ([]byte, error)
	// Erase crypto-shreds the subject's key and deletes their rows.
	Erase(ctx context.Context, subject string) error
}

// Gate is the consent stage.
type Gate struct {
	ledger store.ConsentLedger
	rights Rights
	notice Notice
	now    func() time.Time
}

// NewGate builds the consent stage. now may be nil (time.Now).
func NewGate(ledger store.ConsentLedger, rights Rights, notice Notice, now func() time.Time) *Gate {
	if now == nil {
		now = time.Now
	}
	return &Gate{ledger: ledger, rights: rights, notice: notice, now: now}
}

var _ pipeline.Stage = (*Gate)(nil)

// Name implements pipeline.Stage.
func (g *Gate) Name() string { return "consent" }

// command is what a message asks of the gate.
type command int

const (
	cmdNone command = iota
	cmdAgree
	cmdDecline
	cmdWithdraw
	cmdMyData
	cmdDeleteMyData
	cmdEraseConfirm
	cmdEraseCancel
	cmdExport
)

var keywords = map[string]command{
	"stop": cmdWithdraw, "unsubscribe": cmdWithdraw, "opt out": cmdWithdraw, "baja": cmdWithdraw, "parar": cmdWithdraw,
	"start": cmdAgree, "i agree": cmdAgree, "acepto": cmdAgree,
	"no thanks": cmdDecline,
	"my data":   cmdMyData, "mis datos": cmdMyData,
	"export my data": cmdExport, "exportar mis datos": cmdExport,
	"delete my data": cmdDeleteMyData, "erase my data": cmdDeleteMyData, "borrar mis datos": cmdDeleteMyData,
}

var buttons = map[string]command{
	ButtonAgree: cmdAgree, ButtonDecline: cmdDecline, ButtonWithdraw: cmdWithdraw,
	ButtonEraseConfirm: cmdEraseConfirm, ButtonEraseCancel: cmdEraseCancel, ButtonExport: cmdExport,
	ButtonDeleteMyData: cmdDeleteMyData,
}

// normalize lowercases, trims and drops punctuation so "Stop!" matches.
func normalize(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func classify(t *pipeline.Turn) command {
	if t.Kind == pipeline.KindButton {
		if c, ok := buttons[t.ButtonID]; ok {
			return c
		}
	}
	if t.Kind == pipeline.KindText || t.Kind == pipeline.KindButton {
		return keywords[normalize(t.Text)]
	}
	return cmdNone
}

// Status is a subject's consent state derived from the ledger.
type Status struct {
	OptedIn       bool
	NoticeVersion string // version of the last decision
	Last          store.ConsentAction
	Since         time.Time
	noticeShown   string // version of a notice shown after the last decision
}

// StatusOf folds a ledger history into the current state.
func StatusOf(history []store.ConsentEvent) Status {
	var s Status
	for _, ev := range history {
		switch ev.Action {
		case store.ConsentNoticeShown:
			s.noticeShown = ev.NoticeVersion
		case store.ConsentOptIn:
			s = Status{OptedIn: true, NoticeVersion: ev.NoticeVersion, Last: ev.Action, Since: ev.At}
		case store.ConsentDecline, store.ConsentWithdraw, store.ConsentErased:
			s = Status{NoticeVersion: ev.NoticeVersion, Last: ev.Action, Since: ev.At}
		}
	}
	return s
}

// Process implements pipeline.Stage.
func (g *Gate) Process(ctx context.Context, t *pipeline.Turn) error {
	history, err := g.ledger.ConsentHistory(ctx, t.Subject)
	if err != nil {
		return fmt.Errorf("consent history: %w", err)
	}
	st := StatusOf(history)
	switch classify(t) {
	case cmdWithdraw:
		if err := g.record(ctx, t, store.ConsentWithdraw); err != nil {
			return err
		}
		t.Halt(pipeline.Reply{
			Text:    "You have opted out: nothing you send will be processed. Tap \"I agree\" or send START to opt in again.",
			Buttons: []pipeline.Button{{ID: ButtonAgree, Title: "I agree"}},
		})
		return nil
	case cmdAgree:
		if err := g.record(ctx, t, store.ConsentOptIn); err != nil {
			return err
		}
		t.Halt(pipeline.Reply{Text: "Thank you! You can opt out at any time by sending STOP. How can I help you today?"})
		return nil
	case cmdDecline:
		if err := g.record(ctx, t, store.ConsentDecline); err != nil {
			return err
		}
		t.Halt(pipeline.Reply{
			Text:    "Understood: nothing you send will be processed or kept. Tap \"I agree\" if you change your mind.",
			Buttons: []pipeline.Button{{ID: ButtonAgree, Title: "I agree"}},
		})
		return nil
	case cmdMyData:
		sum, err := g.rights.Summary(ctx, t.Subject, t.Conversation)
		if err != nil {
			return fmt.Errorf("data summary: %w", err)
		}
		buttons := []pipeline.Button{{ID: ButtonExport, Title: "Export (JSON)"}}
		if st.OptedIn {
			buttons = append(buttons, pipeline.Button{ID: ButtonWithdraw, Title: "Opt out"})
		}
		buttons = append(buttons, pipeline.Button{ID: ButtonDeleteMyData, Title: "Delete my data"})
		t.Halt(pipeline.Reply{Text: describe(st, sum), Buttons: buttons})
		return nil
	case cmdExport:
		data, err := g.rights.Export(ctx, t.Subject, t.Conversation)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		t.Halt(pipeline.Reply{Text: "Everything we keep about you, as JSON:\n" + string(data)})
		return nil
	case cmdDeleteMyData:
		t.Halt(pipeline.Reply{
			Text: "This permanently erases everything we keep about you: transcripts, the personal details you shared " +
				"and your conversation state. Your consent history is kept only as an anonymous record. Erase now?",
			Buttons: []pipeline.Button{{ID: ButtonEraseConfirm, Title: "Erase my data"}, {ID: ButtonEraseCancel, Title: "Cancel"}},
		})
		return nil
	case cmdEraseConfirm:
		if err := g.rights.Erase(ctx, t.Subject); err != nil {
			return fmt.Errorf("erase: %w", err)
		}
		if err := g.record(ctx, t, store.ConsentErased); err != nil {
			return err
		}
		t.Halt(pipeline.Reply{Text: "Done: your data has been erased. If you write again, we will ask for your consent first."})
		return nil
	case cmdEraseCancel:
		t.Halt(pipeline.Reply{Text: "Nothing was deleted."})
		return nil
	}
	if st.OptedIn && st.NoticeVersion == g.notice.Version {
		return nil // consented to the current notice: carry on
	}
	if st.noticeShown != g.notice.Version {
		if err := g.record(ctx, t, store.ConsentNoticeShown); err != nil {
			return err
		}
	}
	text := g.notice.Text
	if st.OptedIn { // consented to an older notice
		text = "Our privacy notice has changed. " + text
	}
	t.Halt(pipeline.Reply{Text: text, Buttons: []pipeline.Button{{ID: ButtonAgree, Title: "I agree"}, {ID: ButtonDecline, Title: "No thanks"}}})
	return nil
}

func (g *Gate) record(ctx context.Context, t *pipeline.Turn, action store.ConsentAction) error {
	_, err := g.ledger.AppendConsent(ctx, store.ConsentEvent{
		Subject:       t.Subject,
		At:            g.now().UTC(),
		Action:        action,
		NoticeVersion: g.notice.Version,
		Purposes:      g.notice.Purposes,
		Evidence:      t.MessageID,
	})
	if err != nil {
		return fmt.Errorf("consent ledger %s: %w", action, err)
	}
	return nil
}

func describe(st Status, sum DataSummary) string {
	var b strings.Builder
	switch {
	case st.OptedIn:
		fmt.Fprintf(&b, "Consent: given on %s to notice %s.\n", st.Since.Format("2006-01-02"), st.NoticeVersion)
	case st.Last == "":
		b.WriteString("Consent: not given.\n")
	default:
		fmt.Fprintf(&b, "Consent: %s on %s.\n", strings.ReplaceAll(string(st.Last), "_", " "), st.Since.Format("2006-01-02"))
	}
	fmt.Fprintf(&b, "Messages kept (with personal details replaced): %d.\n", sum.Messages)
	if len(sum.VaultEntries) == 0 {
		b.WriteString("Personal details kept: none.")
	} else {
		b.WriteString("Personal details kept (encrypted):")
		for _, typ := range slices.Sorted(maps.Keys(sum.VaultEntries)) {
			fmt.Fprintf(&b, " %s ×%d", strings.ToLower(strings.ReplaceAll(typ, "_", " ")), sum.VaultEntries[typ])
		}
		b.WriteString(".")
	}
	if !sum.OldestExpires.IsZero() {
		fmt.Fprintf(&b, "\nEverything expires by %s at the latest. Send DELETE MY DATA to erase it now.", sum.OldestExpires.Format("2006-01-02"))
	}
	return b.String()
}
