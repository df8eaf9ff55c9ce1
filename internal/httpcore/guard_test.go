package httpcore

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/testutil"
)

func answerEmpty(w http.ResponseWriter, _ *http.Request) { testutil.Respond(w, http.StatusOK, `{}`) }

// net/http re-sends a request on a dead keep-alive connection when it thinks
// the request replayable (GetBody set and an Idempotency-Key header). A write
// must reach the server once and come back as an outcome unknown naming its
// key, whatever header it carries and with or without a body.
func TestWriteNotReplayedOnReusedConnection(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		method string
		body   any
		opts   []pagos.RequestOption
		key    string
	}{
		{"POST without key", http.MethodPost, map[string]int{"amount": 100}, nil, ""},
		{"POST WithIdempotencyKey", http.MethodPost, map[string]int{"amount": 100}, []pagos.RequestOption{WithIdempotencyKey("key-1")}, "key-1"},
		{"POST WithHeader Idempotency-Key", http.MethodPost, map[string]int{"amount": 100}, []pagos.RequestOption{WithHeader("Idempotency-Key", "key-2")}, "key-2"},
		{"POST WithHeader X-Idempotency-Key", http.MethodPost, map[string]int{"amount": 100}, []pagos.RequestOption{WithHeader("X-Idempotency-Key", "key-3")}, "key-3"},
		{"POST without a body", http.MethodPost, nil, []pagos.RequestOption{WithIdempotencyKey("key-4")}, "key-4"},
		{"PATCH", http.MethodPatch, map[string]int{"amount": 100}, []pagos.RequestOption{WithIdempotencyKey("key-5")}, "key-5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := testutil.NewDropOnReuse(t, answerEmpty)
			c, _ := newClient(t, srv.URL)
			if err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/prime"}, nil); err != nil {
				t.Fatal(err)
			}
			err := c.Do(t.Context(), &Request{Method: tc.method, Path: "/charges", Body: tc.body}, nil, tc.opts...)
			if n := srv.Count(tc.method, "/charges"); n != 1 {
				t.Fatalf("the write reached the server %d times, want exactly 1 (err = %v)", n, err)
			}
			if !errors.Is(err, pagos.ErrOutcomeUnknown) {
				t.Fatalf("err = %v, want pagos.ErrOutcomeUnknown", err)
			}
			if tc.key != "" && !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("err = %v, want it to name the key %s", err, tc.key)
			}
			a := srv.Arrivals()
			if tc.key != "" && a[len(a)-1].Header.Get("Idempotency-Key")+a[len(a)-1].Header.Get("X-Idempotency-Key") != tc.key {
				t.Fatalf("the key did not go out: %v", a[len(a)-1].Header)
			}
		})
	}
}

// The pipeline's own retry of a write the provider makes repeatable (Tpaga's
// reference with its idempotency_token) still happens, with the same body.
func TestRepeatableWriteStillRetriedOnDroppedConnection(t *testing.T) {
	t.Parallel()
	srv := testutil.NewDropOnReuse(t, answerEmpty)
	c, _ := newClient(t, srv.URL)
	if err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/prime"}, nil); err != nil {
		t.Fatal(err)
	}
	err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/references", Body: map[string]string{"idempotency_token": "tok-1"},
		Repeatable: true, Sent: "idempotency_token=tok-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, a := range srv.Arrivals() {
		if a.Path == "/references" {
			bodies = append(bodies, string(a.Body))
		}
	}
	if len(bodies) != 2 || bodies[0] != bodies[1] || !strings.Contains(bodies[0], "tok-1") {
		t.Fatalf("bodies = %q, want the same token sent twice (the drop, then the retry)", bodies)
	}
}

// A write never sent (a context already done, a header net/http refuses) is
// a plain error saying so, not an outcome unknown.
func TestUnsentWriteIsAPlainError(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := c.Do(ctx, &Request{Method: http.MethodPost, Path: "/orders", Body: struct{}{}}, nil)
	if !errors.Is(err, context.Canceled) || errors.Is(err, pagos.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("cancelled: err = %v, want context.Canceled saying nothing was sent", err)
	}

	bad, err := New(Provider{Name: "test", Header: http.Header{"X-Client": {"a\x00b"}},
		DecodeError: func(int, http.Header, []byte) error { return nil }}, func() Settings {
		s := NewSettings("")
		if err := s.SetBaseURL(srv.URL); err != nil {
			t.Fatal(err)
		}
		return s
	}())
	if err != nil {
		t.Fatal(err)
	}
	err = bad.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/orders", Body: struct{}{}}, nil)
	if err == nil || errors.Is(err, pagos.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("refused header: err = %v, want a plain error saying nothing was sent", err)
	}
	if h.count() != 0 {
		t.Fatalf("%d requests arrived", h.count())
	}
}

