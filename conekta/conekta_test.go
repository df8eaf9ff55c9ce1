package conekta

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/internal/testutil"
)

const testKey = "key_test_PRIVATE_never_logged"

// withNoWait makes retries immediate in tests.
func withNoWait() Option {
	return func(c *config) error { c.Sleep = testutil.NoWait; return nil }
}

// setup returns a client wired to a test mux. Requests to paths the test did
// not register fail the test.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux) {
	t.Helper()
	mux, url := testutil.Mux(t)
	return testutil.Must(NewClient(testKey, append([]Option{WithBaseURL(url), withNoWait()}, opts...)...))(t), mux
}

// wire checks what a request carried. body "" means no body.
func wire(t *testing.T, r *http.Request, method, query, body string) {
	t.Helper()
	testutil.Wire(t, r, method, query, map[string]string{
		"Authorization": "Bearer " + testKey, "Accept": "application/vnd.conekta-v2.3.0+json"}, "conekta", body)
}

func respond(w http.ResponseWriter, status int, body string) { testutil.Respond(w, status, body) }

func TestNewClientValidates(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"", " ", "key_a\nb", "key_a b"} {
		if _, err := NewClient(key); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
	for _, o := range []Option{WithBaseURL("http://api.conekta.io"), WithAPIVersion("2.3"), WithAPIVersion("v2.3.0"), WithLanguage("pt"),
		WithMaxRetries(11), WithHTTPClient(nil), WithLogger(nil), WithUserAgent("")} {
		if _, err := NewClient("key_x", o); err == nil || !strings.HasPrefix(err.Error(), "conekta: ") {
			t.Errorf("bad option accepted or unprefixed: %v", err)
		}
	}
	c, err := NewClient("key_x")
	if err != nil || c.APIVersion() != APIVersion230 || c.RecurringCashType() != SourceCashRecurrent {
		t.Fatalf("defaults: %v %+v", err, c)
	}
	if c.Customers == nil || c.PaymentSources == nil || c.Orders == nil || c.Events == nil || c.Webhooks == nil ||
		c.WebhookKeys == nil || c.Tokens == nil || c.PaymentTests == nil {
		t.Fatal("a service is nil")
	}
}

func TestAPIVersionLanguageAndIdempotencyHeaders(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, WithAPIVersion(APIVersion200), WithLanguage("en"))
	var got http.Header
	mux.HandleFunc("/customers/cus_1", func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		respond(w, 200, `{"id":"cus_1"}`)
	})
	if _, err := c.Customers.Get(t.Context(), "cus_1", WithIdempotencyKey("order-42"), WithHeader("X-Child-Company-Id", "6441b6376b60c3a638da80af")); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Accept": "application/vnd.conekta-v2.0.0+json", "Accept-Language": "en",
		"Idempotency-Key": "order-42", "X-Child-Company-Id": "6441b6376b60c3a638da80af", "Authorization": "Bearer " + testKey}
	for k, v := range want {
		if got.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, got.Get(k), v)
		}
	}
	if c.RecurringCashType() != SourceOxxoRecurrent || c.RecurringCashSource().Type != SourceOxxoRecurrent {
		t.Errorf("API 2.0.0 recurring cash type = %q", c.RecurringCashType())
	}
	if _, err := c.Customers.Get(t.Context(), "cus_1", WithHeader("Authorization", "Bearer other")); err == nil || !strings.Contains(err.Error(), "credentials") {
		t.Fatalf("Authorization override: %v", err)
	}
	v21, _ := NewClient("key_x", WithAPIVersion(APIVersion210))
	if v21.RecurringCashType() != SourceCashRecurrent || v21.phoneRequired() {
		t.Error("API 2.1.0: want cash_recurrent and an optional phone")
	}
}

// A create that may have reached Conekta is never repeated, even with an
// Idempotency-Key, since Conekta has not confirmed honouring it.
func TestCreateIsNeverRetriedAfterReachingConekta(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var n atomic.Int32
	mux.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		respond(w, 500, `{"object":"error","type":"api_error","log_id":"l1","details":[{"code":"conekta.errors.api.system.general_failure","message":"Error"}]}`)
	})
	_, err := c.Orders.Create(t.Context(), &OrderParams{Currency: "MXN", CustomerInfo: &CustomerInfo{CustomerID: "cus_1"},
		LineItems: []*LineItem{{Name: "x", UnitPrice: 100, Quantity: 1}}, Charges: []*ChargeParams{ChargeDefault()}}, WithIdempotencyKey("ord-7"))
	if n.Load() != 1 {
		t.Fatalf("a create answered 500 was sent %d times", n.Load())
	}
	var ou *OutcomeUnknownError
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrServer) || !errors.As(err, &ou) || ou.Sent != "Idempotency-Key=ord-7" {
		t.Fatalf("err = %v", err)
	}
}

