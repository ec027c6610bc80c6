package app

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/consent"
	"github.com/veilhq/veil/dialogs"
	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/nlu"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/stages"
	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/bolt"
	"github.com/veilhq/veil/store/postgres"
)

// Sender delivers a reply to a user of the channel.
type Sender interface {
	Send(ctx context.Context, to string, r pipeline.Reply) error
}

// SenderFunc lets a function act as a Sender.
type SenderFunc func(ctx context.Context, to string, r pipeline.Reply) error

func (f SenderFunc) Send(ctx context.Context, to string, r pipeline.Reply) error {
	return f(ctx, to, r)
}

// Options are the parts of an App that are not configuration.
type Options struct {
	Sender   Sender           // where replies go; nil drops them (chat collects them itself)
	Now      func() time.Time // clock; nil = time.Now
	Fallback stages.Fallback  // answers what no dialog takes; nil = the LLM when configured, else the bot's canned reply
	NLU      nlu.Parser       // nil = the configured nlu.pipeline; decisions always use its thresholds
	Store    store.Store      // nil = open the configured store
	Keystore keystore         // nil = keystore_url, or the main store
	Workers  int              // turns processed at once across users; 0 = 8
}

// App is a running Veil.
type App struct {
	Config  config.Config
	Log     zerolog.Logger
	Store   store.Store
	Keys    *keyring.Keyring
	Engine  *anonymize.Engine
	Dialogs *dialogs.Engine
	Runner  *pipeline.Runner

	sender  Sender
	now     func() time.Time
	disp    *dispatcher // embedded store: in-process, per-user queues
	workers int
	queue   sharedQueue // shared store (PostgreSQL): claims and an outbox
	ready   atomic.Bool
	stop    chan struct{}
	bg      sync.WaitGroup

	wakeInbox, wakeOutbox chan struct{}
	closers               []interface{ Close() error }
}

// New builds an App from cfg. It opens the store and the keyring but does
// not start processing: call Start.
func New(ctx context.Context, cfg config.Config, log zerolog.Logger, opts Options) (a *App, err error) {
	a = &App{Config: cfg, Log: log, sender: opts.Sender, now: opts.Now, stop: make(chan struct{})}
	if a.now == nil {
		a.now = time.Now
	}
	st := opts.Store
	if st == nil {
		if st, err = openStore(ctx, cfg); err != nil {
			return nil, err
		}
	}
	a.Store = st
	defer func() {
		if err != nil {
			st.Close()
		}
	}()
	master, err := masterKey(cfg, log)
	if err != nil {
		return nil, err
	}
	var keys keystore = opts.Keystore
	if keys == nil {
		if keys, err = openKeystore(ctx, cfg, st); err != nil {
			return nil, err
		}
	}
	if keys != st {
		a.closers = append(a.closers, keys)
	}
	if a.Keys, err = keyring.New(master, keys); err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	if err := checkMasterKey(ctx, st, a.Keys); err != nil {
		return nil, err
	}
	analyzer, err := newAnalyzer(cfg.Anonymize)
	if err != nil {
		return nil, err
	}
	ops, err := operators(cfg.Anonymize)
	if err != nil {
		return nil, err
	}
	if a.Engine, err = anonymize.NewEngine(anonymize.EngineConfig{Operators: ops, VaultTTL: cfg.Retention.Vault, Now: a.now},
		analyzer, st, a.Keys); err != nil {
		return nil, fmt.Errorf("anonymize: %w", err)
	}
	bot := dialogs.ExampleBot()
	if cfg.Bot != "" {
		if bot, err = dialogs.LoadFile(cfg.Bot); err != nil {
			return nil, err
		}
	}
	a.Dialogs = dialogs.NewEngine(bot, st, cfg.Retention.DialogState, a.now)
	nluChain, err := newNLU(ctx, cfg, bot, st, log)
	if err != nil {
		return nil, err
	}
	var parser nlu.Parser = nluChain
	if opts.NLU != nil {
		parser = opts.NLU
	}
	fallback := opts.Fallback
	if fallback == nil {
		if fallback, err = newLLMFallback(cfg.OpenAI, st, log); err != nil {
			return nil, err
		}
	}
	notice := consent.Notice{Version: cfg.Consent.NoticeVersion, Text: cfg.Consent.NoticeText, Purposes: cfg.Consent.Purposes}
	a.Runner = pipeline.NewRunner(log, pipeline.Options{Timeout: cfg.Pipeline.TurnTimeout, Now: a.now},
		consent.NewGate(st, rights{a}, notice, a.now),
		&stages.PII{Engine: a.Engine},
		&stages.Route{NLU: parser, Decide: nluChain.Decide, Dialogs: a.Dialogs, Fallback: fallback, Log: log},
		&stages.Respond{Engine: a.Engine},
		&stages.Record{Store: st, Retention: stages.Retention{UserText: cfg.Retention.UserText, BotText: cfg.Retention.BotText}, Now: a.now},
	)
	workers := opts.Workers
	if workers <= 0 {
		workers = 8
	}
	a.workers = workers
	a.disp = newDispatcher(workers, a.handle)
	if q, ok := st.(sharedQueue); ok {
		a.queue = q
		a.wakeInbox, a.wakeOutbox = make(chan struct{}, 1), make(chan struct{}, 1)
	}
	return a, nil
}

func openStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	if !cfg.Embedded() {
		return openPostgres(ctx, cfg)
	}
	st, err := bolt.Open(filepath.Join(cfg.DataDir, "veil.db"), bolt.Options{})
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	return st, nil
}

// keystore is a store that holds the per-user data keys.
type keystore interface {
	store.KeyStore
	Close() error
}

// openKeystore opens the separate key store when keystore_url is set, or
// returns the main store.
func openKeystore(ctx context.Context, cfg config.Config, st store.Store) (keystore, error) {
	switch {
	case cfg.KeystoreURL == "":
		return st, nil
	case strings.HasPrefix(cfg.KeystoreURL, "file:"):
		ks, err := bolt.Open(strings.TrimPrefix(cfg.KeystoreURL, "file:"), bolt.Options{})
		if err != nil {
			return nil, fmt.Errorf("keystore_url (VEIL_KEYSTORE_URL): %w", err)
		}
		return ks, nil
	default:
		ks, err := postgres.Open(ctx, cfg.KeystoreURL, postgres.Options{})
		if err != nil {
			return nil, fmt.Errorf("keystore_url (VEIL_KEYSTORE_URL): %w", err)
		}
		if err := ks.CheckSchema(ctx); err != nil {
			ks.Close()
			return nil, fmt.Errorf("keystore_url (VEIL_KEYSTORE_URL): %w", err)
		}
		return ks, nil
	}
}

// masterKey reads VEIL_MASTER_KEY, or on the embedded store the key file
// in the data dir, created on first start.
func masterKey(cfg config.Config, log zerolog.Logger) ([]byte, error) {
	if cfg.MasterKey != "" {
		k, err := keyring.ParseMasterKey(cfg.MasterKey)
		if err != nil {
			return nil, fmt.Errorf("master_key (VEIL_MASTER_KEY): %w", err)
		}
		return k, nil
	}
	path := filepath.Join(cfg.DataDir, "master.key")
	k, created, err := keyring.LoadOrCreateMasterKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	if created {
		log.Warn().Str("path", path).Msg("generated a new master key (mode 0600); back it up: without it stored data cannot be read")
	}
	if !cfg.Embedded() {
		log.Warn().Str("path", path).Msg("using the master key file of this data dir: set VEIL_MASTER_KEY, the same on every replica, to run more than one")
	}
	return k, nil
}

