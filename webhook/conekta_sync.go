package webhook

import (
	"container/list"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pagos-go/pagos/conekta"
)

// ConektaResponder is user code for Conekta's synchronous inbound_payment.*
// requests, sent while a customer pays a recurring cash reference at a till.
// Conekta declines the payment unless it gets an answer within 2 seconds.
//
// Lookup answers whether the reference is payable and for how much:
// conekta.ApproveLookup(min, max) in centavos, or conekta.Decline(code).
// PaymentAttempt answers whether to accept the amount handed over
// (p.Amount): conekta.ApprovePayment() or conekta.Decline(code). Approving
// an attempt is not payment: settle on the charge.paid event that follows.
// Reverse is told that the till cancelled an accepted attempt.
//
// ctx ends with the handler's budget; an error, a panic or running out of
// time answers a decline with the handler's failure code.
type ConektaResponder interface {
	Lookup(ctx context.Context, e *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error)
	PaymentAttempt(ctx context.Context, e *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error)
	Reverse(ctx context.Context, e *conekta.Event, p *conekta.InboundPayment) error
}

// ConektaSyncAuth says how the sync handler authenticates Conekta's
// requests. Conekta does not document it, so give what you have: the public
// keys of your webhook keys (the Digest header is then required and
// verified), the Basic credentials embedded in the approval URL you set in
// Conekta's panel (https://user:password@example.com/…), or both (both are
// then required).
type ConektaSyncAuth struct {
	Keys     []*rsa.PublicKey
	Username string
	Password string
}

// NewConektaSyncHandler returns the http.Handler for the approval URL of
// recurring cash payments ("Usar para Oxxo Pay Recurrente" in Conekta's
// panel). It is not the asynchronous event flow: every request is answered
// by r within a budget.
//
//   - POST only (405), body limit (413), authentication by auth (401),
//     envelope decoding (400), as the other handlers.
//   - The budget (default 1.5 s, WithConektaBudget) starts when the request
//     arrives, so verification counts; r's context ends with it. r runs on
//     the request's goroutine; if the budget ends first, a timer writes the
//     decline and flushes it (with its Content-Length, so it is complete)
//     while r finishes. The ResponseWriter must support flushing, as
//     net/http's does.
//   - inbound_payment.lookup and .payment_attempt always get a 200 with a
//     payable answer: r's, or a decline with the failure code
//     (WithConektaFailureCode, default "19") when r errs, panics, answers
//     something invalid or runs out of time. WithConektaLateAnswer reports
//     answers that came too late to be sent.
//   - inbound_payment.reverse calls r.Reverse and answers 200 {} (Conekta
//     documents no body), or 500 {} when Reverse fails.
//   - A repeat of an event id r already answered gets the same answer
//     without calling r (the last WithConektaRemember ids, default 10,000,
//     per process); a concurrent repeat waits for the first. A decline
//     forced by an error or the budget is not remembered, so a repeat asks r
//     afresh.
//   - Other event types are answered 200 {} and logged: they belong to the
//     asynchronous handler.
//
// Options: WithMaxBodyBytes, WithLogger, WithConektaBudget,
// WithConektaFailureCode, WithConektaLateAnswer, WithConektaRemember.
func NewConektaSyncHandler(auth ConektaSyncAuth, r ConektaResponder, opts ...Option) (http.Handler, error) {
	// The engine's options (store, lease, timeout…) do not apply here. They
	// are told apart by marking the settings before the caller's options
	// run and checking what those changed afterwards.
	mark := func(s *settings) error {
		s.conekta.sync = true
		s.timeout, s.busyWait, s.namespace = 0, -1, ""
		return nil
	}
	check := func(s *settings) error {
		for _, o := range []struct {
			name string
			set  bool
		}{
			{"WithTimeout (use WithConektaBudget)", s.timeout != 0}, {"WithBusyWait", s.busyWait != -1},
			{"WithLease", s.lease != 0}, {"WithStore", s.store != nil}, {"WithNamespace", s.namespace != ""},
		} {
			if o.set {
				return fmt.Errorf("%s does not apply to NewConektaSyncHandler, which answers every request within its budget", o.name)
			}
		}
		s.timeout, s.busyWait, s.namespace = DefaultTimeout, DefaultBusyWait, provConekta
		return nil
	}
	s, err := newSettings(provConekta, true, append(append([]Option{mark}, opts...), check))
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errors.New("webhook: NewConektaSyncHandler: the responder is nil")
	}
	h := &conektaSync{settings: s, r: r, keys: append([]*rsa.PublicKey(nil), auth.Keys...),
		answers: map[string]*list.Element{}, order: list.New(), flights: map[string]*flight{},
		jsonType: []string{"application/json"}, ok: replyOf(http.StatusOK, []byte("{}")), failed: replyOf(http.StatusInternalServerError, []byte("{}"))}
	switch {
	case len(auth.Keys) == 0 && auth.Username == "":
		return nil, errors.New("webhook: NewConektaSyncHandler: give Keys, Basic credentials or both; without them anyone could approve payments")
	case len(auth.Keys) > 0:
		if err := checkConektaKeys("NewConektaSyncHandler", auth.Keys); err != nil {
			return nil, err
		}
	}
	if auth.Username != "" || auth.Password != "" {
		if auth.Username == "" || checkSecret("NewConektaSyncHandler", auth.Password) != nil {
			return nil, errors.New("webhook: NewConektaSyncHandler: Basic credentials need a username and a non-empty password without surrounding spaces")
		}
		u, p := sha256.Sum256([]byte(auth.Username)), sha256.Sum256([]byte(auth.Password))
		h.user, h.pass = u[:], p[:]
	}
	if s.conekta.budget == 0 {
		s.conekta.budget = DefaultConektaBudget
	}
	if s.conekta.failureCode == "" {
		s.conekta.failureCode = DefaultConektaFailureCode
	}
	if s.conekta.remember == 0 {
		s.conekta.remember = DefaultConektaRemember
	}
	decline, _ := conekta.Decline(s.conekta.failureCode).MarshalJSON()
	h.declined = replyOf(http.StatusOK, decline)
	return h, nil
}

