package testutil

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Must takes a constructor's two results and returns a function that gives
// the value, failing t at once when the error is not nil: for what a test
// needs before it can check anything, as in Must(NewClient(key))(t).
func Must[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// NoWait is a pause that ends at once, or with ctx: it makes retries
// immediate in tests.
func NoWait(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// Counting starts a test server, closed when t ends, that answers every
// request with status and a JSON body, and returns its URL and a count of
// the requests that arrived: for checks that nothing, or only so much, is
// sent.
func Counting(t testing.TB, status int, body string) (string, *atomic.Int64) {
	t.Helper()
	n := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		Respond(w, status, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, n
}

// BodyRecorder is a provider stand-in that keeps every request body it
// receives, in order.
type BodyRecorder struct {
	mu     sync.Mutex
	bodies []string
}

// Serve starts the stand-in, closed when t ends, answering each request with
// 200 and answer, and returns its URL.
func (rec *BodyRecorder) Serve(t testing.TB, answer string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.bodies = append(rec.bodies, string(b))
		rec.mu.Unlock()
		Respond(w, http.StatusOK, answer)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Sent returns the bodies received so far.
func (rec *BodyRecorder) Sent() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.bodies...)
}

// DecodesTo checks that each JSON input unmarshals into a T equal to its
// want, showing a go-cmp diff when not.
func DecodesTo[T any](t testing.TB, cases map[string]T) {
	t.Helper()
	for in, want := range cases {
		var got T
		if err := json.Unmarshal([]byte(in), &got); err != nil {
			t.Errorf("%s: %v", in, err)
		} else if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", in, diff)
		}
	}
}

// Identified fails t at once when an event a parser accepted from b lacks
// its id or its type, the two fields every provider's events must carry.
func Identified(t testing.TB, b []byte, id, typ string) {
	t.Helper()
	if id == "" || typ == "" {
		t.Fatalf("accepted an event without id or type: %s", b)
	}
}
