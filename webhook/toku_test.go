package webhook

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/toku"
)

// The worked example of research §1.5 (and of the foundation issue).
const (
	vecSecret = "whesec_DTouU4ek2-tMhBO9sBUZNVC8tIIJuZsn"
	vecT      = "1618960495"
	vecID     = "evt_MOnNVXKNYDCZXzI9slA3smhASQmuRleM"
	vecSig    = "63cfc0bb0099734c8e3375db2ec4eeb0d6d9ed3d568bdde4cb516f826aa270a3"
)

var vecTime = time.Unix(1618960495, 0)

func TestTokuHMACWorkedExample(t *testing.T) {
	t.Parallel()
	got := hex.EncodeToString(signHMAC([]byte(vecSecret), vecT, []byte(vecID)))
	if got != vecSig {
		t.Fatalf("HMAC = %s, want %s", got, vecSig)
	}
	body := []byte(`{"id":"` + vecID + `","event_type":"payment_intent.succeeded","payment_intent":{"id":"pi_1","amount":"1000"}}`)
	ev, err := VerifyToku(body, "t="+vecT+",s="+vecSig, vecSecret, WithClock(func() time.Time { return vecTime }))
	if err != nil {
		t.Fatal(err)
	}
	if ev.ID != vecID || ev.Signed != toku.SignedEventID {
		t.Fatalf("event %+v", ev)
	}
}

func tokuBody(id string) []byte {
	return []byte(`{"id":"` + id + `","event_type":"transaction.success","transaction":{"id":"trs_1","amount":210.0}}`)
}

func TestVerifyTokuTable(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	body := tokuBody("evt_1")
	sign := func(b []byte, secret string, at time.Time, what toku.Signed) string {
		h, err := SignToku(b, secret, at, what)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	byID := sign(body, vecSecret, now, toku.SignedEventID)
	byBody := sign(body, vecSecret, now, toku.SignedBody)
	sOf := func(h string) string { return h[strings.Index(h, "s="):] }
	oldSig := sOf(sign(body, "whesec_old", now, toku.SignedEventID))
	otherID := tokuBody("evt_2")

	cases := []struct {
		name    string
		body    []byte
		header  string
		secret  string
		at      time.Time
		want    error
		wantSig toku.Signed
	}{
		{"valid over event id", body, byID, vecSecret, now, nil, toku.SignedEventID},
		{"valid over raw body", body, byBody, vecSecret, now, nil, toku.SignedBody},
		{"rotated: second s matches", body, "t=1700000000," + oldSig + "," + sOf(byID), vecSecret, now, nil, toku.SignedEventID},
		{"rotated: old secret only", body, "t=1700000000," + oldSig, vecSecret, now, ErrSignatureMismatch, 0},
		{"upper-case hex", body, byID[:15] + strings.ToUpper(byID[15:]), vecSecret, now, nil, toku.SignedEventID},
		{"tampered id", otherID, byID, vecSecret, now, ErrSignatureMismatch, 0},
		{"tampered body when the body was signed", []byte(strings.Replace(string(body), "210.0", "999.0", 1)), byBody, vecSecret, now, ErrSignatureMismatch, 0},
		{"wrong secret", body, byID, "whesec_other", now, ErrSignatureMismatch, 0},
		{"too old", body, byID, vecSecret, now.Add(5*time.Minute + time.Second), ErrTooOld, 0},
		{"at the tolerance edge", body, byID, vecSecret, now.Add(5 * time.Minute), nil, toku.SignedEventID},
		{"too new", body, byID, vecSecret, now.Add(-5*time.Minute - time.Second), ErrTooNew, 0},
		{"missing header", body, "", vecSecret, now, ErrNoSignature, 0},
		{"no s", body, "t=1700000000", vecSecret, now, ErrInvalidHeader, 0},
		{"no t", body, sOf(byID), vecSecret, now, ErrInvalidHeader, 0},
		{"two t", body, "t=1700000000," + byID, vecSecret, now, ErrInvalidHeader, 0},
		{"short s", body, "t=1700000000,s=abcd", vecSecret, now, ErrInvalidHeader, 0},
		{"non-hex s", body, "t=1700000000,s=" + strings.Repeat("z", 64), vecSecret, now, ErrInvalidHeader, 0},
		{"signed t", body, "t=-1700000000," + sOf(byID), vecSecret, now, ErrInvalidHeader, 0},
		{"garbage element", body, "t=1700000000,garbage," + sOf(byID), vecSecret, now, ErrInvalidHeader, 0},
		{"authentic but no event_type", []byte(`{"id":"evt_1"}`), sign([]byte(`{"id":"evt_1"}`), vecSecret, now, toku.SignedBody), vecSecret, now, ErrMalformedPayload, 0},
		{"unauthentic and malformed", []byte(`{"id":"evt_1"}`), byID, vecSecret, now, ErrSignatureMismatch, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev, err := VerifyToku(tc.body, tc.header, tc.secret, WithClock(func() time.Time { return tc.at }))
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.want == nil && ev.Signed != tc.wantSig {
				t.Fatalf("Signed = %v, want %v", ev.Signed, tc.wantSig)
			}
		})
	}
}

