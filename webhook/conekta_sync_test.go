package webhook

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/internal/testutil"
)

func inboundBody(id, typ string, amount int64) []byte {
	return fmt.Appendf(nil, `{"data":{"object":{"payment_method":{"service_name":"OxxoPay","barcode_url":"https://barcode/url.png","object":"cash_payment","type":"oxxo",`+
		`"expires_at":1541289600,"reference":"8400003726321"},"charge_id":"5bb675388a268e0ef4a56a42","livemode":true,"created_at":0,"object":"inbound_payment",`+
		`"amount":%d,"currency":"MXN","customer_id":"cus_2jP5P8huCTWqcTtrn"},"previous_attributes":{}},"livemode":true,"webhook_status":"not_applicable",`+
		`"webhook_logs":[],"id":%q,"object":"event","type":%q,"created_at":1531154306}`, amount, id, typ)
}

// responder is a ConektaResponder driven by functions.
type responder struct {
	calls   atomic.Int32
	lookup  func(ctx context.Context, p *conekta.InboundPayment) (conekta.InboundAnswer, error)
	attempt func(ctx context.Context, p *conekta.InboundPayment) (conekta.InboundAnswer, error)
	reverse func(ctx context.Context, p *conekta.InboundPayment) error
}

func (r *responder) Lookup(ctx context.Context, _ *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	r.calls.Add(1)
	return r.lookup(ctx, p)
}

func (r *responder) PaymentAttempt(ctx context.Context, _ *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	r.calls.Add(1)
	return r.attempt(ctx, p)
}

func (r *responder) Reverse(ctx context.Context, _ *conekta.Event, p *conekta.InboundPayment) error {
	r.calls.Add(1)
	return r.reverse(ctx, p)
}

// approving answers every request favourably.
func approving() *responder {
	return &responder{
		lookup: func(_ context.Context, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
			if p.Reference() != "8400003726321" {
				return conekta.Decline(conekta.FailureReferenceNotFound), nil
			}
			return conekta.ApproveLookup(5000, 1000000), nil
		},
		attempt: func(_ context.Context, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
			if p.Amount > 1000000 {
				return conekta.Decline(conekta.FailureAmountOutOfRange), nil
			}
			return conekta.ApprovePayment(), nil
		},
		reverse: func(context.Context, *conekta.InboundPayment) error { return nil },
	}
}

var digestAuth = func() ConektaSyncAuth { return ConektaSyncAuth{Keys: []*rsa.PublicKey{&testutil.RSAKey().PublicKey}} }

