package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/veilhq/veil/admin"
	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/audit"
	"github.com/veilhq/veil/store"
)

// Auditor builds the compliance report over the App's store.
func (a *App) Auditor() (*audit.Auditor, error) {
	insp, ok := a.Store.(store.Inspector)
	if !ok {
		return nil, fmt.Errorf("audit: the %T store cannot be inspected", a.Store)
	}
	log, _ := a.Store.(store.AuditLog)
	cfg := a.Config
	ops := map[string]string{}
	for k, v := range cfg.Anonymize.Operators {
		ops[strings.ToUpper(k)] = v
	}
	storage := "embedded bbolt file"
	if !cfg.Embedded() {
		storage = "PostgreSQL"
	}
	analyzer := a.Engine.Analyzer()
	return &audit.Auditor{
		Source: insp,
		Log:    log,
		Detect: func(s string) []anonymize.Span { return analyzer.Analyze(s) },
		Processing: audit.Processing{
			Purposes:       cfg.Consent.Purposes,
			NoticeVersion:  cfg.Consent.NoticeVersion,
			EntityTypes:    audit.KnownEntityTypes(),
			Operators:      ops,
			Storage:        storage,
			WhatsAppAPIURL: cfg.WhatsApp.APIURL,
			LLMBaseURL:     cfg.OpenAI.BaseURL,
			LLMModel:       cfg.OpenAI.Model,
			LLMEnabled:     cfg.OpenAI.BaseURL != "" && cfg.OpenAI.APIKey != "",
			Retention: audit.Retention{
				UserText: cfg.Retention.UserText, BotText: cfg.Retention.BotText, Status: cfg.Retention.Status,
				Vault: cfg.Retention.Vault, DialogState: cfg.Retention.DialogState, Dedupe: cfg.Retention.Dedupe,
				PurgeEvery: cfg.Retention.PurgeEvery,
			},
		},
		Now: a.now,
	}, nil
}

// Erase is erasure on request (the admin API): the same crypto-shredding
// as the chat's DELETE MY DATA, then the ledger's tombstone with the
// request as evidence.
func (a *App) Erase(ctx context.Context, subject, evidence string) error {
	if err := (rights{a}).Erase(ctx, subject); err != nil {
		return err
	}
	_, err := a.Store.AppendConsent(ctx, store.ConsentEvent{
		Subject: subject, At: a.now().UTC(), Action: store.ConsentErased,
		NoticeVersion: a.Config.Consent.NoticeVersion, Purposes: a.Config.Consent.Purposes, Evidence: evidence,
	})
	return err
}

// adminHandler builds the /admin API, or nil when no token is configured.
func (a *App) adminHandler() (http.Handler, error) {
	if !a.Config.Admin.Enabled() {
		return nil, nil
	}
	log, ok := a.Store.(store.AuditLog)
	if !ok {
		return nil, fmt.Errorf("admin: the %T store keeps no audit log", a.Store)
	}
	au, err := a.Auditor()
	if err != nil {
		return nil, err
	}
	h, err := admin.New(a.Config.Admin, admin.Deps{
		Audit: log, Ledger: a.Store, Transcripts: a.Store, Reporter: au, Eraser: a.Erase,
		Subject: a.Keys.Subject, Now: a.now, Log: a.Log,
	})
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	return h, nil
}
