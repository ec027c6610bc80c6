package app

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/store/postgres"
	"github.com/veilhq/veil/store/postgres/pgtest"
)

// copyTables copies the rows of the named tables from one schema to another
// (a dump, or its restore).
func copyTables(t *testing.T, from, to string, create bool, tables ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, tb := range tables {
		src := pgx.Identifier{from, tb}.Sanitize()
		dst := pgx.Identifier{to, tb}.Sanitize()
		q := "INSERT INTO " + dst + " SELECT * FROM " + src
		if create {
			q = "CREATE TABLE " + dst + " AS TABLE " + src
		}
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// Erasure, then a restore of a dump taken before it: with the data keys in
// a key store kept out of the data database's backups, the restored values
// stay unreadable; with the keys inside the data database, the restore
// would bring them back (the control case).
func TestErasureSurvivesRestoringADump(t *testing.T) {
	for _, tt := range []struct {
		name         string
		separateKeys bool
		wantReadable bool
	}{
		{"keys in a separate key store", true, false},
		{"control: keys in the data database", false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dataSchema, backup := pgtest.Schema(t), pgtest.Schema(t)
			master := keyring.GenerateMasterKey()
			cfg := config.Default()
			cfg.DatabaseURL = "postgres://ignored@localhost/veil"
			cfg.MasterKey = master
			open := func() *App {
				opts := Options{Store: pgtest.Open(t, dataSchema, postgres.Options{})}
				if tt.separateKeys {
					opts.Keystore = pgtest.Open(t, keySchemaFor(t, dataSchema), postgres.Options{})
				}
				a, err := New(ctx, cfg, zerolog.Nop(), opts)
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			a := open()
			const user = "447700900555"
			say(t, a, "m1", user, "hi")
			press(t, a, "m2", user, "consent:agree")
			say(t, a, "m3", user, "my email is gone.soon@example.com")
			subject := a.Keys.Subject(user)
			tables := []string{"vault_entries", "records", "subject_keys"}
			copyTables(t, dataSchema, backup, true, tables...) // the nightly dump
			press(t, a, "m4", user, "rights:erase:confirm")
			if err := a.Close(ctx); err != nil {
				t.Fatal(err)
			}
			copyTables(t, backup, dataSchema, false, tables...) // restore it

			b := open()
			defer b.Close(ctx)
			entries, err := b.Store.Entries(ctx, subject)
			if err != nil || len(entries) != 1 {
				t.Fatalf("restored vault entries = %d, %v", len(entries), err)
			}
			_, err = b.Engine.Restore(ctx, conversationOf(subject), entries[0].Token)
			readable := err == nil
			if readable != tt.wantReadable {
				t.Fatalf("restored value readable = %v (err %v), want %v", readable, err, tt.wantReadable)
			}
			if !readable && !errors.Is(err, keyring.ErrShredded) {
				t.Fatalf("want ErrShredded, got %v", err)
			}
		})
	}
}

// keySchemaFor returns one key-store schema per data schema.
var keySchemas = map[string]string{}

func keySchemaFor(t *testing.T, data string) string {
	if s, ok := keySchemas[data]; ok {
		return s
	}
	s := pgtest.Schema(t)
	keySchemas[data] = s
	return s
}

func conversationOf(subject string) anonymize.Conversation {
	return anonymize.Conversation{ID: subject, Subject: subject}
}