func newSync(t *testing.T, auth ConektaSyncAuth, r ConektaResponder, opts ...Option) http.Handler {
	t.Helper()
	h, err := NewConektaSyncHandler(auth, r, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// watch makes h report its steps ("waiting <id>": a repeat waits on a
// running request; "landed <id>": a request's flight ended), for tests that
// wait on them instead of sleeping. Call it before any request.
func watch(h http.Handler) <-chan string {
	ch := make(chan string, 1024)
	h.(*conektaSync).seen = func(what, id string) {
		select {
		case ch <- what + " " + id:
		default: // a test waits for far fewer
		}
	}
	return ch
}

// waitSeen returns once step has been reported n times.
func waitSeen(t *testing.T, ch <-chan string, step string, n int) {
	t.Helper()
	for n > 0 {
		select {
		case s := <-ch:
			if s == step {
				n--
			}
		case <-t.Context().Done():
			t.Fatalf("never saw %q", step)
		}
	}
}

// askSigned posts a request signed with digest; it never fails the test, so
// any goroutine may call it.
func askSigned(h http.Handler, body []byte, digest string) (int, string) {
	r := httptest.NewRequest(http.MethodPost, "/conekta/approval", strings.NewReader(string(body)))
	r.Header.Set(ConektaDigestHeader, digest)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// ask posts a signed request and returns the status and body.
func ask(t *testing.T, h http.Handler, body []byte, mod ...func(*http.Request)) (int, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/conekta/approval", strings.NewReader(string(body)))
	r.Header.Set(ConektaDigestHeader, signConekta(t, body))
	for _, m := range mod {
		m(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code == http.StatusOK && w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", w.Header().Get("Content-Type"))
	}
	return w.Code, w.Body.String()
}

func TestConektaSyncAnswersAsTheGuide(t *testing.T) {
	t.Parallel()
	r := approving()
	h := newSync(t, digestAuth(), r)
	cases := []struct {
		body   []byte
		status int
		want   string
	}{
		{inboundBody("e1", "inbound_payment.lookup", 0), 200, `{"payable":true,"min_amount":5000,"max_amount":1000000}`},
		{inboundBody("e2", "inbound_payment.payment_attempt", 110700), 200, `{"payable":true}`},
		{inboundBody("e3", "inbound_payment.payment_attempt", 2000000), 200, `{"payable":false,"failure_code":"35"}`},
		{inboundBody("e4", "inbound_payment.reverse", 110700), 200, `{}`},
		// Not for this handler: refused, so Conekta keeps the event and its
		// log shows the misconfiguration.
		{conektaBody("e5", "order.paid"), 400, "this URL answers inbound_payment requests only; send events to the webhook URL\n"},
	}
	for _, tc := range cases {
		status, body := ask(t, h, tc.body)
		if status != tc.status || body != tc.want {
			t.Errorf("%s: %d %s, want %d %s", tc.body[len(tc.body)-60:], status, body, tc.status, tc.want)
		}
	}
	if r.calls.Load() != 4 {
		t.Errorf("responder called %d times, want 4", r.calls.Load())
	}
}

func TestConektaSyncDeclinesWhenUserCodeFails(t *testing.T) {
	t.Parallel()
	var mode atomic.Value
	r := &responder{lookup: func(ctx context.Context, _ *conekta.InboundPayment) (conekta.InboundAnswer, error) {
		switch mode.Load() {
		case "error":
			return conekta.InboundAnswer{}, errors.New("database down")
		case "panic":
			panic("boom")
		case "invalid":
			return conekta.ApproveLookup(100, 50), nil
		}
		return conekta.ApproveLookup(100, 200), nil
	}, reverse: func(context.Context, *conekta.InboundPayment) error { return errors.New("cannot undo") }}
	var logs testutil.LogBuffer
	h := newSync(t, digestAuth(), r, WithConektaFailureCode(conekta.FailureOutsideHours), WithLogger(logs.Logger()))
	for i, m := range []string{"error", "panic", "invalid"} {
		mode.Store(m)
		status, body := ask(t, h, inboundBody(fmt.Sprint("e", i), "inbound_payment.lookup", 0))
		if status != 200 || body != `{"payable":false,"failure_code":"18"}` {
			t.Errorf("%s: %d %s, want the configured decline", m, status, body)
		}
	}
	// A forced decline is not remembered: the repeat asks user code afresh.
	mode.Store("ok")
	if _, body := ask(t, h, inboundBody("e0", "inbound_payment.lookup", 0)); body != `{"payable":true,"min_amount":100,"max_amount":200}` {
		t.Errorf("repeat after a forced decline: %s", body)
	}
	if status, body := ask(t, h, inboundBody("r1", "inbound_payment.reverse", 0)); status != 500 || body != "{}" {
		t.Errorf("failing reverse: %d %s", status, body)
	}
	if !strings.Contains(logs.String(), "database down") || !strings.Contains(logs.String(), "user code panicked: boom") {
		t.Errorf("failures not logged: %s", logs.String())
	}
}

// A responder that never returns gets the decline within the budget, as a
// complete response over a real connection, and the answer it gives later
// is reported, not sent.
func TestConektaSyncResponderThatNeverReturns(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var ctxEnded atomic.Bool
	r := &responder{attempt: func(ctx context.Context, _ *conekta.InboundPayment) (conekta.InboundAnswer, error) {
		<-ctx.Done()
		ctxEnded.Store(true)
		<-release // and keep going long after the budget
		return conekta.ApprovePayment(), nil
	}}
	late := make(chan ConektaLateAnswer, 2)
	h := newSync(t, digestAuth(), r, WithConektaBudget(50*time.Millisecond), WithConektaLateAnswer(func(l ConektaLateAnswer) { late <- l }))
	seen := watch(h)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	post := func() (int, string) {
		body := inboundBody("e1", "inbound_payment.payment_attempt", 1000)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, strings.NewReader(string(body)))
		req.Header.Set(ConektaDigestHeader, signConekta(t, body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body) // complete although the handler still runs
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	status, body := post()
	if status != 200 || body != `{"payable":false,"failure_code":"19"}` {
		t.Fatalf("%d %s, want the default decline", status, body)
	}
	// A repeat while the first still runs waits for it, then gets the decline
	// without running user code a second time.
	if status, body = post(); body != `{"payable":false,"failure_code":"19"}` || r.calls.Load() != 1 {
		t.Fatalf("concurrent repeat: %d %s after %d calls", status, body, r.calls.Load())
	}
	select {
	case l := <-late:
		t.Fatalf("late answer reported before user code returned: %+v", l)
	default:
	}
	release <- struct{}{} // let the first call finish
	l := <-late
	if l.Event.ID != "e1" || !l.Answer.Payable || l.Err != nil || l.Elapsed < 50*time.Millisecond {
		t.Fatalf("late report %+v", l)
	}
	// The forced decline was not remembered: once the first is over, a
	// repeat asks user code afresh.
	waitSeen(t, seen, "landed e1", 1)
	if status, body = post(); body != `{"payable":false,"failure_code":"19"}` || r.calls.Load() != 2 {
		t.Fatalf("repeat after the first: %d %s after %d calls", status, body, r.calls.Load())
	}
	if !ctxEnded.Load() {
		t.Error("user code's context did not end with the budget")
	}
}

func TestConektaSyncRemembersAnswers(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	r := &responder{lookup: func(context.Context, *conekta.InboundPayment) (conekta.InboundAnswer, error) {
		v := n.Add(1)
		return conekta.ApproveLookup(v, 100), nil // a different answer each call
	}}
	h := newSync(t, digestAuth(), r, WithConektaRemember(2))
	first := func(id string) string { _, b := ask(t, h, inboundBody(id, "inbound_payment.lookup", 0)); return b }
	a1 := first("a")
	if again := first("a"); again != a1 || r.calls.Load() != 1 {
		t.Fatalf("repeat got %s (first %s) after %d calls", again, a1, r.calls.Load())
	}
	first("b")
	first("c") // evicts "a", the oldest
	if again := first("a"); again == a1 || r.calls.Load() != 4 {
		t.Fatalf("forgotten id answered %s after %d calls; want it asked afresh", again, r.calls.Load())
	}
}

func TestConektaSyncConcurrentRepeatWaitsForTheFirst(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	r := &responder{lookup: func(context.Context, *conekta.InboundPayment) (conekta.InboundAnswer, error) {
		<-release
		return conekta.ApproveLookup(1, 2), nil
	}}
	h := newSync(t, digestAuth(), r)
	seen := watch(h)
	body := inboundBody("same", "inbound_payment.lookup", 0)
	digest := signConekta(t, body)
	var wg sync.WaitGroup
	bodies := make([]string, 4)
	for i := range bodies {
		wg.Add(1)
		go func() { defer wg.Done(); _, bodies[i] = askSigned(h, body, digest) }()
	}
	waitSeen(t, seen, "waiting same", len(bodies)-1) // the others found it in flight
	close(release)
	wg.Wait()
	for _, b := range bodies {
		if b != `{"payable":true,"min_amount":1,"max_amount":2}` {
			t.Fatalf("answers %v", bodies)
		}
	}
	if r.calls.Load() != 1 {
		t.Fatalf("responder called %d times for 4 concurrent copies", r.calls.Load())
	}
}

func TestConektaSyncAuthentication(t *testing.T) {
	t.Parallel()
	body := inboundBody("e1", "inbound_payment.lookup", 0)
	basic := ConektaSyncAuth{Username: "conekta", Password: "s3cret-approval"}
	both := digestAuth()
	both.Username, both.Password = basic.Username, basic.Password
	withBasic := func(u, p string) func(*http.Request) { return func(r *http.Request) { r.SetBasicAuth(u, p) } }
	noDigest := func(r *http.Request) { r.Header.Del(ConektaDigestHeader) }
	cases := []struct {
		name string
		auth ConektaSyncAuth
		mod  []func(*http.Request)
		want int
	}{
		{"digest", digestAuth(), nil, 200},
		{"digest missing", digestAuth(), []func(*http.Request){noDigest}, 401},
		{"basic", basic, []func(*http.Request){withBasic("conekta", "s3cret-approval"), noDigest}, 200},
		{"basic wrong password", basic, []func(*http.Request){withBasic("conekta", "guess")}, 401},
		{"basic missing", basic, nil, 401},
		{"both", both, []func(*http.Request){withBasic("conekta", "s3cret-approval")}, 200},
		{"both, digest missing", both, []func(*http.Request){withBasic("conekta", "s3cret-approval"), noDigest}, 401},
		{"both, basic missing", both, nil, 401},
	}
	for _, tc := range cases {
		r := approving()
		status, _ := ask(t, newSync(t, tc.auth, r), body, tc.mod...)
		if status != tc.want || (tc.want != 200 && r.calls.Load() != 0) {
			t.Errorf("%s: %d after %d calls, want %d", tc.name, status, r.calls.Load(), tc.want)
		}
	}
}

func TestConektaSyncRefusals(t *testing.T) {
	t.Parallel()
	r := approving()
	h := newSync(t, digestAuth(), r, WithMaxBodyBytes(256))
	get := httptest.NewRequest(http.MethodGet, "/", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, get)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "POST" {
		t.Errorf("GET: %d", w.Code)
	}
	big := inboundBody(strings.Repeat("x", 300), "inbound_payment.lookup", 0)
	if status, _ := ask(t, h, big); status != http.StatusRequestEntityTooLarge {
		t.Errorf("big body: %d", status)
	}
	if status, _ := ask(t, h, []byte(`{"type":"inbound_payment.lookup"}`)); status != http.StatusBadRequest {
		t.Errorf("authentic body without id: %d", status)
	}
	// An unreadable payment cannot be approved: declined, not refused.
	if status, body := ask(t, h, []byte(`{"id":"e9","type":"inbound_payment.lookup","data":{"object":"??"}}`)); status != 200 || body != `{"payable":false,"failure_code":"19"}` {
		t.Errorf("unreadable payment: %d %s", status, body)
	}
	if r.calls.Load() != 0 {
		t.Errorf("responder called %d times for refused requests", r.calls.Load())
	}
}

func TestConektaSyncOptions(t *testing.T) {
	t.Parallel()
	r := approving()
	auth := digestAuth()
	bad := []struct {
		auth ConektaSyncAuth
		r    ConektaResponder
		opts []Option
	}{
		{ConektaSyncAuth{}, r, nil},
		{ConektaSyncAuth{Username: "u"}, r, nil},
		{ConektaSyncAuth{Password: "p"}, r, nil},
		{ConektaSyncAuth{Keys: []*rsa.PublicKey{nil}}, r, nil},
		{auth, nil, nil},
		{auth, r, []Option{WithConektaBudget(2 * time.Second)}},
		{auth, r, []Option{WithConektaBudget(0)}},
		{auth, r, []Option{WithConektaFailureCode("x")}},
		{auth, r, []Option{WithConektaRemember(0)}},
		{auth, r, []Option{WithConektaLateAnswer(nil)}},
		{auth, r, []Option{WithTimeout(time.Second)}},
		{auth, r, []Option{WithStore(NewMemoryStore(MemoryStoreConfig{}))}},
		{auth, r, []Option{WithLease(time.Minute)}},
		{auth, r, []Option{WithBusyWait(time.Second)}},
		{auth, r, []Option{WithNamespace("x")}},
		{auth, r, []Option{WithTolerance(time.Minute)}},
	}
	for i, tc := range bad {
		if _, err := NewConektaSyncHandler(tc.auth, tc.r, tc.opts...); err == nil {
			t.Errorf("case %d constructed", i)
		}
	}
	if _, err := NewConektaSyncHandler(auth, r, WithConektaBudget(1900*time.Millisecond), WithConektaRemember(1), WithMaxBodyBytes(1<<16), WithLogger(slog.New(slog.DiscardHandler))); err != nil {
		t.Errorf("valid options refused: %v", err)
	}
}

// A panicking late-answer callback must not leave the event id stuck: a
// repeat asks user code again rather than waiting on a flight that never
// ends.
func TestConektaSyncLateCallbackPanicDoesNotPoisonTheEvent(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	r := approving()
	lookup := r.lookup
	r.lookup = func(ctx context.Context, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
		if r.calls.Load() == 1 {
			<-release // the first answer comes after the budget
		}
		return lookup(ctx, p)
	}
	lateSeen := make(chan struct{})
	h := newSync(t, digestAuth(), r, WithConektaBudget(50*time.Millisecond),
		WithConektaLateAnswer(func(ConektaLateAnswer) { close(lateSeen); panic("callback bug") }))
	seen := watch(h)
	srv := httptest.NewServer(h)
	defer srv.Close()
	body := inboundBody("e1", "inbound_payment.lookup", 0)
	post := func() (int, string) {
		sig, _ := SignConekta(body, testutil.RSAKey())
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header.Set(ConektaDigestHeader, sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// The decline arrives over the wire while the first lookup still runs.
	if status, got := post(); status != 200 || !strings.Contains(got, `"payable":false`) {
		t.Fatalf("first request: %d %s, want the forced decline", status, got)
	}
	close(release)
	<-lateSeen
	waitSeen(t, seen, "landed e1", 1) // the first request's flight is over
	if status, got := post(); status != 200 || !strings.Contains(got, `"payable":true`) {
		t.Fatalf("the event stayed stuck after the callback panicked: %d %s", status, got)
	}
}
