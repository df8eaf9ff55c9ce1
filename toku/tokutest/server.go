package tokutest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/internal/wait"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/webhook"
)

// DefaultAPIKey is the key the fake accepts unless WithAPIKey sets another.
const DefaultAPIKey = "tk_test_fake_api_key"

// AccountID is the id_account the fake puts on events.
const AccountID = "acc_fake_default"

// Server is a stateful, in-process fake of the Toku API on httptest. It
// keeps customers, invoices, webhook endpoints and transactions, validates
// requests as Toku does (401 for a wrong key, 422 in Toku's error format, 404
// for unknown ids), and delivers correctly signed events to registered
// endpoints when a test pays an invoice.
//
// It delivers to any URL, loopback included. Its error codes ("TK…") follow
// Toku's format but are the fake's own.
type Server struct {
	// URL is the fake's base URL, for toku.WithBaseURL.
	URL string
	// APIKey is the x-api-key the fake accepts.
	APIKey string

	srv         *httptest.Server
	ln          net.Listener // from WithListener, or nil
	now         func() time.Time
	ids         *fake.IDs // the default id source; nil when WithIDs replaced it
	newID       func(prefix string) string
	sleep       func(ctx context.Context, d time.Duration) error
	signed      toku.Signed
	maxAttempts int
	hc          *http.Client
	tb          testing.TB // nil when started without a test
	hooks       fake.Hooks // the servers Subscribe started

	mu           sync.Mutex
	customers    map[string]*toku.Customer
	customerIDs  []string
	invoices     map[string]*toku.Invoice
	invoiceIDs   []string
	endpoints    map[string]*endpoint
	endpointIDs  []string
	transactions []*transaction
	events       map[string]*sentEvent
	deliveries   []Delivery
	ext          ext // subscriptions, redirection, bank-account checks, clock advance
}

type endpoint struct {
	toku.WebhookEndpoint
	secret string
}

type transaction struct {
	id, intentID, invoiceID string
	at                      time.Time
	body                    json.RawMessage // the list item, as Toku's transaction object
}

type sentEvent struct {
	body        []byte
	endpointIDs []string
}

// Delivery records one event sent to one endpoint.
type Delivery struct {
	EventID    string
	EventType  toku.EventType
	EndpointID string
	URL        string
	Attempts   int   // 1 when the first attempt got a 2xx
	StatusCode int   // status of the last attempt; 0 when it got no response
	Err        error // nil when a 2xx arrived within the attempts
}

// Option configures NewServer.
type Option func(*Server)

// WithAPIKey sets the x-api-key the fake accepts.
func WithAPIKey(key string) Option { return func(s *Server) { s.APIKey = key } }

// WithClock sets the fake's clock, used for transaction dates and event
// signatures. Give a webhook handler the same clock (webhook.WithClock), or
// its tolerance check will refuse what the fake signs.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithIDs sets the id source: it gets a prefix such as "cus_" and returns a
// new id. The default counts up: "cus_000001", "in_000002", ….
func WithIDs(newID func(prefix string) string) Option {
	return func(s *Server) { s.newID, s.ids = newID, nil }
}

// WithListener makes the fake serve on ln instead of a new random loopback
// port, so a restarted fake can keep its URL. The fake closes ln when it
// closes.
func WithListener(ln net.Listener) Option { return func(s *Server) { s.ln = ln } }

// WithSleep sets how the fake waits between delivery attempts (default: real
// time, ending with ctx), so tests of retries take no time.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(s *Server) { s.sleep = sleep }
}

// WithSignedBody makes the fake sign "t.<raw body>" instead of Toku's
// documented "t.<event id>".
func WithSignedBody() Option { return func(s *Server) { s.signed = toku.SignedBody } }

// WithMaxAttempts sets how many times an event is sent to an endpoint that
// does not answer 2xx (default 5), with increasing waits between attempts.
func WithMaxAttempts(n int) Option { return func(s *Server) { s.maxAttempts = max(n, 1) } }

