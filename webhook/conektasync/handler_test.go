package conektasync

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
	"github.com/pagos-go/pagos/webhook"
)

func inboundBody(id, typ string, amount int64) []byte {
	return fmt.Appendf(nil, `{"data":{"object":{"payment_method":{"service_name":"OxxoPay","barcode_url":"https://barcode/url.png","object":"cash_payment","type":"oxxo",`+
		`"expires_at":1541289600,"reference":"8400003726321"},"charge_id":"5bb675388a268e0ef4a56a42","livemode":true,"created_at":0,"object":"inbound_payment",`+
		`"amount":%d,"currency":"MXN","customer_id":"cus_2jP5P8huCTWqcTtrn"},"previous_attributes":{}},"livemode":true,"webhook_status":"not_applicable",`+
		`"webhook_logs":[],"id":%q,"object":"event","type":%q,"created_at":1531154306}`, amount, id, typ)
}

// responder is a Responder driven by functions.
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

var digestAuth = func() Auth { return Auth{Keys: []*rsa.PublicKey{&testutil.RSAKey().PublicKey}} }

func conektaBody(id, typ string) []byte {
	return []byte(`{"id":"` + id + `","object":"event","type":"` + typ + `","livemode":false,"created_at":1531154546,"webhook_status":"pending","webhook_logs":[],` +
		`"data":{"object":{"id":"ord_1","object":"order","amount":20015,"currency":"MXN","payment_status":"paid"},"previous_attributes":{}}}`)
}

