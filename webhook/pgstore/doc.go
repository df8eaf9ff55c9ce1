// Package pgstore is a webhook.Store on PostgreSQL, so that webhook
// handlers on several replicas process each event once between them.
//
// The in-memory default store dedupes per process: behind a load balancer,
// the same payment delivered once to each of two replicas is processed
// twice. Give every replica's handler one Store on the same database
// instead.
//
// # Usage
//
// pgstore uses database/sql and links no driver into your binary: open the
// *sql.DB with the PostgreSQL driver you already use.
//
//	db, err := sql.Open("pgx", dsn)                  // github.com/jackc/pgx/v5/stdlib
//	store, err := pgstore.New(db, pgstore.Config{})  // table pagos_webhook_events
//	if err := store.Migrate(ctx); err != nil { ... } // every replica may call it at start-up
//	h, err := webhook.NewTokuHandler(secret, fn, webhook.WithStore(store))
//
// # Schema
//
// One table, named by Config.Table, with one row per event: namespace,
// provider and event key (the primary key), status ('claimed', 'released'
// or 'done'), attempts, first and last seen, the lease's expiry, the owner
// token of a live claim, the last error text and when it was done. Migrate
// creates it when missing, under an advisory lock, so replicas starting
// together do not race; Schema returns the statement for your own migration
// tool. Migrate never alters an existing table.
//
// A text column cannot hold NUL bytes or invalid UTF-8, yet a verified event
// id may contain them (a JSON "\u0000"). So each key part is stored escaped,
// injectively: a backslash as `\\`, a NUL or a byte outside valid UTF-8 as
// `\xHH`, everything else as it is. Every key the verifiers accept is
// stored, and two keys never share a row. (A key containing a backslash is
// therefore stored differently from versions before this escaping.)
//
// # Semantics
//
// Claim is one INSERT … ON CONFLICT DO UPDATE statement: of any number of
// concurrent claims of one event, on any replica, exactly one is Acquired;
// the others see Busy (or Done). The lease is timed by the database's
// now(), never by a replica's clock. Only the claim's owner token completes
// or releases it: a replica whose lease ran out while it was stuck gets
// webhook.ErrNotOwner and changes nothing. A replica that dies mid-event
// leaves a claim that expires with its lease; the next delivery after that
// processes the event, so nothing is lost.
//
// State (webhook.StateReader) reads an event's state by its primary key
// without writing, as Claim would judge it: the replays of missed
// deliveries (webhook.ReplayToku and its siblings) skip processed events
// with it, and several replicas replaying at once still run user code once.
//
// Release keeps the text of user code's error (at most MaxErrorText bytes)
// in last_error. The store never sees a request body, a signature or a
// secret; keep secrets out of your own errors.
//
// # Errors and outages
//
// Every error of the database is returned wrapped (errors.Is and errors.As
// reach the driver's error). A handler answers 503 with Retry-After when
// Claim fails, never runs user code without a claim, and needs nothing to
// recover: the next delivery after the database is back claims as usual.
// Two windows remain, both bounded by the lease: a claim that committed but
// whose answer was lost makes deliveries Busy until its lease ends; and if
// Complete fails after user code succeeded, the delivery is acknowledged
// but the event stays claimed, so a redelivery after the lease would run it
// again.
//
// The store expects PostgreSQL's default isolation, READ COMMITTED; under
// SERIALIZABLE a concurrent claim may fail with a serialization error (the
// handler answers 503 and the provider retries).
//
// # Retention
//
// Rows are kept until Purge deletes those last seen longer ago than its
// argument (never a live claim). An event purged and then delivered again
// is processed again, so keep rows longer than providers redeliver: a
// month is ample.
//
// # Testing
//
// Package webhook/storetest holds the contract this Store passes, with the
// in-memory store. This package's tests run against a real PostgreSQL named
// by PAGOS_TEST_POSTGRES_DSN, and skip without one unless
// PAGOS_TEST_POSTGRES_REQUIRED=1 (which .ci/run sets after starting a
// throwaway cluster) or CI=true makes that a failure. The README shows how
// to run them locally.
package pgstore
