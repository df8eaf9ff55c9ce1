package pgstore_test

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/webhook"
)

// A day of Conekta events (10,002: 3,334 paid card orders of three events
// each), of which every 100th was missed; the rest the live handler did.
const (
	dayOrders   = 3334
	missedEvery = 100
)

// countingTransport counts the API calls a run makes.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// replayDay is a Conekta fake holding a day of events, and which of them
// the live handler processed.
type replayDay struct {
	srv    *conektatest.Server
	client *conekta.Client
	calls  *countingTransport
	ids    []string // every event, listing order
	done   []string // those processed live
}

func newReplayDay(b *testing.B) *replayDay {
	b.Helper()
	ctx := context.Background()
	srv := conektatest.NewServer(b)
	d := &replayDay{srv: srv, calls: &countingTransport{}}
	var err error
	if d.client, err = conekta.NewClient(conektatest.DefaultAPIKey, conekta.WithBaseURL(srv.URL), conekta.WithHTTPClient(&http.Client{Transport: d.calls})); err != nil {
		b.Fatal(err)
	}
	cus, err := d.client.Customers.Create(ctx, &conekta.CustomerParams{Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555",
		PaymentSources: []*conekta.PaymentSourceParams{conekta.CardSourceParams(conektatest.TokenVisa)}})
	if err != nil {
		b.Fatal(err)
	}
	for range dayOrders {
		if _, err := d.client.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{CustomerID: cus.ID},
			LineItems: []*conekta.LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 1}}, Charges: []*conekta.ChargeParams{conekta.ChargeDefault()}}); err != nil {
			b.Fatal(err)
		}
	}
	for ev, err := range d.client.Events.All(ctx, &conekta.ListParams{Limit: conekta.MaxLimit}) {
		if err != nil {
			b.Fatal(err)
		}
		d.ids = append(d.ids, ev.ID)
	}
	for i, id := range d.ids {
		if i%missedEvery != 0 {
			d.done = append(d.done, id)
		}
	}
	return d
}

// handler is the Conekta handler the day was served by, on st.
func (d *replayDay) handler(b *testing.B, st webhook.Store, ran *atomic.Int64) http.Handler {
	b.Helper()
	h, err := webhook.NewConektaHandler(d.srv.PublicKeys(), func(context.Context, *conekta.Event) error {
		ran.Add(1)
		return nil
	}, webhook.WithStore(st), webhook.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// baseline is the irreducible work of the same run: list every event
// through the client, look each up in a set of the processed ones, and call
// user code for those missing; no store, no claim.
func (d *replayDay) baseline(b *testing.B) {
	done := make(map[string]bool, len(d.done))
	for _, id := range d.done {
		done[id] = true
	}
	var ran atomic.Int64
	user := func(context.Context, *conekta.Event) error { ran.Add(1); return nil }
	since := time.Now().Add(-24 * time.Hour)
	var calls int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := d.calls.n.Load()
		ran.Store(0)
		for ev, err := range d.client.Events.All(context.Background(), &conekta.ListParams{Limit: conekta.MaxLimit}) {
			if err != nil {
				b.Fatal(err)
			}
			if ev.CreatedAt.Before(since) || done[ev.ID] {
				continue
			}
			if err := user(context.Background(), ev); err != nil {
				b.Fatal(err)
			}
		}
		if ran.Load() != int64(len(d.ids)-len(d.done)) {
			b.Fatalf("baseline ran %d", ran.Load())
		}
		calls += d.calls.n.Load() - before
	}
	b.ReportMetric(float64(calls)/float64(b.N), "api-calls/op")
}

// BenchmarkReplayDayMemoryStore replays a day of 10,002 Conekta events
// with 1% missed, on the in-memory store.
func BenchmarkReplayDayMemoryStore(b *testing.B) {
	d := newReplayDay(b)
	runOn(b, d, func() webhook.Store {
		st := webhook.NewMemoryStore(webhook.MemoryStoreConfig{})
		markDone(b, st, d.done)
		return st
	})
}

// BenchmarkReplayDayPostgres is the same run on webhook/pgstore over
// loopback PostgreSQL.
func BenchmarkReplayDayPostgres(b *testing.B) {
	db := openDB(b)
	table := newTable(b, db)
	st := newStore(b, db, table)
	d := newReplayDay(b)
	runOn(b, d, func() webhook.Store {
		if _, err := db.Exec(`TRUNCATE ` + table); err != nil {
			b.Fatal(err)
		}
		bulkDone(b, db, table, d.done)
		return st
	})
}

// BenchmarkReplayDayBaseline is the same-run baseline: listing and a set
// lookup, no store.
func BenchmarkReplayDayBaseline(b *testing.B) {
	newReplayDay(b).baseline(b)
}

// runOn replays the day b.N times, each on a store fresh returns in the
// live handler's state, and reports one run's API and store calls.
func runOn(b *testing.B, d *replayDay, fresh func() webhook.Store) {
	var ran atomic.Int64
	p := webhook.ConektaReplayParams{Since: time.Now().Add(-24 * time.Hour)}
	var calls, reads int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := d.handler(b, fresh(), &ran)
		ran.Store(0)
		before := d.calls.n.Load()
		b.StartTimer()
		s, err := webhook.ReplayConekta(context.Background(), h, d.client, p)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		want := len(d.ids) - len(d.done)
		if s.Replayed != want || s.AlreadyDone != len(d.done) || ran.Load() != int64(want) {
			b.Fatalf("summary %+v, user code ran %d; want %d replayed", s, ran.Load(), want)
		}
		calls += d.calls.n.Load() - before
		reads += int64(s.StoreReads)
		b.StartTimer()
	}
	b.ReportMetric(float64(calls)/float64(b.N), "api-calls/op")
	b.ReportMetric(float64(reads)/float64(b.N), "store-calls/op")
}

// markDone completes keys as the live handler would have.
func markDone(b *testing.B, st webhook.Store, ids []string) {
	ctx := context.Background()
	for _, id := range ids {
		c, err := st.Claim(ctx, webhook.Key{Namespace: "conekta", Provider: "conekta", Event: id}, time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Complete(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// bulkDone writes the live handler's done rows in one statement.
func bulkDone(b *testing.B, db *sql.DB, table string, ids []string) {
	_, err := db.Exec(`INSERT INTO `+table+` (namespace, provider, event_key, status, attempts, first_seen, last_seen, done_at)
SELECT 'conekta', 'conekta', k, 'done', 1, now(), now(), now() FROM unnest($1::text[]) AS k`, pq.Array(ids))
	if err != nil {
		b.Fatal(err)
	}
}
