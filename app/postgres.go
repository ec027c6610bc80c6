package app

import (
	"context"
	"errors"

	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/store"
)

func openPostgres(ctx context.Context, cfg config.Config) (store.Store, error) {
	return nil, errors.New("database_url (VEIL_DATABASE_URL): the PostgreSQL store is not wired in yet")
}
