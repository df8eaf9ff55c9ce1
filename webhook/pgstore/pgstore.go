package pgstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pagos-go/pagos/webhook"
)

// DefaultTable is the table a Store uses when Config.Table is empty.
const DefaultTable = "pagos_webhook_events"

// MaxErrorText bounds the last_error column: a longer cause is cut to this
// many bytes.
const MaxErrorText = 1000

// Config configures New; the zero value takes defaults.
type Config struct {
	// Table names the table (default DefaultTable), optionally qualified by
	// an existing schema: "billing.webhook_events". Each part is a
	// lower-case identifier: a-z, 0-9 and _, not starting with a digit, at
	// most 63 bytes.
	Table string
}

// Store is a webhook.Store on PostgreSQL, shared by every replica that opens
// the same database. Create it with New; it is safe for concurrent use.
type Store struct {
	db      *sql.DB
	table   string // as given, for messages
	lockKey int64  // Migrate's advisory lock
	schema  string
	claim   string
	done    string
	release string
	purge   string
	state   string
}

var (
	_ webhook.Store       = (*Store)(nil)
	_ webhook.StateReader = (*Store)(nil)
)

// New returns a Store keeping its rows in cfg.Table of db. db must be
// opened with a PostgreSQL driver (pgx's stdlib, lib/pq, …); New does not
// connect. Create the table with Migrate, or with the SQL of Schema in your
// own migrations.
func New(db *sql.DB, cfg Config) (*Store, error) {
	if db == nil {
		return nil, errors.New("pgstore: New: the *sql.DB is nil")
	}
	table := cfg.Table
	if table == "" {
		table = DefaultTable
	}
	quoted, err := quoteTable(table)
	if err != nil {
		return nil, err
	}
	h := fnv.New64a()
	h.Write([]byte("pagos/webhook/pgstore " + table))
	return &Store{
		db:      db,
		table:   table,
		lockKey: int64(h.Sum64()),
		schema:  fmt.Sprintf(schemaSQL, quoted),
		claim:   fmt.Sprintf(claimSQL, quoted, takeable),
		done:    fmt.Sprintf(completeSQL, quoted),
		release: fmt.Sprintf(releaseSQL, quoted),
		purge:   fmt.Sprintf(purgeSQL, quoted),
		state:   fmt.Sprintf(stateSQL, quoted),
	}, nil
}

// One row per event. status is 'claimed' while a delivery holds the event
// until lease_until (by the database's clock), 'released' after user code
// failed, 'done' after it succeeded; owner_token is the claim's owner while
// claimed. There is no index besides the primary key, so the updates of a
// claim stay cheap (HOT); Purge scans the table.
const schemaSQL = `CREATE TABLE IF NOT EXISTS %s (
	namespace   text        NOT NULL,
	provider    text        NOT NULL,
	event_key   text        NOT NULL,
	status      text        NOT NULL CHECK (status IN ('claimed', 'released', 'done')),
	attempts    integer     NOT NULL,
	first_seen  timestamptz NOT NULL,
	last_seen   timestamptz NOT NULL,
	lease_until timestamptz,
	owner_token text,
	last_error  text,
	done_at     timestamptz,
	PRIMARY KEY (namespace, provider, event_key)
)`

// takeable: a released event, or a claim whose lease ran out, goes to the
// next delivery.
const takeable = `(e.status = 'released' OR (e.status = 'claimed' AND e.lease_until <= now()))`

// claimSQL is the whole claim in one statement: PostgreSQL locks the row (or
// the key being inserted) and evaluates the CASEs on its latest version, so
// of concurrent claims on any replica exactly one takes the event.
const claimSQL = `INSERT INTO %[1]s AS e
	(namespace, provider, event_key, status, attempts, first_seen, last_seen, lease_until, owner_token)
VALUES ($1, $2, $3, 'claimed', 1, now(), now(), now() + $4::interval, $5)
ON CONFLICT (namespace, provider, event_key) DO UPDATE SET
	last_seen   = now(),
	status      = CASE WHEN %[2]s THEN 'claimed' ELSE e.status END,
	attempts    = CASE WHEN %[2]s THEN e.attempts + 1 ELSE e.attempts END,
	lease_until = CASE WHEN %[2]s THEN excluded.lease_until ELSE e.lease_until END,
	owner_token = CASE WHEN %[2]s THEN excluded.owner_token ELSE e.owner_token END
RETURNING e.status, e.attempts, e.owner_token IS NOT DISTINCT FROM $5`

