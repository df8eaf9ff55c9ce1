package tokutest

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/toku"
)

// InvalidCLABE is a well-formed CLABE the fake reports as not belonging to
// the RFC it is checked against; every other well-formed CLABE passes.
const InvalidCLABE = "002010077777777771"

// Verification results the fake sends in bank_account_verification.result.
// Toku does not publish its values; these are the fake's.
const (
	VerificationValid   = "valid"
	VerificationInvalid = "invalid"
)

// ext is the fake's state beyond customers, invoices and endpoints:
// subscriptions, redirection, bank-account checks, the clock's advance and
// the events sent in the background. Guarded by Server.mu, except offset
// (read by the clock, which runs under mu) and bg.
type ext struct {
	subs        map[string]*subState
	subIDs      []string
	redirection map[string]*toku.Redirection

	offset atomic.Int64   // how far Advance moved the clock, in nanoseconds
	bg     sync.WaitGroup // events being sent after their API answer
	// bgCtx bounds the background sends; Close ends it, so a fake whose
	// receiver is gone does not wait out every retry.
	bgCtx  context.Context
	bgStop context.CancelFunc
}

// subState is a subscription and its billing position.
type subState struct {
	sub  *toku.Subscription
	next month // the next month whose invoice is not yet issued
}

type month struct {
	year int
	mon  time.Month
}

func (m month) after() month {
	if m.mon == time.December {
		return month{m.year + 1, time.January}
	}
	return month{m.year, m.mon + 1}
}

func (m month) first() toku.Date { return toku.Date{Year: m.year, Month: m.mon, Day: 1} }

// dueIn is the due date of a subscription's invoice in m: dueDay, or the
// month's last day when the month is shorter (Toku does not say; this is
// the fake's rule).
func (m month) dueIn(dueDay int) toku.Date {
	last := time.Date(m.year, m.mon+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return toku.Date{Year: m.year, Month: m.mon, Day: min(dueDay, last)}
}

func (s *Server) initExt() {
	s.ext.subs = map[string]*subState{}
	s.ext.redirection = map[string]*toku.Redirection{}
	s.ext.bgCtx, s.ext.bgStop = context.WithCancel(context.Background())
	base := s.now
	s.now = func() time.Time { return base().Add(time.Duration(s.ext.offset.Load())) }
}

func (s *Server) extRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /subscriptions", s.createSubscription)
	mux.HandleFunc("GET /subscriptions/{id}", s.getSubscription)
	mux.HandleFunc("PUT /subscriptions/{id}", s.updateSubscription)
	mux.HandleFunc("DELETE /subscriptions/{id}", s.deleteSubscription)
	mux.HandleFunc("GET /subscriptions/customer/{id}", s.listCustomerSubscriptions)
	mux.HandleFunc("GET /invoices/customer/{id}", s.listCustomerInvoices)
	mux.HandleFunc("GET /customers/external/{external_id}", s.getCustomerByExternalID)
	mux.HandleFunc("POST /redirection", s.createRedirection)
	mux.HandleFunc("PUT /redirection", s.updateRedirection)
	mux.HandleFunc("POST /bank-account-verification", s.verifyBankAccount)
}

// Now returns the fake's clock: the WithClock time (or the real time)
// moved on by every Advance. Give it to the webhook handler
// (webhook.WithClock(srv.Now)) so the handler accepts what the fake signs
// after an Advance.
func (s *Server) Now() time.Time { return s.now() }

// today is the fake's date, in UTC.
func (s *Server) today() toku.Date { return toku.DateOf(s.now().UTC()) }

// Billing is what Advance did.
type Billing struct {
	// Invoices lists the invoices recurring subscriptions issued, oldest
	// first.
	Invoices []*toku.Invoice
	// Paid lists the invoices charged automatically: those of a
	// subscription with a PACMandateID, once due.
	Paid []*Payment
	// Deliveries lists the events sent for them.
	Deliveries []Delivery
}