func TestVerifyTokuRefusesBadSecretsAndOptions(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", " whesec_x", "whesec_x\n"} {
		if _, err := VerifyToku(tokuBody("e"), "t=1,s="+strings.Repeat("0", 64), s); err == nil {
			t.Errorf("secret %q accepted", s)
		}
		if _, err := NewTokuHandler(s, func(context.Context, *toku.Event) error { return nil }); err == nil {
			t.Errorf("handler with secret %q constructed", s)
		}
	}
	if _, err := VerifyToku(tokuBody("e"), "", vecSecret, WithClock(nil)); err == nil || !strings.Contains(err.Error(), "WithClock") {
		t.Errorf("nil clock on VerifyToku: %v", err)
	}
	if _, err := NewTokuHandler(vecSecret, nil); err == nil {
		t.Error("nil handler func accepted")
	}
	if _, err := NewTokuHandler(vecSecret, func(context.Context, *toku.Event) error { return nil }, WithTimeout(time.Minute), WithLease(time.Minute)); err == nil {
		t.Error("lease not longer than the timeout accepted")
	}
	if _, err := NewTokuHandler(vecSecret, func(context.Context, *toku.Event) error { return nil }, WithTolerance(0)); err == nil {
		t.Error("zero tolerance accepted")
	}
}

// tokuHarness posts signed deliveries to a Toku handler.
type tokuHarness struct {
	t   *testing.T
	h   http.Handler
	now time.Time
}