const completeSQL = `UPDATE %s SET status = 'done', done_at = now(), lease_until = NULL, owner_token = NULL
WHERE namespace = $1 AND provider = $2 AND event_key = $3 AND status = 'claimed' AND owner_token = $4`

const releaseSQL = `UPDATE %s SET status = 'released', lease_until = NULL, owner_token = NULL, last_error = $5
WHERE namespace = $1 AND provider = $2 AND event_key = $3 AND status = 'claimed' AND owner_token = $4`

const purgeSQL = `DELETE FROM %s
WHERE last_seen < now() - $1::interval AND (status <> 'claimed' OR lease_until <= now())`

// stateSQL reads an event's state by the database's clock, as claimSQL
// judges it: a claim whose lease ran out is as good as released.
const stateSQL = `SELECT CASE WHEN status = 'done' THEN 'done'
	WHEN status = 'claimed' AND lease_until > now() THEN 'busy' ELSE 'unclaimed' END
FROM %s WHERE namespace = $1 AND provider = $2 AND event_key = $3`

// Schema returns the CREATE TABLE statement Migrate runs, for those who
// apply schema changes with their own migration tool.
func (s *Store) Schema() string { return s.schema + ";\n" }

// Migrate creates the table when it does not exist. Replicas may all call
// it at start-up: a transaction-scoped advisory lock serializes them. It
// never alters an existing table. A schema named in Config.Table must exist.
func (s *Store) Migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return fmt.Errorf("pgstore: migrate %s: %w", s.table, err)
	}
	defer tx.Rollback() // a no-op after Commit
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey); err != nil {
		return fmt.Errorf("pgstore: migrate %s: advisory lock: %w", s.table, err)
	}
	if _, err := tx.ExecContext(ctx, s.schema); err != nil {
		return fmt.Errorf("pgstore: migrate %s: %w", s.table, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("pgstore: migrate %s: %w", s.table, err)
	}
	return nil
}

// Claim implements webhook.Store in one statement, timing the lease by the
// database's now(), so replicas' clocks do not matter.
func (s *Store) Claim(ctx context.Context, key webhook.Key, lease time.Duration) (webhook.Claim, error) {
	if lease <= 0 {
		return webhook.Claim{}, fmt.Errorf("pgstore: lease %s must be positive", lease)
	}
	token := newToken()
	var (
		status   string
		attempts int
		mine     bool
	)
	ns, prov, ev := storedKey(key)
	err := s.db.QueryRowContext(ctx, s.claim, ns, prov, ev, interval(lease), token).Scan(&status, &attempts, &mine)
	if err != nil {
		return webhook.Claim{}, fmt.Errorf("pgstore: claim %s: %w", key, err)
	}
	c := webhook.Claim{Key: key, Status: webhook.Busy, Attempt: attempts}
	switch {
	case mine:
		c.Status, c.Token = webhook.Acquired, token
	case status == "done":
		c.Status = webhook.Done
	}
	return c, nil
}

// State implements webhook.StateReader with one read by primary key: Done,
// Busy (a live claim holds it) or Unclaimed (no row, released, or its lease
// ran out).
func (s *Store) State(ctx context.Context, key webhook.Key) (webhook.ClaimStatus, error) {
	ns, prov, ev := storedKey(key)
	var state string
	err := s.db.QueryRowContext(ctx, s.state, ns, prov, ev).Scan(&state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return webhook.Unclaimed, nil
	case err != nil:
		return 0, fmt.Errorf("pgstore: state %s: %w", key, err)
	case state == "done":
		return webhook.Done, nil
	case state == "busy":
		return webhook.Busy, nil
	}
	return webhook.Unclaimed, nil
}