// Advance moves the fake's clock d forward (0 just catches up with a
// clock set by WithClock) and does what Toku does on the way, as its guide
// describes recurring subscriptions: on the first day of each month every
// recurring subscription issues an invoice due on its due_day, sending
// invoice.created. An unpaid invoice of a subscription with a PAC mandate
// is then charged on its due date (PayInvoice), which is the fake's model
// of Toku's automatic charge. Dates are read in UTC.
func (s *Server) Advance(ctx context.Context, d time.Duration) (*Billing, error) {
	if d < 0 {
		return nil, fmt.Errorf("tokutest: Advance(%v): the clock only moves forward", d)
	}
	s.ext.offset.Add(int64(d))
	s.mu.Lock()
	today := s.today()
	var issued []*toku.Invoice
	for _, id := range s.ext.subIDs {
		st := s.ext.subs[id]
		for st.sub.IsRecurring && !today.Before(st.next.first()) {
			issued = append(issued, s.issueLocked(st, st.next))
			st.next = st.next.after()
		}
	}
	var due []string
	for _, id := range s.invoiceIDs {
		inv := s.invoices[id]
		if st, ok := s.ext.subs[inv.Subscription]; ok && st.sub.PACMandateID != "" && !inv.IsPaid && !inv.IsVoid && !today.Before(inv.DueDate) {
			due = append(due, id)
		}
	}
	s.mu.Unlock()
	b := &Billing{Invoices: issued}
	for _, inv := range issued {
		b.Deliveries = append(b.Deliveries, s.emit(ctx, toku.EventInvoiceCreated, map[string]any{"invoice": inv})...)
	}
	for _, id := range due {
		p, err := s.PayInvoice(ctx, id)
		if err != nil {
			return nil, err
		}
		b.Paid = append(b.Paid, p)
		b.Deliveries = append(b.Deliveries, p.Deliveries...)
	}
	return b, nil
}

// issueLocked records the invoice of st for month m and returns a copy of
// it. s.mu is held.
func (s *Server) issueLocked(st *subState, m month) *toku.Invoice {
	sub := st.sub
	currency := sub.CurrencyCode
	if currency == "" {
		currency = "CLP"
	}
	inv := &toku.Invoice{
		ID: s.newID("in_"), Customer: sub.Customer, ProductID: sub.ProductID, Subscription: sub.ID,
		DueDate: m.dueIn(*sub.DueDay), Amount: *sub.Amount, CurrencyCode: currency, Metadata: toku.Metadata{},
	}
	s.invoices[inv.ID] = inv
	s.invoiceIDs = append(s.invoiceIDs, inv.ID)
	cp := *inv
	return &cp
}

// startLocked positions a subscription that becomes recurring today: the
// first invoice is issued at once when this month's due day is still ahead
// (or today), else on the first of next month. s.mu is held.
func (s *Server) startLocked(st *subState) []*toku.Invoice {
	today := s.today()
	m := month{today.Year, today.Month}
	st.next = m.after()
	if !m.dueIn(*st.sub.DueDay).Before(today) {
		return []*toku.Invoice{s.issueLocked(st, m)}
	}
	return nil
}

// answerThenSend answers the API call, then sends events in the
// background, as Toku does; Settle waits for them. The send is counted
// before the answer goes out, so a caller that has its answer and calls
// Settle always waits for these events.
func (s *Server) answerThenSend(w http.ResponseWriter, status int, body any, events ...bgEvent) {
	s.ext.bg.Add(1)
	fake.WriteJSON(w, status, body)
	go func() {
		defer s.ext.bg.Done()
		for _, e := range events {
			s.emit(s.ext.bgCtx, e.typ, e.payload)
		}
	}()
}

// stopBackground ends the background sends, for Close; Close waits for
// them once no handler can start another.
func (s *Server) stopBackground() { s.ext.bgStop() }

type bgEvent struct {
	typ     toku.EventType
	payload map[string]any
}