func newTokuHarness(t *testing.T, fn TokuHandlerFunc, opts ...TokuOption) *tokuHarness {
	t.Helper()
	now := time.Unix(1_700_000_000, 0)
	h, err := NewTokuHandler(vecSecret, fn, append([]TokuOption{WithClock(func() time.Time { return now })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &tokuHarness{t: t, h: h, now: now}
}

func (th *tokuHarness) post(body []byte) *httptest.ResponseRecorder {
	th.t.Helper()
	sig, err := SignToku(body, vecSecret, th.now, toku.SignedEventID)
	if err != nil {
		th.t.Fatal(err)
	}
	return th.send(http.MethodPost, body, sig)
}

func (th *tokuHarness) send(method string, body []byte, sig string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/webhooks/toku", strings.NewReader(string(body)))
	if sig != "" {
		r.Header.Set(TokuSignatureHeader, sig)
	}
	w := httptest.NewRecorder()
	th.h.ServeHTTP(w, r)
	return w
}

func TestTokuHandlerAcknowledgesOnlyAfterUserCode(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	fail := atomic.Bool{}
	fail.Store(true)
	th := newTokuHarness(t, func(ctx context.Context, e *toku.Event) error {
		calls.Add(1)
		if e.ID != "evt_1" || e.Type != toku.EventTransactionSuccess || e.Signed != toku.SignedEventID {
			return fmt.Errorf("unexpected event %+v", e)
		}
		if fail.Load() {
			return errors.New("database down")
		}
		return nil
	})
	body := tokuBody("evt_1")
	if w := th.post(body); w.Code != http.StatusInternalServerError {
		t.Fatalf("failing user code answered %d, want 500 so Toku retries", w.Code)
	}
	fail.Store(false)
	if w := th.post(body); w.Code != http.StatusOK {
		t.Fatalf("retry answered %d", w.Code)
	}
	if w := th.post(body); w.Code != http.StatusOK {
		t.Fatalf("duplicate answered %d", w.Code)
	}
	if calls.Load() != 2 {
		t.Fatalf("user code ran %d times, want 2 (the failure and the retry; not the duplicate)", calls.Load())
	}
}

func TestTokuHandlerRefusals(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var logs testutil.LogBuffer
	th := newTokuHarness(t, func(context.Context, *toku.Event) error { calls.Add(1); return nil },
		WithMaxBodyBytes(512), WithLogger(logs.Logger()))
	body := tokuBody("evt_1")
	good, _ := SignToku(body, vecSecret, th.now, toku.SignedEventID)
	if w := th.send(http.MethodGet, body, good); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "POST" {
		t.Errorf("GET: %d", w.Code)
	}
	if w := th.send(http.MethodPost, body, ""); w.Code != http.StatusUnauthorized {
		t.Errorf("unsigned: %d", w.Code)
	}
	if w := th.send(http.MethodPost, body, strings.Replace(good, "s=", "s=0", 1)[:len(good)]); w.Code != http.StatusUnauthorized {
		t.Errorf("bad signature: %d", w.Code)
	}
	big := []byte(`{"id":"evt_1","event_type":"x.y","pad":"` + strings.Repeat("x", 600) + `"}`)
	bigSig, _ := SignToku(big, vecSecret, th.now, toku.SignedBody)
	if w := th.send(http.MethodPost, big, bigSig); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", w.Code)
	}
	bad := []byte(`{"id":"evt_1","event_type":42}`)
	badSig, _ := SignToku(bad, vecSecret, th.now, toku.SignedBody)
	if w := th.send(http.MethodPost, bad, badSig); w.Code != http.StatusBadRequest {
		t.Errorf("authentic malformed envelope: %d", w.Code)
	}
	if calls.Load() != 0 {
		t.Fatalf("user code ran %d times for refused deliveries", calls.Load())
	}
	if strings.Contains(logs.String(), vecSecret) || strings.Contains(logs.String(), good[13:]) {
		t.Fatalf("a secret or signature reached the log: %s", logs.String())
	}
	if !strings.Contains(logs.String(), "delivery refused") {
		t.Fatalf("refusals not logged: %s", logs.String())
	}
}

func TestTokuHandlerDeliversPayloadOfUnexpectedShape(t *testing.T) {
	t.Parallel()
	var got *toku.Event
	th := newTokuHarness(t, func(_ context.Context, e *toku.Event) error { got = e; return nil })
	body := []byte(`{"id":"evt_new","event_type":"transaction.success","transaction":"a string now"}`)
	if w := th.post(body); w.Code != http.StatusOK {
		t.Fatalf("verified event with a new payload shape answered %d", w.Code)
	}
	if _, err := got.Transaction(); err == nil || string(got.Raw) != string(body) {
		t.Fatalf("want the raw event with a failing accessor, got %s", got.Raw)
	}
}

func TestTokuHandlerPanicAndTimeout(t *testing.T) {
	t.Parallel()
	var mode atomic.Value
	mode.Store("panic")
	var runs atomic.Int32
	finished := make(chan struct{}, 4)
	fn := func(ctx context.Context, e *toku.Event) error {
		runs.Add(1)
		defer func() { finished <- struct{}{} }()
		switch mode.Load() {
		case "panic":
			panic("boom")
		case "slow":
			<-ctx.Done() // honours cancellation at the deadline
			return ctx.Err()
		}
		return nil
	}
	// Two handlers on one store, as two replicas: the first times user code
	// out after 50 ms; the retry goes to the second, whose timeout is long,
	// so a loaded machine cannot time the successful run out too.
	store := NewMemoryStore(MemoryStoreConfig{})
	th := newTokuHarness(t, fn, WithStore(store), WithTimeout(50*time.Millisecond), WithBusyWait(2*time.Second))
	patient := newTokuHarness(t, fn, WithStore(store), WithTimeout(time.Minute), WithBusyWait(time.Minute))
	body := tokuBody("evt_1")
	if w := th.post(body); w.Code != http.StatusInternalServerError {
		t.Fatalf("panic answered %d", w.Code)
	}
	<-finished
	mode.Store("slow")
	if w := th.post(body); w.Code != http.StatusInternalServerError {
		t.Fatalf("timeout answered %d", w.Code)
	}
	<-finished
	mode.Store("ok")
	if w := patient.post(body); w.Code != http.StatusOK {
		t.Fatalf("retry after timeout answered %d", w.Code)
	}
	if runs.Load() != 3 {
		t.Fatalf("user code ran %d times, want 3", runs.Load())
	}
}

// watchedStore is a MemoryStore that reports each Busy answer to a Claim,
// with the delivery it answered (the request context's deliveryID), so a
// test can wait for duplicates to be waiting instead of sleeping.
type watchedStore struct {
	*MemoryStore
	busy chan string
}

type deliveryIDKey struct{}

func newWatchedStore() *watchedStore {
	return &watchedStore{MemoryStore: NewMemoryStore(MemoryStoreConfig{}), busy: make(chan string, 1024)}
}

func (w *watchedStore) Claim(ctx context.Context, k Key, lease time.Duration) (Claim, error) {
	c, err := w.MemoryStore.Claim(ctx, k, lease)
	if err == nil && c.Status == Busy {
		id, _ := ctx.Value(deliveryIDKey{}).(string)
		select {
		case w.busy <- id:
		default: // the test has what it needs
		}
	}
	return c, err
}

// waitBusy returns once each of ids has been answered Busy at least once.
func (w *watchedStore) waitBusy(t *testing.T, ids ...string) {
	t.Helper()
	left := map[string]bool{}
	for _, id := range ids {
		left[id] = true
	}
	for len(left) > 0 {
		select {
		case id := <-w.busy:
			delete(left, id)
		case <-t.Context().Done():
			t.Fatal("the duplicates never found the event busy")
		}
	}
}

// sendAs posts a delivery signed with sig, under a request context naming
// the delivery for watchedStore; it never fails the test, so any goroutine
// may call it.
func (th *tokuHarness) sendAs(id string, body []byte, sig string) int {
	ctx := context.WithValue(context.Background(), deliveryIDKey{}, id)
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/webhooks/toku", strings.NewReader(string(body)))
	r.Header.Set(TokuSignatureHeader, sig)
	w := httptest.NewRecorder()
	th.h.ServeHTTP(w, r)
	return w.Code
}

// sign signs body as the harness's deliveries are signed.
func (th *tokuHarness) sign(body []byte) string {
	th.t.Helper()
	sig, err := SignToku(body, vecSecret, th.now, toku.SignedEventID)
	if err != nil {
		th.t.Fatal(err)
	}
	return sig
}

func TestTokuHandlerConcurrentDuplicatesProcessedOnce(t *testing.T) {
	t.Parallel()
	release, started := make(chan struct{}), make(chan struct{}, 1)
	var runs atomic.Int32
	st := newWatchedStore()
	th := newTokuHarness(t, func(ctx context.Context, e *toku.Event) error {
		runs.Add(1)
		started <- struct{}{}
		<-release
		return nil
	}, WithBusyWait(time.Minute), WithStore(st))
	body := tokuBody("evt_1")
	sig := th.sign(body)
	const n = 8
	codes := make([]int, n)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); codes[0] = th.sendAs("d0", body, sig) }()
	<-started
	var dups []string
	for i := 1; i < n; i++ {
		id := "d" + strconv.Itoa(i)
		dups = append(dups, id)
		wg.Add(1)
		go func() { defer wg.Done(); codes[i] = th.sendAs(id, body, sig) }()
	}
	st.waitBusy(t, dups...) // every duplicate is waiting on the first
	if runs.Load() != 1 {
		t.Fatalf("user code started %d times before the first finished", runs.Load())
	}
	close(release)
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Fatalf("delivery %d answered %d, want 200 once the first succeeded", i, c)
		}
	}
	if runs.Load() != 1 {
		t.Fatalf("user code ran %d times for %d concurrent duplicates, want 1", runs.Load(), n)
	}
}

