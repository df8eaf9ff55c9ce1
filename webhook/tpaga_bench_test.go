package webhook

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pagos-go/pagos/tpaga"
)

// tpagaBenchBody returns the i-th distinct deposit notification, so that
// every delivery is a first one: claimed, processed and completed.
func tpagaBenchBody(i int) string {
	return `{"reference":"575657589293","amount":20000,"idempotency_token":"c348e1578b91e2f03db5e15a401b99","efecty_order_id":"` + strconv.Itoa(i) + `"}`
}

// benchTpagaHandler is NewTpagaHandler with its defaults.
func benchTpagaHandler(b *testing.B) http.Handler {
	h, err := NewTpagaHandler(tpagaAuth, func(_ context.Context, n *tpaga.Notification) error {
		if a, err := n.Amount(); a != 20000 || err != nil {
			b.Error("bad amount")
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// baselineTpagaHandler does only the irreducible work of a notification
// handler: POST check, a size-limited read, a constant-time comparison,
// json.Unmarshal of the four fields, a mutex-guarded map as the dedupe
// memory, the user call, 200.
func baselineTpagaHandler(b *testing.B) http.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	want := []byte(tpagaAuth)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, DefaultMaxBodyBytes))
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var n struct {
			Reference        string `json:"reference"`
			Amount           int64  `json:"amount"`
			IdempotencyToken string `json:"idempotency_token"`
			EfectyOrderID    string `json:"efecty_order_id"`
		}
		if err := json.Unmarshal(body, &n); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		key := n.Reference + "/" + n.EfectyOrderID
		mu.Lock()
		dup := seen[key]
		seen[key] = true
		mu.Unlock()
		if !dup && n.Amount != 20000 {
			b.Error("bad amount")
		}
		w.WriteHeader(http.StatusOK)
	})
}

// postTpaga sends distinct notifications to h as Tpaga does: a POST over a
// kept-alive loopback connection to a net/http server.
func postTpaga(b *testing.B, h http.Handler) {
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhooks/tpaga", strings.NewReader(tpagaBenchBody(i)))
		req.Header.Set("Authorization", tpagaAuth)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkTpagaHandler serves new deposit notifications over loopback
// HTTP with NewTpagaHandler: POST check, body limit, constant-time
// comparison of the agreed value, decode, dedupe claim and completion in
// the MemoryStore, user code under its timeout, 200.
func BenchmarkTpagaHandler(b *testing.B) { postTpaga(b, benchTpagaHandler(b)) }

// BenchmarkTpagaHandlerBaseline serves the same notifications over loopback
// HTTP with a net/http handler doing only the irreducible work.
func BenchmarkTpagaHandlerBaseline(b *testing.B) { postTpaga(b, baselineTpagaHandler(b)) }

// serveTpaga calls h.ServeHTTP in process, without a connection, so the
// handler's own cost shows undiluted.
func serveTpaga(b *testing.B, h http.Handler) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		r := httptest.NewRequest(http.MethodPost, "/webhooks/tpaga", strings.NewReader(tpagaBenchBody(i)))
		r.Header.Set("Authorization", tpagaAuth)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkTpagaHandlerInProcess is NewTpagaHandler's ServeHTTP alone.
func BenchmarkTpagaHandlerInProcess(b *testing.B) { serveTpaga(b, benchTpagaHandler(b)) }

// BenchmarkTpagaHandlerInProcessBaseline is the baseline handler's
// ServeHTTP alone.
func BenchmarkTpagaHandlerInProcessBaseline(b *testing.B) { serveTpaga(b, baselineTpagaHandler(b)) }