// NewServer starts a fake. When tb is not nil the fake closes itself when
// the test ends; otherwise call Close.
func NewServer(tb testing.TB, opts ...Option) *Server {
	s := &Server{
		APIKey:      DefaultAPIKey,
		now:         time.Now,
		signed:      toku.SignedEventID,
		maxAttempts: 5,
		customers:   map[string]*toku.Customer{},
		invoices:    map[string]*toku.Invoice{},
		endpoints:   map[string]*endpoint{},
		events:      map[string]*sentEvent{},
		hc:          fake.HTTPClient(),
		ids:         &fake.IDs{},
		sleep:       wait.For,
		tb:          tb,
	}
	s.newID = s.ids.New
	for _, o := range opts {
		o(s)
	}
	s.initExt()
	s.srv = fake.Serve(s.routes(), s.ln)
	s.URL = s.srv.URL
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// Close shuts the fake down.
func (s *Server) Close() {
	s.stopBackground()
	s.srv.Close()
	s.Settle()
	s.hooks.CloseAll()
	s.hc.CloseIdleConnections()
}

// Client returns a toku.Client pointed at the fake with its API key. A key
// or option NewClient refuses fails the test (a panic without one).
func (s *Server) Client(opts ...toku.Option) *toku.Client {
	c, err := toku.NewClient(s.APIKey, append([]toku.Option{toku.WithBaseURL(s.URL)}, opts...)...)
	if err != nil {
		fake.Fail(s.tb, "tokutest: Client: %v", err)
	}
	return c
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /customers", s.createCustomer)
	mux.HandleFunc("GET /customers", s.listCustomers)
	mux.HandleFunc("GET /customers/{id}", s.getCustomer)
	mux.HandleFunc("PUT /customers/{id}", s.updateCustomer)
	mux.HandleFunc("DELETE /customers/{id}", s.deleteCustomer)
	mux.HandleFunc("POST /invoices", s.createInvoice)
	mux.HandleFunc("GET /invoices", s.listInvoices)
	mux.HandleFunc("GET /invoices/{id}", s.getInvoice)
	mux.HandleFunc("PUT /invoices/{id}", s.updateInvoice)
	mux.HandleFunc("DELETE /invoices/{id}", s.deleteInvoice)
	mux.HandleFunc("POST /invoices/{id}/void", s.voidInvoice)
	mux.HandleFunc("POST /webhook_endpoints", s.createEndpoint)
	mux.HandleFunc("GET /webhook_endpoints", s.listEndpoints)
	mux.HandleFunc("GET /webhook_endpoints/{id}", s.getEndpoint)
	mux.HandleFunc("PUT /webhook_endpoints/{id}", s.updateEndpoint)
	mux.HandleFunc("POST /dummy_webhook", s.dummyWebhook)
	mux.HandleFunc("GET /organization/payments", s.listPayments)
	s.extRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "TK40400", "Not Found")
	})
	return s.auth(mux)
}

func (s *Server) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != s.APIKey {
			writeError(w, http.StatusUnauthorized, "TK10100", "API Key inválida o ausente")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// --- wire helpers -----------------------------------------------------------

func writeError(w http.ResponseWriter, status int, code, msg string) {
	fake.WriteJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

type detail struct {
	Loc  []string `json:"loc"`
	Msg  string   `json:"msg"`
	Type string   `json:"type"`
}

func write422(w http.ResponseWriter, details ...detail) {
	fake.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]any{"code": "TK30000", "details": details}})
}

func missing(field string) detail {
	return detail{Loc: []string{"body", field}, Msg: "field required", Type: "value_error.missing"}
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		write422(w, detail{Loc: []string{"body"}, Msg: "invalid JSON: " + err.Error(), Type: "value_error.jsondecode"})
		return false
	}
	return true
}

