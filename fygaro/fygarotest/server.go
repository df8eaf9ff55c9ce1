package fygarotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/internal/wait"
	"github.com/pagos-go/pagos/webhook"
)

// The fake's default button and credentials.
const (
	// ButtonID is the UUID of the fake's button.
	ButtonID = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
	// DefaultAPIKey and DefaultAPISecret are the credential dynamic links
	// must be signed with, unless WithCredential sets another.
	DefaultAPIKey    = "fyg_test_api_key"
	DefaultAPISecret = "fyg_test_api_secret"
	// DefaultHookKeyID and DefaultHookSecret are the hook credential hooks
	// are signed with, unless WithHookCredential sets another.
	DefaultHookKeyID  = "fyg_test_hook_key"
	DefaultHookSecret = "fyg_test_hook_secret"
	// DefaultCurrency is the button's currency, charged when a link names none.
	DefaultCurrency = "USD"
	// MaxAttempts is how many times a hook is sent, as Fygaro documents.
	MaxAttempts = 4
)

// Errors of the fake's controls, matched with errors.Is.
var (
	// ErrLinkRefused: the checkout page would not open the link. The
	// wrapping error says why (bad signature, wrong kid, expired, …).
	ErrLinkRefused = errors.New("fygarotest: link refused")
	// ErrHookSuspended: the button's hook was suspended after a delivery
	// failed every attempt; ResumeHook re-enables it.
	ErrHookSuspended = errors.New("fygarotest: hook suspended")
)

// HookKind is the generation of hook the fake sends.
type HookKind int

const (
	// HookSigned is the current hook: body {reference, customReference,
	// createdAt, jwt} with the Fygaro-Signature and Fygaro-Key-ID headers.
	HookSigned HookKind = iota
	// HookJWTOnly is the same body without the signature headers,
	// authenticated by its JWT alone.
	HookJWTOnly
	// HookLegacy is the oldest hook, as Fygaro's hook guide describes it:
	// transactionReference instead of reference, in the body and the
	// claims, and no signature headers.
	HookLegacy
)

// Server is a fake Fygaro checkout for one payment button, on httptest. It
// opens links as Fygaro's checkout page would (refusing a bad signature, a
// wrong kid, an expired or not-yet-valid link, an amount with more than two
// decimals), records payments with a transaction reference, and posts the
// hook to the button's hook URL: signed with the hook credential, exactly 200
// counted as success, retried up to 4 attempts with growing waits, and the
// hook suspended after a delivery that failed them all.
//
// The fake delivers to loopback URLs, which the real Fygaro would refuse
// (its hook URL must be public HTTPS). Where Fygaro's behaviour is not
// documented (the retry schedule, hooks for plain links, the checkout
// page's errors) the fake's choice is written on the method.
type Server struct {
	// URL is the fake's origin, such as http://127.0.0.1:41234.
	URL string
	// ButtonURL is the fake button's URL, for fygaro.NewButton.
	ButtonURL string
	// APIKey and APISecret are the credential dynamic links must be signed with.
	APIKey    string
	APISecret fygaro.Secret
	// HookKeyID and HookSecret are the credential hooks are signed with
	// (Fygaro's "default credential for hooks"); HookKeys returns them as
	// the keyring webhook.NewFygaroHandler takes.
	HookKeyID  string
	HookSecret fygaro.Secret

	srv   *httptest.Server
	ln    net.Listener // from WithListener, or nil
	now   func() time.Time
	ids   *fake.IDs // the default reference source; nil when WithIDs replaced it
	newID func(prefix string) string
	sleep func(ctx context.Context, d time.Duration) error
	kind  HookKind
	hc    *http.Client
	tb    testing.TB // nil when started without a test
	hooks fake.Hooks // the servers Subscribe started

	mu         sync.Mutex
	hookURL    string
	suspended  bool
	payments   []*Payment
	deliveries []Delivery
}

// Option configures NewServer.
type Option func(*Server)