// conektaSync is the handler NewConektaSyncHandler returns.
type conektaSync struct {
	*settings
	r          ConektaResponder
	keys       []*rsa.PublicKey
	user, pass []byte // SHA-256 of the Basic credentials, or nil
	jsonType   []string
	ok         answered // 200 {}: a reverse done, or an event of another kind
	failed     answered // 500 {}: a reverse that failed
	declined   answered // 200 and the forced decline

	mu      sync.Mutex
	answers map[string]*list.Element // event id → *answered, in order
	order   *list.List               // oldest first
	flights map[string]*flight       // event ids user code is answering now

	// seen reports the handler's progress to this package's tests, which
	// wait on it instead of sleeping; nil outside them.
	seen func(what, id string)
}

// observe reports a step to the tests' observer, if any.
func (h *conektaSync) observe(what, id string) {
	if h.seen != nil {
		h.seen(what, id)
	}
}

// answered is a reply the handler sends.
type answered struct {
	id     string
	status int
	body   []byte
	length []string // the Content-Length header of body
}

// replyOf returns the reply of status with body, and its Content-Length.
func replyOf(status int, body []byte) answered {
	return answered{status: status, body: body, length: []string{strconv.Itoa(len(body))}}
}

type flight struct {
	done chan struct{}
	res  answered // set before done is closed
}

// ServeHTTP answers one inbound_payment request within the budget.
func (h *conektaSync) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, ok := h.readPost(w, r)
	if !ok {
		return
	}
	ev, err := h.accept(body, r)
	if err != nil {
		h.refuseUnaccepted(r, w, err)
		return
	}
	if !ev.Type.IsInboundPayment() {
		// Acknowledging it would lose the event: refuse, so Conekta keeps it
		// and its webhook log shows the misconfiguration.
		h.logEvent(r.Context(), slog.LevelError, ev, "webhook: the Conekta approval URL got an event that is not an inbound_payment request; register NewConektaHandler's URL for events")
		http.Error(w, "this URL answers inbound_payment requests only; send events to the webhook URL", http.StatusBadRequest)
		return
	}
	h.answer(w, r.Context(), start, ev)
}

