package app

import (
	"context"
	"fmt"

	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/postgres"
)

// openPostgres opens the PostgreSQL store and refuses an unmigrated or
// newer schema with a message saying what to run.
func openPostgres(ctx context.Context, cfg config.Config) (store.Store, error) {
	st, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{})
	if err != nil {
		return nil, fmt.Errorf("database_url (VEIL_DATABASE_URL): %w", err)
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}
