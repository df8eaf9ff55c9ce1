package toku

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
)

const testAPIKey = "tk_test_API_KEY_never_logged"

// withNoWait makes retries immediate in tests.
func withNoWait() Option {
	return func(c *config) error { c.Sleep = testutil.NoWait; return nil }
}

// setup returns a client wired to a test mux. Requests to paths the test did
// not register fail the test.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux) {
	t.Helper()
	mux, url := testutil.Mux(t)
	return testutil.Must(NewClient(testAPIKey, append([]Option{WithBaseURL(url), withNoWait()}, opts...)...))(t), mux
}

// wire checks what a request carried. body "" means no body.
func wire(t *testing.T, r *http.Request, method, query, body string) {
	t.Helper()
	testutil.Wire(t, r, method, query, map[string]string{"X-Api-Key": testAPIKey, "Accept": "application/json"}, "toku", body)
}

func respond(w http.ResponseWriter, status int, body string) { testutil.Respond(w, status, body) }

func TestNewClientValidates(t *testing.T) {
	t.Parallel()
	if _, err := NewClient(""); err == nil {
		t.Error("empty API key accepted")
	}
	if _, err := NewClient("k\nx"); err == nil {
		t.Error("multi-line API key accepted")
	}
	if _, err := NewClient("k", WithBaseURL("http://api.trytoku.com")); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("plain http base URL: err = %v", err)
	}
	if _, err := NewClient("k", WithDefaultAccountKey("")); err == nil {
		t.Error("empty account key accepted")
	}
	if _, err := NewClient("k", WithMaxRetries(-1)); err == nil {
		t.Error("negative retries accepted")
	}
	if _, err := NewClient("k", WithHTTPClient(nil)); err == nil {
		t.Error("nil http client accepted")
	}
	c, err := NewClient("k")
	if err != nil || c.Customers == nil || c.Invoices == nil || c.WebhookEndpoints == nil || c.Payments == nil {
		t.Fatalf("NewClient: %v", err)
	}
}

func TestAccountKeyPerClientAndPerCall(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, WithDefaultAccountKey("acc_key_default"))
	var got []string
	mux.HandleFunc("/customers/cus_1", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("X-Account-Key"))
		respond(w, 200, `{"id":"cus_1"}`)
	})
	ctx := t.Context()
	if _, err := c.Customers.Get(ctx, "cus_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Customers.Get(ctx, "cus_1", WithAccountKey("acc_key_other")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Customers.Get(ctx, "cus_1", WithAccountKey("")); err == nil {
		t.Fatal("empty per-call account key accepted")
	}
	if len(got) != 2 || got[0] != "acc_key_default" || got[1] != "acc_key_other" {
		t.Fatalf("x-account-key per request = %v", got)
	}
}

func TestAPIKeyCannotBeOverriddenPerCall(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	_, err := c.Customers.Get(t.Context(), "cus_1", WithHeader("x-api-key", "other"))
	if err == nil || !strings.Contains(err.Error(), "credentials") {
		t.Fatalf("err = %v", err)
	}
}

// The API key and the account key never reach a debug log line or an error,
// whether Toku answers an error or the connection fails.
func TestKeysNeverLoggedOrInErrors(t *testing.T) {
	t.Parallel()
	const accountKey = "acc_key_SECRET_never_logged"
	var logs testutil.LogBuffer
	c, mux := setup(t, WithDefaultAccountKey(accountKey), WithLogger(logs.Logger()), WithMaxRetries(1))
	mux.HandleFunc("/customers/cus_1", func(w http.ResponseWriter, r *http.Request) {
		respond(w, 401, `{"error":{"message":"API Key inválida","code":"TK10100"}}`)
	})
	mux.HandleFunc("/customers", func(w http.ResponseWriter, r *http.Request) {
		respond(w, 503, `{"error":{"message":"down","code":"TK50300"}}`)
	})
	_, err1 := c.Customers.Get(t.Context(), "cus_1", WithAccountKey(accountKey))
	_, err2 := c.Customers.Create(t.Context(), &CustomerParams{GovernmentID: "1-9"})
	_, err3 := c.Customers.List(t.Context(), &ListParams{Cursor: "secret-cursor"})
	dead, _ := NewClient(testAPIKey, WithBaseURL("http://127.0.0.1:1"), WithDefaultAccountKey(accountKey), WithLogger(logs.Logger()), WithMaxRetries(0))
	_, err4 := dead.Customers.Get(t.Context(), "cus_1")
	if !errors.Is(err1, ErrUnauthorized) || !errors.Is(err2, ErrOutcomeUnknown) || !errors.Is(err3, ErrServer) || err4 == nil {
		t.Fatalf("unexpected errors: %v / %v / %v / %v", err1, err2, err3, err4)
	}
	out := logs.String()
	if strings.Count(out, `"msg":"pagos request`) < 4 {
		t.Fatalf("debug log lacks the request lines, so the check proves nothing:\n%s", out)
	}
	for _, secret := range []string{testAPIKey, accountKey, "secret-cursor"} {
		for _, s := range []string{out, err1.Error(), err2.Error(), err3.Error(), err4.Error()} {
			if strings.Contains(s, secret) {
				t.Fatalf("%q leaked into %q", secret, s)
			}
		}
	}
}
