package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
)

// The agreed value and notification of Tpaga's guide.
const (
	tpagaAuth = "Basic 1234567890"
	tpagaBody = `{"reference":"575657589293","amount":20000,"idempotency_token":"c348e1578b91e2f03db5e15a401b99","efecty_order_id":"999777555"}`
)

func TestVerifyTpagaTable(t *testing.T) {
	t.Parallel()
	body := []byte(tpagaBody)
	cases := []struct {
		name   string
		body   []byte
		header string
		opts   []Option
		want   error
	}{
		{"valid", body, tpagaAuth, nil, nil},
		{"rotated: the previous value while Tpaga switches", body, "Basic old-value", []Option{WithTpagaPreviousAuthorization("Basic old-value")}, nil},
		{"rotated: the new value while Tpaga switches", body, tpagaAuth, []Option{WithTpagaPreviousAuthorization("Basic old-value")}, nil},
		{"rotated out: the previous value once the change is done", body, "Basic old-value", nil, ErrUnauthorized},
		{"tampered value", body, "Basic 1234567891", nil, ErrUnauthorized},
		{"a prefix of the value", body, "Basic 12345", nil, ErrUnauthorized},
		{"the value with more after it", body, tpagaAuth + "0", nil, ErrUnauthorized},
		{"scheme in another case", body, "basic 1234567890", nil, ErrUnauthorized},
		// Nothing dates a notification: a replay of an old one verifies, and
		// only the handler's dedupe store stops it (too old and too new do
		// not apply).
		{"an old notification replayed", body, tpagaAuth, nil, nil},
		{"missing", body, "", nil, ErrUnauthorized},
		{"authentic but no efecty_order_id", []byte(`{"reference":"R1","amount":1}`), tpagaAuth, nil, ErrMalformedPayload},
		{"unauthentic and malformed", []byte(`nope`), "Basic wrong", nil, ErrUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n, err := VerifyTpaga(tc.body, tc.header, tpagaAuth, tc.opts...)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.want == nil && (n.Reference != "575657589293" || amountOf(n) != 20000 || n.EfectyOrderID != "999777555") {
				t.Fatalf("notification %+v", n)
			}
			if err != nil && (strings.Contains(err.Error(), "1234567890") || strings.Contains(err.Error(), "old-value")) {
				t.Fatalf("the agreed value leaked into %q", err)
			}
		})
	}
}