// settingStore is a shared store that records values replicas must agree on.
type settingStore interface {
	EnsureSetting(ctx context.Context, name string, value []byte) ([]byte, error)
}

// checkMasterKey refuses a master key other than the one the shared
// database's data was sealed under, before anything is written with it.
func checkMasterKey(ctx context.Context, st store.Store, keys *keyring.Keyring) error {
	ss, ok := st.(settingStore)
	if !ok {
		return nil
	}
	check := keys.Hash("veil master key check v1", nil)
	stored, err := ss.EnsureSetting(ctx, "master_key_check", check)
	if err != nil {
		return err
	}
	if !hmac.Equal(stored, check) {
		return errors.New("master_key (VEIL_MASTER_KEY): this database was set up with another master key; give every replica the same VEIL_MASTER_KEY")
	}
	return nil
}

// Start begins processing and starts the purge timer (when purgeEvery > 0).
// On the embedded store it replays pending inbox items in this process; on
// a shared store (PostgreSQL) it starts workers that claim inbox items
// alongside other replicas, and an outbox sender. Call it once.
func (a *App) Start(ctx context.Context, purgeEvery time.Duration) error {
	if purgeEvery > 0 {
		a.bg.Add(1)
		go a.purgeLoop(purgeEvery)
	}
	if a.queue != nil {
		a.startReplica(a.workers)
		a.ready.Store(true)
		return nil
	}
	pending, err := a.Store.Pending(ctx)
	if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	for _, it := range pending {
		a.disp.enqueue(it)
	}
	if len(pending) > 0 {
		a.Log.Info().Int("items", len(pending)).Msg("resuming pending inbox")
	}
	a.ready.Store(true)
	return nil
}

func (a *App) purgeLoop(every time.Duration) {
	defer a.bg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-a.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), every)
			var err error
			if a.queue != nil { // one replica at a time
				_, err = a.queue.WithLeaderLock(ctx, "purge", func(ctx context.Context) error {
					_, err := a.Purge(ctx)
					return err
				})
			} else {
				_, err = a.Purge(ctx)
			}
			if err != nil {
				a.Log.Error().Err(err).Msg("purge failed")
			}
			cancel()
		}
	}
}

// Purge removes every expired record, vault entry, state and old message ID.
func (a *App) Purge(ctx context.Context) (store.PurgeStats, error) {
	st, err := a.Store.Purge(ctx, a.now(), a.Config.Retention.Dedupe)
	if err != nil {
		return st, fmt.Errorf("purge: %w", err)
	}
	a.Log.Info().Int("records", st.Records).Int("vault", st.VaultEntries).Int("states", st.States).Int("seen_ids", st.SeenIDs).Msg("purged")
	return st, nil
}

// Ready reports whether the App processes messages.
func (a *App) Ready() bool { return a.ready.Load() }

// Close stops accepting, waits for in-flight turns (bounded by ctx) and
// closes the store.
func (a *App) Close(ctx context.Context) error {
	a.ready.Store(false)
	select {
	case <-a.stop:
	default:
		close(a.stop)
	}
	a.bg.Wait()
	werr := a.disp.wait(ctx)
	for _, c := range a.closers {
		if err := c.Close(); err != nil {
			return err
		}
	}
	if err := a.Store.Close(); err != nil {
		return err
	}
	return werr
}

func inboxAAD(id string) []byte { return []byte("veil/inbox/v1\x00" + id) }

// Submit accepts a message into the inbox and queues it for processing.
// It reports false for a message ID seen before.
func (a *App) Submit(ctx context.Context, in Inbound) (bool, error) {
	item, fresh, err := a.accept(ctx, in)
	if err != nil || !fresh {
		return fresh, err
	}
	if a.queue != nil {
		poke(a.wakeInbox) // a worker of some replica claims it
		return true, nil
	}
	a.disp.enqueue(item)
	return true, nil
}

