package app

import (
	"context"
	"fmt"
	"net/http"

	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/whatsapp"
)

// Receive implements whatsapp.Receiver: it makes every message durable in
// the inbox (deduplicated by ID) before the webhook answers 200, records
// statuses without content, and queues the messages for processing.
func (a *App) Receive(ctx context.Context, b whatsapp.Batch) error {
	for _, m := range b.Messages {
		if m.From == "" {
			a.Log.Warn().Str("msg_id", m.ID).Msg("message without a wa_id skipped")
			continue
		}
		if _, err := a.Submit(ctx, FromWhatsApp(m)); err != nil {
			return fmt.Errorf("accept %s: %w", m.ID, err)
		}
	}
	for _, s := range b.Statuses {
		if s.RecipientID == "" {
			continue
		}
		now := a.now().UTC()
		subject := a.Keys.Subject(s.RecipientID)
		rec := store.Record{Subject: subject, Conversation: subject, Kind: store.RecordStatus,
			MessageID: s.MessageID, Text: s.Status, At: now, Expires: now.Add(a.Config.Retention.Status)}
		if err := a.Store.AppendRecord(ctx, rec); err != nil {
			return fmt.Errorf("status %s: %w", s.MessageID, err)
		}
		if s.CallbackData != "" && s.Status != whatsapp.StatusFailed {
			a.confirmSent(ctx, s.CallbackData) // WhatsApp has it, even if its sender died before saying so
		}
		if s.Status == whatsapp.StatusFailed {
			for _, e := range s.Errors {
				a.Log.Warn().Str("msg_id", s.MessageID).Str("user", a.Keys.LogID(s.RecipientID)).Int("code", e.Code).Msg("WhatsApp reports a failed delivery")
			}
		}
	}
	return nil
}

var _ whatsapp.Receiver = (*App)(nil)

// Handler returns the HTTP routes: /webhook, /healthz, /readyz.
func (a *App) Handler() (http.Handler, error) {
	wh, err := whatsapp.NewHandler(whatsapp.HandlerConfig{
		VerifyToken:  a.Config.WhatsApp.VerifyToken,
		AppSecret:    a.Config.WhatsApp.AppSecret,
		Receiver:     a,
		MaxBodyBytes: a.Config.WhatsApp.MaxBodyBytes,
		Logger:       a.Log,
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/webhook", wh)
	ah, err := a.adminHandler()
	if err != nil {
		return nil, err
	}
	if ah != nil {
		mux.Handle("/admin/", ah)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !a.Ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux, nil
}

// WhatsAppSender sends replies through the Cloud API client.
func WhatsAppSender(c *whatsapp.Client) Sender { return waSender{c} }

type waSender struct{ c *whatsapp.Client }

var _ RefSender = waSender{}

func (s waSender) Send(ctx context.Context, to string, r pipeline.Reply) error {
	return send(ctx, s.c, to, r)
}

// SendRef tags the message so its status webhooks carry ref.
func (s waSender) SendRef(ctx context.Context, to string, r pipeline.Reply, ref string) error {
	return send(ctx, s.c.WithCallbackData(ref), to, r)
}

func send(ctx context.Context, c *whatsapp.Client, to string, r pipeline.Reply) error {
	if len(r.Buttons) == 0 {
		_, err := c.SendTextParts(ctx, to, r.Text)
		return err
	}
	bs := make([]whatsapp.Button, len(r.Buttons))
	for i, b := range r.Buttons {
		bs[i] = whatsapp.Button{ID: b.ID, Title: b.Title}
	}
	_, err := c.SendButtons(ctx, to, r.Text, bs)
	return err
}
