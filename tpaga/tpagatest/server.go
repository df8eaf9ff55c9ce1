package tpagatest

import (
	"bytes"
	"context"
	"encoding/json"
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

	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/internal/wait"
	"github.com/pagos-go/pagos/tpaga"
)

// Defaults of a new Server.
const (
	// DefaultToken is the cash-in token the fake accepts unless WithToken
	// sets another; clients send it as "Authorization: Basic <token>".
	DefaultToken = "tpaga_fake_token"
	// DefaultPrefix is the merchant prefix put in front of permanent
	// references, as Tpaga's test merchant "TS".
	DefaultPrefix = "TS"
	// DefaultAgreement is the convenio code on every reference.
	DefaultAgreement = "110784"
)

const api = "/api/cashin/v1/public"

// Server is a stateful, in-process fake of Tpaga's cash-in API and its
// staging Efecty simulator, on httptest.
//
// It keeps single-use and permanent references and their deposit intents,
// authenticates as Tpaga does (Basic token for the cash-in API, x-api-key
// for the simulator; 401 otherwise), validates requests, and, when the
// simulator pays a reference, records a deposit intent and posts the
// notification to the merchant URL set with WithNotify, retrying until it
// gets 200.
//
// Tpaga publishes neither its error bodies nor the fields of deposit
// intents and simulator answers: the fake's are its own, modelled on Django
// REST framework's ({"detail": "…"}, {"field": ["…"]}).
type Server struct {
	// URL is the fake's base URL, for tpaga.WithBaseURL.
	URL string
	// Token is the cash-in token the fake accepts.
	Token string
	// EfectyAPIKey is the x-api-key the simulator endpoints accept
	// (default tpaga.EfectyStagingAPIKey).
	EfectyAPIKey string
	// Prefix is the merchant's 2-character prefix of permanent references.
	Prefix string
	// Agreement is the convenio code on every reference.
	Agreement string

	srv         *httptest.Server
	ln          net.Listener // from WithListener, or nil
	now         func() time.Time
	ids         *counter // the default id source; nil when WithIDs replaced it
	newID       func(prefix string) string
	sleep       func(ctx context.Context, d time.Duration) error
	maxAttempts int
	hc          *http.Client
	tb          testing.TB // nil when started without a test
	hooks       fake.Hooks // the servers Subscribe started

	mu         sync.Mutex
	notifyURL  string // set by WithNotify, SetNotify or Subscribe
	notifyAuth string
	refs       map[string]*reference // by reference as Tpaga returns it
	tokens     map[string]string     // idempotency_token → single-use reference
	deposits   map[string]*deposit   // by efecty order id
	deliveries []Delivery
}

type reference struct {
	single    *tpaga.Reference // nil for a permanent reference
	permanent bool
	enabled   bool
	deposits  []*deposit
}

// amount is the fixed amount of a single-use reference, or 0.
func (r *reference) amount() int64 {
	if r.single != nil {
		return r.single.Amount
	}
	return 0
}

type deposit struct {
	ID             string    `json:"id"`
	Reference      string    `json:"reference"`
	Amount         int64     `json:"amount"`
	EfectyOrderID  string    `json:"efecty_order_id"`
	EfectyOfficeID string    `json:"efecty_office_id"`
	CreatedAt      time.Time `json:"created_at"`
	notification   []byte
}

// Delivery records one notification sent to the merchant URL.
type Delivery struct {
	Reference     string
	EfectyOrderID string
	URL           string
	Attempts      int   // 1 when the first attempt got 200
	StatusCode    int   // status of the last attempt; 0 when it got no response
	Err           error // nil when a 200 arrived within the attempts
}

// Option configures NewServer.
type Option func(*Server)

// WithToken sets the cash-in token the fake accepts.
func WithToken(token string) Option { return func(s *Server) { s.Token = token } }

// WithEfectyAPIKey sets the x-api-key the simulator endpoints accept.
func WithEfectyAPIKey(key string) Option { return func(s *Server) { s.EfectyAPIKey = key } }

// WithPrefix sets the merchant prefix put in front of permanent references
// (default "TS").
func WithPrefix(prefix string) Option { return func(s *Server) { s.Prefix = prefix } }

