package pgstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	_ "github.com/lib/pq" // the tests' driver; the package needs none

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/pgstore"
	"github.com/pagos-go/pagos/webhook/storetest"
)

// testDSN returns the test database's DSN, or skips (fails in CI).
func testDSN(t testing.TB) string { return testutil.PostgresDSN(t, os.Getenv) }

// openDB opens the test database as one replica would: its own pool.
func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", testDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	configurePool(db)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("%s is set but PostgreSQL does not answer: %v", testutil.PostgresDSNEnv, err)
	}
	return db
}

// configurePool bounds a replica's connections, as a deployment would, so
// parallel tests stay within the server's max_connections.
func configurePool(db *sql.DB) {
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
}

// freshName returns a table or schema name no other test uses.
func freshName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "pagos_test_" + hex.EncodeToString(b[:])
}

// newTable returns a fresh table name, dropped when the test ends, so tests
// (and concurrent runs) sharing one server never see each other's rows.
func newTable(t testing.TB, db *sql.DB) string {
	t.Helper()
	table := freshName()
	t.Cleanup(func() {
		if _, err := db.Exec(`DROP TABLE IF EXISTS ` + table); err != nil {
			t.Errorf("dropping %s: %v", table, err)
		}
	})
	return table
}

// newStore returns a migrated Store on db and table.
func newStore(t testing.TB, db *sql.DB, table string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.New(db, pgstore.Config{Table: table})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStoreContract(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	s := newStore(t, db, newTable(t, db))
	storetest.Run(t, func(*testing.T) webhook.Store { return s }) // every subtest has keys of its own
}

func TestNewRefusesBadArguments(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("postgres", "postgres://127.0.0.1:1/none") // never connects
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := pgstore.New(nil, pgstore.Config{}); err == nil {
		t.Error("nil *sql.DB accepted")
	}
	for _, table := range []string{"Events", "1events", "a.b.c", "events;drop table x", `ev"ents`, "a-b", "billing.", ".events", "évents", strings.Repeat("x", 64)} {
		if _, err := pgstore.New(db, pgstore.Config{Table: table}); err == nil || !strings.Contains(err.Error(), "identifier") && !strings.Contains(err.Error(), "schema.table") {
			t.Errorf("table %q: err = %v, want a refusal saying what a table name may be", table, err)
		}
	}
	for table, quoted := range map[string]string{
		"":                      `"pagos_webhook_events"`,
		"_events2":              `"_events2"`,
		"billing.events":        `"billing"."events"`,
		strings.Repeat("x", 63): `"` + strings.Repeat("x", 63) + `"`,
	} {
		s, err := pgstore.New(db, pgstore.Config{Table: table})
		if err != nil {
			t.Errorf("table %q refused: %v", table, err)
			continue
		}
		if !strings.HasPrefix(s.Schema(), "CREATE TABLE IF NOT EXISTS "+quoted+" (") {
			t.Errorf("table %q: schema %q", table, s.Schema())
		}
	}

	s, _ := pgstore.New(db, pgstore.Config{})
	ctx := context.Background()
	k := webhook.Key{Namespace: "toku", Provider: "toku", Event: "evt_1"}
	if _, err := s.Claim(ctx, k, 0); err == nil {
		t.Error("zero lease accepted")
	}
	if err := s.Complete(ctx, webhook.Claim{Key: k}); !errors.Is(err, webhook.ErrNotOwner) {
		t.Errorf("Complete without a token: %v, want ErrNotOwner", err)
	}
	if _, err := s.Purge(ctx, 0); err == nil {
		t.Error("Purge(0) accepted")
	}
}

// row is an event's row as stored.
type row struct {
	status, lastError             string
	attempts                      int
	hasToken, hasLease, hasDoneAt bool
	leaseLeft, seenGap            time.Duration
}

func readRow(t *testing.T, db *sql.DB, table string, k webhook.Key) row {
	t.Helper()
	var r row
	var lastError sql.NullString
	var leaseLeft, seenGap sql.NullInt64
	err := db.QueryRow(`SELECT status, attempts, coalesce(last_error, ''), owner_token IS NOT NULL, lease_until IS NOT NULL, done_at IS NOT NULL,
		(extract(epoch FROM lease_until - now()) * 1e6)::bigint,
		(extract(epoch FROM last_seen - first_seen) * 1e6)::bigint
		FROM `+table+` WHERE namespace = $1 AND provider = $2 AND event_key = $3`, k.Namespace, k.Provider, k.Event).
		Scan(&r.status, &r.attempts, &lastError, &r.hasToken, &r.hasLease, &r.hasDoneAt, &leaseLeft, &seenGap)
	if err != nil {
		t.Fatalf("reading the row of %s: %v", k, err)
	}
	r.lastError = lastError.String
	r.leaseLeft = time.Duration(leaseLeft.Int64) * time.Microsecond
	r.seenGap = time.Duration(seenGap.Int64) * time.Microsecond
	return r
}

// The row is what operators read: status, attempts, first and last seen,
// the lease by the database's clock, the owner token only while claimed,
// and the last error, storable and bounded.
func TestRowRecordsTheEvent(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	table := newTable(t, db)
	s := newStore(t, db, table)
	ctx := context.Background()
	k := webhook.Key{Namespace: "billing", Provider: "toku", Event: "evt_row"}

	c1, err := s.Claim(ctx, k, time.Hour)
	if err != nil || c1.Status != webhook.Acquired {
		t.Fatalf("claim: %+v, %v", c1, err)
	}
	r := readRow(t, db, table, k)
	if r.status != "claimed" || r.attempts != 1 || !r.hasToken || r.hasDoneAt || r.leaseLeft < 59*time.Minute || r.leaseLeft > time.Hour {
		t.Fatalf("after the first claim: %+v, want claimed, attempt 1, a token and a lease of an hour by now()", r)
	}

	long := strings.Repeat("é", 800) + "\x00\xff" // 1,600 bytes of two-byte runes, a NUL, invalid UTF-8
	if err := s.Release(ctx, c1, errors.New(long)); err != nil {
		t.Fatal(err)
	}
	r = readRow(t, db, table, k)
	if r.status != "released" || r.hasToken || r.hasLease || len(r.lastError) > pgstore.MaxErrorText || len(r.lastError) < pgstore.MaxErrorText-1 ||
		!utf8.ValidString(r.lastError) || !strings.HasPrefix(r.lastError, "éé") {
		t.Fatalf("after Release: %+v (last_error %d bytes), want released, no token or lease, the error cut to %d bytes", r, len(r.lastError), pgstore.MaxErrorText)
	}

	c2, err := s.Claim(ctx, k, time.Minute)
	if err != nil || c2.Status != webhook.Acquired || c2.Attempt != 2 {
		t.Fatalf("claim after Release: %+v, %v; want Acquired, attempt 2", c2, err)
	}
	if err := s.Release(ctx, c2, errors.New("ledger unavailable")); err != nil {
		t.Fatal(err)
	}
	c3, _ := s.Claim(ctx, k, time.Minute)
	if err := s.Complete(ctx, c3); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.Claim(ctx, k, time.Minute); d.Status != webhook.Done || d.Attempt != 3 {
		t.Fatalf("claim of a done event: %+v, want Done, attempt 3", d)
	}
	r = readRow(t, db, table, k)
	if r.status != "done" || r.attempts != 3 || r.hasToken || r.hasLease || !r.hasDoneAt || r.lastError != "ledger unavailable" || r.seenGap <= 0 {
		t.Fatalf("after Complete: %+v, want done, 3 attempts, the last error kept, last_seen after first_seen", r)
	}
}

// Replicas starting together all migrate; the advisory lock keeps their
// CREATE TABLEs from racing in the catalog (without it, about one round in
// three fails with a duplicate key in pg_type).
func TestMigrateFromManyReplicasAtOnce(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	const rounds, replicas = 10, 8
	for range rounds {
		table := newTable(t, db)
		errs := make(chan error, replicas)
		start := make(chan struct{})
		for range replicas {
			go func() {
				s, err := pgstore.New(db, pgstore.Config{Table: table})
				if err != nil {
					errs <- err
					return
				}
				<-start
				errs <- s.Migrate(context.Background())
			}()
		}
		close(start)
		for range replicas {
			if err := <-errs; err != nil {
				t.Fatalf("concurrent Migrate: %v", err)
			}
		}
		s := newStore(t, db, table) // and once more, on the existing table
		if c, err := s.Claim(context.Background(), webhook.Key{Provider: "toku", Event: "e"}, time.Minute); err != nil || c.Status != webhook.Acquired {
			t.Fatalf("claim on the migrated table: %+v, %v", c, err)
		}
	}
}

func TestMigrateIntoASchema(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	schema := freshName()
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	s := newStore(t, db, schema+".events")
	if c, err := s.Claim(context.Background(), webhook.Key{Provider: "toku", Event: "e"}, time.Minute); err != nil || c.Status != webhook.Acquired {
		t.Fatalf("claim: %+v, %v", c, err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM ` + schema + `.events`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows in %s.events: %d, %v", schema, n, err)
	}
}

func TestPurgeKeepsRecentEventsAndLiveClaims(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	table := newTable(t, db)
	s := newStore(t, db, table)
	ctx := context.Background()
	key := func(ev string) webhook.Key { return webhook.Key{Namespace: "toku", Provider: "toku", Event: ev} }
	claim := func(ev string, lease time.Duration) webhook.Claim {
		c, err := s.Claim(ctx, key(ev), lease)
		if err != nil || c.Status != webhook.Acquired {
			t.Fatalf("claim %s: %+v, %v", ev, c, err)
		}
		return c
	}
	for _, ev := range []string{"old_done", "recent_done"} {
		if err := s.Complete(ctx, claim(ev, time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Release(ctx, claim("old_released", time.Minute), errors.New("x")); err != nil {
		t.Fatal(err)
	}
	claim("old_live_claim", time.Hour)
	claim("old_expired_claim", time.Hour)
	for _, age := range []string{
		`UPDATE ` + table + ` SET last_seen = last_seen - interval '2 days' WHERE event_key LIKE 'old%'`,
		`UPDATE ` + table + ` SET lease_until = now() - interval '1 second' WHERE event_key = 'old_expired_claim'`,
	} {
		if _, err := db.Exec(age); err != nil {
			t.Fatal(err)
		}
	}

	n, err := s.Purge(ctx, 24*time.Hour)
	if err != nil || n != 3 {
		t.Fatalf("Purge = %d, %v; want the 3 old rows not under a live claim", n, err)
	}
	want := map[string]webhook.ClaimStatus{"old_done": webhook.Acquired, "recent_done": webhook.Done, "old_live_claim": webhook.Busy}
	for ev, st := range want {
		if c, _ := s.Claim(ctx, key(ev), time.Minute); c.Status != st {
			t.Errorf("after Purge, %s claims %v, want %v", ev, c.Status, st)
		}
	}
}