func signConekta(t testing.TB, body []byte) string {
	t.Helper()
	d, err := webhook.SignConekta(body, testutil.RSAKey())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newSync(t *testing.T, auth Auth, r Responder, opts ...Option) http.Handler {
	t.Helper()
	h, err := NewHandler(auth, r, opts...)
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
	r.Header.Set(webhook.ConektaDigestHeader, digest)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// ask posts a signed request and returns the status and body.
func ask(t *testing.T, h http.Handler, body []byte, mod ...func(*http.Request)) (int, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/conekta/approval", strings.NewReader(string(body)))
	r.Header.Set(webhook.ConektaDigestHeader, signConekta(t, body))
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

func TestAnswersAsTheGuide(t *testing.T) {
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

func TestDeclinesWhenUserCodeFails(t *testing.T) {
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
	h := newSync(t, digestAuth(), r, WithFailureCode(conekta.FailureOutsideHours), WithLogger(logs.Logger()))
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
func TestResponderThatNeverReturns(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var ctxEnded atomic.Bool
	r := &responder{attempt: func(ctx context.Context, _ *conekta.InboundPayment) (conekta.InboundAnswer, error) {
		<-ctx.Done()
		ctxEnded.Store(true)
		<-release // and keep going long after the budget
		return conekta.ApprovePayment(), nil
	}}
	late := make(chan LateAnswer, 2)
	h := newSync(t, digestAuth(), r, WithBudget(50*time.Millisecond), WithLateAnswer(func(l LateAnswer) { late <- l }))
	seen := watch(h)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	post := func() (int, string) {
		body := inboundBody("e1", "inbound_payment.payment_attempt", 1000)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, strings.NewReader(string(body)))
		req.Header.Set(webhook.ConektaDigestHeader, signConekta(t, body))
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

func TestRemembersAnswers(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	r := &responder{lookup: func(context.Context, *conekta.InboundPayment) (conekta.InboundAnswer, error) {
		v := n.Add(1)
		return conekta.ApproveLookup(v, 100), nil // a different answer each call
	}}
	h := newSync(t, digestAuth(), r, WithRemember(2))
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

func TestConcurrentRepeatWaitsForTheFirst(t *testing.T) {
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

func TestAuthentication(t *testing.T) {
	t.Parallel()
	body := inboundBody("e1", "inbound_payment.lookup", 0)
	basic := Auth{Username: "conekta", Password: "s3cret-approval"}
	both := digestAuth()
	both.Username, both.Password = basic.Username, basic.Password
	withBasic := func(u, p string) func(*http.Request) { return func(r *http.Request) { r.SetBasicAuth(u, p) } }
	noDigest := func(r *http.Request) { r.Header.Del(webhook.ConektaDigestHeader) }
	cases := []struct {
		name string
		auth Auth
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

func TestRefusals(t *testing.T) {
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

func TestOptions(t *testing.T) {
	t.Parallel()
	r := approving()
	auth := digestAuth()
	bad := []struct {
		auth Auth
		r    Responder
		opts []Option
	}{
		{Auth{}, r, nil},
		{Auth{Username: "u"}, r, nil},
		{Auth{Password: "p"}, r, nil},
		{Auth{Keys: []*rsa.PublicKey{nil}}, r, nil},
		{auth, nil, nil},
		{auth, r, []Option{WithBudget(2 * time.Second)}},
		{auth, r, []Option{WithBudget(0)}},
		{auth, r, []Option{WithFailureCode("x")}},
		{auth, r, []Option{WithRemember(0)}},
		{auth, r, []Option{WithLateAnswer(nil)}},
		{auth, r, []Option{WithMaxBodyBytes(0)}},
		{auth, r, []Option{WithLogger(nil)}},
	}
	for i, tc := range bad {
		if _, err := NewHandler(tc.auth, tc.r, tc.opts...); err == nil {
			t.Errorf("case %d constructed", i)
		}
	}
	if _, err := NewHandler(auth, r, WithBudget(1900*time.Millisecond), WithRemember(1), WithMaxBodyBytes(1<<16), WithLogger(slog.New(slog.DiscardHandler))); err != nil {
		t.Errorf("valid options refused: %v", err)
	}
}

// A panicking late-answer callback must not leave the event id stuck: a
// repeat asks user code again rather than waiting on a flight that never
// ends.
func TestLateCallbackPanicDoesNotPoisonTheEvent(t *testing.T) {
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
	// The first lookup blocks until released, so the budget only has to be
	// long enough for the second one to answer in time on a loaded machine.
	h := newSync(t, digestAuth(), r, WithBudget(500*time.Millisecond),
		WithLateAnswer(func(LateAnswer) { close(lateSeen); panic("callback bug") }))
	seen := watch(h)
	srv := httptest.NewServer(h)
	defer srv.Close()
	body := inboundBody("e1", "inbound_payment.lookup", 0)
	post := func() (int, string) {
		sig, _ := webhook.SignConekta(body, testutil.RSAKey())
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header.Set(webhook.ConektaDigestHeader, sig)
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

// Without WithLogger the handler logs through slog.Default(), as it is when
// it logs: a wrong credential or a failing responder must leave a trace,
// without the credential. Not parallel: it replaces slog's default logger.
func TestLogsThroughSlogDefault(t *testing.T) {
	var logs testutil.LogBuffer
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev) })
	r := approving()
	r.lookup = func(context.Context, *conekta.InboundPayment) (conekta.InboundAnswer, error) {
		return conekta.InboundAnswer{}, errors.New("book unavailable")
	}
	h := newSync(t, Auth{Username: "conekta", Password: "s3cret-approval"}, r)
	slog.SetDefault(logs.Logger()) // after construction: the handler must follow it

	body := inboundBody("e1", "inbound_payment.lookup", 0)
	if status, _ := ask(t, h, body, func(r *http.Request) { r.SetBasicAuth("conekta", "guessed-password") }); status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", status)
	}
	if status, got := ask(t, h, body, func(r *http.Request) { r.SetBasicAuth("conekta", "s3cret-approval") }); status != 200 || !strings.Contains(got, `"payable":false`) {
		t.Fatalf("failing responder: %d %s", status, got)
	}
	out := logs.String()
	for _, secret := range []string{"s3cret-approval", "guessed-password", string(body)} {
		if strings.Contains(out, secret) {
			t.Errorf("the log carries %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, `"level":"WARN","msg":"conektasync: request refused","provider":"conekta","status":401`) {
		t.Errorf("no warning for the 401 in:\n%s", out)
	}
	if !strings.Contains(out, `"level":"ERROR"`) || !strings.Contains(out, "book unavailable") {
		t.Errorf("no error for the responder's failure in:\n%s", out)
	}
}