// write sends a reply with its length, so that it is complete once flushed
// even while the handler is still running.
func (h *conektaSync) write(w http.ResponseWriter, res answered) {
	hd := w.Header()
	hd["Content-Type"] = h.jsonType
	hd["Content-Length"] = res.length
	w.WriteHeader(res.status)
	_, _ = w.Write(res.body)
}

// accept authenticates a request and decodes its envelope.
func (h *conektaSync) accept(body []byte, r *http.Request) (*conekta.Event, error) {
	if h.user != nil {
		u, p, ok := r.BasicAuth()
		gu, gp := sha256.Sum256([]byte(u)), sha256.Sum256([]byte(p))
		if !ok || subtle.ConstantTimeCompare(gu[:], h.user)&subtle.ConstantTimeCompare(gp[:], h.pass) != 1 {
			return nil, fmt.Errorf("%w: Basic credentials missing or wrong", ErrUnauthorized)
		}
	}
	if len(h.keys) > 0 {
		return verifyConekta(body, r.Header.Get(ConektaDigestHeader), h.keys)
	}
	ev, err := conekta.ParseEvent(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedPayload, err)
	}
	return ev, nil
}

// answer replies to an inbound_payment request: as remembered, as a
// concurrent repeat was answered, or as user code answers.
func (h *conektaSync) answer(w http.ResponseWriter, reqCtx context.Context, start time.Time, ev *conekta.Event) {
	ctx, cancel := context.WithDeadline(context.WithoutCancel(reqCtx), start.Add(h.conekta.budget))
	defer cancel()
	h.mu.Lock()
	if el, ok := h.answers[ev.ID]; ok {
		h.order.MoveToBack(el)
		res := *el.Value.(*answered)
		h.mu.Unlock()
		h.logEvent(ctx, slog.LevelDebug, ev, "webhook: repeated Conekta request answered as before")
		h.write(w, res)
		return
	}
	if f, ok := h.flights[ev.ID]; ok {
		h.mu.Unlock()
		h.observe("waiting", ev.ID)
		select {
		case <-f.done:
			h.write(w, f.res)
		case <-ctx.Done():
			h.write(w, h.forced(ev))
		}
		return
	}
	f := &flight{done: make(chan struct{}), res: h.forced(ev)}
	h.flights[ev.ID] = f
	h.mu.Unlock()
	// Whatever happens below, the flight ends, so a repeat never waits on it
	// for nothing.
	defer func() {
		h.mu.Lock()
		delete(h.flights, ev.ID)
		h.mu.Unlock()
		close(f.done)
		h.observe("landed", ev.ID)
	}()

	res, keep := h.ask(w, ctx, start, ev)
	res.id = ev.ID
	f.res = res
	if keep {
		h.mu.Lock()
		h.order.PushBack(&res)
		h.answers[ev.ID] = h.order.Back()
		for h.order.Len() > h.conekta.remember {
			delete(h.answers, h.order.Remove(h.order.Front()).(*answered).id)
		}
		h.mu.Unlock()
	}
}

// outcome is what user code returned.
type outcome struct {
	a   conekta.InboundAnswer
	err error
}

