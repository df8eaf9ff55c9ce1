package httpcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/internal/wait"
)

// testError is a provider *Error for these tests.
type testError struct {
	Status int
	Code   string
	Body   []byte
}

func (e *testError) Error() string { return fmt.Sprintf("test: %d %s", e.Status, e.Code) }
func (e *testError) Unwrap() error { return SentinelFor(e.Status) }

const testKey = "sk_test_SECRET_api_key_123"

// sleeper records waits instead of taking them.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newClient returns a pipeline pointed at rawURL with a recording sleeper and
// deterministic jitter (the maximum).
func newClient(t *testing.T, rawURL string, mod ...func(*Settings)) (*Client, *sleeper) {
	t.Helper()
	sl := &sleeper{}
	s := NewSettings("")
	if err := s.SetBaseURL(rawURL); err != nil {
		t.Fatal(err)
	}
	s.Sleep = sl.sleep
	s.Jitter = func(n int64) int64 { return n - 1 }
	for _, m := range mod {
		m(&s)
	}
	c, err := New(Provider{
		Name:              "test",
		Header:            http.Header{"X-Api-Key": {testKey}},
		Protected:         []string{"x-api-key"},
		Secrets:           []string{testKey},
		IdempotencyHeader: "Idempotency-Key",
		DecodeError: func(status int, _ http.Header, body []byte) error {
			var v struct {
				Code string `json:"code"`
			}
			_ = json.Unmarshal(body, &v)
			return &testError{Status: status, Code: v.Code, Body: body}
		},
	}, s)
	if err != nil {
		t.Fatal(err)
	}
	return c, sl
}

// counter is a handler answering with the statuses in order, then the last.
type counter struct {
	mu       sync.Mutex
	statuses []int
	header   http.Header
	bodies   [][]byte
	reqs     []*http.Request
}

func (h *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	n := len(h.reqs)
	h.reqs = append(h.reqs, r)
	h.bodies = append(h.bodies, b)
	h.mu.Unlock()
	st := h.statuses[min(n, len(h.statuses)-1)]
	for k, v := range h.header {
		w.Header()[k] = v
	}
	w.WriteHeader(st)
	fmt.Fprintf(w, `{"code":"C%d","attempt":%d}`, st, n+1)
}

func (h *counter) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.reqs)
}

func TestPOSTServerErrorIsSentOnce(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{500, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, sl := newClient(t, srv.URL)

	err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/customers", Body: map[string]string{"name": "Ana"}}, nil)
	if got := h.count(); got != 1 {
		t.Fatalf("POST answered 500 was sent %d times, want exactly 1", got)
	}
	if len(sl.got()) != 0 {
		t.Fatalf("slept %v before a retry that must not happen", sl.got())
	}
	if !errors.Is(err, pagos.ErrOutcomeUnknown) || !errors.Is(err, pagos.ErrServer) {
		t.Fatalf("err = %v, want pagos.ErrOutcomeUnknown and pagos.ErrServer", err)
	}
	var ou *pagos.OutcomeUnknownError
	var te *testError
	if !errors.As(err, &ou) || !errors.As(err, &te) || te.Code != "C500" {
		t.Fatalf("err = %#v, want *pagos.OutcomeUnknownError around the provider error", err)
	}
}

func TestPOSTClientErrorIsKnownOutcome(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{422}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/x", Body: struct{}{}}, nil)
	if !errors.Is(err, pagos.ErrInvalidRequest) || errors.Is(err, pagos.ErrOutcomeUnknown) || h.count() != 1 {
		t.Fatalf("err = %v after %d requests, want pagos.ErrInvalidRequest, known outcome, 1 request", err, h.count())
	}
}

// refusedAddr returns a loopback address nothing listens on.
func refusedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestPOSTRetriedAfterRefusedConnection(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{201}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	dead := refusedAddr(t)
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return (&net.Dialer{}).DialContext(ctx, network, dead) // connection refused
		}
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}}
	c, sl := newClient(t, srv.URL, func(s *Settings) { s.HTTPClient = &http.Client{Transport: tr} })

	body := map[string]string{"name": "Ana"}
	if err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/customers", Body: body}, nil); err != nil {
		t.Fatalf("POST after a refused connection: %v", err)
	}
	if dials.Load() != 2 || h.count() != 1 {
		t.Fatalf("dials = %d, server requests = %d; want 2 dials and 1 request", dials.Load(), h.count())
	}
	testutil.JSONEqual(t, h.bodies[0], `{"name":"Ana"}`)
	if len(sl.got()) != 1 {
		t.Fatalf("waits = %v, want one wait before the retry", sl.got())
	}
}