// writePage answers one page of objects, in the order of ids, as Toku lists
// them: {"items": [...], "next_cursor": "..." or null}.
func writePage[T any](w http.ResponseWriter, r *http.Request, ids []string, objects map[string]T) {
	ids, next, ok := page(r, ids)
	if !ok {
		write422(w, detail{Loc: []string{"query"}, Msg: "invalid page_size or cursor", Type: "value_error"})
		return
	}
	items := make([]T, 0, len(ids))
	for _, id := range ids {
		items = append(items, objects[id])
	}
	fake.WriteJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// page slices ids by the page_size and cursor (an offset) of the request.
func page(r *http.Request, ids []string) (out []string, next *string, ok bool) {
	size := 50
	if v := r.URL.Query().Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return nil, nil, false
		}
		size = n
	}
	start := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "off_"))
		if err != nil || n < 0 {
			return nil, nil, false
		}
		start = min(n, len(ids))
	}
	end := min(start+size, len(ids))
	if end < len(ids) {
		c := "off_" + strconv.Itoa(end)
		next = &c
	}
	return ids[start:end], next, true
}

// --- customers --------------------------------------------------------------

func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request) {
	var p toku.CustomerParams
	if !decodeBody(w, r, &p) {
		return
	}
	if p.GovernmentID == "" && p.ExternalID == "" {
		write422(w, missing("goverment_id"))
		return
	}
	c := &toku.Customer{
		ID: s.newID("cus_"), GovernmentID: p.GovernmentID, ExternalID: p.ExternalID, Name: p.Name, Mail: p.Mail,
		PhoneNumber: p.PhoneNumber, DefaultAgent: p.DefaultAgent, AgentPhoneNumber: p.AgentPhoneNumber,
		PACMandateID: p.PACMandateID, DefaultReceiptType: p.DefaultReceiptType, RFC: p.RFC, TaxZipCode: p.TaxZipCode,
		FiscalRegime: p.FiscalRegime, SecondaryEmails: p.SecondaryEmails, Metadata: p.Metadata,
	}
	if c.ExternalID == "" {
		c.ExternalID = c.GovernmentID // as Toku's guide shows
	}
	if c.Metadata == nil {
		c.Metadata = toku.Metadata{}
	}
	if p.SendMail != nil {
		c.SendMail = *p.SendMail
	}
	s.mu.Lock()
	s.customers[c.ID] = c
	s.customerIDs = append(s.customerIDs, c.ID)
	s.mu.Unlock()
	fake.WriteJSON(w, http.StatusCreated, c)
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c, ok := s.customers[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "TK40401", "Customer no encontrado")
		return
	}
	fake.WriteJSON(w, http.StatusOK, c)
}

func (s *Server) listCustomers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writePage(w, r, s.customerIDs, s.customers)
}

func (s *Server) updateCustomer(w http.ResponseWriter, r *http.Request) {
	var p toku.CustomerParams
	if !decodeBody(w, r, &p) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "TK40401", "Customer no encontrado")
		return
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&c.GovernmentID, p.GovernmentID)
	set(&c.ExternalID, p.ExternalID)
	set(&c.Name, p.Name)
	set(&c.Mail, p.Mail)
	set(&c.PhoneNumber, p.PhoneNumber)
	if p.Metadata != nil {
		c.Metadata = p.Metadata
	}
	fake.WriteJSON(w, http.StatusOK, c)
}

func (s *Server) deleteCustomer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	if _, ok := s.customers[id]; !ok {
		writeError(w, http.StatusNotFound, "TK40401", "Customer no encontrado")
		return
	}
	delete(s.customers, id)
	s.customerIDs = remove(s.customerIDs, id)
	fake.WriteJSON(w, http.StatusOK, map[string]any{"id": id, "deleted": true})
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

// --- invoices ---------------------------------------------------------------