// The private key never reaches a debug log line or an error.
func TestKeyNeverLoggedOrInErrors(t *testing.T) {
	t.Parallel()
	var logs testutil.LogBuffer
	c, mux := setup(t, WithLogger(logs.Logger()), WithMaxRetries(1))
	mux.HandleFunc("/customers/cus_1", func(w http.ResponseWriter, r *http.Request) {
		respond(w, 401, `{"object":"error","type":"authentication_error","details":[{"code":"conekta.errors.authentication.missing_key","message":"Acceso no autorizado."}]}`)
	})
	_, err1 := c.Customers.Get(t.Context(), "cus_1")
	dead, _ := NewClient(testKey, WithBaseURL("http://127.0.0.1:1"), WithLogger(logs.Logger()), WithMaxRetries(0))
	_, err2 := dead.Customers.Get(t.Context(), "cus_1")
	if !errors.Is(err1, ErrUnauthorized) || err2 == nil {
		t.Fatalf("errors %v / %v", err1, err2)
	}
	if strings.Count(logs.String(), `"msg":"pagos request`) < 2 {
		t.Fatalf("debug log lacks the request lines, so the check proves nothing:\n%s", logs.String())
	}
	for _, s := range []string{logs.String(), err1.Error(), err2.Error()} {
		if strings.Contains(s, testKey) {
			t.Fatalf("the private key leaked into %q", s)
		}
	}
}

func TestErrorFormats(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/orders/", func(w http.ResponseWriter, r *http.Request) {
		status, _ := strconv.Atoi(r.URL.Path[len("/orders/"):])
		switch status {
		case 402:
			respond(w, 402, `{"details":[{"message":"The card could not be processed.","code":"conekta.errors.processing.tokenization.used","debug_message":"The token has already been used."}],"log_id":"641b6d073cd9a50001515007","object":"error","type":"processing_error"}`)
		case 422:
			respond(w, 422, `{"details":[{"message":"The token does not exist.","param":"payment_method.token_id","code":"conekta.errors.parameter_validation.payment_method.token_id.nonexistent_token","debug_message":"The token does not exist."}],"log_id":"641b6d813cd9a50001515017","object":"error","type":"parameter_validation_error"}`)
		case 502:
			respond(w, 502, `<html>bad gateway</html>`)
		default:
			respond(w, status, `{"object":"error","type":"x","log_id":null,"details":[{"code":"c","param":null,"message":"m"}]}`)
		}
	})
	cases := []struct {
		status   int
		sentinel error
	}{
		{401, ErrUnauthorized}, {402, ErrDeclined}, {403, ErrForbidden}, {404, ErrNotFound}, {422, ErrInvalidRequest},
		{428, ErrInvalidRequest}, {429, ErrRateLimited}, {500, ErrServer}, {502, ErrServer},
	}
	for _, tc := range cases {
		_, err := c.Orders.Get(t.Context(), strconv.Itoa(tc.status))
		var ce *Error
		if !errors.Is(err, tc.sentinel) || !errors.As(err, &ce) || ce.StatusCode != tc.status {
			t.Errorf("status %d: err = %v", tc.status, err)
			continue
		}
		if tc.status == 402 && errors.Is(err, ErrInvalidRequest) {
			t.Error("a declined card matches ErrInvalidRequest")
		}
		switch tc.status {
		case 422:
			want := []ErrorDetail{{Code: "conekta.errors.parameter_validation.payment_method.token_id.nonexistent_token", Param: "payment_method.token_id",
				Message: "The token does not exist.", DebugMessage: "The token does not exist."}}
			if diff := cmp.Diff(want, ce.Details); diff != "" || ce.LogID != "641b6d813cd9a50001515017" || ce.Type != "parameter_validation_error" {
				t.Errorf("422 (-want +got):\n%s", diff)
			}
			if got := ce.Error(); got != "conekta: 422 parameter_validation_error: payment_method.token_id: The token does not exist. (conekta.errors.parameter_validation.payment_method.token_id.nonexistent_token) [log_id 641b6d813cd9a50001515017]" {
				t.Errorf("422 text %q", got)
			}
		case 502:
			if string(ce.Body) != "<html>bad gateway</html>" || ce.Error() != "conekta: 502: Bad Gateway" {
				t.Errorf("502 kept %q, text %q", ce.Body, ce.Error())
			}
		}
	}
}

// FuzzDecodeError: error bodies come from the network and must never panic.
func FuzzDecodeError(f *testing.F) {
	f.Add(422, []byte(`{"object":"error","type":"parameter_validation_error","log_id":"x","details":[{"code":"c","param":"p","message":"m","debug_message":"d"}]}`))
	f.Add(402, []byte(`{"details":null,"log_id":5}`))
	f.Add(500, []byte(`<html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := decodeError(status, http.Header{}, body)
		var ce *Error
		if !errors.As(err, &ce) || ce.StatusCode != status {
			t.Fatalf("decodeError lost the status: %v", err)
		}
		_ = err.Error()
		_ = errors.Is(err, ErrServer)
	})
}