func TestPOSTConnectionDroppedAfterWriteIsNotRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		io.ReadAll(r.Body)
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close() // the provider got the request, then the line dropped
	}))
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/orders", Body: map[string]int{"amount": 100}}, nil, WithIdempotencyKey("order-42"))
	if n.Load() != 1 {
		t.Fatalf("POST whose connection dropped after the write was sent %d times, want 1", n.Load())
	}
	var ou *pagos.OutcomeUnknownError
	if !errors.As(err, &ou) || ou.Sent != "Idempotency-Key=order-42" || ou.Method != "POST" || ou.Path != "/orders" {
		t.Fatalf("err = %v, want *pagos.OutcomeUnknownError naming what was sent", err)
	}
}

// A Repeatable POST (the provider dedupes it by a token in the body) is
// retried like a GET with the identical body; when retries run out it still
// reports an unknown outcome naming the token, so the caller repeats it with
// that token instead of a fresh one.
func TestRepeatablePOSTRetriedAndStillUnknownWhenRetriesRunOut(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{502, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	req := &Request{Method: http.MethodPost, Path: "/references", Body: map[string]string{"token": "t1"}, Repeatable: true, Sent: "token=t1"}
	if err := c.Do(t.Context(), req, nil); err != nil {
		t.Fatal(err)
	}
	if h.count() != 2 || string(h.bodies[0]) != string(h.bodies[1]) {
		t.Fatalf("requests = %d, bodies %q; want 2 identical", h.count(), h.bodies)
	}

	down := &counter{statuses: []int{500}}
	srv2 := httptest.NewServer(down)
	defer srv2.Close()
	c2, _ := newClient(t, srv2.URL, func(s *Settings) { s.MaxRetries = 2 })
	err := c2.Do(t.Context(), req, nil)
	var ou *pagos.OutcomeUnknownError
	var te *testError
	if down.count() != 3 || !errors.As(err, &ou) || ou.Sent != "token=t1" || !errors.As(err, &te) || te.Status != 500 {
		t.Fatalf("after %d requests err = %v; want 3 requests and an unknown outcome naming the token", down.count(), err)
	}

	// Its last attempt rate-limited, an earlier one answered 500: still unknown.
	mixed := &counter{statuses: []int{500, 429}}
	srv4 := httptest.NewServer(mixed)
	defer srv4.Close()
	c4, _ := newClient(t, srv4.URL, func(s *Settings) { s.MaxRetries = 1 })
	if err := c4.Do(t.Context(), req, nil); !errors.As(err, &ou) || !errors.Is(err, pagos.ErrRateLimited) || mixed.count() != 2 {
		t.Fatalf("500 then 429: err = %v after %d requests; want an unknown outcome", err, mixed.count())
	}

	// Its last attempt refused, an earlier one answered 503: still unknown.
	var n atomic.Int32
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	dead := refusedAddr(t)
	var dials atomic.Int32
	tr := &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return (&net.Dialer{}).DialContext(ctx, network, flaky.Listener.Addr().String())
		}
		return (&net.Dialer{}).DialContext(ctx, network, dead)
	}}
	defer flaky.Close()
	c3, _ := newClient(t, flaky.URL, func(s *Settings) { s.HTTPClient = &http.Client{Transport: tr}; s.MaxRetries = 1 })
	if err := c3.Do(t.Context(), req, nil); !errors.As(err, &ou) || ou.Sent != "token=t1" || n.Load() != 1 {
		t.Fatalf("503 then refused: err = %v after %d served; want an unknown outcome", err, n.Load())
	}
}