// Settle waits until every event the fake sends in the background (after
// answering a subscription change or a bank-account check) has been
// delivered or has run out of attempts; Deliveries then lists them. Close
// stops what is still being sent.
func (s *Server) Settle() { s.ext.bg.Wait() }

// --- subscriptions ----------------------------------------------------------

func subscriptionPayload(sub *toku.Subscription) map[string]any {
	cp := *sub
	return map[string]any{"subscription": &cp}
}

func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request) {
	var p toku.SubscriptionParams
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
	isRecurring := p.IsRecurring != nil && *p.IsRecurring
	d = append(d, checkRecurring(&p, isRecurring)...)
	if isRecurring && (p.Amount.Sign() <= 0 || p.DueDay == 0) {
		d = append(d, detail{Loc: []string{"body"}, Msg: "a recurring subscription needs a positive amount and a due_day", Type: "value_error"})
	}
	if len(d) > 0 {
		write422(w, d...)
		return
	}
	s.mu.Lock()
	if _, ok := s.customers[p.Customer]; !ok {
		s.mu.Unlock()
		write422(w, detail{Loc: []string{"body", "customer"}, Msg: "customer not found", Type: "value_error"})
		return
	}
	for _, st := range s.ext.subs {
		if st.sub.ProductID == p.ProductID {
			s.mu.Unlock()
			write422(w, detail{Loc: []string{"body", "product_id"}, Msg: "product_id already exists", Type: "value_error.unique"})
			return
		}
	}
	sub := &toku.Subscription{ID: s.newID("sub_"), Customer: p.Customer, ProductID: p.ProductID, PACMandateID: p.PACMandateID,
		ReceiptProductCode: p.ReceiptProductCode, Metadata: p.Metadata}
	if sub.Metadata == nil {
		sub.Metadata = toku.Metadata{}
	}
	st := &subState{sub: sub}
	var issued []*toku.Invoice
	if isRecurring {
		applyRecurring(sub, &p)
		issued = s.startLocked(st)
	}
	s.ext.subs[sub.ID] = st
	s.ext.subIDs = append(s.ext.subIDs, sub.ID)
	out := *sub
	s.mu.Unlock()
	events := []bgEvent{{toku.EventSubscriptionCreated, subscriptionPayload(&out)}}
	for _, inv := range issued {
		events = append(events, bgEvent{toku.EventInvoiceCreated, map[string]any{"invoice": inv}})
	}
	s.answerThenSend(w, http.StatusCreated, &out, events...)
}

// checkRecurring answers as Toku would to recurring-only fields: they need
// is_recurring, and a recurring subscription needs an amount and a due day
// (the fake's rule, matching pagos's).
func checkRecurring(p *toku.SubscriptionParams, recurring bool) []detail {
	var d []detail
	if !recurring && (!p.Amount.IsZero() || p.DueDay != 0 || p.CurrencyCode != "") {
		d = append(d, detail{Loc: []string{"body", "is_recurring"}, Msg: "amount, due_day and currency_code require is_recurring", Type: "value_error"})
	}
	if p.DueDay < 0 || p.DueDay > 31 {
		d = append(d, detail{Loc: []string{"body", "due_day"}, Msg: "ensure this value is between 1 and 31", Type: "value_error.number"})
	}
	switch p.CurrencyCode {
	case "", "CLP", "CLF", "MXN", "BRL":
	default:
		d = append(d, detail{Loc: []string{"body", "currency_code"}, Msg: "value is not a valid enumeration member", Type: "type_error.enum"})
	}
	if p.Amount.Sign() < 0 {
		d = append(d, detail{Loc: []string{"body", "amount"}, Msg: "ensure this value is greater than 0", Type: "value_error.number.not_gt"})
	}
	return d
}