func TestTokuHandlerDuplicateDuringFailedFirstIsProcessed(t *testing.T) {
	t.Parallel()
	release, started := make(chan struct{}), make(chan struct{}, 1)
	var runs atomic.Int32
	st := newWatchedStore()
	th := newTokuHarness(t, func(ctx context.Context, e *toku.Event) error {
		if runs.Add(1) == 1 {
			started <- struct{}{}
			<-release
			return errors.New("first attempt fails")
		}
		return nil
	}, WithBusyWait(time.Minute), WithStore(st))
	body := tokuBody("evt_1")
	sig := th.sign(body)
	first := make(chan int, 1)
	go func() { first <- th.sendAs("first", body, sig) }()
	<-started
	second := make(chan int, 1)
	go func() { second <- th.sendAs("second", body, sig) }()
	st.waitBusy(t, "second") // the duplicate waits on the failing first
	close(release)
	if c := <-first; c != http.StatusInternalServerError {
		t.Fatalf("failing first delivery answered %d", c)
	}
	if c := <-second; c != http.StatusOK {
		t.Fatalf("waiting duplicate answered %d, want 200 after processing it itself", c)
	}
	if runs.Load() != 2 {
		t.Fatalf("runs = %d, want 2", runs.Load())
	}
}

func TestTokuHandlerBusyTooLongGets503(t *testing.T) {
	t.Parallel()
	release, started := make(chan struct{}), make(chan struct{}, 1)
	th := newTokuHarness(t, func(ctx context.Context, e *toku.Event) error {
		started <- struct{}{}
		<-release
		return nil
	}, WithBusyWait(30*time.Millisecond))
	body := tokuBody("evt_1")
	sig := th.sign(body)
	first := make(chan int, 1)
	go func() { first <- th.sendAs("first", body, sig) }()
	<-started
	w := th.send(http.MethodPost, body, sig)
	close(release)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Fatalf("duplicate during a long first delivery answered %d (Retry-After %q), want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	if c := <-first; c != http.StatusOK {
		t.Fatalf("first delivery answered %d", c)
	}
}