func TestGETRetriedOn503ThenSucceeds(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{503, 503, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, sl := newClient(t, srv.URL)
	var out struct {
		Attempt int `json:"attempt"`
	}
	if err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/customers/cus_1"}, &out); err != nil {
		t.Fatal(err)
	}
	if h.count() != 3 || out.Attempt != 3 {
		t.Fatalf("requests = %d, decoded attempt = %d; want 3 and 3", h.count(), out.Attempt)
	}
	// Full jitter at its maximum: min<<0, min<<1.
	want := []time.Duration{DefaultRetryWaitMin, 2 * DefaultRetryWaitMin}
	if got := sl.got(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("waits = %v, want %v", got, want)
	}
}

func TestPUTRetriedWithIdenticalBody(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{503, 502, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	body := map[string]any{"name": "Ana", "metadata": map[string]string{"k": "v"}}
	if err := c.Do(t.Context(), &Request{Method: http.MethodPut, Path: "/customers/cus_1", Body: body}, nil); err != nil {
		t.Fatal(err)
	}
	if h.count() != 3 {
		t.Fatalf("requests = %d, want 3", h.count())
	}
	for i, b := range h.bodies {
		if string(b) != string(h.bodies[0]) || len(b) == 0 {
			t.Fatalf("attempt %d sent body %q, attempt 1 sent %q", i+1, b, h.bodies[0])
		}
	}
	testutil.JSONEqual(t, h.bodies[2], `{"name":"Ana","metadata":{"k":"v"}}`)
}

func TestGETGivesUpAfterMaxRetries(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{500}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL, func(s *Settings) { s.MaxRetries = 2 })
	err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/x"}, nil)
	var te *testError
	if h.count() != 3 || !errors.As(err, &te) || te.Code != "C500" || !errors.Is(err, pagos.ErrServer) || errors.Is(err, pagos.ErrOutcomeUnknown) {
		t.Fatalf("after %d requests err = %v; want 3 requests and the last provider error", h.count(), err)
	}
}

func TestRetryAfterHonouredAndCapped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, header string
		want         time.Duration
	}{
		{"seconds", "7", 7 * time.Second},
		{"capped", "3600", DefaultRetryWaitMax},
		{"http-date-in-past", "Mon, 02 Jan 2006 15:04:05 GMT", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := &counter{statuses: []int{429, 201}, header: http.Header{"Retry-After": {tc.header}}}
			srv := httptest.NewServer(h)
			defer srv.Close()
			c, sl := newClient(t, srv.URL)
			// A POST: a 429 means the provider did not act on it, so it is retried.
			if err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/invoices", Body: struct{}{}}, nil); err != nil {
				t.Fatal(err)
			}
			if got := sl.got(); h.count() != 2 || len(got) != 1 || got[0] != tc.want {
				t.Fatalf("requests = %d, waits = %v; want 2 requests and one wait of %v", h.count(), got, tc.want)
			}
		})
	}
}

func TestRateLimitedWhenRetriesRunOut(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{429}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL, func(s *Settings) { s.MaxRetries = 1 })
	err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/x", Body: struct{}{}}, nil)
	if !errors.Is(err, pagos.ErrRateLimited) || errors.Is(err, pagos.ErrOutcomeUnknown) || h.count() != 2 {
		t.Fatalf("err = %v after %d requests; want pagos.ErrRateLimited after 2", err, h.count())
	}
}