func applyRecurring(sub *toku.Subscription, p *toku.SubscriptionParams) {
	sub.IsRecurring = true
	if !p.Amount.IsZero() {
		a := p.Amount
		sub.Amount = &a
	}
	if p.DueDay != 0 {
		d := p.DueDay
		sub.DueDay = &d
	}
	if p.CurrencyCode != "" {
		sub.CurrencyCode = p.CurrencyCode
	}
}

func (s *Server) subscription(w http.ResponseWriter, r *http.Request) (*subState, bool) {
	st, ok := s.ext.subs[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "TK40404", "Subscription no encontrada")
	}
	return st, ok
}

func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.subscription(w, r); ok {
		fake.WriteJSON(w, http.StatusOK, st.sub)
	}
}

func (s *Server) updateSubscription(w http.ResponseWriter, r *http.Request) {
	var p toku.SubscriptionParams
	if !decodeBody(w, r, &p) {
		return
	}
	s.mu.Lock()
	st, ok := s.subscription(w, r)
	if !ok {
		s.mu.Unlock()
		return
	}
	recurring := st.sub.IsRecurring
	if p.IsRecurring != nil {
		recurring = *p.IsRecurring
	}
	d := checkRecurring(&p, recurring)
	if recurring && (st.sub.Amount == nil && p.Amount.IsZero() || st.sub.DueDay == nil && p.DueDay == 0) {
		d = append(d, detail{Loc: []string{"body"}, Msg: "a recurring subscription needs amount and due_day", Type: "value_error"})
	}
	if len(d) > 0 {
		s.mu.Unlock()
		write422(w, d...)
		return
	}
	sub := st.sub
	if p.PACMandateID != "" {
		sub.PACMandateID = p.PACMandateID
	}
	if p.ReceiptProductCode != "" {
		sub.ReceiptProductCode = p.ReceiptProductCode
	}
	if p.Metadata != nil {
		sub.Metadata = p.Metadata
	}
	var issued []*toku.Invoice
	switch {
	case recurring:
		was := sub.IsRecurring
		applyRecurring(sub, &p)
		if !was {
			issued = s.startLocked(st)
		}
	case sub.IsRecurring: // stops the automatic invoices
		sub.IsRecurring, sub.Amount, sub.DueDay, sub.CurrencyCode = false, nil, nil, ""
	}
	out := *sub
	s.mu.Unlock()
	events := []bgEvent{{toku.EventSubscriptionUpdated, subscriptionPayload(&out)}}
	for _, inv := range issued {
		events = append(events, bgEvent{toku.EventInvoiceCreated, map[string]any{"invoice": inv}})
	}
	s.answerThenSend(w, http.StatusOK, &out, events...)
}

func (s *Server) deleteSubscription(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	st, ok := s.subscription(w, r)
	if !ok {
		s.mu.Unlock()
		return
	}
	id := st.sub.ID
	delete(s.ext.subs, id)
	s.ext.subIDs = remove(s.ext.subIDs, id)
	s.mu.Unlock()
	s.answerThenSend(w, http.StatusOK, map[string]any{"id": id, "deleted": true},
		bgEvent{toku.EventSubscriptionDeleted, map[string]any{"subscription": map[string]string{"id": id}}})
}

func (s *Server) listCustomerSubscriptions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cus := r.PathValue("id")
	var ids []string
	subs := map[string]*toku.Subscription{}
	for _, id := range s.ext.subIDs {
		if sub := s.ext.subs[id].sub; sub.Customer == cus {
			ids = append(ids, id)
			subs[id] = sub
		}
	}
	writePage(w, r, ids, subs)
}

// Subscriptions returns copies of the subscriptions the fake keeps, oldest
// first.
func (s *Server) Subscriptions() []*toku.Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*toku.Subscription, 0, len(s.ext.subIDs))
	for _, id := range s.ext.subIDs {
		cp := *s.ext.subs[id].sub
		out = append(out, &cp)
	}
	return out
}

// --- lookups ----------------------------------------------------------------