// WithClock sets the fake's clock: links are checked against it and hooks
// are signed with it. Give a webhook handler the same clock
// (webhook.WithClock), or its tolerance check refuses what the fake signs.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithIDs sets the id source: it gets the prefix "FYG-" and returns a new
// transaction reference. The default counts up: "FYG-000001", "FYG-000002", ….
func WithIDs(newID func(prefix string) string) Option {
	return func(s *Server) { s.newID, s.ids = newID, nil }
}

// WithListener makes the fake serve on ln instead of a new random loopback
// port, so a restarted fake keeps its URL (links embed the button's URL).
// The fake closes ln when it closes.
func WithListener(ln net.Listener) Option { return func(s *Server) { s.ln = ln } }

// WithSleep sets how the fake waits between hook attempts (default: real
// time, 1 s, 2 s and 4 s, ending with ctx), so tests of retries take no time.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(s *Server) { s.sleep = sleep }
}

// WithHookURL sets the button's hook URL (default none: payments send no
// hook until SetHookURL).
func WithHookURL(u string) Option { return func(s *Server) { s.hookURL = u } }

// WithHookKind sets the generation of hook the fake sends (default HookSigned).
func WithHookKind(k HookKind) Option { return func(s *Server) { s.kind = k } }

// WithCredential sets the API credential dynamic links must be signed with.
func WithCredential(apiKey, apiSecret string) Option {
	return func(s *Server) { s.APIKey, s.APISecret = apiKey, fygaro.Secret(apiSecret) }
}

// WithHookCredential sets the credential hooks are signed with.
func WithHookCredential(keyID, secret string) Option {
	return func(s *Server) { s.HookKeyID, s.HookSecret = keyID, fygaro.Secret(secret) }
}

// NewServer starts a fake. When tb is not nil the fake closes itself when the
// test ends; otherwise call Close.
func NewServer(tb testing.TB, opts ...Option) *Server {
	s := &Server{
		APIKey: DefaultAPIKey, APISecret: DefaultAPISecret,
		HookKeyID: DefaultHookKeyID, HookSecret: DefaultHookSecret,
		now:   time.Now,
		sleep: wait.For,
		hc:    fake.HTTPClient(),
		ids:   &fake.IDs{},
		tb:    tb,
	}
	s.newID = s.ids.New
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{lang}/pb/{id}/{$}", s.openPage)
	mux.HandleFunc("POST /{lang}/pb/{id}/{$}", s.payPage)
	s.srv = fake.Serve(mux, s.ln)
	s.URL = s.srv.URL
	s.ButtonURL = s.URL + "/es/pb/" + ButtonID + "/"
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// Close shuts the fake down.
func (s *Server) Close() {
	s.srv.Close()
	s.hooks.CloseAll()
	s.hc.CloseIdleConnections()
}

// Button returns a fygaro.Button for the fake's button, signing with the
// fake's API credential. A credential or option NewButton refuses fails the
// test (a panic without one).
func (s *Server) Button(opts ...fygaro.Option) *fygaro.Button {
	b, err := fygaro.NewButton(s.ButtonURL, s.APIKey, string(s.APISecret), opts...)
	if err != nil {
		fake.Fail(s.tb, "fygarotest: Button: %v", err)
	}
	return b
}

// HookKeys returns the keyring that verifies the fake's hooks.
func (s *Server) HookKeys() webhook.FygaroKeys {
	return webhook.FygaroKeys{s.HookKeyID: string(s.HookSecret)}
}

// SetHookURL sets the button's hook URL; "" turns hooks off.
func (s *Server) SetHookURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hookURL = u
}