func TestCancelDuringLongBackoffReturnsPromptly(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	waiting := make(chan struct{})
	c, _ := newClient(t, srv.URL, func(s *Settings) {
		s.Sleep = func(ctx context.Context, d time.Duration) error {
			close(waiting) // the client has entered its one-hour wait
			return wait.For(ctx, d)
		}
		s.RetryWaitMin, s.RetryWaitMax = time.Hour, time.Hour
	})
	go func() {
		<-waiting
		cancel()
	}()
	err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/slow"}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestUserAgentAndHeaders(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL, func(s *Settings) { s.UserAgentSuffix = "shop/1.0" })
	q := url.Values{"page_size": {"50"}}
	if err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/a/b%2Fc", Query: q, Body: []int{1}}, nil,
		WithHeader("X-Trace", "t-1"), WithIdempotencyKey("k-1")); err != nil {
		t.Fatal(err)
	}
	r := h.reqs[0]
	checks := map[string]string{
		"User-Agent":      "pagos-go/" + Version + " (test; ",
		"X-Api-Key":       testKey,
		"Content-Type":    "application/json",
		"Accept":          "application/json",
		"X-Trace":         "t-1",
		"Idempotency-Key": "k-1",
	}
	for k, want := range checks {
		if got := r.Header.Get(k); !strings.HasPrefix(got, want) {
			t.Errorf("header %s = %q, want prefix %q", k, got, want)
		}
	}
	if !strings.HasSuffix(r.Header.Get("User-Agent"), " shop/1.0") {
		t.Errorf("User-Agent %q lacks the application suffix", r.Header.Get("User-Agent"))
	}
	if r.URL.EscapedPath() != "/a/b%2Fc" || r.URL.RawQuery != "page_size=50" {
		t.Errorf("path %q query %q", r.URL.EscapedPath(), r.URL.RawQuery)
	}
}

func TestProtectedHeaderRefused(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/x"}, nil, WithHeader("x-api-key", "other"))
	if err == nil || !strings.Contains(err.Error(), "credentials") || h.count() != 0 {
		t.Fatalf("err = %v, requests = %d; want a refusal before sending", err, h.count())
	}
	for _, bad := range []pagos.RequestOption{WithHeader("Bad Name", "v"), WithHeader("X-A", "line\r\nInjected: 1"), WithIdempotencyKey("")} {
		if err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/x"}, nil, bad); err == nil {
			t.Error("invalid request option accepted")
		}
	}
	if h.count() != 0 {
		t.Fatalf("%d requests sent with invalid options", h.count())
	}
}

func TestResponseOverCapIsAnError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":"` + strings.Repeat("x", 4096) + `"}`))
	}))
	defer srv.Close()
	c, _ := newClient(t, srv.URL, func(s *Settings) { s.MaxResponseBytes = 1024 })
	var out map[string]any
	err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/big"}, &out)
	var tl *pagos.ResponseTooLargeError
	if !errors.As(err, &tl) || tl.Limit != 1024 || out != nil {
		t.Fatalf("err = %v, out = %v; want *pagos.ResponseTooLargeError and nothing decoded", err, out)
	}
}

func TestRedirectRefused(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal?token=abc", http.StatusFound)
	}))
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/x"}, nil)
	if err == nil || !strings.Contains(err.Error(), "redirect") || elsewhere.Load() != 0 {
		t.Fatalf("err = %v, redirected requests = %d", err, elsewhere.Load())
	}
	if strings.Contains(err.Error(), "token=abc") {
		t.Fatalf("error leaks the redirect query string: %v", err)
	}
}

