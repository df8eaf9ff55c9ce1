package conektatest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/internal/wait"
)

// DefaultAPIKey is the private key the fake accepts unless WithAPIKey sets
// another.
const DefaultAPIKey = "key_test_conektatest_private"

// Test tokens the fake knows without a Tokens.Create call. Each may be used
// once, as Conekta's tokens.
const (
	// TokenVisa is a card that pays.
	TokenVisa = "tok_test_visa_4242"
	// TokenDeclined is a card the bank declines: the order create answers
	// 402 (conekta.ErrDeclined) and order.declined is sent.
	TokenDeclined = "tok_test_card_declined"
	// TokenInsufficientFunds is a card without funds, declined likewise.
	TokenInsufficientFunds = "tok_test_insufficient_funds"
)

// Card numbers Tokens.Create accepts; any other valid-looking number pays.
const (
	CardVisa              = "4242424242424242"
	CardDeclined          = "4000000000000002"
	CardInsufficientFunds = "4000000000000127"
)

// DefaultSyncLimit is how long the fake's till waits for the merchant's
// answer to an inbound_payment request, as Conekta does.
const DefaultSyncLimit = 2 * time.Second

// Server is a stateful, in-process fake of the Conekta API on httptest. It
// keeps customers, payment sources, tokens, orders, charges, events,
// webhooks and webhook keys; validates requests as Conekta does (401 for a
// wrong key, 422 in Conekta's error body for a missing field, 404 for an
// unknown id, 402 for a declined card); sends signed events to registered
// webhooks; and pays cash references at a simulated OXXO till, asking the
// merchant's approval URL as Conekta does.
//
// Unlike Conekta, it delivers to loopback URLs (Conekta refuses localhost
// webhooks), so a handler on httptest can receive them. Its error codes
// follow Conekta's format; the exact texts are the fake's own.
type Server struct {
	// URL is the fake's base URL, for conekta.WithBaseURL.
	URL string
	// APIKey is the private key the fake accepts.
	APIKey string

	srv         *httptest.Server
	ln          net.Listener // WithListener's, or nil
	ids         *fake.IDs    // the default id source; nil after WithIDs
	now         func() time.Time
	newID       func(prefix string) string
	sleep       func(ctx context.Context, d time.Duration) error
	maxAttempts int
	syncLimit   time.Duration
	hc          *http.Client
	tb          testing.TB      // nil when started without a test
	hooks       fake.Hooks      // the servers Subscribe started
	ctx         context.Context // ends at Close: stops delivery retries
	cancel      context.CancelFunc

	mu          sync.Mutex
	customers   map[string]*customer
	customerIDs []string
	tokens      map[string]*token
	orders      map[string]*conekta.Order
	orderIDs    []string
	cashOrders  map[string]string  // one-off cash reference → order id
	recurring   map[string]*source // recurring cash reference → its source
	events      map[string]json.RawMessage
	eventIDs    []string
	logs        map[string][]*conekta.WebhookLog // event id → deliveries
	inflight    int                              // webhook deliveries in progress
	outboxes    map[string]*outbox               // by webhook id
	idle        chan struct{}                    // closed when inflight drops to 0
	webhooks    map[string]*conekta.Webhook
	webhookIDs  []string
	keys        map[string]*signingKey
	keyIDs      []string
	approval    *approvalURL
	deliveries  []Delivery
	syncCalls   []SyncCall
	references  int // counter of generated cash and SPEI references
	// refundReasons keeps each refund's reason, which conekta.Refund has
	// no field for.
	refundReasons map[string]string
	billing       *billing // plans, subscriptions, payouts, transfers (billing.go)
	admin         *admin   // antifraud, API keys, companies, logs, shipping contacts, fiscal entities (admin.go)
	checkouts     commerce // payment links (commerce.go)
}

type customer struct {
	conekta.Customer
	sources []*source
}

// source is a saved payment source: its wire object, and for a card how
// charges to it end.
type source struct {
	obj        map[string]any
	customerID string
	card       *card
}

func (src *source) id() string { return src.obj["id"].(string) }

type card struct {
	last4, brand string
	outcome      outcome
}

type outcome int

const (
	approve outcome = iota
	decline
	noFunds
)

type token struct {
	card *card
	used bool
}

type signingKey struct {
	conekta.WebhookKey
	private *rsa.PrivateKey
}

type approvalURL struct {
	url, user, pass string
}

// Option configures NewServer.
type Option func(*Server)

// WithAPIKey sets the private key the fake accepts.
func WithAPIKey(key string) Option { return func(s *Server) { s.APIKey = key } }

