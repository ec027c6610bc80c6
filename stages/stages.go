package stages

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/dialogs"
	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/nlu/chain"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store"
)

// Interface guards.
var (
	_ pipeline.Stage = (*PII)(nil)
	_ pipeline.Stage = (*Route)(nil)
	_ pipeline.Stage = (*Respond)(nil)
	_ pipeline.Stage = (*Record)(nil)
)

func conversation(t *pipeline.Turn) anonymize.Conversation {
	return anonymize.Conversation{ID: t.Conversation, Subject: t.Subject, Region: t.Region, Language: t.Language}
}

// PII replaces personal data in the turn's text by pseudonyms.
type PII struct{ Engine *anonymize.Engine }

func (s *PII) Name() string { return "pii" }

func (s *PII) Process(ctx context.Context, t *pipeline.Turn) error {
	if t.Text == "" {
		return nil
	}
	res, err := s.Engine.Anonymize(ctx, conversation(t), t.Text)
	if err != nil {
		return fmt.Errorf("anonymize: %w", err)
	}
	t.Redacted, t.Spans = res.Text, res.Spans
	return nil
}

// Fallback answers turns no dialog took (the LLM, when configured).
// It sees pseudonymized text only and returns a pseudonymized reply.
type Fallback interface {
	Respond(ctx context.Context, t *pipeline.Turn) (pipeline.Reply, error)
}

// Route picks an intent and lets a dialog, the fallback or the bot's
// canned reply answer; when the NLU cannot tell two intents apart it asks
// the user with reply buttons.
type Route struct {
	NLU nlu.Parser
	// Decide turns the NLU's ranking into an intent, a clarifying question
	// or the fallback (nlu/chain.Decide); nil acts on the top intent when
	// its confidence reaches Threshold.
	Decide    func(nlu.Result) chain.Decision
	Threshold float64
	Dialogs   *dialogs.Engine
	Fallback  Fallback // nil: the bot's canned fallback reply
	Log       zerolog.Logger
}

func (s *Route) decide(res nlu.Result) chain.Decision {
	if s.Decide != nil {
		return s.Decide(res)
	}
	if top := res.Top(); top.Name != "" && top.Name != nlu.OutOfScope && top.Confidence >= s.Threshold {
		return chain.Decision{Intent: top.Name}
	}
	return chain.Decision{}
}

func (s *Route) Name() string { return "route" }

func (s *Route) Process(ctx context.Context, t *pipeline.Turn) error {
	bot := s.Dialogs.Bot()
	switch t.Kind {
	case pipeline.KindMedia, pipeline.KindLocation, pipeline.KindContacts:
		t.Reply(pipeline.Reply{Text: bot.Media})
		return nil
	case pipeline.KindReaction, pipeline.KindUnknown:
		return nil // acknowledged, not answered
	}
	if name, ok := strings.CutPrefix(t.ButtonID, dialogs.IntentButtonPrefix); ok {
		t.NLU = nlu.Result{Intents: []nlu.Intent{{Name: name, Confidence: 1}}}
		t.Intent = name
	} else if t.ButtonID == "" || !strings.HasPrefix(t.ButtonID, "dialog:") {
		res, err := s.NLU.Parse(ctx, t.Redacted)
		if err != nil {
			return fmt.Errorf("nlu: %w", err)
		}
		t.NLU = res
		d := s.decide(res)
		t.Intent = d.Intent
		if len(d.Clarify) > 0 && !s.Dialogs.Active(ctx, t.Conversation) {
			r := pipeline.Reply{Text: "Sorry, I'm not sure I understood. Did you mean:"}
			for _, c := range d.Clarify {
				r.Buttons = append(r.Buttons, pipeline.Button{ID: dialogs.IntentButtonPrefix + c.Name, Title: bot.Title(c.Name)})
			}
			t.Reply(r)
			return nil
		}
	}
	out, err := s.Dialogs.Handle(ctx, dialogs.Input{
		Conversation: t.Conversation, Subject: t.Subject, Intent: t.Intent, Text: t.Redacted, ButtonID: t.ButtonID,
	})
	if err != nil {
		return fmt.Errorf("dialogs: %w", err)
	}
	if out.Handled {
		for _, r := range out.Replies {
			t.Reply(r)
		}
		return nil
	}
	if s.Fallback != nil {
		r, err := s.Fallback.Respond(ctx, t)
		if err == nil {
			t.Reply(r)
			return nil
		}
		s.Log.Warn().Str("msg_id", t.MessageID).Err(err).Msg("fallback responder failed; using the canned reply")
	}
	t.Reply(pipeline.Reply{Text: bot.Fallback})
	return nil
}

// Respond re-identifies the replies for this conversation only; generated
// replies pass the output guard first.
type Respond struct{ Engine *anonymize.Engine }

func (s *Respond) Name() string { return "respond" }

func (s *Respond) Process(ctx context.Context, t *pipeline.Turn) error {
	conv := conversation(t)
	for _, r := range t.Replies {
		reidentify := s.Engine.Restore
		if r.Generated {
			reidentify = s.Engine.Reidentify
		}
		text, err := reidentify(ctx, conv, r.Text)
		if err != nil {
			return fmt.Errorf("reidentify: %w", err)
		}
		r.Text = text
		t.Out = append(t.Out, r)
	}
	return nil
}

// Retention says how long each kind of record is kept.
type Retention struct {
	UserText, BotText time.Duration
}

// Record keeps the pseudonymized turn with an expiry.
type Record struct {
	Store     store.Transcripts
	Retention Retention
	Now       func() time.Time
}

func (s *Record) Name() string { return "record" }

func (s *Record) Process(ctx context.Context, t *pipeline.Turn) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	at := now().UTC()
	recs := []store.Record{{
		Subject: t.Subject, Conversation: t.Conversation, Kind: store.RecordUser, MessageID: t.MessageID,
		Text: t.Redacted, Intent: t.Intent, At: at, Expires: at.Add(s.Retention.UserText),
	}}
	for _, r := range t.Replies {
		recs = append(recs, store.Record{
			Subject: t.Subject, Conversation: t.Conversation, Kind: store.RecordBot,
			Text: r.Text, Intent: t.Intent, At: at, Expires: at.Add(s.Retention.BotText),
		})
	}
	for _, r := range recs {
		if err := s.Store.AppendRecord(ctx, r); err != nil {
			return fmt.Errorf("record: %w", err)
		}
	}
	return nil
}
