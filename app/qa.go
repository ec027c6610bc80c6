package app

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/consent"
	"github.com/veilhq/veil/dialogs"
	"github.com/veilhq/veil/eval/conversations"
	"github.com/veilhq/veil/llm"
	"github.com/veilhq/veil/logging"
	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/bolt"
)

// QARunner runs `veil eval conversations` scripts on the real pipeline:
// each conversation gets a fresh App on a throwaway embedded store, a
// recording LLM (the real prompt builder; a canned completion instead of a
// network call), and recorders on the intent model, the logs and
// everything written to the store.
type QARunner struct {
	cfg config.Config
}

// NewQARunner loads the configuration (cfgPath may be "") for QA runs. The
// store is always a throwaway embedded one and the LLM is never called.
func NewQARunner(cfgPath string) (*QARunner, error) {
	cfg, err := config.Load(cfgPath, nil)
	if err != nil {
		return nil, err
	}
	cfg.DatabaseURL, cfg.MasterKey = "", ""
	cfg.Log.Level, cfg.Log.Pretty = "debug", false
	return &QARunner{cfg: cfg}, nil
}

var _ conversations.Runner = (*QARunner)(nil)

// Start implements conversations.Runner.
func (q *QARunner) Start(ctx context.Context, c conversations.ConversationInfo) (conversations.Session, error) {
	dir, err := os.MkdirTemp("", "veil-qa-*")
	if err != nil {
		return nil, err
	}
	cfg := q.cfg
	cfg.DataDir = dir
	if c.Language != "" {
		cfg.Anonymize.Language = c.Language
	}
	if c.Region != "" {
		cfg.Anonymize.DefaultRegion = strings.ToUpper(c.Region)
	}
	s := &qaSession{dir: dir, user: strings.TrimPrefix(c.UserID, "+"), rec: &recorder{}}
	st, err := bolt.Open(dir+"/veil.db", bolt.Options{NoSync: true})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	rst := &recordingStore{Store: st, rec: s.rec}
	log := logging.New(s.rec.writer("log"), cfg.Log.Level, false)
	bot := dialogs.ExampleBot()
	if cfg.Bot != "" {
		bot, err = dialogs.LoadFile(cfg.Bot)
	}
	var parser nlu.Parser
	if err == nil {
		parser, err = newNLU(ctx, cfg, bot, st, log)
	}
	if err != nil {
		st.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	prompts, err := llm.New(llm.Config{APIKey: "qa", Model: cfg.OpenAI.Model}, rst, log)
	if err != nil {
		st.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	a, err := New(ctx, cfg, log, Options{
		Store:    rst,
		NLU:      recordingParser{p: parser, rec: s.rec},
		Fallback: generated{recordingLLM{prompts: prompts, rec: s.rec}},
	})
	if err != nil {
		st.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	s.app = a
	return s, nil
}

type qaSession struct {
	app  *App
	dir  string
	user string
	rec  *recorder
	n    int
}

func (s *qaSession) Send(ctx context.Context, m conversations.Message) (conversations.TurnResult, error) {
	s.n++
	in := Inbound{ID: fmt.Sprintf("qa.%d", s.n), From: s.user, Kind: pipeline.KindText, Text: m.Text, Timestamp: time.Now().UTC()}
	if m.ButtonID != "" {
		in.Kind, in.ButtonID = pipeline.KindButton, m.ButtonID
	}
	item, fresh, err := s.app.accept(ctx, in)
	if err != nil || !fresh {
		return conversations.TurnResult{}, fmt.Errorf("accept: %v (fresh %v)", err, fresh)
	}
	turn, err := s.app.process(ctx, item)
	var res conversations.TurnResult
	if turn != nil {
		res.Intent = turn.Intent
		for _, r := range turn.Out {
			res.Replies = append(res.Replies, r.Text)
			for _, b := range r.Buttons {
				res.Buttons = append(res.Buttons, b.Title)
			}
		}
	}
	if err != nil && turn == nil {
		return res, err
	}
	hist, herr := s.app.Store.ConsentHistory(ctx, s.app.Keys.Subject(s.user))
	if herr != nil {
		return res, herr
	}
	res.Consent = consentState(hist)
	return res, nil
}

func consentState(hist []store.ConsentEvent) string {
	if len(hist) == 0 {
		return conversations.ConsentNone
	}
	st := consent.StatusOf(hist)
	switch {
	case st.OptedIn:
		return conversations.ConsentOptedIn
	case st.Last == store.ConsentDecline:
		return conversations.ConsentDeclined
	case st.Last == store.ConsentWithdraw:
		return conversations.ConsentWithdrawn
	case st.Last == store.ConsentErased:
		return conversations.ConsentErased
	}
	return conversations.ConsentNotice
}

func (s *qaSession) Observed(context.Context) (map[string][]string, error) {
	return s.rec.snapshot(), nil
}

func (s *qaSession) Close(ctx context.Context) error {
	err := s.app.Close(ctx)
	os.RemoveAll(s.dir)
	return err
}

// recorder keeps what crossed the PII boundary, per sink.
type recorder struct {
	mu    sync.Mutex
	sinks map[string][]string
}

func (r *recorder) add(sink string, vals ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sinks == nil {
		r.sinks = map[string][]string{}
	}
	r.sinks[sink] = append(r.sinks[sink], vals...)
}

func (r *recorder) snapshot() map[string][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string][]string, len(r.sinks))
	for k, v := range r.sinks {
		out[k] = append([]string(nil), v...)
	}
	return out
}

type sinkWriter struct {
	r    *recorder
	sink string
}

func (w sinkWriter) Write(p []byte) (int, error) {
	for _, line := range bytes.Split(bytes.TrimSpace(p), []byte("\n")) {
		w.r.add(w.sink, string(line))
	}
	return len(p), nil
}

func (r *recorder) writer(sink string) sinkWriter { return sinkWriter{r: r, sink: sink} }

// recordingParser records every text the intent model sees.
type recordingParser struct {
	p   nlu.Parser
	rec *recorder
}

func (p recordingParser) Parse(ctx context.Context, text string) (nlu.Result, error) {
	p.rec.add("nlu", text)
	return p.p.Parse(ctx, text)
}

// recordingLLM builds the real prompt, records it and answers with a canned
// completion that echoes the pseudonyms it was given.
type recordingLLM struct {
	prompts *llm.Responder
	rec     *recorder
}

func (l recordingLLM) Respond(ctx context.Context, t *pipeline.Turn) (pipeline.Reply, error) {
	msgs, err := l.prompts.Messages(ctx, t)
	if err != nil {
		return pipeline.Reply{}, err
	}
	for _, m := range msgs {
		l.rec.add("llm", m.Content)
	}
	return pipeline.Reply{Text: "(assistant) I've noted: " + t.Redacted}, nil
}

// recordingStore records every value written to the store, as written
// (encrypted fields as their ciphertext).
type recordingStore struct {
	store.Store
	rec *recorder
}

func (s *recordingStore) AppendConsent(ctx context.Context, ev store.ConsentEvent) (store.ConsentEvent, error) {
	s.rec.add("store", ev.Subject, ev.Evidence, ev.NoticeVersion, strings.Join(ev.Purposes, ","))
	return s.Store.AppendConsent(ctx, ev)
}

func (s *recordingStore) Accept(ctx context.Context, it store.InboxItem) (bool, error) {
	s.rec.add("store", it.ID, it.Subject, string(it.Payload))
	return s.Store.Accept(ctx, it)
}

func (s *recordingStore) PutKey(ctx context.Context, subject string, wrapped []byte) ([]byte, error) {
	s.rec.add("store", subject, string(wrapped))
	return s.Store.PutKey(ctx, subject, wrapped)
}

func (s *recordingStore) PutEntry(ctx context.Context, e store.VaultEntry) error {
	s.rec.add("store", e.Conversation, e.Subject, e.Token, e.Type, hex.EncodeToString(e.Index), string(e.Value))
	return s.Store.PutEntry(ctx, e)
}

func (s *recordingStore) AppendRecord(ctx context.Context, r store.Record) error {
	s.rec.add("store", r.Subject, r.Conversation, r.MessageID, r.Text, r.Intent)
	return s.Store.AppendRecord(ctx, r)
}

func (s *recordingStore) PutState(ctx context.Context, conv, subject string, state []byte, expires time.Time) error {
	s.rec.add("store", conv, subject, string(state))
	return s.Store.PutState(ctx, conv, subject, state, expires)
}