func TestNoSecretsInLogsOrErrors(t *testing.T) {
	t.Parallel()
	var logs testutil.LogBuffer
	h := &counter{statuses: []int{401}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL, func(s *Settings) { s.Logger = logs.Logger() })
	q := url.Values{"secret_query": {"qs-SECRET-value"}}
	err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/customers", Query: q}, nil)
	if !errors.Is(err, pagos.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	// A transport failure: its *url.Error would print the whole URL.
	c2, _ := newClient(t, "http://"+refusedAddr(t), func(s *Settings) { s.Logger = logs.Logger(); s.MaxRetries = 0 })
	err2 := c2.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/customers", Query: q}, nil)
	if err2 == nil {
		t.Fatal("dial to a closed port succeeded")
	}
	out := logs.String()
	if !strings.Contains(out, `"path":"/customers"`) {
		t.Fatalf("debug log has no request line, so the check below proves nothing: %s", out)
	}
	for _, secret := range []string{testKey, "qs-SECRET-value"} {
		for _, s := range []string{out, err.Error(), err2.Error()} {
			if strings.Contains(s, secret) {
				t.Fatalf("%q leaked into %q", secret, s)
			}
		}
	}
}

func TestBaseURLValidation(t *testing.T) {
	t.Parallel()
	var s Settings
	for _, bad := range []string{"http://api.example.com", "ftp://x", "https://user:pw@api.example.com", "https://api.example.com/?k=v", "/relative", ""} {
		if err := s.SetBaseURL(bad); err == nil {
			t.Errorf("SetBaseURL(%q) accepted", bad)
		} else if strings.Contains(err.Error(), "pw@") || strings.Contains(err.Error(), "k=v") {
			t.Errorf("SetBaseURL error leaks credentials or query: %v", err)
		}
	}
	for _, good := range []string{"https://api.trytoku.com", "http://127.0.0.1:8080/", "http://[::1]:9/x", "http://localhost:1"} {
		if err := s.SetBaseURL(good); err != nil {
			t.Errorf("SetBaseURL(%q): %v", good, err)
		}
	}
}

func TestCallerClientIsNotModified(t *testing.T) {
	t.Parallel()
	user := &http.Client{}
	if _, err := New(Provider{Name: "t", DecodeError: func(int, http.Header, []byte) error { return nil }}, func() Settings {
		s := NewSettings("https://api.example.com")
		s.HTTPClient = user
		return s
	}()); err != nil {
		t.Fatal(err)
	}
	if user.CheckRedirect != nil || user.Timeout != 0 {
		t.Fatal("New changed the caller's *http.Client")
	}
}

func TestPagesStopsOnRepeatedCursor(t *testing.T) {
	t.Parallel()
	calls := 0
	var got []int
	var last error
	for v, err := range Pages(t.Context(), func(_ context.Context, cursor string) ([]int, string, error) {
		calls++
		return []int{calls}, "same", nil
	}) {
		if err != nil {
			last = err
			break
		}
		got = append(got, v)
	}
	if last == nil || calls != 2 || len(got) != 2 {
		t.Fatalf("calls = %d, got = %v, err = %v; want a loop guard after the second page", calls, got, last)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"5", 5 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
	}
	for _, c := range cases {
		d, ok := retryAfter(c.in, now)
		if d != c.want || ok != c.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", c.in, d, ok, c.want, c.ok)
		}
	}
}

func TestUnsentClassification(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"dial refused", &url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}, true},
		{"dns", &url.Error{Op: "Post", URL: "x", Err: &net.DNSError{Err: "no such host", Name: "api.example"}}, true},
		{"proxy connect", &net.OpError{Op: "proxyconnect", Err: errors.New("refused")}, true},
		{"read after write", &url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}}, false},
		{"write", &net.OpError{Op: "write", Err: errors.New("broken pipe")}, false},
		{"eof", &url.Error{Op: "Post", URL: "x", Err: io.EOF}, false},
		{"timeout", context.DeadlineExceeded, false},
	}
	for _, c := range cases {
		if got := unsent(c.err); got != c.want {
			t.Errorf("%s: unsent = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPOSTAfterTLSHandshakeFailure(t *testing.T) {
	t.Parallel()
	t.Run("garbage instead of a handshake is retried", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		var conns atomic.Int32
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				conns.Add(1)
				// Garbage, then FIN, then drain until the client hangs up:
				// closing with its ClientHello unread would send a reset,
				// which can reach the client before the garbage does.
				c.Write([]byte("garbage!garbage!"))
				c.(*net.TCPConn).CloseWrite()
				io.Copy(io.Discard, c)
				c.Close()
			}
		}()
		c, sl := newClient(t, "https://"+l.Addr().String(), func(s *Settings) { s.MaxRetries = 2 })
		err = c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/x", Body: struct{}{}}, nil)
		if err == nil || errors.Is(err, pagos.ErrOutcomeUnknown) {
			t.Fatalf("err = %v, want a known failure", err)
		}
		if len(sl.got()) != 2 || conns.Load() != 3 {
			t.Fatalf("waits = %v, connections = %d; want 2 retries over 3 connections", sl.got(), conns.Load())
		}
	})
	t.Run("https to plain HTTP is a known, permanent failure", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
		defer plain.Close()
		c, sl := newClient(t, strings.Replace(plain.URL, "http://", "https://", 1))
		err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/x", Body: struct{}{}}, nil)
		if !errors.Is(err, http.ErrSchemeMismatch) || errors.Is(err, pagos.ErrOutcomeUnknown) || len(sl.got()) != 0 || n.Load() != 0 {
			t.Fatalf("err = %v, waits = %v, handled = %d", err, sl.got(), n.Load())
		}
	})
}