func (a *App) accept(ctx context.Context, in Inbound) (store.InboxItem, bool, error) {
	if in.ID == "" || in.From == "" {
		return store.InboxItem{}, false, errors.New("inbound message without ID or sender")
	}
	subject := a.Keys.Subject(in.From)
	raw, err := json.Marshal(in)
	if err != nil {
		return store.InboxItem{}, false, err
	}
	sealed, err := a.Keys.Seal(ctx, subject, raw, inboxAAD(in.ID))
	if err != nil {
		return store.InboxItem{}, false, fmt.Errorf("seal inbox item: %w", err)
	}
	item := store.InboxItem{ID: in.ID, Subject: subject, Received: a.now().UTC(), Payload: sealed}
	fresh, err := a.Store.Accept(ctx, item)
	if err != nil {
		return item, false, fmt.Errorf("inbox: %w", err)
	}
	return item, fresh, nil
}

// Converse accepts a message and processes it at once, returning the
// replies instead of sending them (veil chat, eval conversations). A
// duplicate ID returns no replies.
func (a *App) Converse(ctx context.Context, in Inbound) ([]pipeline.Reply, error) {
	item, fresh, err := a.accept(ctx, in)
	if err != nil || !fresh {
		return nil, err
	}
	turn, err := a.process(ctx, item)
	if turn == nil {
		return nil, err
	}
	return turn.Out, nil
}

// handle is the embedded dispatcher's per-item work: run the turn, send,
// complete. A crash between sending and completing makes the turn run again
// at start (at-least-once); the PostgreSQL mode goes through an outbox.
func (a *App) handle(item store.InboxItem) {
	ctx := context.Background()
	turn, _ := a.runTurn(ctx, item)
	if turn != nil && a.sender != nil {
		for _, r := range turn.Out {
			if err := a.sender.Send(ctx, turn.UserID, r); err != nil {
				a.Log.Error().Str("msg_id", item.ID).Str("user", turn.LogID).Err(err).Msg("send failed")
			}
		}
	}
	a.complete(ctx, item.ID)
}

// process runs one inbox item through the pipeline and completes it.
func (a *App) process(ctx context.Context, item store.InboxItem) (*pipeline.Turn, error) {
	turn, err := a.runTurn(ctx, item)
	a.complete(ctx, item.ID)
	return turn, err
}

func (a *App) complete(ctx context.Context, id string) {
	if err := a.Store.Complete(ctx, id); err != nil {
		a.Log.Error().Str("msg_id", id).Err(err).Msg("inbox complete failed")
	}
}

// runTurn opens an inbox item and runs it through the pipeline. It returns
// a nil turn when there is nothing to process (the user's key was shredded,
// or the item is unreadable); a turn with an error when a stage failed (the
// runner logged it and put a safe reply in turn.Out).
func (a *App) runTurn(ctx context.Context, item store.InboxItem) (*pipeline.Turn, error) {
	raw, err := a.Keys.Open(ctx, item.Subject, item.Payload, inboxAAD(item.ID))
	if errors.Is(err, keyring.ErrShredded) {
		return nil, nil // the user erased their data meanwhile
	}
	if err != nil {
		a.Log.Error().Str("msg_id", item.ID).Err(err).Msg("inbox item unreadable")
		return nil, err
	}
	var in Inbound
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, fmt.Errorf("inbox item %s: %w", item.ID, err)
	}
	turn := a.turn(in, item.Subject)
	return turn, a.Runner.Run(ctx, turn)
}

func (a *App) turn(in Inbound, subject string) *pipeline.Turn {
	region := anonymize.RegionForNumber(in.From)
	if region == "" {
		region = a.Config.Anonymize.DefaultRegion
	}
	return &pipeline.Turn{
		MessageID:    in.ID,
		UserID:       in.From,
		Subject:      subject,
		LogID:        a.Keys.LogID(in.From),
		Conversation: subject,
		Region:       region,
		Language:     a.Config.Anonymize.Language,
		Received:     in.Timestamp,
		Kind:         in.Kind,
		Text:         in.Text,
		ButtonID:     in.ButtonID,
	}
}