// Complete implements webhook.Store: the event becomes done, if c's token
// still owns it.
func (s *Store) Complete(ctx context.Context, c webhook.Claim) error {
	return s.settle(ctx, "complete", c, s.done)
}

// Release implements webhook.Store: the event goes to the next delivery, if
// c's token still owns it. The text of cause (user code's error) is kept in
// last_error, cut to MaxErrorText bytes: keep secrets and card data out of
// your errors, as out of your logs.
func (s *Store) Release(ctx context.Context, c webhook.Claim, cause error) error {
	var text sql.NullString
	if cause != nil {
		text = sql.NullString{String: errorText(cause), Valid: true}
	}
	return s.settle(ctx, "release", c, s.release, text)
}

func (s *Store) settle(ctx context.Context, verb string, c webhook.Claim, query string, extra ...any) error {
	if c.Token == "" {
		return webhook.ErrNotOwner
	}
	ns, prov, ev := storedKey(c.Key)
	args := append([]any{ns, prov, ev, c.Token}, extra...)
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("pgstore: %s %s: %w", verb, c.Key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("pgstore: %s %s: %w", verb, c.Key, err)
	}
	if n == 0 {
		return webhook.ErrNotOwner
	}
	return nil
}

// Purge deletes the events last seen more than olderThan ago, except those
// under a live claim, and returns how many it deleted. A purged event that
// is delivered again is processed again, so keep events longer than
// providers redeliver (a month is ample). Run it from one replica, daily
// say; it scans the table.
func (s *Store) Purge(ctx context.Context, olderThan time.Duration) (int64, error) {
	if olderThan <= 0 {
		return 0, fmt.Errorf("pgstore: Purge: olderThan %s must be positive", olderThan)
	}
	res, err := s.db.ExecContext(ctx, s.purge, interval(olderThan))
	if err != nil {
		return 0, fmt.Errorf("pgstore: purge %s: %w", s.table, err)
	}
	return res.RowsAffected()
}

// interval spells d as a PostgreSQL interval, at least a microsecond; text
// keeps it exact with any driver.
func interval(d time.Duration) string {
	return strconv.FormatInt(max(d.Microseconds(), 1), 10) + " microseconds"
}

// quoteTable validates a table name and returns it quoted for SQL.
func quoteTable(name string) (string, error) {
	parts := strings.Split(name, ".")
	if len(parts) > 2 {
		return "", fmt.Errorf("pgstore: table %q: use table or schema.table", name)
	}
	for i, p := range parts {
		if !isIdent(p) {
			return "", fmt.Errorf("pgstore: table %q: %q is not a lower-case identifier (a-z, 0-9, _; not starting with a digit; at most 63 bytes)", name, p)
		}
		parts[i] = `"` + p + `"`
	}
	return strings.Join(parts, "."), nil
}

func isIdent(s string) bool {
	if s == "" || len(s) > 63 || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// storedKey spells each part of k as PostgreSQL text can hold it. A text
// column refuses NUL bytes and invalid UTF-8, yet the verifiers accept any
// event id a provider signs, so the parts are escaped injectively: a
// backslash becomes `\\`, and a NUL or a byte that is not part of valid
// UTF-8 becomes `\xHH`. Every other key is stored as it is.
func storedKey(k webhook.Key) (namespace, provider, event string) {
	return escapeText(k.Namespace), escapeText(k.Provider), escapeText(k.Event)
}

func escapeText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 && strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == 0 || (r == utf8.RuneError && n == 1):
			b.WriteString(`\x`)
			b.WriteString(hex.EncodeToString([]byte{s[i]}))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// errorText makes cause's text storable: valid UTF-8, no NUL, at most
// MaxErrorText bytes.
func errorText(cause error) string {
	t := strings.ReplaceAll(strings.ToValidUTF8(cause.Error(), "\uFFFD"), "\x00", "")
	if len(t) <= MaxErrorText {
		return t
	}
	t = t[:MaxErrorText]
	for !utf8.ValidString(t) { // a cut rune
		t = t[:len(t)-1]
	}
	return t
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