// The review's case: a POST refused at dial is retried; the retry reaches
// the provider, which hangs, and the caller's deadline passes. The provider
// may have acted, so the error must say so, not be a bare context error.
func TestPOSTDeadlineAfterDialRetryIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		arrived <- struct{}{}
		<-r.Context().Done() // hang until the client gives up
	}))
	defer srv.Close()
	dead := refusedAddr(t)
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return (&net.Dialer{}).DialContext(ctx, network, dead)
		}
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}}
	c, _ := newClient(t, srv.URL, func(s *Settings) { s.HTTPClient = &http.Client{Transport: tr} })
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-arrived; cancel() }()
	err := c.Do(ctx, &Request{Method: http.MethodPost, Path: "/orders", Body: map[string]int{"amount": 100}}, nil)
	if !errors.Is(err, pagos.ErrOutcomeUnknown) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want pagos.ErrOutcomeUnknown around context.Canceled", err)
	}
}

// A write refused after a retry that may have acted stays unknown: the
// earlier attempt's maybe is not undone by a later refusal.
func TestRepeatableWriteKeepsEarlierMaybe(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{500, 422}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/references", Body: struct{}{}, Repeatable: true, Sent: "idempotency_token=t1"}, nil)
	var ou *pagos.OutcomeUnknownError
	if h.count() != 2 || !errors.As(err, &ou) || ou.Sent != "idempotency_token=t1" || !errors.Is(err, pagos.ErrInvalidRequest) {
		t.Fatalf("after %d requests err = %v; want the 422 inside *pagos.OutcomeUnknownError naming the token", h.count(), err)
	}
}

func TestUnrepeatablePUTIsTreatedAsAWrite(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{502, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	err := c.Do(t.Context(), &Request{Method: http.MethodPut, Path: "/orders/ord_1", Body: map[string]any{"charges": []int{1}}, Unrepeatable: true}, nil)
	if h.count() != 1 || !errors.Is(err, pagos.ErrOutcomeUnknown) {
		t.Fatalf("after %d requests err = %v; want one request and pagos.ErrOutcomeUnknown", h.count(), err)
	}
}

func TestWriteAnswered2xxButUnreadableIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id": 12, "amount": "not what the struct wants"`)
	}))
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	var out struct {
		ID string `json:"id"`
	}
	if err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/customers", Body: struct{}{}}, &out); !errors.Is(err, pagos.ErrOutcomeUnknown) {
		t.Fatalf("err = %v; the customer was created, so a blind retry would duplicate it", err)
	}
	if err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/customers/1"}, &out); err == nil || errors.Is(err, pagos.ErrOutcomeUnknown) {
		t.Fatalf("GET: err = %v; want a plain decoding error", err)
	}
}

func TestPOST429ThenCancelledIsKnown(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{429}, header: http.Header{"Retry-After": {"3600"}}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL, func(s *Settings) {
		s.Sleep = func(ctx context.Context, _ time.Duration) error { return context.Canceled }
	})
	err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/x", Body: struct{}{}}, nil)
	if err == nil || errors.Is(err, pagos.ErrOutcomeUnknown) {
		t.Fatalf("err = %v; a rate-limited POST was not acted on", err)
	}
}