func (s *Server) createInvoice(w http.ResponseWriter, r *http.Request) {
	var p toku.InvoiceParams
	if !decodeBody(w, r, &p) {
		return
	}
	var d []detail
	if p.Customer == "" {
		d = append(d, missing("customer"))
	}
	if p.ProductID == "" {
		d = append(d, missing("product_id"))
	}
	if p.DueDate.IsZero() {
		d = append(d, missing("due_date"))
	}
	if p.Amount.Sign() <= 0 {
		d = append(d, detail{Loc: []string{"body", "amount"}, Msg: "ensure this value is greater than 0", Type: "value_error.number.not_gt"})
	}
	if len(d) > 0 {
		write422(w, d...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.customers[p.Customer]; !ok {
		write422(w, detail{Loc: []string{"body", "customer"}, Msg: "customer not found", Type: "value_error"})
		return
	}
	inv := &toku.Invoice{
		ID: s.newID("in_"), Customer: p.Customer, ProductID: p.ProductID, DueDate: p.DueDate, Amount: p.Amount,
		CurrencyCode: p.CurrencyCode, LinkPayment: p.LinkPayment, Metadata: p.Metadata, InvoiceExternalID: p.InvoiceExternalID,
	}
	if inv.CurrencyCode == "" {
		inv.CurrencyCode = "CLP"
	}
	if p.IsPaid != nil {
		inv.IsPaid = *p.IsPaid
	}
	if p.IsVoid != nil {
		inv.IsVoid = *p.IsVoid
	}
	s.invoices[inv.ID] = inv
	s.invoiceIDs = append(s.invoiceIDs, inv.ID)
	fake.WriteJSON(w, http.StatusCreated, inv)
}

func (s *Server) invoice(w http.ResponseWriter, r *http.Request) (*toku.Invoice, bool) {
	inv, ok := s.invoices[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "TK40402", "Invoice no encontrado")
	}
	return inv, ok
}

func (s *Server) getInvoice(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if inv, ok := s.invoice(w, r); ok {
		fake.WriteJSON(w, http.StatusOK, inv)
	}
}

func (s *Server) listInvoices(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	cus := r.URL.Query().Get("customer_id")
	from, _ := toku.ParseDate(r.URL.Query().Get("due_date_from"))
	for _, id := range s.invoiceIDs {
		inv := s.invoices[id]
		if (cus == "" || inv.Customer == cus) && (from.IsZero() || !inv.DueDate.Before(from)) {
			ids = append(ids, id)
		}
	}
	writePage(w, r, ids, s.invoices)
}

func (s *Server) updateInvoice(w http.ResponseWriter, r *http.Request) {
	var p toku.InvoiceParams
	if !decodeBody(w, r, &p) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	inv, ok := s.invoice(w, r)
	if !ok {
		return
	}
	if !p.Amount.IsZero() {
		inv.Amount = p.Amount
	}
	if !p.DueDate.IsZero() {
		inv.DueDate = p.DueDate
	}
	if p.IsPaid != nil {
		inv.IsPaid = *p.IsPaid
	}
	if p.IsVoid != nil {
		inv.IsVoid = *p.IsVoid
	}
	if p.Metadata != nil {
		inv.Metadata = p.Metadata
	}
	fake.WriteJSON(w, http.StatusOK, inv)
}

func (s *Server) voidInvoice(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if inv, ok := s.invoice(w, r); ok {
		inv.IsVoid = true
		fake.WriteJSON(w, http.StatusOK, inv)
	}
}

func (s *Server) deleteInvoice(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if inv, ok := s.invoice(w, r); ok {
		delete(s.invoices, inv.ID)
		s.invoiceIDs = remove(s.invoiceIDs, inv.ID)
		fake.WriteJSON(w, http.StatusOK, map[string]any{"id": inv.ID, "deleted": true})
	}
}

// --- webhook endpoints ------------------------------------------------------

// endpointJSON is the endpoint on the wire, secret included.
func endpointJSON(e *endpoint) map[string]any {
	return map[string]any{"id": e.ID, "url": e.URL, "enabled_events": e.EnabledEvents, "status": e.Status, "secret": e.secret}
}

func (s *Server) createEndpoint(w http.ResponseWriter, r *http.Request) {
	var p toku.WebhookEndpointParams
	if !decodeBody(w, r, &p) {
		return
	}
	var d []detail
	if p.URL == "" {
		d = append(d, missing("url"))
	}
	if len(p.EnabledEvents) == 0 {
		d = append(d, missing("enabled_events"))
	}
	if p.Status == "" {
		d = append(d, missing("status"))
	} else if p.Status != toku.EndpointEnabled && p.Status != toku.EndpointDisabled {
		d = append(d, detail{Loc: []string{"body", "status"}, Msg: "value is not a valid enumeration member", Type: "type_error.enum"})
	}
	if len(d) > 0 {
		write422(w, d...)
		return
	}
	e := &endpoint{WebhookEndpoint: toku.WebhookEndpoint{ID: s.newID("whe_"), URL: p.URL, EnabledEvents: p.EnabledEvents, Status: p.Status},
		secret: s.newID("whesec_")}
	s.mu.Lock()
	s.endpoints[e.ID] = e
	s.endpointIDs = append(s.endpointIDs, e.ID)
	s.mu.Unlock()
	fake.WriteJSON(w, http.StatusCreated, endpointJSON(e))
}

func (s *Server) getEndpoint(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.endpoints[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "TK40403", "Webhook endpoint no encontrado")
		return
	}
	fake.WriteJSON(w, http.StatusOK, endpointJSON(e))
}