func (s *Server) listCustomerInvoices(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cus := r.PathValue("id")
	var ids []string
	for _, id := range s.invoiceIDs {
		if s.invoices[id].Customer == cus {
			ids = append(ids, id)
		}
	}
	writePage(w, r, ids, s.invoices)
}

func (s *Server) getCustomerByExternalID(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ext := r.PathValue("external_id")
	for _, id := range s.customerIDs {
		if c := s.customers[id]; c.ExternalID == ext {
			fake.WriteJSON(w, http.StatusOK, c)
			return
		}
	}
	writeError(w, http.StatusNotFound, "TK40401", "Customer no encontrado")
}

// --- redirection ------------------------------------------------------------

func (s *Server) createRedirection(w http.ResponseWriter, r *http.Request) {
	var p toku.RedirectionParams
	if !decodeBody(w, r, &p) {
		return
	}
	if d := redirectionDetails(p); len(d) > 0 {
		write422(w, d...)
		return
	}
	red := &toku.Redirection{ID: s.newID("red_"), SuccessURL: p.SuccessURL, FailureURL: p.FailureURL}
	s.mu.Lock()
	s.ext.redirection[red.ID] = red
	s.mu.Unlock()
	fake.WriteJSON(w, http.StatusCreated, red)
}

func (s *Server) updateRedirection(w http.ResponseWriter, r *http.Request) {
	var p struct {
		toku.RedirectionParams
		ID string `json:"id"`
	}
	if !decodeBody(w, r, &p) {
		return
	}
	d := redirectionDetails(p.RedirectionParams)
	if p.ID == "" {
		d = append(d, missing("id"))
	}
	if len(d) > 0 {
		write422(w, d...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	red, ok := s.ext.redirection[p.ID]
	if !ok {
		writeError(w, http.StatusNotFound, "TK40405", "Redirection no encontrada")
		return
	}
	red.SuccessURL, red.FailureURL = p.SuccessURL, p.FailureURL
	fake.WriteJSON(w, http.StatusOK, red)
}

func redirectionDetails(p toku.RedirectionParams) []detail {
	var d []detail
	if p.SuccessURL == "" {
		d = append(d, missing("success_url"))
	}
	if p.FailureURL == "" {
		d = append(d, missing("failure_url"))
	}
	return d
}

// Redirection returns the return URLs last set with that id, or nil.
func (s *Server) Redirection(id string) *toku.Redirection {
	s.mu.Lock()
	defer s.mu.Unlock()
	if red, ok := s.ext.redirection[id]; ok {
		cp := *red
		return &cp
	}
	return nil
}

// --- bank-account verification ---------------------------------------------

// verifyBankAccount answers at once with a pending check, then sends
// bank_account_verification.result in the background: VerificationInvalid
// for InvalidCLABE, VerificationValid for any other well-formed CLABE.
func (s *Server) verifyBankAccount(w http.ResponseWriter, r *http.Request) {
	var p toku.BankAccountVerificationParams
	if !decodeBody(w, r, &p) {
		return
	}
	var d []detail
	if p.CLABE == "" {
		d = append(d, missing("account_number"))
	} else if toku.CheckCLABE(p.CLABE) != nil {
		d = append(d, detail{Loc: []string{"body", "account_number"}, Msg: "invalid CLABE", Type: "value_error"})
	}
	if p.RFC == "" {
		d = append(d, missing("customer_identifier"))
	}
	if len(d) > 0 {
		write422(w, d...)
		return
	}
	id := s.newID("bav_")
	result := VerificationValid
	if p.CLABE == InvalidCLABE {
		result = VerificationInvalid
	}
	s.answerThenSend(w, http.StatusCreated, map[string]any{"id": id, "account_number": p.CLABE, "customer_identifier": p.RFC, "status": "pending"}, bgEvent{toku.EventBankAccountVerificationResult, map[string]any{
		"bank_account_verification": map[string]any{"id": id, "account_number": p.CLABE, "customer_identifier": p.RFC, "status": "completed", "result": result},
	}})
}