// WithNotify sets where deposit notifications go, the way a merchant agrees
// it with Tpaga: the URL of your handler and the Authorization value sent
// with each, such as "Basic 1234567890". Without it, payments are recorded
// and nothing is posted.
func WithNotify(url, authorization string) Option {
	return func(s *Server) { s.notifyURL, s.notifyAuth = url, authorization }
}

// WithClock sets the fake's clock, used for deposit intents' dates.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithIDs sets the id source: it gets a prefix and returns a new id. The
// prefixes are "5756" for single-use references, "PR" for a permanent
// reference created without one (Tpaga adds the merchant prefix to it) and
// "di_" for deposit intents. The default counts up after the prefix to 12
// characters, or 10 for "PR": "575600000001", "PR00000002", "di_000000003".
func WithIDs(newID func(prefix string) string) Option {
	return func(s *Server) { s.newID, s.ids = newID, nil }
}

// WithListener makes the fake serve on ln instead of a new random loopback
// port, so a restarted fake can keep its URL. The fake closes ln when it
// closes.
func WithListener(ln net.Listener) Option { return func(s *Server) { s.ln = ln } }

// WithSleep sets how the fake waits between notification attempts (default:
// real time, ending with ctx), so tests of retries take no time.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(s *Server) { s.sleep = sleep }
}

// WithMaxAttempts sets how many times a notification is posted to a merchant
// that does not answer 200 (default 5), with waits of 1 s, 2 s, 4 s, …
// between attempts. Tpaga itself retries "periodically" until it gets 200.
func WithMaxAttempts(n int) Option { return func(s *Server) { s.maxAttempts = max(n, 1) } }

// NewServer starts a fake. When tb is not nil the fake closes itself when
// the test ends; otherwise call Close.
func NewServer(tb testing.TB, opts ...Option) *Server {
	s := &Server{
		Token:        DefaultToken,
		EfectyAPIKey: tpaga.EfectyStagingAPIKey,
		Prefix:       DefaultPrefix,
		Agreement:    DefaultAgreement,
		now:          time.Now,
		sleep:        wait.For,
		maxAttempts:  5,
		refs:         map[string]*reference{},
		tokens:       map[string]string{},
		deposits:     map[string]*deposit{},
		hc:           fake.HTTPClient(),
		ids:          &counter{},
		tb:           tb,
	}
	s.newID = s.ids.New
	for _, o := range opts {
		o(s)
	}
	s.srv = fake.Serve(s.routes(), s.ln)
	s.URL = s.srv.URL
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

// Client returns a tpaga.Client pointed at the fake with its token. A token
// or option NewClient refuses fails the test (a panic without one).
func (s *Server) Client(opts ...tpaga.Option) *tpaga.Client {
	c, err := tpaga.NewClient(s.Token, append([]tpaga.Option{tpaga.WithBaseURL(s.URL)}, opts...)...)
	if err != nil {
		fake.Fail(s.tb, "tpagatest: Client: %v", err)
	}
	return c
}

// EfectySimulator returns a tpaga.EfectySimulator pointed at the fake with
// its API key. A key or option refused fails the test (a panic without
// one).
func (s *Server) EfectySimulator(opts ...tpaga.Option) *tpaga.EfectySimulator {
	sim, err := tpaga.NewEfectySimulator(s.EfectyAPIKey, append([]tpaga.Option{tpaga.WithBaseURL(s.URL)}, opts...)...)
	if err != nil {
		fake.Fail(s.tb, "tpagatest: EfectySimulator: %v", err)
	}
	return sim
}

// SetNotify sets the URL deposit notifications are posted to and the
// Authorization value they carry, as agreed with Tpaga (it has no API for
// it); "" turns notifications off.
func (s *Server) SetNotify(url, authorization string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notifyURL, s.notifyAuth = url, authorization
}

// Notify returns where deposit notifications go and the Authorization
// value they carry: WithNotify's, SetNotify's or a loaded state's.
func (s *Server) Notify() (url, authorization string) { return s.notifyTarget() }

// notifyTarget returns the notification URL and Authorization value.
func (s *Server) notifyTarget() (url, authorization string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notifyURL, s.notifyAuth
}

func (s *Server) routes() http.Handler {
	cashin := http.NewServeMux()
	cashin.HandleFunc("POST "+api+"/references", s.createReference)
	cashin.HandleFunc("POST "+api+"/permanent_references", s.createPermanent)
	cashin.HandleFunc("PATCH "+api+"/permanent_references/{reference}", s.setEnabled)
	cashin.HandleFunc("GET "+api+"/reference-details/{$}", s.details)
	efecty := http.NewServeMux()
	efecty.HandleFunc("GET /api/efecty/payment/{reference}", s.lookup)
	efecty.HandleFunc("POST /api/efecty/payment", s.pay)

	mux := http.NewServeMux()
	mux.Handle(api+"/", s.auth(cashin, "Authorization", func() string { return "Basic " + s.Token }))
	mux.Handle("/api/efecty/", s.auth(efecty, "X-Api-Key", func() string { return s.EfectyAPIKey }))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeDetail(w, http.StatusNotFound, "Not found.") })
	return mux
}