// Checkout is what the checkout page shows for a link.
type Checkout struct {
	// Dynamic is true for a signed dynamic link (?jwt=), false for a plain
	// one, whose fields the payer could have changed.
	Dynamic bool `json:"dynamic"`
	// Amount in the currency's major unit; a plain link may pre-fill none.
	Amount fygaro.Amount `json:"amount"`
	// Currency is the link's, or DefaultCurrency.
	Currency string `json:"currency"`
	// CustomReference is the dynamic link's custom_reference, or the plain
	// link's client_reference (the fake's assumption; Fygaro does not say).
	CustomReference string `json:"customReference,omitempty"`
	// TaxAmount is a dynamic link's tax_amount.
	TaxAmount fygaro.Amount `json:"taxAmount,omitzero"`
	// Client is a dynamic link's clientData pre-fill.
	Client fygaro.ClientData `json:"clientData,omitzero"`
	// ClientNote is a plain link's client_note.
	ClientNote string `json:"clientNote,omitempty"`
	// Lang is the checkout page's language, from the link's path.
	Lang fygaro.Lang `json:"lang"`
	// ExpiresAt is a dynamic link's exp; zero when it never expires.
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// linkClaims are the claims of a dynamic link as Fygaro reads them.
type linkClaims struct {
	jwt.RegisteredClaims
	Amount          *string           `json:"amount"` // a decimal string, never a number
	Currency        string            `json:"currency"`
	CustomReference string            `json:"custom_reference"`
	TaxAmount       *string           `json:"tax_amount"`
	ClientData      fygaro.ClientData `json:"clientData"`
}

// Open checks a link as Fygaro's checkout page would and returns what the
// page shows. A refusal matches ErrLinkRefused and says why.
//
// A dynamic link must be HS256 with the API key as kid, signed with the API
// secret, inside its nbf and exp (no leeway), with a positive amount string
// of at most two decimals and an ISO 4217 currency when one is given. The
// fake also requires an amount, since it does not model a payer typing one.
func (s *Server) Open(link string) (*Checkout, error) {
	u, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not a URL", ErrLinkRefused, link)
	}
	q := u.Query()
	u.RawQuery = ""
	bu, err := fygaro.ParseButtonURL(u.String())
	if err != nil || bu.ID() != ButtonID || u.Scheme+"://"+u.Host != s.URL {
		return nil, fmt.Errorf("%w: the link is not for the fake's button %s", ErrLinkRefused, s.ButtonURL)
	}
	co := &Checkout{Lang: bu.Lang(), Currency: DefaultCurrency}
	if token := q.Get("jwt"); token != "" {
		err = s.openDynamic(token, co)
	} else {
		err = openPlain(q, co)
	}
	if err != nil {
		return nil, err
	}
	if co.Amount.IsZero() {
		return nil, fmt.Errorf("%w: the link carries no amount", ErrLinkRefused)
	}
	return co, nil
}

func (s *Server) openDynamic(token string, co *Checkout) error {
	var c linkClaims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != s.APIKey {
			return nil, fmt.Errorf("the jwt's kid %q is not the API key of the button's account", kid)
		}
		return []byte(s.APISecret), nil
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(s.now))
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return fmt.Errorf("%w: the link expired", ErrLinkRefused)
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return fmt.Errorf("%w: the link is not valid yet", ErrLinkRefused)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return fmt.Errorf("%w: the jwt's signature does not match the API secret, or its alg is not HS256: %v", ErrLinkRefused, err)
	case err != nil:
		return fmt.Errorf("%w: %v", ErrLinkRefused, err)
	}
	co.Dynamic = true
	if c.Amount != nil {
		if co.Amount, err = parseAmount("amount", *c.Amount); err != nil {
			return err
		}
	}
	if c.TaxAmount != nil {
		if co.TaxAmount, err = parseAmount("tax_amount", *c.TaxAmount); err != nil {
			return err
		}
	}
	if c.Currency != "" {
		if len(c.Currency) != 3 || c.Currency != strings.ToUpper(c.Currency) {
			return fmt.Errorf("%w: currency %q is not an ISO 4217 code", ErrLinkRefused, c.Currency)
		}
		co.Currency = c.Currency
	}
	co.CustomReference, co.Client = c.CustomReference, c.ClientData
	if c.ExpiresAt != nil {
		co.ExpiresAt = c.ExpiresAt.Time
	}
	return nil
}

func openPlain(q url.Values, co *Checkout) error {
	if a := q.Get("amount"); a != "" {
		var err error
		if co.Amount, err = parseAmount("amount", a); err != nil {
			return err
		}
	}
	co.CustomReference, co.ClientNote = q.Get("client_reference"), q.Get("client_note")
	return nil
}

