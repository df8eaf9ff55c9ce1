package pgstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/webhook"
)

const benchLease = 30 * time.Second

// BenchmarkClaimComplete is the store's work for one new event: Claim and
// Complete, against loopback PostgreSQL.
func BenchmarkClaimComplete(b *testing.B) {
	db := openDB(b)
	s := newStore(b, db, newTable(b, db))
	ctx := b.Context()
	k := webhook.Key{Namespace: "toku", Provider: "toku"}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		k.Event = "evt_" + strconv.Itoa(i)
		c, err := s.Claim(ctx, k, benchLease)
		if err != nil || c.Status != webhook.Acquired {
			b.Fatal(c, err)
		}
		if err := s.Complete(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClaimCompleteBaseline is the bare SQL doing the same work through
// database/sql on the same table: an INSERT … ON CONFLICT that claims the
// event and returns its attempt, and an UPDATE that marks it done for its
// token.
func BenchmarkClaimCompleteBaseline(b *testing.B) {
	db := openDB(b)
	table := newTable(b, db)
	newStore(b, db, table)
	claim := `INSERT INTO ` + table + ` (namespace, provider, event_key, status, attempts, first_seen, last_seen, lease_until, owner_token)
		VALUES ($1, $2, $3, 'claimed', 1, now(), now(), now() + $4::interval, $5)
		ON CONFLICT (namespace, provider, event_key) DO UPDATE SET last_seen = now() RETURNING attempts`
	done := `UPDATE ` + table + ` SET status = 'done', done_at = now(), lease_until = NULL, owner_token = NULL
		WHERE namespace = $1 AND provider = $2 AND event_key = $3 AND owner_token = $4`
	const token = "0123456789abcdef0123456789abcdef"
	ctx := b.Context()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		ev := "evt_" + strconv.Itoa(i)
		var attempts int
		if err := db.QueryRowContext(ctx, claim, "toku", "toku", ev, "30 seconds", token).Scan(&attempts); err != nil || attempts != 1 {
			b.Fatal(attempts, err)
		}
		res, err := db.ExecContext(ctx, done, "toku", "toku", ev, token)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkTokuHandlerSharedStore measures deliveries per second of distinct
// events through a Toku handler with the PostgreSQL store, over loopback
// HTTP, with 4 concurrent senders per CPU.
func BenchmarkTokuHandlerSharedStore(b *testing.B) {
	db := openDB(b)
	benchHandler(b, newStore(b, db, newTable(b, db)))
}

// BenchmarkTokuHandlerSharedStoreBaseline is the same load through the same
// handler with the in-memory store.
func BenchmarkTokuHandlerSharedStoreBaseline(b *testing.B) {
	benchHandler(b, webhook.NewMemoryStore(webhook.MemoryStoreConfig{}))
}

func benchHandler(b *testing.B, st webhook.Store) {
	h, err := webhook.NewTokuHandler(secret, func(context.Context, *toku.Event) error { return nil }, webhook.WithStore(st))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	var n atomic.Int64
	b.SetParallelism(4)
	b.ReportAllocs()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ev := "evt_" + strconv.FormatInt(n.Add(1), 10)
			if code, _ := deliver(b, srv.URL, ev); code != http.StatusOK {
				b.Errorf("%s answered %d", ev, code)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
}
