package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
)

// A deposit whose notification was lost is replayed by the reconcile loop:
// the first round's listing fails (logged, not fatal), the next replays the
// deposit once, and later rounds find it done.
func TestReconcileReplaysAMissedDepositOnceAndSurvivesAListingFailure(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	fake := tpagatest.NewServer(t) // no notification URL: the notification is lost
	client, err := tpaga.NewClient(fake.Token, tpaga.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	sim, err := tpaga.NewEfectySimulator(fake.EfectyAPIKey, tpaga.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := client.References.Create(ctx, &tpaga.ReferenceParams{Requester: tpaga.Requester{FirstNames: "Noa", LastNames: "Tamayo",
		DocumentType: tpaga.DocumentCC, DocumentNumber: "111222333", PhoneNumber: "+573000000000"}, Description: "Recarga", Amount: 20000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 20000, EfectyOrderID: "777"}); err != nil {
		t.Fatal(err)
	}

	// The API answers the first details request 400, as a provider outage
	// the client does not retry.
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, `{"detail":"temporarily unavailable"}`, http.StatusBadRequest)
			return
		}
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, fake.URL+r.URL.RequestURI(), nil)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(api.Close)

	env := map[string]string{
		"TPAGA_NOTIFY_AUTHORIZATION": "Basic 1234567890",
		"TPAGA_TOKEN":                fake.Token,
		"TPAGA_BASE_URL":             api.URL,
		"TPAGA_RECONCILE_REFERENCES": ref.Reference,
		"PAGOS_RECONCILE_EVERY":      "1ms",
	}
	lines := make(chan map[string]any, 1024)
	w := writerFunc(func(b []byte) (int, error) {
		var m map[string]any
		if json.Unmarshal(b, &m) == nil {
			select {
			case lines <- m:
			default: // the test stopped reading: later rounds are not needed
			}
		}
		return len(b), nil
	})
	rctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(rctx, []string{"-addr", "127.0.0.1:0", "-log-format", "json"}, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, w)
	}()

	failed, received := 0, 0
	var summaries []map[string]any
	for len(summaries) < 2 {
		var m map[string]any
		select {
		case m = <-lines:
		case err := <-done:
			t.Fatalf("server stopped: %v", err)
		}
		switch m["msg"] {
		case "reconcile failed; retrying next round":
			failed++
		case "event received":
			received++
		case "webhook: replay done":
			summaries = append(summaries, m)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
	if failed != 1 {
		t.Fatalf("%d failed rounds logged before the first summary, want 1", failed)
	}
	if s := summaries[0]; s["replayed"] != 1.0 || s["already_done"] != 0.0 || s["listed"] != 1.0 {
		t.Fatalf("first summary %v; want the deposit replayed", s)
	}
	if s := summaries[1]; s["replayed"] != 0.0 || s["already_done"] != 1.0 {
		t.Fatalf("second summary %v; want the deposit already done", s)
	}
	if received != 1 {
		t.Fatalf("user code ran %d times for the deposit, want 1", received)
	}
}

// Two server replicas on one PostgreSQL store both reconcile at start the
// same lost deposit: user code runs once between them.
func TestTwoReplicasReconcilingRunUserCodeOnce(t *testing.T) {
	dsn := testutil.PostgresDSN(t, os.Getenv)
	ctx := t.Context()
	fake := tpagatest.NewServer(t)
	client, err := tpaga.NewClient(fake.Token, tpaga.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	sim, err := tpaga.NewEfectySimulator(fake.EfectyAPIKey, tpaga.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := client.References.Create(ctx, &tpaga.ReferenceParams{Requester: tpaga.Requester{FirstNames: "Noa", LastNames: "Tamayo",
		DocumentType: tpaga.DocumentCC, DocumentNumber: "111222333", PhoneNumber: "+573000000000"}, Description: "Recarga", Amount: 20000})
	if err != nil {
		t.Fatal(err)
	}
	// The database outlives this run: an order id unique to the run keeps
	// an earlier run's done deposit from answering for this one.
	order := strconv.FormatInt(time.Now().UnixNano(), 10)
	if _, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 20000, EfectyOrderID: order}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"TPAGA_NOTIFY_AUTHORIZATION": "Basic 1234567890",
		"TPAGA_TOKEN":                fake.Token,
		"TPAGA_BASE_URL":             fake.URL,
		"TPAGA_RECONCILE_REFERENCES": ref.Reference,
		"PAGOS_RECONCILE_EVERY":      "1h", // one round, at start
		"PAGOS_DEDUPE_DSN":           dsn,
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	type replica struct {
		lines chan map[string]any
		done  chan error
	}
	rctx, cancel := context.WithCancel(context.Background())
	var rs []replica
	for range 2 {
		r := replica{lines: make(chan map[string]any, 256), done: make(chan error, 1)}
		w := writerFunc(func(b []byte) (int, error) {
			var m map[string]any
			if json.Unmarshal(b, &m) == nil {
				r.lines <- m
			}
			return len(b), nil
		})
		go func() { r.done <- run(rctx, []string{"-addr", "127.0.0.1:0", "-log-format", "json"}, lookup, w) }()
		rs = append(rs, r)
	}
	received, replayed := 0, 0.0
	for _, r := range rs {
		for summary := false; !summary; {
			var m map[string]any
			select {
			case m = <-r.lines:
			case err := <-r.done:
				t.Fatalf("replica stopped: %v", err)
			}
			switch m["msg"] {
			case "event received":
				if m["efecty_order_id"] == order {
					received++
				}
			case "webhook: replay done":
				summary = true
				if m["listed"] != 1.0 || m["failed"] != 0.0 {
					t.Fatalf("summary %v", m)
				}
				r, _ := m["replayed"].(float64)
				replayed += r
			case "reconcile failed; retrying next round":
				t.Fatalf("reconcile failed: %v", m)
			}
		}
	}
	cancel()
	for _, r := range rs {
		go func() {
			for range r.lines { // drain the shutdown lines
			}
		}()
		if err := <-r.done; err != nil {
			t.Fatalf("run after cancel: %v", err)
		}
	}
	if received != 1 || replayed != 1 {
		t.Fatalf("user code ran %d times, replays counted %v; want 1 between two replicas", received, replayed)
	}
}