func TestWithHeaderRefusesOwnedAndCredentialHeaders(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	for _, name := range []string{"Host", "content-length", "Transfer-Encoding", "Content-Type", "Authorization",
		"x-api-key", "X-Account-Key", "Proxy-Authorization", "Cookie", "Connection"} {
		err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/x", Body: struct{}{}}, nil, WithHeader(name, "v"))
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(name)) {
			t.Errorf("WithHeader(%q): err = %v, want a refusal naming the header", name, err)
		}
	}
	for _, bad := range []pagos.RequestOption{WithHeader("X-A", "nul\x00"), WithHeader("X(A)", "v"), WithIdempotencyKey("k\x00"), WithIdempotencyKey(" k")} {
		if err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/x", Body: struct{}{}}, nil, bad); err == nil || errors.Is(err, pagos.ErrOutcomeUnknown) {
			t.Errorf("invalid option: err = %v, want a refusal", err)
		}
	}
	if h.count() != 0 {
		t.Fatalf("%d requests sent with refused headers", h.count())
	}
	if err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/x"}, nil, WithHeader("X-Child-Company-Id", "c1")); err != nil || h.reqs[0].Header.Get("X-Child-Company-Id") != "c1" {
		t.Fatalf("an ordinary header: err = %v", err)
	}
}

func TestDotSegmentIDsRefused(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	for _, p := range []string{"/customers/.", "/customers/..", "/orders/../refunds", "/orders/%2e%2E/void", "/a/./b"} {
		err := c.Do(t.Context(), &Request{Method: http.MethodDelete, Path: p}, nil)
		var pe *pagos.ParamError
		if !errors.As(err, &pe) {
			t.Errorf("%s: err = %v, want a ParamError", p, err)
		}
	}
	if h.count() != 0 {
		t.Fatalf("%d requests sent with dot segments", h.count())
	}
}

// A provider that echoes the credential, in any spelling and any place,
// does not put it in error text, the kept raw body, or a log line.
func TestEchoedCredentialsScrubbed(t *testing.T) {
	t.Parallel()
	b64 := base64.StdEncoding.EncodeToString([]byte(testKey))
	var logs testutil.LogBuffer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			w.Header().Set("Location", "https://evil.example/"+testKey+"/x")
			w.WriteHeader(http.StatusFound)
		default:
			w.Header().Set("X-Request-Id", "req-"+testKey)
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"code":"bad key ` + testKey + `","message":"Bearer ` + testKey + ` / ` + b64 + ` / ` +
				url.QueryEscape(testKey) + `","` + testKey + `":["echo"]}`))
		}
	}))
	defer srv.Close()
	c, _ := newClient(t, srv.URL, func(s *Settings) { s.Logger = logs.Logger() })
	for _, p := range []string{"/x", "/redirect"} {
		err := c.Do(t.Context(), &Request{Method: http.MethodPost, Path: p, Body: struct{}{}}, nil)
		if err == nil {
			t.Fatalf("%s: no error", p)
		}
		text := err.Error()
		var te *testError
		if errors.As(err, &te) {
			text += string(te.Body) + te.Code
		}
		for _, leak := range []string{"SECRET_api_key", b64, url.QueryEscape(testKey)} {
			if strings.Contains(text, leak) || strings.Contains(logs.String(), leak) {
				t.Fatalf("%s: the credential leaked: %s | %s", p, text, logs.String())
			}
		}
		if p == "/x" && !strings.Contains(text, "[redacted]") {
			t.Fatalf("%s: want the placeholder where the key was: %s", p, text)
		}
	}
}

// pagos.CallOptions is public, so a RequestOption written by hand can set
// any header: the pipeline checks each again, whatever its spelling, and
// sends nothing it refuses; a provider's own secret header still passes.
func TestHandWrittenOptionsCheckedAgain(t *testing.T) {
	t.Parallel()
	h := &counter{statuses: []int{200, 200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newClient(t, srv.URL)
	set := func(name, value string) pagos.RequestOption {
		return func(o *pagos.CallOptions) error {
			if o.Header == nil {
				o.Header = http.Header{}
			}
			o.Header[name] = []string{value} // as written, not canonicalized
			return nil
		}
	}
	for _, bad := range []pagos.RequestOption{set("x-api-key", "other"), set("X-Api-Key", "other"), set("content-type", "text/plain"),
		set("Content-Type", "text/plain"), set("X-Account-Key", "acct"), set("X-A", "line\r\nInjected: 1"), set("Host", "evil.example")} {
		if err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/x"}, nil, bad); err == nil {
			t.Errorf("a hand-written option was sent: %v", h.reqs)
		}
	}
	if h.count() != 0 {
		t.Fatalf("%d requests sent with refused headers", h.count())
	}
	own, err := New(Provider{Name: "own", SecretHeaders: []string{"X-Account-Key"}, DecodeError: func(int, http.Header, []byte) error { return nil }}, NewSettings(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	setOwn := func(o *pagos.CallOptions) error { o.SetHeader("X-Account-Key", "acct_1"); return nil }
	if err := own.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/x"}, nil, setOwn); err != nil || h.reqs[0].Header.Get("X-Account-Key") != "acct_1" {
		t.Fatalf("the provider's own secret header: err = %v", err)
	}
}
