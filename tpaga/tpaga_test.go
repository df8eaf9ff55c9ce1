package tpaga

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
)

const testToken = "dHBhZ2FfdGVzdF90b2tlbg_never_logged"

// api is the cash-in prefix, for registering test handlers.
const api = "/api/cashin/v1/public"

// withNoWait makes retries immediate in tests.
func withNoWait() Option {
	return func(c *config) error { c.Sleep = testutil.NoWait; return nil }
}

// setup returns a client and an Efecty simulator wired to a test mux.
// Requests to paths the test did not register fail the test.
func setup(t *testing.T, opts ...Option) (*Client, *EfectySimulator, *http.ServeMux) {
	t.Helper()
	mux, url := testutil.Mux(t)
	opts = append([]Option{WithBaseURL(url), withNoWait()}, opts...)
	return testutil.Must(NewClient(testToken, opts...))(t), testutil.Must(NewEfectySimulator(EfectyStagingAPIKey, opts...))(t), mux
}

// wire checks what a cash-in request carried. body "" means no body.
func wire(t *testing.T, r *http.Request, method, query, body string) {
	t.Helper()
	// The token goes out exactly as issued, after "Basic ".
	testutil.Wire(t, r, method, query, map[string]string{
		"Authorization": "Basic " + testToken, "X-Api-Key": "", "Accept": "application/json"}, "tpaga", body)
}

// wireEfecty checks what a simulator request carried.
func wireEfecty(t *testing.T, r *http.Request, method, body string) {
	t.Helper()
	testutil.Wire(t, r, method, "", map[string]string{
		"X-Api-Key": EfectyStagingAPIKey, "Authorization": "", "Accept": "application/json"}, "tpaga", body)
}

func respond(w http.ResponseWriter, status int, body string) { testutil.Respond(w, status, body) }

func TestNewClientValidates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		token string
		opts  []Option
		want  string
	}{
		{"empty token", "", []Option{WithBaseURL(StagingURL)}, "token is empty"},
		{"multi-line token", "s3cr3t\nb", []Option{WithBaseURL(StagingURL)}, "token has a control character"},
		{"padded token", " s3cr3t", []Option{WithBaseURL(StagingURL)}, "token has whitespace"},
		{"scheme included", "Basic s3cr3t", []Option{WithBaseURL(StagingURL)}, "without the \"Basic \" scheme"},
		{"no environment chosen", "s3cr3t", nil, "tpaga.WithBaseURL(tpaga.StagingURL)"},
		{"plain http", "s3cr3t", []Option{WithBaseURL("http://staging.apiv2.tpaga.co")}, "https"},
		{"prefix in the base URL", "s3cr3t", []Option{WithBaseURL(StagingURL + api)}, "host only"},
		{"negative retries", "s3cr3t", []Option{WithBaseURL(StagingURL), WithMaxRetries(-1)}, "WithMaxRetries"},
		{"nil http client", "s3cr3t", []Option{WithBaseURL(StagingURL), WithHTTPClient(nil)}, "WithHTTPClient"},
	}
	for _, tc := range cases {
		_, err := NewClient(tc.token, tc.opts...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to say %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: the token leaked into %q", tc.name, err)
		}
	}
	for _, u := range []string{StagingURL, ProductionURL} {
		c, err := NewClient("tok", WithBaseURL(u))
		if err != nil || c.References == nil || c.PermanentReferences == nil || c.ReferenceDetails == nil {
			t.Fatalf("NewClient(%s): %v", u, err)
		}
	}
}

func TestNewEfectySimulatorValidates(t *testing.T) {
	t.Parallel()
	if _, err := NewEfectySimulator(""); err == nil {
		t.Error("empty API key accepted")
	}
	if _, err := NewEfectySimulator(EfectyStagingAPIKey, WithBaseURL(ProductionURL)); err == nil || !strings.Contains(err.Error(), "only in staging") {
		t.Errorf("production host: err = %v", err)
	}
	if _, err := NewEfectySimulator(EfectyStagingAPIKey); err != nil {
		t.Errorf("staging default: %v", err)
	}
}

func TestCredentialsCannotBeOverriddenPerCall(t *testing.T) {
	t.Parallel()
	c, sim, _ := setup(t)
	if _, err := c.ReferenceDetails.Get(t.Context(), "TSREYSANTANA", WithHeader("Authorization", "Basic other")); err == nil || !strings.Contains(err.Error(), "credentials") {
		t.Errorf("Authorization override: %v", err)
	}
	if _, err := sim.Lookup(t.Context(), "TSREYSANTANA", WithHeader("x-api-key", "other")); err == nil || !strings.Contains(err.Error(), "credentials") {
		t.Errorf("x-api-key override: %v", err)
	}
}

// The token never reaches a debug log line or an error, whether Tpaga
// answers an error or the connection fails.
func TestTokenNeverLoggedOrInErrors(t *testing.T) {
	t.Parallel()
	var logs testutil.LogBuffer
	c, sim, mux := setup(t, WithLogger(logs.Logger()), WithMaxRetries(1))
	mux.HandleFunc(api+"/reference-details/", func(w http.ResponseWriter, r *http.Request) {
		respond(w, 401, `{"detail":"Invalid token."}`)
	})
	mux.HandleFunc("/api/efecty/payment/", func(w http.ResponseWriter, r *http.Request) {
		respond(w, 503, `{"message":"down"}`)
	})
	_, err1 := c.ReferenceDetails.Get(t.Context(), "TSREYSANTANA")
	_, err2 := sim.Lookup(t.Context(), "TSREYSANTANA")
	dead, _ := NewClient(testToken, WithBaseURL("http://127.0.0.1:1"), WithLogger(logs.Logger()), WithMaxRetries(0))
	_, err3 := dead.ReferenceDetails.Get(t.Context(), "TSREYSANTANA")
	if !errors.Is(err1, ErrUnauthorized) || !errors.Is(err2, ErrServer) || err3 == nil {
		t.Fatalf("unexpected errors: %v / %v / %v", err1, err2, err3)
	}
	out := logs.String()
	if strings.Count(out, `"msg":"pagos request`) < 3 {
		t.Fatalf("debug log lacks the request lines, so the check proves nothing:\n%s", out)
	}
	for _, s := range []string{out, err1.Error(), err2.Error(), err3.Error()} {
		for _, secret := range []string{testToken, EfectyStagingAPIKey} {
			if strings.Contains(s, secret) {
				t.Fatalf("%q leaked into %q", secret, s)
			}
		}
	}
}