// rights implements consent.Rights over the App's store and keyring.
type rights struct{ a *App }

func (r rights) Summary(ctx context.Context, subject, conversation string) (consent.DataSummary, error) {
	var sum consent.DataSummary
	recs, err := r.a.Store.Records(ctx, subject)
	if err != nil {
		return sum, err
	}
	for _, rec := range recs {
		if rec.Kind == store.RecordStatus {
			continue
		}
		sum.Messages++
		if rec.Expires.After(sum.OldestExpires) {
			sum.OldestExpires = rec.Expires
		}
	}
	entries, err := r.a.Store.Entries(ctx, conversation)
	if err != nil {
		return sum, err
	}
	sum.VaultEntries = map[string]int{}
	for _, e := range entries {
		sum.VaultEntries[e.Type]++
		if e.Expires.After(sum.OldestExpires) {
			sum.OldestExpires = e.Expires
		}
	}
	return sum, nil
}

// export is the portable copy of what Veil keeps about a user.
type export struct {
	Subject         string               `json:"subject"` // the keyed hash the stores know you by
	Consent         []store.ConsentEvent `json:"consent_history"`
	PersonalDetails []exportDetail       `json:"personal_details"`
	Messages        []exportRecord       `json:"messages"`
}

type exportDetail struct {
	Type    string    `json:"type"`
	Value   string    `json:"value"`
	Expires time.Time `json:"expires"`
}

type exportRecord struct {
	At      time.Time `json:"at"`
	From    string    `json:"from"` // you, or us
	Text    string    `json:"text"`
	Intent  string    `json:"intent,omitempty"`
	Expires time.Time `json:"expires"`
}

// Export gathers the subject's consent history, vault values and
// transcripts, re-identified for this conversation only.
func (r rights) Export(ctx context.Context, subject, conversation string) ([]byte, error) {
	ex := export{Subject: subject, Consent: []store.ConsentEvent{}, PersonalDetails: []exportDetail{}, Messages: []exportRecord{}}
	hist, err := r.a.Store.ConsentHistory(ctx, subject)
	if err != nil {
		return nil, err
	}
	ex.Consent = append(ex.Consent, hist...)
	conv := anonymize.Conversation{ID: conversation, Subject: subject}
	entries, err := r.a.Store.Entries(ctx, conversation)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Subject != subject {
			continue
		}
		v, err := r.a.Engine.Restore(ctx, conv, e.Token)
		if err != nil {
			return nil, err
		}
		ex.PersonalDetails = append(ex.PersonalDetails, exportDetail{Type: e.Type, Value: v, Expires: e.Expires})
	}
	recs, err := r.a.Store.Records(ctx, subject)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		if rec.Kind == store.RecordStatus {
			continue
		}
		text, err := r.a.Engine.Restore(ctx, conv, rec.Text)
		if err != nil {
			return nil, err
		}
		from := "you"
		if rec.Kind == store.RecordBot {
			from = "us"
		}
		ex.Messages = append(ex.Messages, exportRecord{At: rec.At, From: from, Text: text, Intent: rec.Intent, Expires: rec.Expires})
	}
	return json.MarshalIndent(ex, "", " ")
}

// Erase crypto-shreds first, so every sealed value is unreadable even if a
// row survives (a backup), then deletes the rows.
func (r rights) Erase(ctx context.Context, subject string) error {
	if err := r.a.Keys.Shred(ctx, subject); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("shred: %w", err)
	}
	if err := r.a.Store.EraseSubject(ctx, subject); err != nil {
		return fmt.Errorf("erase rows: %w", err)
	}
	return nil
}

// EnsureDataDir creates the data dir with mode 0700.
func EnsureDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	return nil
}