// parseAmount reads an amount as Fygaro does: a positive decimal with at
// most two places.
func parseAmount(name, s string) (fygaro.Amount, error) {
	a, err := fygaro.ParseAmount(s)
	if err != nil || a.Sign() <= 0 || a.Scale() > 2 {
		return fygaro.Amount{}, fmt.Errorf("%w: %s %q is not a positive decimal with at most two places", ErrLinkRefused, name, s)
	}
	return a, nil
}

// Payment is a payment the fake recorded.
type Payment struct {
	// Reference is Fygaro's transaction reference.
	Reference string
	// Checkout is what was paid; its Client is who paid: what Pay was
	// given, else the link's pre-fill, else a default payer (Ana Pérez).
	Checkout
	// CreatedAt is when the payer paid, in whole seconds.
	CreatedAt time.Time
	// Delivery is the hook's delivery; nil when the button has no hook URL.
	Delivery *Delivery
}

// Delivery records one hook delivery: all its attempts.
type Delivery struct {
	Reference  string
	URL        string
	Attempts   int   // 1 when the first attempt got 200; 0 when the hook was suspended before it
	StatusCode int   // of the last attempt; 0 when it got no response
	Err        error // nil when an attempt got 200
	// Suspended reports that the hook is suspended: this delivery failed
	// every attempt, or the hook was suspended already.
	Suspended bool
}

// Pay does what a customer paying on the checkout page causes: it opens the
// link (as Open), records a payment with a new transaction reference, and
// posts the hook to the button's hook URL, returning once delivery is over.
// client is what the payer enters; nil keeps the link's pre-fill, or a
// default payer (Ana Pérez, ana@example.com) when it has none.
//
// The hook counts as delivered only on HTTP 200. Anything else, or no
// answer, is retried up to MaxAttempts in all with waits of 1 s, 2 s and 4 s
// (Fygaro's schedule is not published); after that the hook is suspended and
// later payments send none until ResumeHook. The fake sends a hook for plain
// links too, with client_reference as customReference (Fygaro does not say).
func (s *Server) Pay(ctx context.Context, link string, client *fygaro.ClientData) (*Payment, error) {
	co, err := s.Open(link)
	if err != nil {
		return nil, err
	}
	switch {
	case client != nil:
		co.Client = *client
	case co.Client == (fygaro.ClientData{}):
		co.Client = fygaro.ClientData{Name: "Ana Pérez", Email: "ana@example.com", Phone: "+50688887777"}
	}
	p := &Payment{Reference: s.newID("FYG-"), Checkout: *co, CreatedAt: s.now().Truncate(time.Second)}
	s.mu.Lock()
	s.payments = append(s.payments, p)
	s.mu.Unlock()
	d, err := s.deliver(ctx, p)
	s.mu.Lock()
	p.Delivery = d
	s.mu.Unlock()
	return p, err
}