// WithClock sets the fake's clock, for created_at and paid_at.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithIDs sets the id source: it gets a prefix such as "cus_" and returns a
// new id. It is called from concurrent requests, so it must be safe for
// concurrent use. The default counts up: "cus_000001", "ord_000002", ….
func WithIDs(newID func(prefix string) string) Option {
	return func(s *Server) { s.newID, s.ids = newID, nil }
}

// WithSleep sets how the fake waits between delivery attempts (default: real
// time, ending with ctx), so tests of retries take no time.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(s *Server) { s.sleep = sleep }
}

// WithMaxAttempts sets how many times an event is sent to a webhook that
// does not answer 2xx (default 5), with doubling waits from 1 s.
func WithMaxAttempts(n int) Option { return func(s *Server) { s.maxAttempts = max(n, 1) } }

// WithSigningKey sets the RSA key the fake signs webhooks with, served as
// its first webhook key. The default is a fresh RSA-2048 key, which takes a
// moment to generate: tests creating many fakes should share one key.
func WithSigningKey(k *rsa.PrivateKey) Option {
	return func(s *Server) { s.keys["default"] = &signingKey{private: k} }
}

// WithSyncLimit sets how long the till waits for the merchant's answer to
// an inbound_payment request (default 2 s, Conekta's limit).
func WithSyncLimit(d time.Duration) Option { return func(s *Server) { s.syncLimit = d } }

// NewServer starts a fake. When tb is not nil the fake closes itself when
// the test ends; otherwise call Close.
func NewServer(tb testing.TB, opts ...Option) *Server {
	s := &Server{
		APIKey:        DefaultAPIKey,
		now:           time.Now,
		sleep:         wait.For,
		maxAttempts:   5,
		syncLimit:     DefaultSyncLimit,
		customers:     map[string]*customer{},
		tokens:        map[string]*token{},
		orders:        map[string]*conekta.Order{},
		cashOrders:    map[string]string{},
		recurring:     map[string]*source{},
		events:        map[string]json.RawMessage{},
		logs:          map[string][]*conekta.WebhookLog{},
		webhooks:      map[string]*conekta.Webhook{},
		outboxes:      map[string]*outbox{},
		keys:          map[string]*signingKey{},
		refundReasons: map[string]string{},
		hc:            fake.HTTPClient(),
		ids:           &fake.IDs{},
		tb:            tb,
	}
	s.newID = s.ids.New
	for _, o := range opts {
		o(s)
	}
	for tok, c := range map[string]*card{TokenVisa: {"4242", "visa", approve}, TokenDeclined: {"0002", "visa", decline},
		TokenInsufficientFunds: {"0127", "visa", noFunds}} {
		s.tokens[tok] = &token{card: c}
	}
	def := s.keys["default"]
	delete(s.keys, "default")
	if def == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("conektatest: generating the signing key: " + err.Error())
		}
		def = &signingKey{private: k}
	}
	if err := s.addKeyLocked(def); err != nil {
		panic("conektatest: " + err.Error())
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.start()
	s.URL = s.srv.URL
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// Close stops delivery retries, waits for deliveries in progress and shuts
// the fake down.
func (s *Server) Close() {
	s.cancel()
	_ = s.Settle(context.Background())
	s.srv.Close()
	s.hooks.CloseAll()
	s.hc.CloseIdleConnections()
}

// Client returns a conekta.Client pointed at the fake with its key. A key
// or option NewClient refuses fails the test (a panic without one).
func (s *Server) Client(opts ...conekta.Option) *conekta.Client {
	c, err := conekta.NewClient(s.APIKey, append([]conekta.Option{conekta.WithBaseURL(s.URL)}, opts...)...)
	if err != nil {
		fake.Fail(s.tb, "conektatest: Client: %v", err)
	}
	return c
}

// PublicKeys returns the public halves of the fake's active webhook keys,
// for webhook.NewConektaHandler.
func (s *Server) PublicKeys() []*rsa.PublicKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*rsa.PublicKey
	for _, id := range s.keyIDs {
		if k := s.keys[id]; k.Active {
			out = append(out, &k.private.PublicKey)
		}
	}
	return out
}

