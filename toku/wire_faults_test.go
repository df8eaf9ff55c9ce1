package toku

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/internal/testutil/providertest"
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
			c := testutil.Must(NewClient(testAPIKey, WithBaseURL(srv.URL)))(t)
			if _, err := c.Customers.Get(t.Context(), "cus_1"); err != nil {
				t.Fatal(err)
			}
			cus, err := c.Customers.Create(t.Context(), &CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com"}, tc.opts...)
			_ = cus // nil on error is issue 12 item 7, another helper's part
			providertest.SentOnceOutcomeUnknown(t, srv, "/customers", err, tc.key)
		})
	}
}

// Every method that puts an id in the path refuses "." and ".." with a
// ParamError naming the id, and sends nothing.
func TestDotSegmentIDsNeverSent(t *testing.T) {
	t.Parallel()
	url, hits := testutil.Counting(t, http.StatusOK, `{}`)
	c := testutil.Must(NewClient(testAPIKey, WithBaseURL(url)))(t)
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
		providertest.DotSegmentsRefused(t, tc.name, tc.field, tc.call)
	}
	providertest.NoneArrived(t, hits)
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
	c := testutil.Must(NewClient(testAPIKey, WithBaseURL(srv.URL), WithDefaultAccountKey(accountKey)))(t)
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
		providertest.NoLeak(t, text, testAPIKey, accountKey, callKey, base64.StdEncoding.EncodeToString([]byte(testAPIKey)))
	}
}

func TestNewClientRefusesMalformedKeys(t *testing.T) {
	t.Parallel()
	providertest.CredentialsRefused(t, []string{"", " tk_SEKRIT ", "tk_SEKRIT\x00", "tk\tSEKRIT", "tk_SEKRIT\n", "tk_SEKRITñ", "tk SEKRIT"},
		"SEKRIT", func(key string) error { _, err := NewClient(key); return err })
	if _, err := NewClient("tk_live_abc123", WithDefaultAccountKey(" acc ")); err == nil {
		t.Error("an account key with spaces accepted")
	}
}

func TestWithHeaderRefusesOwnedHeaders(t *testing.T) {
	t.Parallel()
	url, hits := testutil.Counting(t, http.StatusOK, `{"id":"cus_1"}`)
	c := testutil.Must(NewClient(testAPIKey, WithBaseURL(url)))(t)
	providertest.HeadersRefused(t, []string{"Host", "Content-Length", "Transfer-Encoding", "Content-Type", "x-api-key", "x-account-key", "Authorization"}, func(name string) error {
		_, err := c.Customers.Get(t.Context(), "cus_1", WithHeader(name, "v"))
		return err
	})
	providertest.NoneArrived(t, hits)
}

// A create with a context already done sends nothing and says so: the
// context's error, never an outcome unknown.
func TestCreateWithDoneContextIsNotSent(t *testing.T) {
	t.Parallel()
	url, hits := testutil.Counting(t, http.StatusOK, `{}`)
	c := testutil.Must(NewClient(testAPIKey, WithBaseURL(url)))(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	cus, err := c.Customers.Create(ctx, &CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com"})
	_ = cus // nil on error: issue 12 item 7
	providertest.CanceledNotSent(t, err, hits)
}
