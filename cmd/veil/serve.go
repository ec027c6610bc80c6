package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/veilhq/veil/app"
	"github.com/veilhq/veil/store/postgres"
	"github.com/veilhq/veil/whatsapp"
)

func cmdServe(ctx context.Context, args []string, io stdio, getenv func(string) string) error {
	_, cfg, log, err := setup("serve", args, io, getenv, nil)
	if err != nil {
		return err
	}
	if err := cfg.ValidateServe(); err != nil {
		return err
	}
	client := &whatsapp.Client{BaseURL: cfg.WhatsApp.APIURL, AccessToken: cfg.WhatsApp.AccessToken, PhoneNumberID: cfg.WhatsApp.PhoneNumberID, Logger: log}
	a, err := openApp(ctx, cfg, log, app.Options{Sender: app.WhatsAppSender(client)})
	if err != nil {
		return err
	}
	h, err := a.Handler()
	if err != nil {
		a.Close(context.Background())
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		a.Close(context.Background())
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	if err := a.Start(ctx, cfg.Retention.PurgeEvery); err != nil {
		a.Close(context.Background())
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	log.Info().Str("addr", ln.Addr().String()).Str("store", storeName(cfg.DatabaseURL, cfg.DataDir)).Msg("veil serving")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	log.Info().Msg("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	serr := srv.Shutdown(shutdown)
	cerr := a.Close(shutdown)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return errors.Join(serr, cerr)
}

func cmdPurge(ctx context.Context, args []string, io stdio, getenv func(string) string) error {
	_, cfg, log, err := setup("purge", args, io, getenv, nil)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	st, err := a.Purge(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.out, "purged %d records, %d vault entries, %d dialog states, %d message IDs\n", st.Records, st.VaultEntries, st.States, st.SeenIDs)
	return nil
}

func cmdMigrate(ctx context.Context, args []string, io stdio, getenv func(string) string) error {
	fs, cfg, _, err := setup("migrate", args, io, getenv, nil)
	if err != nil {
		return err
	}
	action := fs.Arg(0)
	if action != "up" && action != "status" {
		return usageError{errors.New("want `veil migrate up` or `veil migrate status`")}
	}
	if cfg.Embedded() {
		fmt.Fprintln(io.out, "embedded store: no migrations needed (set VEIL_DATABASE_URL for PostgreSQL)")
		return nil
	}
	dbs := []struct{ name, url string }{{"database", cfg.DatabaseURL}}
	if strings.HasPrefix(cfg.KeystoreURL, "postgres") {
		dbs = append(dbs, struct{ name, url string }{"key store", cfg.KeystoreURL})
	}
	for _, db := range dbs {
		if err := migrateOne(ctx, action, db.name, db.url, io); err != nil {
			return err
		}
	}
	return nil
}

func migrateOne(ctx context.Context, action, name, url string, io stdio) error {
	st, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer st.Close()
	if action == "up" {
		if err := st.Migrate(ctx); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	cur, latest, err := st.MigrationStatus(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	fmt.Fprintf(io.out, "%s: schema version %d of %d\n", name, cur, latest)
	return nil
}