// SetApprovalURL sets the merchant's synchronous approval URL of recurring
// cash payments, which Conekta configures in its panel ("Usar para Oxxo Pay
// Recurrente"), not through its API. Credentials in the URL
// (https://user:password@host/path) are sent as Basic authentication, and
// every request also carries a Digest signature. "" removes it.
func (s *Server) SetApprovalURL(rawURL string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rawURL == "" {
		s.approval = nil
		return nil
	}
	req, err := http.NewRequest(http.MethodPost, rawURL, nil)
	if err != nil || req.URL.Host == "" {
		return fmt.Errorf("conektatest: approval URL %q is not an absolute URL", rawURL)
	}
	a := &approvalURL{}
	if u := req.URL.User; u != nil {
		a.user = u.Username()
		a.pass, _ = u.Password()
		req.URL.User = nil
	}
	a.url = req.URL.String()
	s.approval = a
	return nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /customers", s.createCustomer)
	mux.HandleFunc("GET /customers", s.listCustomers)
	mux.HandleFunc("GET /customers/{id}", s.getCustomer)
	mux.HandleFunc("PUT /customers/{id}", s.updateCustomer)
	mux.HandleFunc("DELETE /customers/{id}", s.deleteCustomer)
	mux.HandleFunc("POST /customers/{id}/payment_sources", s.createSource)
	mux.HandleFunc("GET /customers/{id}/payment_sources", s.listSources)
	mux.HandleFunc("PUT /customers/{id}/payment_sources/{src}", s.updateSource)
	mux.HandleFunc("DELETE /customers/{id}/payment_sources/{src}", s.deleteSource)
	mux.HandleFunc("POST /tokens", s.createToken)
	mux.HandleFunc("POST /orders", s.createOrder)
	mux.HandleFunc("GET /orders", s.listOrders)
	mux.HandleFunc("GET /orders/{id}", s.getOrder)
	mux.HandleFunc("PUT /orders/{id}", s.updateOrder)
	mux.HandleFunc("POST /orders/{id}/cancel", s.cancelOrder)
	mux.HandleFunc("POST /orders/{id}/capture", s.captureOrder)
	mux.HandleFunc("POST /orders/{id}/refunds", s.refundOrder)
	mux.HandleFunc("GET /events", s.listEvents)
	mux.HandleFunc("GET /events/{id}", s.getEvent)
	mux.HandleFunc("POST /events/{id}/resend", s.resendEvent)
	mux.HandleFunc("POST /webhooks", s.createWebhook)
	mux.HandleFunc("GET /webhooks", s.listWebhooks)
	mux.HandleFunc("GET /webhooks/{id}", s.getWebhook)
	mux.HandleFunc("PUT /webhooks/{id}", s.updateWebhook)
	mux.HandleFunc("DELETE /webhooks/{id}", s.deleteWebhook)
	mux.HandleFunc("POST /webhooks/{id}/test", s.testWebhook)
	mux.HandleFunc("POST /webhook_keys", s.createKey)
	mux.HandleFunc("GET /webhook_keys", s.listKeys)
	mux.HandleFunc("GET /webhook_keys/{id}", s.getKey)
	mux.HandleFunc("PUT /webhook_keys/{id}", s.updateKey)
	mux.HandleFunc("DELETE /webhook_keys/{id}", s.deleteKey)
	mux.HandleFunc("POST /payment_test", s.paymentTest)
	s.billingRoutes(mux)
	s.adminRoutes(mux)
	s.commerceRoutes(mux) // charges, order lines, payment links (commerce.go)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, http.StatusNotFound, "resource_not_found_error", "conekta.errors.resource_not_found.entity", "", "The resource was not found.")
	})
	return s.acceptKeys(s.auth(s.logRequests(mux)))
}

type versionKey struct{}

// auth checks the private key (Bearer, or Basic with the key as user name)
// and the versioned Accept header.
func (s *Server) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if u, _, ok := r.BasicAuth(); ok {
			key = u
		}
		if key != s.APIKey {
			s.writeError(w, http.StatusUnauthorized, "authentication_error", "conekta.errors.authentication.missing_key", "",
				"Please include your private key in the Authorization header.")
			return
		}
		v, ok := acceptedVersion(r.Header.Get("Accept"))
		if !ok {
			s.writeError(w, http.StatusBadRequest, "parameter_validation_error", "conekta.errors.parameter_validation.api_version", "Accept",
				"Send Accept: application/vnd.conekta-v2.3.0+json (or another API version).")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), versionKey{}, v)))
	})
}

// acceptedVersion reads the version of "application/vnd.conekta-v2.3.0+json".
func acceptedVersion(accept string) (string, bool) {
	v, ok := strings.CutPrefix(accept, "application/vnd.conekta-v")
	if !ok {
		return "", false
	}
	if v, ok = strings.CutSuffix(v, "+json"); !ok {
		return "", false
	}
	parts := strings.Split(v, ".")
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil || p == "" {
			return "", false
		}
	}
	return v, len(parts) == 3
}

