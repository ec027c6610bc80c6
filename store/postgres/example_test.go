package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/veilhq/veil/store/postgres"
)

// Start-up as `veil serve` does it: open, refuse a schema that does not
// match the binary, then work.
func Example() {
	ctx := context.Background()
	s, err := postgres.Open(ctx, os.Getenv("VEIL_DATABASE_URL"), postgres.Options{
		MaxConns:     20,
		QueryTimeout: 3 * time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := s.CheckSchema(ctx); errors.Is(err, postgres.ErrSchemaOutdated) {
		log.Fatal(err) // "...: run `veil migrate up`"
	} else if err != nil {
		log.Fatal(err)
	}
}

// `veil migrate up`: safe to run from every replica at once.
func ExampleStore_Migrate() {
	ctx := context.Background()
	s, err := postgres.Open(ctx, os.Getenv("VEIL_DATABASE_URL"), postgres.Options{VectorDim: 384})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	cur, latest, err := s.MigrationStatus(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("schema version %d of %d\n", cur, latest)
}

// A worker loop in one replica of many: claim the head of some user's
// queue, handle the turn, complete it together with its reply.
func ExampleStore_ClaimInbox() {
	ctx := context.Background()
	s, err := postgres.Open(ctx, os.Getenv("VEIL_DATABASE_URL"), postgres.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	for {
		c, ok, err := s.ClaimInbox(ctx, "replica-1/worker-3", time.Minute)
		if err != nil || !ok {
			return // back off and poll again in a real worker
		}
		reply := []byte("sealed reply") // the turn's outcome, sealed with the user's key
		if _, err := s.CompleteWithReply(ctx, c.Item.ID, c.Item.Subject, reply); err != nil {
			log.Print(err) // the lease ends and another worker retries the turn
		}
	}
}
