package pgstore_test

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"sync"
	"testing"

	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
	"github.com/pagos-go/pagos/webhook"
)

// Two replicas on one database both replay the deposits whose notifications
// were lost (the fake posts none); each deposit reaches user code once.
func TestTwoReplicasReplayingRunUserCodeOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	fake := tpagatest.NewServer(t) // no notification URL: every notification is lost
	client, err := tpaga.NewClient(fake.Token, tpaga.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	sim, err := tpaga.NewEfectySimulator(fake.EfectyAPIKey, tpaga.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	const deposits = 8
	var refs []string
	for i := range deposits {
		ref, err := client.References.Create(ctx, &tpaga.ReferenceParams{Requester: tpaga.Requester{FirstNames: "Noa", LastNames: "Tamayo",
			DocumentType: tpaga.DocumentCC, DocumentNumber: "111222333", PhoneNumber: "+573000000000"}, Description: "Recarga", Amount: 20000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 20000, EfectyOrderID: "9000" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref.Reference)
	}

	var (
		mu   sync.Mutex
		runs = map[string]int{}
	)
	first := openDB(t)
	table := newTable(t, first)
	start := make(chan struct{})
	results := make([]*webhook.ReplaySummary, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, db := range []*sql.DB{first, openDB(t)} {
		st := newStore(t, db, table)
		h, err := webhook.NewTpagaHandler("Basic 1234567890", func(_ context.Context, n *tpaga.Notification) error {
			mu.Lock()
			runs[n.Reference+"/"+n.EfectyOrderID]++
			mu.Unlock()
			return nil
		}, webhook.WithStore(st), webhook.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = webhook.ReplayTpaga(context.Background(), h, client, refs)
		}()
	}
	close(start)
	wg.Wait()
	replayed := 0
	for i := range 2 {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		s := results[i]
		if s.Listed != deposits || s.AlreadyDone+s.InProgress+s.Replayed != deposits || len(s.Failed) != 0 {
			t.Fatalf("replica %d summary %+v", i, s)
		}
		replayed += s.Replayed
	}
	if replayed != deposits || len(runs) != deposits {
		t.Fatalf("replicas replayed %d, user code ran for %d deposits; want %d", replayed, len(runs), deposits)
	}
	for k, n := range runs {
		if n != 1 {
			t.Fatalf("user code ran %d times for %s", n, k)
		}
	}
}
