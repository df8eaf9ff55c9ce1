package webhook_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/webhook"
)

// signedTokuRequest builds a delivery as Toku sends it, for the examples.
func signedTokuRequest(secret, path, id string) *http.Request {
	body := `{"id":"` + id + `","event_type":"invoice.updated","invoice":{"id":"in_1"}}`
	sig, _ := webhook.SignToku([]byte(body), secret, time.Now(), toku.SignedEventID)
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set(webhook.TokuSignatureHeader, sig)
	return r
}

// Mount a handler behind middleware: the handler is a plain http.Handler, so
// any func(http.Handler) http.Handler wraps it. Middleware must pass the body
// through untouched; the signature covers the raw bytes.
func Example_middleware() {
	h, _ := webhook.NewTokuHandler("whesec_example", func(ctx context.Context, e *toku.Event) error { return nil })

	requestLog := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			fmt.Println(r.Method, r.URL.Path, rec.status)
		})
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/toku", requestLog(h))

	mux.ServeHTTP(httptest.NewRecorder(), signedTokuRequest("whesec_example", "/webhooks/toku", "evt_1"))
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/webhooks/toku", strings.NewReader("{}")))
	// Output:
	// POST /webhooks/toku 200
	// POST /webhooks/toku 401
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

// Mount every provider's handler under a path prefix with http.StripPrefix,
// for a server whose webhooks live under /api/v1.
func Example_pathPrefix() {
	h, _ := webhook.NewTokuHandler("whesec_example", func(ctx context.Context, e *toku.Event) error {
		fmt.Println("got", e.ID)
		return nil
	})
	hooks := http.NewServeMux()
	hooks.Handle("POST /webhooks/toku", h)

	root := http.NewServeMux()
	root.Handle("/api/v1/", http.StripPrefix("/api/v1", hooks))

	w := httptest.NewRecorder()
	root.ServeHTTP(w, signedTokuRequest("whesec_example", "/api/v1/webhooks/toku", "evt_2"))
	fmt.Println(w.Code)
	// Output:
	// got evt_2
	// 200
}

// One ServeMux for several providers, with Go 1.22 method patterns, sharing
// a logger. Each handler keeps its own dedupe store unless WithStore gives
// them one (set WithNamespace per handler when they share it).
func Example_serveMux() {
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelError}))
	store := webhook.NewMemoryStore(webhook.MemoryStoreConfig{})
	billing, _ := webhook.NewTokuHandler("whesec_billing", func(ctx context.Context, e *toku.Event) error { return nil },
		webhook.WithLogger(log), webhook.WithStore(store), webhook.WithNamespace("billing"))
	crm, _ := webhook.NewTokuHandler("whesec_crm", func(ctx context.Context, e *toku.Event) error { return nil },
		webhook.WithLogger(log), webhook.WithStore(store), webhook.WithNamespace("crm"))

	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/toku/billing", billing)
	mux.Handle("POST /webhooks/toku/crm", crm)

	for _, r := range []*http.Request{
		signedTokuRequest("whesec_billing", "/webhooks/toku/billing", "evt_3"),
		signedTokuRequest("whesec_crm", "/webhooks/toku/crm", "evt_3"),
		httptest.NewRequest(http.MethodGet, "/webhooks/toku/crm", nil),
	} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println(r.Method, r.URL.Path, w.Code)
	}
	// Output:
	// POST /webhooks/toku/billing 200
	// POST /webhooks/toku/crm 200
	// GET /webhooks/toku/crm 405
}
