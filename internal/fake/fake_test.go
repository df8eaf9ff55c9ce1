package fake

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestIDsCountAcrossPrefixesConcurrently(t *testing.T) {
	t.Parallel()
	c := &IDs{}
	ids := c.New
	if a, b := ids("cus_"), ids("in_"); a != "cus_000001" || b != "in_000002" {
		t.Fatalf("ids %s %s", a, b)
	}
	seen := sync.Map{}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, dup := seen.LoadOrStore(ids("x_"), true); dup {
				t.Error("duplicate id")
			}
		}()
	}
	wg.Wait()
	if c.Count() != 52 {
		t.Fatalf("Count = %d, want 52", c.Count())
	}
	c.Restore(10) // never back
	c.Restore(100)
	if got := ids("cus_"); got != "cus_000101" {
		t.Fatalf("after Restore(100): %s", got)
	}
}

func TestRetryWaitsDoublingUntilSuccess(t *testing.T) {
	t.Parallel()
	var waits []time.Duration
	sleep := func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	calls := 0
	n, status, err := Retry(context.Background(), 5, sleep, func() (int, error) {
		calls++
		if calls < 3 {
			return 500, errors.New("answered 500")
		}
		return 200, nil
	})
	if n != 3 || status != 200 || err != nil || len(waits) != 2 || waits[0] != time.Second || waits[1] != 2*time.Second {
		t.Fatalf("attempts %d status %d err %v waits %v", n, status, err, waits)
	}
	n, status, err = Retry(context.Background(), 2, sleep, func() (int, error) { return 503, errors.New("answered 503") })
	if n != 2 || status != 503 || err == nil {
		t.Fatalf("giving up: attempts %d status %d err %v", n, status, err)
	}
}

func TestSendAppliesTheSuccessRule(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) }))
	defer srv.Close()
	req := func() *http.Request { r, _ := http.NewRequest(http.MethodPost, srv.URL, nil); return r }
	if status, err := Send(HTTPClient(), req(), Any2xx); status != 202 || err != nil {
		t.Fatalf("Any2xx: %d %v", status, err)
	}
	if status, err := Send(HTTPClient(), req(), Only200); status != 202 || err == nil {
		t.Fatalf("Only200 accepted 202: %d %v", status, err)
	}
}
