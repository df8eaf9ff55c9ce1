package pgstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/pgstore"
)

// Every replica opens the same database, migrates at start-up and hands
// the store to its handlers. A daily Purge keeps the table bounded.
func Example() {
	ctx := context.Background()
	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL")) // driver: github.com/jackc/pgx/v5/stdlib
	if err != nil {
		log.Fatal(err)
	}
	store, err := pgstore.New(db, pgstore.Config{}) // table pagos_webhook_events
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	h, err := webhook.NewTokuHandler(os.Getenv("TOKU_WEBHOOK_SECRET"), func(ctx context.Context, e *toku.Event) error {
		return nil // record the event; nil acknowledges it, once across replicas
	}, webhook.WithStore(store))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/toku", h)

	go func() {
		for range time.Tick(24 * time.Hour) {
			if n, err := store.Purge(ctx, 30*24*time.Hour); err != nil {
				log.Print(err)
			} else {
				log.Printf("purged %d webhook events", n)
			}
		}
	}()
	log.Fatal(http.ListenAndServe(":8080", mux))
}

// The table Migrate creates, for teams that apply schema changes with their
// own migration tool.
func ExampleStore_Schema() {
	db, _ := sql.Open("postgres", os.Getenv("DATABASE_URL")) // New does not connect
	store, _ := pgstore.New(db, pgstore.Config{Table: "billing.webhook_events"})
	fmt.Print(store.Schema())
	// Output:
	// CREATE TABLE IF NOT EXISTS "billing"."webhook_events" (
	// 	namespace   text        NOT NULL,
	// 	provider    text        NOT NULL,
	// 	event_key   text        NOT NULL,
	// 	status      text        NOT NULL CHECK (status IN ('claimed', 'released', 'done')),
	// 	attempts    integer     NOT NULL,
	// 	first_seen  timestamptz NOT NULL,
	// 	last_seen   timestamptz NOT NULL,
	// 	lease_until timestamptz,
	// 	owner_token text,
	// 	last_error  text,
	// 	done_at     timestamptz,
	// 	PRIMARY KEY (namespace, provider, event_key)
	// );
}