func (s *Server) auth(next http.Handler, header string, want func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(header) != want() {
			writeDetail(w, http.StatusUnauthorized, "Invalid credentials.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// --- wire helpers -----------------------------------------------------------

func writeDetail(w http.ResponseWriter, status int, msg string) {
	fake.WriteJSON(w, status, map[string]string{"detail": msg})
}

// fieldErrors collects problems by field, as Django REST framework answers
// a 400.
type fieldErrors map[string][]string

func (f fieldErrors) add(field, msg string) { f[field] = append(f[field], msg) }

func (f fieldErrors) required(field, v string) {
	if strings.TrimSpace(v) == "" {
		f.add(field, "This field is required.")
	}
}

// write answers 400 with the problems and reports true, or does nothing.
func (f fieldErrors) write(w http.ResponseWriter) bool {
	if len(f) == 0 {
		return false
	}
	fake.WriteJSON(w, http.StatusBadRequest, f)
	return true
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		writeDetail(w, http.StatusBadRequest, "JSON parse error - "+err.Error())
		return false
	}
	return true
}

// checkRequester checks who asks for a reference. Only the document is
// documented as required for a permanent reference (its swagger); a
// single-use one, as in the guide, needs the names too.
func checkRequester(f fieldErrors, r *tpaga.Requester, names bool) {
	if names {
		f.required("requester_first_names", r.FirstNames)
		f.required("requester_last_names", r.LastNames)
	}
	f.required("requester_document_number", r.DocumentNumber)
	switch r.DocumentType {
	case tpaga.DocumentCC, tpaga.DocumentCE:
	case "":
		f.add("requester_document_type", "This field is required.")
	default:
		f.add("requester_document_type", strconv.Quote(string(r.DocumentType))+" is not a valid choice.")
	}
}

// --- references -------------------------------------------------------------

func (s *Server) createReference(w http.ResponseWriter, r *http.Request) {
	var p tpaga.ReferenceParams
	if !decodeBody(w, r, &p) {
		return
	}
	f := fieldErrors{}
	checkRequester(f, &p.Requester, true)
	f.required("description", p.Description)
	f.required("idempotency_token", p.IdempotencyToken)
	if p.Amount < 0 {
		f.add("amount", "Ensure this value is greater than or equal to 1.")
	}
	if f.write(w) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ref, ok := s.tokens[p.IdempotencyToken]; ok {
		// The token's purpose: a repeat returns the reference it made.
		fake.WriteJSON(w, http.StatusOK, s.refs[ref].single)
		return
	}
	ref := &tpaga.Reference{Reference: s.newID("5756"), Agreement: s.Agreement, Description: p.Description,
		Amount: p.Amount, IdempotencyToken: p.IdempotencyToken, Requester: p.Requester}
	s.refs[ref.Reference] = &reference{single: ref, enabled: true}
	s.tokens[p.IdempotencyToken] = ref.Reference
	fake.WriteJSON(w, http.StatusCreated, ref)
}

func (s *Server) createPermanent(w http.ResponseWriter, r *http.Request) {
	var p tpaga.PermanentReferenceParams
	if !decodeBody(w, r, &p) {
		return
	}
	f := fieldErrors{}
	checkRequester(f, &p.Requester, false)
	f.required("description", p.Description)
	if p.Reference != "" && (len(p.Reference) != 10 || strings.Trim(strings.ToUpper(p.Reference), "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "") {
		f.add("reference", "Ensure this field has exactly 10 letters and digits.")
	}
	if f.write(w) {
		return
	}
	if p.Reference == "" {
		p.Reference = s.newID("PR")
	}
	full := s.Prefix + strings.ToUpper(p.Reference)
	s.mu.Lock()
	defer s.mu.Unlock()
	status := http.StatusCreated
	ref, ok := s.refs[full]
	switch {
	case ok && !ref.permanent:
		f.add("reference", "A single-use reference has this code.")
		f.write(w)
		return
	case ok:
		status = http.StatusOK // an existing reference is enabled again
	default:
		ref = &reference{permanent: true}
		s.refs[full] = ref
	}
	ref.enabled = true
	fake.WriteJSON(w, status, s.permanentJSON(full, ref))
}

func (s *Server) permanentJSON(full string, ref *reference) *tpaga.PermanentReference {
	return &tpaga.PermanentReference{Reference: full, Agreement: s.Agreement, Enabled: ref.enabled}
}

func (s *Server) setEnabled(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Enabled *bool `json:"enabled"`
	}
	if !decodeBody(w, r, &p) {
		return
	}
	if p.Enabled == nil {
		fieldErrors{"enabled": {"This field is required."}}.write(w)
		return
	}
	full := r.PathValue("reference")
	s.mu.Lock()
	defer s.mu.Unlock()
	ref, ok := s.refs[full]
	if !ok || !ref.permanent {
		writeDetail(w, http.StatusNotFound, "Not found.") // only permanent references can be changed
		return
	}
	ref.enabled = *p.Enabled
	fake.WriteJSON(w, http.StatusOK, s.permanentJSON(full, ref))
}

func (s *Server) details(w http.ResponseWriter, r *http.Request) {
	code := r.URL.Query().Get("reference")
	if code == "" {
		fieldErrors{"reference": {"This field is required."}}.write(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ref, ok := s.refs[code]
	if !ok {
		writeDetail(w, http.StatusNotFound, "Not found.")
		return
	}
	fake.WriteJSON(w, http.StatusOK, map[string]any{
		"is_permanent": ref.permanent, "enabled": ref.enabled, "deposit_intents": append([]*deposit{}, ref.deposits...),
	})
}

// --- the Efecty simulator ---------------------------------------------------

// payable reports why a reference cannot take a deposit, or "".
func payable(ref *reference) string {
	switch {
	case !ref.enabled && !ref.permanent:
		return "Reference was already used."
	case !ref.enabled:
		return "Reference is disabled."
	}
	return ""
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("reference")
	s.mu.Lock()
	defer s.mu.Unlock()
	ref, ok := s.refs[code]
	if !ok {
		writeDetail(w, http.StatusNotFound, "Reference not found.")
		return
	}
	if why := payable(ref); why != "" {
		writeDetail(w, http.StatusBadRequest, why)
		return
	}
	var amount any // null: any amount
	if a := ref.amount(); a > 0 {
		amount = strconv.FormatInt(a, 10)
	}
	fake.WriteJSON(w, http.StatusOK, map[string]any{"reference": code, "agreement": s.Agreement, "amount": amount, "payable": true})
}

func (s *Server) pay(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Reference string          `json:"reference"`
		Amount    json.RawMessage `json:"amount"`
		OrderID   string          `json:"efectyOrderId"`
		OfficeID  string          `json:"efectyOfficeId"`
	}
	if !decodeBody(w, r, &p) {
		return
	}
	f := fieldErrors{}
	f.required("reference", p.Reference)
	f.required("efectyOrderId", p.OrderID)
	var digits string
	if err := json.Unmarshal(p.Amount, &digits); err != nil || strings.Trim(digits, "0123456789") != "" || strings.TrimLeft(digits, "0") == "" {
		f.add("amount", "A string of whole pesos above 0 is required, such as \"20000\".")
	}
	amount, err := strconv.ParseInt(digits, 10, 64)
	if err != nil && len(f) == 0 {
		f.add("amount", "Out of range.")
	}
	if f.write(w) {
		return
	}

	s.mu.Lock()
	ref, ok := s.refs[p.Reference]
	if prev, seen := s.deposits[p.OrderID]; seen {
		s.mu.Unlock()
		if prev.Reference != p.Reference || prev.Amount != amount {
			fieldErrors{"efectyOrderId": {"Already used for another payment."}}.write(w)
			return
		}
		fake.WriteJSON(w, http.StatusOK, payAnswer(prev)) // the same payment again: nothing new
		return
	}
	if !ok {
		s.mu.Unlock()
		writeDetail(w, http.StatusNotFound, "Reference not found.")
		return
	}
	if why := payable(ref); why != "" {
		s.mu.Unlock()
		writeDetail(w, http.StatusBadRequest, why)
		return
	}
	if fixed := ref.amount(); fixed > 0 && fixed != amount {
		s.mu.Unlock()
		fieldErrors{"amount": {"This reference takes exactly " + strconv.FormatInt(fixed, 10) + " pesos."}}.write(w)
		return
	}
	d := &deposit{ID: s.newID("di_"), Reference: p.Reference, Amount: amount, EfectyOrderID: p.OrderID,
		EfectyOfficeID: p.OfficeID, CreatedAt: s.now().UTC()}
	token := "" // for permanent ones Tpaga's value is undocumented: null
	if ref.single != nil {
		token = ref.single.IdempotencyToken
		ref.enabled = false // used
	}
	n := tpaga.NewNotification(d.Reference, d.Amount, d.EfectyOrderID, token)
	d.notification, _ = json.Marshal(n)
	ref.deposits = append(ref.deposits, d)
	s.deposits[d.EfectyOrderID] = d
	s.mu.Unlock()

	if url, _ := s.notifyTarget(); url != "" {
		s.notify(r.Context(), d)
	} else {
		fake.Warn(s.tb, "tpagatest: deposit %s to reference %s completed, but no notification URL is set: no handler heard of it (see Server.Subscribe)", d.EfectyOrderID, d.Reference)
	}
	fake.WriteJSON(w, http.StatusOK, payAnswer(d))
}

func payAnswer(d *deposit) map[string]any {
	return map[string]any{"reference": d.Reference, "amount": strconv.FormatInt(d.Amount, 10),
		"efectyOrderId": d.EfectyOrderID, "status": "approved", "deposit_intent": d.ID}
}

// --- notifications ----------------------------------------------------------

// notify posts a deposit's notification to the merchant URL, retrying with
// growing waits until it gets 200 (Tpaga counts nothing else) or the
// attempts run out.
func (s *Server) notify(ctx context.Context, d *deposit) Delivery {
	url, auth := s.notifyTarget()
	del := Delivery{Reference: d.Reference, EfectyOrderID: d.EfectyOrderID, URL: url}
	del.Attempts, del.StatusCode, del.Err = fake.Retry(ctx, s.maxAttempts, s.sleep, func() (int, error) { return s.post(ctx, url, auth, d.notification) })
	s.mu.Lock()
	s.deliveries = append(s.deliveries, del)
	s.mu.Unlock()
	return del
}

func (s *Server) post(ctx context.Context, url, auth string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	return fake.Send(s.hc, req, fake.Only200) // Tpaga retries until it gets 200
}

// Resend posts a deposit's notification again: the duplicate a handler must
// acknowledge without crediting the deposit twice.
func (s *Server) Resend(ctx context.Context, efectyOrderID string) (Delivery, error) {
	s.mu.Lock()
	d, ok := s.deposits[efectyOrderID]
	url := s.notifyURL
	s.mu.Unlock()
	switch {
	case !ok:
		return Delivery{}, fmt.Errorf("tpagatest: no deposit with efecty order id %q", efectyOrderID)
	case url == "":
		return Delivery{}, fmt.Errorf("tpagatest: no notification URL; start the fake WithNotify")
	}
	return s.notify(ctx, d), nil
}

// Deliveries returns every notification sent so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}