func (s *Server) listEndpoints(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items := []map[string]any{}
	for _, id := range s.endpointIDs {
		items = append(items, endpointJSON(s.endpoints[id]))
	}
	fake.WriteJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": nil})
}

func (s *Server) updateEndpoint(w http.ResponseWriter, r *http.Request) {
	var p toku.WebhookEndpointParams
	if !decodeBody(w, r, &p) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.endpoints[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "TK40403", "Webhook endpoint no encontrado")
		return
	}
	if p.URL != "" {
		e.URL = p.URL
	}
	if p.EnabledEvents != nil {
		e.EnabledEvents = p.EnabledEvents
	}
	if p.Status != "" {
		e.Status = p.Status
	}
	fake.WriteJSON(w, http.StatusOK, endpointJSON(e))
}

// --- payments ---------------------------------------------------------------

func (s *Server) listPayments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, err1 := toku.ParseDate(q.Get("start_date"))
	end, err2 := toku.ParseDate(q.Get("end_date"))
	pageNo, err3 := strconv.Atoi(q.Get("page"))
	size, err4 := strconv.Atoi(q.Get("page_size"))
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || pageNo < 1 || size < 1 {
		write422(w, detail{Loc: []string{"query"}, Msg: "page, page_size, start_date and end_date are required", Type: "value_error"})
		return
	}
	if st := q.Get("status"); st != "" && st != string(toku.TransactionSuccess) {
		fake.WriteJSON(w, http.StatusOK, map[string]any{"items": []any{}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []json.RawMessage
	for _, t := range s.transactions {
		d := toku.DateOf(t.at.UTC())
		if !d.Before(start) && !end.Before(d) {
			items = append(items, t.body)
		}
	}
	from := min((pageNo-1)*size, len(items))
	to := min(from+size, len(items))
	fake.WriteJSON(w, http.StatusOK, map[string]any{"items": append([]json.RawMessage{}, items[from:to]...), "page": pageNo})
}

// --- controls ---------------------------------------------------------------

// Payment is what PayInvoice did.
type Payment struct {
	InvoiceID       string
	TransactionID   string
	PaymentIntentID string
	// Deliveries lists the events sent to subscribed endpoints.
	Deliveries []Delivery
}

// PayInvoice does what a customer paying at Toku's portal causes: it marks
// the invoice paid, records a transaction for the payments list, and sends
// transaction.success, payment_intent.succeeded and invoice.updated to every
// enabled endpoint subscribed to them, correctly signed, retrying each until
// it gets a 2xx or the attempts run out. It returns once delivery is over.
func (s *Server) PayInvoice(ctx context.Context, invoiceID string) (*Payment, error) {
	s.mu.Lock()
	inv, ok := s.invoices[invoiceID]
	switch {
	case !ok:
		s.mu.Unlock()
		return nil, fmt.Errorf("tokutest: no invoice %q", invoiceID)
	case inv.IsPaid:
		s.mu.Unlock()
		return nil, fmt.Errorf("tokutest: invoice %s is already paid", invoiceID)
	case inv.IsVoid:
		s.mu.Unlock()
		return nil, fmt.Errorf("tokutest: invoice %s is void", invoiceID)
	}
	inv.IsPaid = true
	at := s.now()
	p := &Payment{InvoiceID: inv.ID, TransactionID: s.newID("trs_"), PaymentIntentID: s.newID("pi_")}
	cus := s.customers[inv.Customer]
	if cus == nil {
		cus = &toku.Customer{ID: inv.Customer}
	}
	currency := inv.CurrencyCode
	intent := map[string]any{
		"id": p.PaymentIntentID, "amount": inv.Amount.String(), "currency": currency, "id_invoice": inv.ID,
		"invoice_external_id": inv.InvoiceExternalID, "id_account": AccountID, "gateway": "toku_fake",
		"product_id": inv.ProductID, "status": "AUTHORIZED", "type": "PAYMENT", "id_subscription": inv.Subscription,
	}
	txBody := map[string]any{
		"transaction": map[string]any{
			"id": p.TransactionID, "type": "PAYMENT", "amount": inv.Amount, "currency": currency,
			"transaction_date": at.UTC().Format("2006-01-02T15:04:05.000000"), "status": "SUCCESS", "response_code": 0,
		},
		"customer": map[string]any{"id": cus.ID, "external_id": cus.ExternalID, "email": cus.Mail,
			"government_id": cus.GovernmentID, "name": cus.Name, "phone_number": cus.PhoneNumber},
		"payment_intents": []any{intent},
		"payment_instrument": map[string]any{"type": "card", "card": map[string]any{
			"bin": "424242", "card_type": "credit", "card_brand": "VISA", "country": "CL", "last_digits": "4242"}},
	}
	item, _ := json.Marshal(txBody)
	s.transactions = append(s.transactions, &transaction{id: p.TransactionID, intentID: p.PaymentIntentID, invoiceID: inv.ID, at: at, body: item})
	invCopy := *inv
	s.mu.Unlock()

	legacyIntent := map[string]any{
		"id": p.PaymentIntentID, "invoice": inv.ID, "customer": cus.ID, "id_account": AccountID, "gateway": "toku_fake",
		"amount": inv.Amount.String(), "transaction_date": at.UTC().Format("2006-01-02T15:04:05.000000"),
		"toku_response_code": "SU0000", "response_code": 0, "status": "AUTHORIZED",
	}
	bodies := []struct {
		typ     toku.EventType
		payload map[string]any
	}{
		{toku.EventTransactionSuccess, txBody},
		{toku.EventPaymentIntentSucceeded, map[string]any{"payment_intent": legacyIntent}},
		{toku.EventInvoiceUpdated, map[string]any{"invoice": &invCopy}},
	}
	for _, b := range bodies {
		p.Deliveries = append(p.Deliveries, s.emit(ctx, b.typ, b.payload)...)
	}
	if len(p.Deliveries) == 0 {
		fake.Warn(s.tb, "tokutest: invoice %s was paid, but no enabled webhook endpoint is subscribed to its events: no handler heard of it (see Server.Subscribe)", inv.ID)
	}
	return p, nil
}

// emit builds an event, remembers it, and sends it to subscribed endpoints.
func (s *Server) emit(ctx context.Context, typ toku.EventType, payload map[string]any) []Delivery {
	id := s.newID("wheve_")
	body := map[string]any{"id": id, "event_type": typ, "id_account": AccountID}
	for k, v := range payload {
		body[k] = v
	}
	raw, _ := json.Marshal(body)
	s.mu.Lock()
	var targets []*endpoint
	for _, eid := range s.endpointIDs {
		e := s.endpoints[eid]
		if e.Status == toku.EndpointEnabled && subscribed(e.EnabledEvents, typ) {
			cp := *e
			targets = append(targets, &cp)
		}
	}
	sent := &sentEvent{body: raw}
	for _, e := range targets {
		sent.endpointIDs = append(sent.endpointIDs, e.ID)
	}
	s.events[id] = sent
	s.mu.Unlock()
	var out []Delivery
	for _, e := range targets {
		out = append(out, s.deliver(ctx, e, id, typ, raw))
	}
	return out
}

func subscribed(events []toku.EventType, t toku.EventType) bool {
	for _, e := range events {
		if e == t {
			return true
		}
	}
	return false
}

// deliver posts one event to one endpoint, retrying with growing waits.
func (s *Server) deliver(ctx context.Context, e *endpoint, id string, typ toku.EventType, raw []byte) Delivery {
	d := Delivery{EventID: id, EventType: typ, EndpointID: e.ID, URL: e.URL}
	d.Attempts, d.StatusCode, d.Err = fake.Retry(ctx, s.maxAttempts, s.sleep, func() (int, error) { return s.post(ctx, e, raw) })
	s.mu.Lock()
	s.deliveries = append(s.deliveries, d)
	s.mu.Unlock()
	return d
}

func (s *Server) post(ctx context.Context, e *endpoint, raw []byte) (int, error) {
	sig, err := webhook.SignToku(raw, e.secret, s.now(), s.signed)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.TokuSignatureHeader, sig)
	return fake.Send(s.hc, req, fake.Any2xx)
}

// Resend sends an event again, freshly signed, to the endpoints it went to:
// the duplicate delivery a webhook handler must acknowledge without
// processing twice.
func (s *Server) Resend(ctx context.Context, eventID string) ([]Delivery, error) {
	s.mu.Lock()
	ev, ok := s.events[eventID]
	var targets []*endpoint
	if ok {
		for _, id := range ev.endpointIDs {
			if e, ok := s.endpoints[id]; ok {
				cp := *e
				targets = append(targets, &cp)
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("tokutest: no event %q was sent", eventID)
	}
	var typ struct {
		Type toku.EventType `json:"event_type"`
	}
	_ = json.Unmarshal(ev.body, &typ)
	var out []Delivery
	for _, e := range targets {
		out = append(out, s.deliver(ctx, e, eventID, typ.Type, ev.body))
	}
	return out, nil
}

// Deliveries returns every delivery so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// dummyWebhook implements POST /dummy_webhook: a sample event of the given
// type to the endpoint registered with the given URL.
func (s *Server) dummyWebhook(w http.ResponseWriter, r *http.Request) {
	var p toku.TestParams
	if !decodeBody(w, r, &p) {
		return
	}
	var d []detail
	if p.EventType == "" {
		d = append(d, missing("event_type"))
	}
	if p.URL == "" {
		d = append(d, missing("url"))
	}
	if len(d) > 0 {
		write422(w, d...)
		return
	}
	s.mu.Lock()
	var target *endpoint
	ids := append([]string(nil), s.endpointIDs...)
	sort.Strings(ids)
	for _, id := range ids {
		if e := s.endpoints[id]; e.URL == p.URL {
			cp := *e
			target = &cp
			break
		}
	}
	s.mu.Unlock()
	if target == nil {
		write422(w, detail{Loc: []string{"body", "url"}, Msg: "no webhook endpoint is registered with this url", Type: "value_error"})
		return
	}
	id := s.newID("wheve_")
	obj := p.EventType.Object()
	raw, _ := json.Marshal(map[string]any{"id": id, "event_type": p.EventType, "id_account": AccountID, obj: map[string]any{"id": obj + "_dummy"}})
	s.mu.Lock()
	s.events[id] = &sentEvent{body: raw, endpointIDs: []string{target.ID}}
	s.mu.Unlock()
	del := s.deliver(r.Context(), target, id, p.EventType, raw)
	fake.WriteJSON(w, http.StatusOK, map[string]any{"id": id, "status_code": del.StatusCode, "attempts": del.Attempts})
}