// payPage pays the link it is posted to, with the payer's form fields.
func (s *Server) payPage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		fake.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	var client *fygaro.ClientData
	if r.PostForm.Get("name") != "" || r.PostForm.Get("email") != "" || r.PostForm.Get("phone") != "" {
		client = &fygaro.ClientData{Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"), Phone: r.PostForm.Get("phone")}
	}
	p, err := s.Pay(r.Context(), s.URL+r.URL.RequestURI(), client)
	if err != nil {
		fake.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	fake.WriteJSON(w, http.StatusOK, map[string]string{"reference": p.Reference})
}

// openPage shows what the checkout page would for the link.
func (s *Server) openPage(w http.ResponseWriter, r *http.Request) {
	co, err := s.Open(s.URL + r.URL.RequestURI())
	if err != nil {
		fake.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	fake.WriteJSON(w, http.StatusOK, co)
}

// hookBody returns the hook's body for p, with its JWT signed by the hook
// credential, in the fake's hook generation.
func (s *Server) hookBody(p *Payment) ([]byte, error) {
	refName := "reference"
	if s.kind == HookLegacy {
		refName = "transactionReference"
	}
	amount, err := p.Amount.Fixed(2)
	if err != nil {
		return nil, err
	}
	created := p.CreatedAt.Unix()
	// Fygaro's field order: the claims as its hook guide lists them.
	claims, err := json.Marshal(ordered{
		{"customReference", p.CustomReference}, {refName, p.Reference}, {"currency", p.Currency},
		{"amount", amount}, {"createdAt", created}, {"clientData", p.Client},
	})
	if err != nil {
		return nil, err
	}
	token, err := fygaro.SignJWT(claims, s.HookKeyID, string(s.HookSecret))
	if err != nil {
		return nil, err
	}
	body := ordered{{refName, p.Reference}, {"customReference", p.CustomReference}, {"createdAt", created}, {"jwt", token}}
	if s.kind == HookLegacy {
		body[0], body[1] = body[1], body[0]
	}
	return json.Marshal(body)
}

// ordered is a JSON object that keeps its keys in order.
type ordered []struct {
	k string
	v any
}

// MarshalJSON writes the members in their order, as Fygaro signs them.
func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv.k)
		v, err := json.Marshal(kv.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// deliver posts p's hook, retrying as Fygaro does; nil when there is no
// hook URL.
func (s *Server) deliver(ctx context.Context, p *Payment) (*Delivery, error) {
	s.mu.Lock()
	target, suspended := s.hookURL, s.suspended
	s.mu.Unlock()
	if target == "" {
		fake.Warn(s.tb, "fygarotest: payment %s completed, but the button has no hook URL: no handler heard of it (see Server.Subscribe)", p.Reference)
		return nil, nil
	}
	d := Delivery{Reference: p.Reference, URL: target}
	if suspended {
		d.Suspended, d.Err = true, ErrHookSuspended
		s.record(d)
		return &d, nil
	}
	body, err := s.hookBody(p)
	if err != nil {
		return nil, err
	}
	d.Attempts, d.StatusCode, d.Err = fake.Retry(ctx, MaxAttempts, s.sleep, func() (int, error) { return s.post(ctx, target, body) })
	if d.Err != nil && d.Attempts >= MaxAttempts {
		d.Suspended = true
		s.mu.Lock()
		s.suspended = true
		s.mu.Unlock()
	}
	s.record(d)
	return &d, nil
}

func (s *Server) record(d Delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveries = append(s.deliveries, d)
}

// post sends one attempt; only 200 counts.
func (s *Server) post(ctx context.Context, target string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if s.kind == HookSigned {
		sig, err := webhook.SignFygaro(body, string(s.HookSecret), s.now())
		if err != nil {
			return 0, err
		}
		req.Header.Set(webhook.FygaroSignatureHeader, sig)
		req.Header.Set(webhook.FygaroKeyIDHeader, s.HookKeyID)
	}
	return fake.Send(s.hc, req, fake.Only200) // Fygaro counts only 200
}

// Resend posts a payment's hook again, freshly signed: the duplicate a
// handler must acknowledge with 200 without processing it twice.
func (s *Server) Resend(ctx context.Context, reference string) (*Delivery, error) {
	s.mu.Lock()
	var p *Payment
	for _, q := range s.payments {
		if q.Reference == reference {
			p = q
		}
	}
	s.mu.Unlock()
	if p == nil {
		return nil, fmt.Errorf("fygarotest: no payment %q", reference)
	}
	d, err := s.deliver(ctx, p)
	if err == nil && d == nil {
		err = errors.New("fygarotest: the button has no hook URL; call SetHookURL")
	}
	return d, err
}

// Payments returns every payment so far, oldest first.
func (s *Server) Payments() []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Payment, len(s.payments))
	for i, p := range s.payments {
		out[i] = *p
	}
	return out
}

// Deliveries returns every hook delivery so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// HookSuspended reports whether the button's hook is suspended.
func (s *Server) HookSuspended() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.suspended
}

// ResumeHook re-enables a suspended hook, as the merchant would in Fygaro's
// dashboard.
func (s *Server) ResumeHook() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.suspended = false
}