// failingStore fails every call.
type failingStore struct{}

func (failingStore) Claim(context.Context, Key, time.Duration) (Claim, error) {
	return Claim{}, errors.New("connection refused")
}
func (failingStore) Complete(context.Context, Claim) error { return errors.New("connection refused") }
func (failingStore) Release(context.Context, Claim, error) error {
	return errors.New("connection refused")
}

func TestTokuHandlerStoreDownGets503WithoutProcessing(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	th := newTokuHarness(t, func(context.Context, *toku.Event) error { runs.Add(1); return nil }, WithStore(failingStore{}))
	w := th.post(tokuBody("evt_1"))
	if w.Code != http.StatusServiceUnavailable || runs.Load() != 0 {
		t.Fatalf("store down: %d with %d runs; want 503 and no processing without the dedupe guarantee", w.Code, runs.Load())
	}
}

func TestTokuHandlerNamespaces(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore(MemoryStoreConfig{})
	var a, b atomic.Int32
	ha := newTokuHarness(t, func(context.Context, *toku.Event) error { a.Add(1); return nil }, WithStore(store), WithNamespace("billing"))
	hb := newTokuHarness(t, func(context.Context, *toku.Event) error { b.Add(1); return nil }, WithStore(store), WithNamespace("crm"))
	body := tokuBody("evt_1")
	ha.post(body)
	hb.post(body)
	ha.post(body)
	if a.Load() != 1 || b.Load() != 1 {
		t.Fatalf("runs billing=%d crm=%d, want 1 each: namespaces must not swallow each other's events", a.Load(), b.Load())
	}
}

// FuzzVerifyToku: headers and bodies come from the network.
func FuzzVerifyToku(f *testing.F) {
	body := tokuBody("evt_1")
	sig, _ := SignToku(body, vecSecret, time.Unix(1_700_000_000, 0), toku.SignedEventID)
	f.Add(body, sig)
	f.Add([]byte(`{"id":1,"event_type":"x.y"}`), "t=1700000000,s=00")
	f.Add([]byte(`{}`), ",,=,t=,s=")
	f.Fuzz(func(t *testing.T, b []byte, header string) {
		ev, err := VerifyToku(b, header, vecSecret, WithClock(func() time.Time { return time.Unix(1_700_000_000, 0) }))
		if err == nil && (ev == nil || ev.ID == "" || ev.Signed == toku.SignedNone) {
			t.Fatalf("accepted without a verified event: %+v", ev)
		}
	})
}

// flakyComplete fails the first Complete calls.
type flakyComplete struct {
	*MemoryStore
	fails, calls atomic.Int32
}

func (f *flakyComplete) Complete(ctx context.Context, c Claim) error {
	f.calls.Add(1)
	if f.fails.Add(-1) >= 0 {
		return errors.New("connection reset")
	}
	return f.MemoryStore.Complete(ctx, c)
}

// When marking an event done fails after user code succeeded, the handler
// keeps trying until the lease ends, so a redelivery does not run it again.
func TestTokuHandlerRetriesMarkingDone(t *testing.T) {
	t.Parallel()
	store := &flakyComplete{MemoryStore: NewMemoryStore(MemoryStoreConfig{})}
	store.fails.Store(2)
	var runs atomic.Int32
	th := newTokuHarness(t, func(context.Context, *toku.Event) error { runs.Add(1); return nil },
		WithStore(store), WithBusyWait(5*time.Second))
	body := tokuBody("evt_1")
	if w := th.post(body); w.Code != http.StatusOK {
		t.Fatalf("first delivery answered %d", w.Code)
	}
	if w := th.post(body); w.Code != http.StatusOK {
		t.Fatalf("redelivery answered %d", w.Code)
	}
	if runs.Load() != 1 || store.calls.Load() != 3 {
		t.Fatalf("user code ran %d times and Complete was called %d times; want 1 and 3", runs.Load(), store.calls.Load())
	}
}