func TestVerifyTpagaRefusesEmptyValuesAndForeignOptions(t *testing.T) {
	t.Parallel()
	ok := func(context.Context, *tpaga.Notification) error { return nil }
	for _, v := range []string{"", " Basic x", "Basic x\n"} {
		if _, err := VerifyTpaga([]byte(tpagaBody), v, v); err == nil {
			t.Errorf("VerifyTpaga with expected value %q accepted", v)
		}
		if _, err := NewTpagaHandler(v, ok); err == nil {
			t.Errorf("handler with agreed value %q constructed", v)
		}
		if _, err := NewTpagaHandler(tpagaAuth, ok, WithTpagaPreviousAuthorization(v)); err == nil {
			t.Errorf("previous value %q accepted", v)
		}
	}
	if _, err := NewTpagaHandler(tpagaAuth, nil); err == nil {
		t.Error("nil handler func accepted")
	}
	refusals := []struct {
		err  error
		want string
	}{
		{second(NewTpagaHandler(tpagaAuth, ok, WithTolerance(1))), "does not apply to tpaga"},
		{second(NewTokuHandler("whesec_x", func(context.Context, *toku.Event) error { return nil }, WithTpagaHeader("X-Token"))), "does not apply to toku"},
		{second(NewTokuHandler("whesec_x", func(context.Context, *toku.Event) error { return nil }, WithTpagaPreviousAuthorization("x"))), "does not apply to toku"},
		{second(VerifyTpaga([]byte(tpagaBody), tpagaAuth, tpagaAuth, WithTpagaHeader("X-Token"))), "applies to handlers"},
		{second(NewTpagaHandler(tpagaAuth, ok, WithTpagaHeader("X Token"))), "not a header name"},
	}
	for i, r := range refusals {
		if r.err == nil || !strings.Contains(r.err.Error(), r.want) {
			t.Errorf("refusal %d: err = %v, want it to say %q", i, r.err, r.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// tpagaHarness posts notifications to a Tpaga handler.
type tpagaHarness struct {
	t *testing.T
	h http.Handler
}

func newTpagaHarness(t *testing.T, fn TpagaHandlerFunc, opts ...Option) *tpagaHarness {
	t.Helper()
	h, err := NewTpagaHandler(tpagaAuth, fn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return &tpagaHarness{t: t, h: h}
}

func (th *tpagaHarness) send(header, value, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/webhooks/tpaga", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if value != "" {
		r.Header.Set(header, value)
	}
	w := httptest.NewRecorder()
	th.h.ServeHTTP(w, r)
	return w
}

func (th *tpagaHarness) post(body string) int { return th.send("Authorization", tpagaAuth, body).Code }

func TestTpagaHandlerAcknowledgesOnlyAfterUserCode(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var fail atomic.Bool
	fail.Store(true)
	th := newTpagaHarness(t, func(ctx context.Context, n *tpaga.Notification) error {
		calls.Add(1)
		if n.Reference != "575657589293" || amountOf(n) != 20000 || string(n.Raw) != tpagaBody {
			return errors.New("unexpected notification")
		}
		if fail.Load() {
			return errors.New("ledger down")
		}
		return nil
	})
	if c := th.post(tpagaBody); c != http.StatusInternalServerError {
		t.Fatalf("failing user code answered %d, want 500 so Tpaga retries", c)
	}
	fail.Store(false)
	if c := th.post(tpagaBody); c != http.StatusOK {
		t.Fatalf("retry answered %d", c)
	}
	if c := th.post(tpagaBody); c != http.StatusOK {
		t.Fatalf("duplicate answered %d", c)
	}
	if calls.Load() != 2 {
		t.Fatalf("user code ran %d times, want 2 (the failure and the retry; not the duplicate)", calls.Load())
	}
}

// A deposit is efecty_order_id with reference: a permanent reference paid
// twice is two deposits, whatever idempotency_token says, and the same
// order id on another reference is another deposit.
func TestTpagaHandlerDedupeKey(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	th := newTpagaHarness(t, func(_ context.Context, n *tpaga.Notification) error {
		mu.Lock()
		got = append(got, n.Reference+"/"+n.EfectyOrderID)
		mu.Unlock()
		return nil
	})
	for _, b := range []string{
		`{"reference":"TSREYSANTANA","amount":15000,"idempotency_token":"same","efecty_order_id":"1"}`,
		`{"reference":"TSREYSANTANA","amount":15000,"idempotency_token":"same","efecty_order_id":"2"}`,
		`{"reference":"TSREYSANTANA","amount":15000,"idempotency_token":null,"efecty_order_id":2}`, // the same deposit, id as a number
		`{"reference":"TSOTHERREF1","amount":15000,"efecty_order_id":"1"}`,
		`{"reference":"TSREYSANTANA","amount":15000,"idempotency_token":"other","efecty_order_id":"1"}`, // a duplicate
	} {
		if c := th.post(b); c != http.StatusOK {
			t.Fatalf("%s answered %d", b, c)
		}
	}
	want := []string{"TSREYSANTANA/1", "TSREYSANTANA/2", "TSOTHERREF1/1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("processed %v, want %v", got, want)
	}
}

func TestTpagaHandlerRefusals(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var logs testutil.LogBuffer
	th := newTpagaHarness(t, func(context.Context, *tpaga.Notification) error { calls.Add(1); return nil },
		WithMaxBodyBytes(256), WithLogger(logs.Logger()))
	get := httptest.NewRequest(http.MethodGet, "/webhooks/tpaga", nil)
	get.Header.Set("Authorization", tpagaAuth)
	w := httptest.NewRecorder()
	th.h.ServeHTTP(w, get)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", w.Code)
	}
	if c := th.send("Authorization", "", tpagaBody).Code; c != http.StatusUnauthorized {
		t.Errorf("no Authorization: %d", c)
	}
	if c := th.send("Authorization", "Basic 1234567899", tpagaBody).Code; c != http.StatusUnauthorized {
		t.Errorf("wrong value: %d", c)
	}
	if c := th.send("X-Other", tpagaAuth, tpagaBody).Code; c != http.StatusUnauthorized {
		t.Errorf("value in another header: %d", c)
	}
	if c := th.post(`{"reference":"R1","amount":1,"pad":"` + strings.Repeat("x", 300) + `"}`); c != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", c)
	}
	if c := th.post(`{"reference":"R1","amount":1}`); c != http.StatusBadRequest {
		t.Errorf("authentic notification without efecty_order_id: %d", c)
	}
	if calls.Load() != 0 {
		t.Fatalf("user code ran %d times for refused deliveries", calls.Load())
	}
	if strings.Contains(logs.String(), "1234567890") || strings.Contains(logs.String(), "1234567899") {
		t.Fatalf("an Authorization value reached the log: %s", logs.String())
	}
	if !strings.Contains(logs.String(), "delivery refused") {
		t.Fatalf("refusals not logged: %s", logs.String())
	}
}

func TestTpagaHandlerCustomHeader(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	th := newTpagaHarness(t, func(context.Context, *tpaga.Notification) error { calls.Add(1); return nil }, WithTpagaHeader("x-tpaga-token"))
	if c := th.send("Authorization", tpagaAuth, tpagaBody).Code; c != http.StatusUnauthorized {
		t.Errorf("value in Authorization when another header was agreed: %d", c)
	}
	if c := th.send("X-Tpaga-Token", tpagaAuth, tpagaBody).Code; c != http.StatusOK || calls.Load() != 1 {
		t.Errorf("agreed header: %d, %d calls", c, calls.Load())
	}
}

// FuzzVerifyTpaga: headers and bodies come from the network.
func FuzzVerifyTpaga(f *testing.F) {
	f.Add([]byte(tpagaBody), tpagaAuth)
	f.Add([]byte(`{"reference":"R","amount":"1.0","efecty_order_id":1}`), tpagaAuth)
	f.Add([]byte(`{}`), "Basic")
	f.Fuzz(func(t *testing.T, b []byte, header string) {
		n, err := VerifyTpaga(b, header, tpagaAuth)
		if err == nil && (header != tpagaAuth || n == nil || n.Reference == "" || n.EfectyOrderID == "") {
			t.Fatalf("accepted header %q with notification %+v", header, n)
		}
	})
}

func TestTpagaKeyIsUnambiguous(t *testing.T) {
	t.Parallel()
	a := tpagaKey(&tpaga.Notification{Reference: "a/b", EfectyOrderID: "c"})
	b := tpagaKey(&tpaga.Notification{Reference: "a", EfectyOrderID: "b/c"})
	if a == b {
		t.Fatalf("two deposits share the key %q", a)
	}
	if got := tpagaKey(&tpaga.Notification{Reference: "575657589293", EfectyOrderID: "999777555"}); got != "12:575657589293/999777555" {
		t.Fatalf("key %q", got)
	}
}

// amountOf is the notification's amount, -1 when unreadable.
func amountOf(n *tpaga.Notification) int64 {
	a, err := n.Amount()
	if err != nil {
		return -1
	}
	return a
}