// legacy reports whether the request uses API 2.0.0, where a customer's
// phone is optional.
func legacy(r *http.Request) bool { return r.Context().Value(versionKey{}) == conekta.APIVersion200 }

// --- wire helpers -----------------------------------------------------------

// writeJSON answers as Conekta does, with its charset.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	fake.WriteJSON(w, status, v)
}

// apiError is Conekta's error body.
type apiError struct {
	status int
	typ    string
	detail conekta.ErrorDetail
}

// Error is the debug message, as Conekta words it.
func (e *apiError) Error() string { return e.detail.DebugMessage }

func invalid(param, message string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, "parameter_validation_error",
		conekta.ErrorDetail{Code: "conekta.errors.parameter_validation." + param, Param: param, Message: message, DebugMessage: message}}
}

func notFound(what, id string) *apiError {
	msg := fmt.Sprintf("The resource %s %q was not found.", what, id)
	return &apiError{http.StatusNotFound, "resource_not_found_error",
		conekta.ErrorDetail{Code: "conekta.errors.resource_not_found.entity", Message: msg, DebugMessage: msg}}
}

func precondition(code, message string) *apiError {
	return &apiError{http.StatusPreconditionRequired, "precondition_required_error",
		conekta.ErrorDetail{Code: "conekta.errors.precondition_required." + code, Message: message, DebugMessage: message}}
}

func declined(code, message string) *apiError {
	return &apiError{http.StatusPaymentRequired, "processing_error",
		conekta.ErrorDetail{Code: "conekta.errors.processing." + code, Message: "The card could not be processed.", DebugMessage: message}}
}

func (s *Server) writeError(w http.ResponseWriter, status int, typ, code, param, msg string) {
	s.writeAPIError(w, &apiError{status, typ, conekta.ErrorDetail{Code: code, Param: param, Message: msg, DebugMessage: msg}})
}

func (s *Server) writeAPIError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, map[string]any{"object": "error", "type": e.typ, "log_id": s.newID("log_"), "details": []conekta.ErrorDetail{e.detail}})
}

// answer writes v, or the error.
func (s *Server) answer(w http.ResponseWriter, v any, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		s.writeAPIError(w, ae)
	case err != nil:
		s.writeError(w, http.StatusInternalServerError, "api_error", "conekta.errors.api.system.general_failure", "", err.Error())
	default:
		writeJSON(w, http.StatusOK, s.render(v))
	}
}

func decodeBody(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil && len(b) > 0 {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return invalid("body", "The request body is not valid JSON: "+err.Error())
	}
	return nil
}

// page answers one page of a list, in creation order, paged by object id
// as Conekta pages: limit (1..250, default 20) objects after next.
func (s *Server) page(r *http.Request, ids []string, get func(id string) any) (any, error) {
	q := r.URL.Query()
	limit := 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > conekta.MaxLimit {
			return nil, invalid("limit", "limit must be a number from 1 to 250.")
		}
		limit = n
	}
	start := 0
	if next := q.Get("next"); next != "" {
		start = -1
		for i, id := range ids {
			if id == next {
				start = i + 1
			}
		}
		if start < 0 {
			return nil, invalid("next", "next must be the id of an object of this list.")
		}
	}
	end := min(start+limit, len(ids))
	data := make([]any, 0, end-start)
	for _, id := range ids[start:end] {
		data = append(data, s.render(get(id)))
	}
	out := map[string]any{"object": "list", "has_more": end < len(ids), "data": data, "next_page_url": nil, "previous_page_url": nil}
	if end < len(ids) && end > start {
		u := *r.URL
		q.Set("next", ids[end-1])
		u.RawQuery = q.Encode()
		out["next_page_url"] = u.String()
	}
	return out, nil
}

// find returns the object with id, or Conekta's 404 naming what it is.
func find[T any](objects map[string]T, what, id string) (T, error) {
	v, ok := objects[id]
	if !ok {
		return v, notFound(what, id)
	}
	return v, nil
}

func remove(ids []string, id string) []string {
	out := ids[:0:0]
	for _, v := range ids {
		if v != id {
			out = append(out, v)
		}
	}
	return out
}

// wire turns an object into its JSON form, and decoded into T.
func wire[T any](v any) *T {
	b, err := json.Marshal(v)
	if err != nil {
		panic("conektatest: " + err.Error())
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		panic("conektatest: " + err.Error())
	}
	return out
}