// ask runs user code on the request's goroutine, with a timer that sends
// the forced decline (flushed, so Conekta has it in time) if the budget
// ends first. It returns what was sent; keep reports whether that is user
// code's own answer, to be remembered.
func (h *conektaSync) ask(w http.ResponseWriter, ctx context.Context, start time.Time, ev *conekta.Event) (res answered, keep bool) {
	p, err := ev.InboundPayment()
	if err != nil {
		h.logEvent(ctx, slog.LevelError, ev, "webhook: Conekta inbound payment unreadable; declining", slog.String("error", err.Error()))
		res = h.forced(ev)
		h.write(w, res)
		return res, false
	}
	var mu sync.Mutex
	sent := false // guarded by mu: whether a reply was written
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if sent {
			return
		}
		sent = true
		// The connection stays busy until user code returns: tell the
		// client not to send its next request on it.
		w.Header().Set("Connection", "close")
		h.write(w, h.forced(ev))
		if err := http.NewResponseController(w).Flush(); err != nil {
			h.logEvent(ctx, slog.LevelError, ev, "webhook: cannot flush the Conekta decline early; give the handler a flushable ResponseWriter", slog.String("error", err.Error()))
		}
		h.logEvent(ctx, slog.LevelError, ev, "webhook: Conekta responder ran out of its budget; declining",
			slog.Duration("budget", h.conekta.budget), slog.String("failure_code", string(h.conekta.failureCode)))
	})
	var o outcome
	o.err = callSafely(ctx, func(ctx context.Context) error {
		var err error
		switch ev.Type {
		case conekta.EventInboundPaymentLookup:
			o.a, err = h.r.Lookup(ctx, ev, p)
		case conekta.EventInboundPaymentAttempt:
			o.a, err = h.r.PaymentAttempt(ctx, ev, p)
		case conekta.EventInboundPaymentReverse:
			err = h.r.Reverse(ctx, ev, p)
		default:
			err = fmt.Errorf("unknown inbound payment request %q", ev.Type)
		}
		return err
	})
	if !stop() { // the timer fired: the decline may be out already
		mu.Lock()
		late := sent
		sent = true
		mu.Unlock()
		if late {
			h.reportLate(start, ev, o)
			return h.forced(ev), false
		}
	}
	res, keep = h.reply(ctx, ev, o)
	h.write(w, res)
	return res, keep
}

// reply turns user code's outcome into the reply to send.
func (h *conektaSync) reply(ctx context.Context, ev *conekta.Event, o outcome) (answered, bool) {
	if o.err != nil {
		h.logEvent(ctx, slog.LevelError, ev, "webhook: Conekta responder failed; answering the failure", slog.String("error", o.err.Error()))
		return h.forced(ev), false
	}
	if ev.Type == conekta.EventInboundPaymentReverse {
		return h.ok, true
	}
	if err := o.a.Check(ev.Type); err != nil {
		h.logEvent(ctx, slog.LevelError, ev, "webhook: Conekta responder gave an invalid answer; declining", slog.String("error", err.Error()))
		return h.forced(ev), false
	}
	body, _ := o.a.MarshalJSON()
	return replyOf(http.StatusOK, body), true
}

// forced is the reply when user code gave none that can be sent.
func (h *conektaSync) forced(ev *conekta.Event) answered {
	res := h.declined
	if ev.Type == conekta.EventInboundPaymentReverse {
		res = h.failed
	}
	res.id = ev.ID
	return res
}

// reportLate reports user code that returned after the decline was sent.
func (h *conektaSync) reportLate(start time.Time, ev *conekta.Event, o outcome) {
	late := ConektaLateAnswer{Event: ev, Answer: o.a, Err: o.err, Elapsed: time.Since(start)}
	h.logEvent(context.Background(), slog.LevelWarn, ev, "webhook: Conekta responder answered after the decline was sent",
		slog.Duration("elapsed", late.Elapsed))
	if h.conekta.late != nil {
		// The callback is user code too: its panic must not take the
		// handler's bookkeeping with it.
		if err := callSafely(context.Background(), func(context.Context) error { h.conekta.late(late); return nil }); err != nil {
			h.logEvent(context.Background(), slog.LevelError, ev, "webhook: the WithConektaLateAnswer callback failed", slog.String("error", err.Error()))
		}
	}
}

// logEvent logs about one request; attributes are built only when the
// level is enabled, since answering fast is the point of this handler.
func (h *conektaSync) logEvent(ctx context.Context, level slog.Level, ev *conekta.Event, msg string, attrs ...slog.Attr) {
	if !h.log.Enabled(ctx, level) {
		return
	}
	h.log.LogAttrs(ctx, level, msg, append([]slog.Attr{slog.String("provider", provConekta), slog.String("event", ev.ID),
		slog.String("type", string(ev.Type))}, attrs...)...)
}
