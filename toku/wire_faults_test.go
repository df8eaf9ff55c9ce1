package toku

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
)

// A create on a reused keep-alive connection that dies after the request was
// written reaches Toku once and comes back as an outcome unknown naming its
// key, with or without an Idempotency-Key header (net/http replays a request
// carrying one by itself).
func TestCreateOnDroppedReusedConnectionSentOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []RequestOption
		key  string
	}{
		{"no key", nil, ""},
		{"Idempotency-Key header", []RequestOption{WithHeader("Idempotency-Key", "order-77")}, "order-77"},
		{"X-Idempotency-Key header", []RequestOption{WithHeader("X-Idempotency-Key", "order-78")}, "order-78"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := testutil.NewDropOnReuse(t, func(w http.ResponseWriter, _ *http.Request) {
				testutil.Respond(w, http.StatusOK, `{"id":"cus_1"}`)
			})
			c, err := NewClient(testAPIKey, WithBaseURL(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Customers.Get(t.Context(), "cus_1"); err != nil {
				t.Fatal(err)
			}
			cus, err := c.Customers.Create(t.Context(), &CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com"}, tc.opts...)
			_ = cus // nil on error is issue 12 item 7, another helper's part
			if n := srv.Count(http.MethodPost, "/customers"); n != 1 {
				t.Fatalf("the create reached Toku %d times, want exactly 1 (err = %v)", n, err)
			}
			if !errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("got %v, %v; want nil and ErrOutcomeUnknown", cus, err)
			}
			if !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("err = %v, want it to name %q", err, tc.key)
			}
		})
	}
}

// Every method that puts an id in the path refuses "." and ".." with a
// ParamError naming the id, and sends nothing.
func TestDotSegmentIDsNeverSent(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		testutil.Respond(w, http.StatusOK, `{}`)
	}))
	defer srv.Close()
	c, err := NewClient(testAPIKey, WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	calls := []struct {
		name, field string
		call        func(id string) error
	}{
		{"Customers.Get", "customer id", func(id string) error { _, err := c.Customers.Get(ctx, id); return err }},
		{"Customers.Update", "customer id", func(id string) error {
			_, err := c.Customers.Update(ctx, id, &CustomerParams{Name: "Ana"})
			return err
		}},
		{"Customers.Delete", "customer id", func(id string) error { return c.Customers.Delete(ctx, id) }},
		{"Invoices.Get", "invoice id", func(id string) error { _, err := c.Invoices.Get(ctx, id); return err }},
		{"Invoices.Update", "invoice id", func(id string) error {
			_, err := c.Invoices.Update(ctx, id, &InvoiceParams{ProductID: "p"})
			return err
		}},
		{"Invoices.Void", "invoice id", func(id string) error { _, err := c.Invoices.Void(ctx, id); return err }},
		{"Invoices.Delete", "invoice id", func(id string) error { return c.Invoices.Delete(ctx, id) }},
		{"WebhookEndpoints.Get", "webhook endpoint id", func(id string) error { _, err := c.WebhookEndpoints.Get(ctx, id); return err }},
		{"WebhookEndpoints.Update", "webhook endpoint id", func(id string) error {
			_, err := c.WebhookEndpoints.Update(ctx, id, &WebhookEndpointParams{Status: EndpointDisabled})
			return err
		}},
	}
	for _, tc := range calls {
		for _, id := range []string{".", ".."} {
			err := tc.call(id)
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Field != tc.field || !errors.Is(err, ErrInvalidRequest) {
				t.Errorf("%s(%q): err = %v, want a ParamError naming %s", tc.name, id, err, tc.field)
			}
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// Toku echoing the API key or the account key, in any spelling and any
// place of its answer, never puts it in an error or its kept body.
func TestEchoedKeysScrubbedFromErrors(t *testing.T) {
	t.Parallel()
	const accountKey = "acc_key_ECHOED_secret"
	const callKey = "acc_key_PERCALL_secret"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k, a := r.Header.Get("X-Api-Key"), r.Header.Get("X-Account-Key")
		w.Header().Set("X-Request-Id", "req-"+k)
		testutil.Respond(w, http.StatusUnauthorized, `{"error":{"code":"`+a+`","message":"API Key inválida: `+k+` cuenta `+a+
			` b64 `+base64.StdEncoding.EncodeToString([]byte(k))+`","details":[{"loc":["header","`+k+`"],"msg":"`+a+`","type":"`+k+`"}]}}`)
	}))
	defer srv.Close()
	c, err := NewClient(testAPIKey, WithBaseURL(srv.URL), WithDefaultAccountKey(accountKey))
	if err != nil {
		t.Fatal(err)
	}
	_, err1 := c.Customers.Get(t.Context(), "cus_1")
	_, err2 := c.Customers.Get(t.Context(), "cus_1", WithAccountKey(callKey))
	for _, err := range []error{err1, err2} {
		var te *Error
		if !errors.As(err, &te) {
			t.Fatalf("err = %v, want *Error", err)
		}
		text := err.Error() + string(te.Body) + te.RequestID + te.Code + te.Message
		for _, d := range te.Details {
			text += strings.Join(d.Loc, ".") + d.Msg + d.Type
		}
		for _, leak := range []string{testAPIKey, accountKey, callKey, base64.StdEncoding.EncodeToString([]byte(testAPIKey))} {
			if strings.Contains(text, leak) {
				t.Fatalf("a key leaked: %s", text)
			}
		}
	}
}

func TestNewClientRefusesMalformedKeys(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"", " tk_SEKRIT ", "tk_SEKRIT\x00", "tk\tSEKRIT", "tk_SEKRIT\n", "tk_SEKRITñ", "tk SEKRIT"} {
		_, err := NewClient(key)
		if err == nil {
			t.Errorf("NewClient(%q) accepted", key)
			continue
		}
		if strings.Contains(err.Error(), "SEKRIT") {
			t.Errorf("NewClient(%q): the error echoes the key: %v", key, err)
		}
	}
	if _, err := NewClient("tk_live_abc123", WithDefaultAccountKey(" acc ")); err == nil {
		t.Error("an account key with spaces accepted")
	}
}

func TestWithHeaderRefusesOwnedHeaders(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		testutil.Respond(w, http.StatusOK, `{"id":"cus_1"}`)
	}))
	defer srv.Close()
	c, err := NewClient(testAPIKey, WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Host", "Content-Length", "Transfer-Encoding", "Content-Type", "x-api-key", "x-account-key", "Authorization"} {
		if _, err := c.Customers.Get(t.Context(), "cus_1", WithHeader(name, "v")); err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(name)) {
			t.Errorf("WithHeader(%q): err = %v, want a refusal naming it", name, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// A create with a context already done sends nothing and says so: the
// context's error, never an outcome unknown.
func TestCreateWithDoneContextIsNotSent(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c, err := NewClient(testAPIKey, WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	cus, err := c.Customers.Create(ctx, &CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com"})
	_ = cus // nil on error: issue 12 item 7
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("got %v, %v; want nil and context.Canceled saying nothing was sent", cus, err)
	}
	if hits.Load() != 0 {
		t.Fatal("the request arrived")
	}
}
