package tpagatest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
	"github.com/pagos-go/pagos/webhook"
)

const agreed = "Basic 1234567890"

// receiver is a merchant server whose Tpaga handler records the deposits it
// processed.
type receiver struct {
	mu   sync.Mutex
	got  []*tpaga.Notification
	fail atomic.Int32 // answer 500 this many more times
	srv  *httptest.Server
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{}
	h, err := webhook.NewTpagaHandler(agreed, func(ctx context.Context, n *tpaga.Notification) error {
		if rc.fail.Load() > 0 {
			rc.fail.Add(-1)
			return errors.New("ledger temporarily down")
		}
		rc.mu.Lock()
		rc.got = append(rc.got, n)
		rc.mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rc.srv = httptest.NewServer(h)
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) notifications() []*tpaga.Notification {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]*tpaga.Notification(nil), rc.got...)
}

// world is a fake notifying a receiver, with a client and a simulator.
type world struct {
	srv *tpagatest.Server
	c   *tpaga.Client
	sim *tpaga.EfectySimulator
	rc  *receiver
}

func newWorld(t *testing.T, opts ...tpagatest.Option) *world {
	t.Helper()
	w := &world{rc: newReceiver(t)}
	w.srv = tpagatest.NewServer(t, append([]tpagatest.Option{tpagatest.WithNotify(w.rc.srv.URL, agreed)}, opts...)...)
	w.c = w.srv.Client()
	w.sim = w.srv.EfectySimulator()
	return w
}

var noa = tpaga.Requester{FirstNames: "Noa", LastNames: "Tamayo Carreño", DocumentType: tpaga.DocumentCC, DocumentNumber: "111222333", PhoneNumber: "+573000000000"}

func TestSingleUseReferencePaidOnceAndNotified(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newWorld(t)
	ref, err := w.c.References.Create(ctx, &tpaga.ReferenceParams{Requester: noa, Description: "Recarga", Amount: 20000})
	if err != nil {
		t.Fatal(err)
	}
	if ref.Reference != "575600000001" || ref.Agreement != tpagatest.DefaultAgreement || ref.Amount != 20000 || ref.FirstNames != "Noa" {
		t.Fatalf("reference %+v", ref)
	}
	if _, err := w.sim.Lookup(ctx, ref.Reference); err != nil {
		t.Fatalf("kiosk lookup of a payable reference: %v", err)
	}

	// An amount other than the fixed one is refused, and nothing is recorded.
	_, err = w.sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 19000})
	var te *tpaga.Error
	if !errors.As(err, &te) || te.StatusCode != 400 || len(te.Fields["amount"]) != 1 {
		t.Fatalf("wrong amount: %v", err)
	}

	pay, err := w.sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 20000, EfectyOrderID: "999777555"})
	if err != nil {
		t.Fatal(err)
	}
	got := w.rc.notifications()
	if len(got) != 1 {
		t.Fatalf("handler processed %d notifications, want 1 by the time Pay returned", len(got))
	}
	n := got[0]
	if a, err := n.Amount(); n.Reference != ref.Reference || a != 20000 || err != nil || n.IdempotencyToken != ref.IdempotencyToken || n.EfectyOrderID != pay.EfectyOrderID {
		t.Fatalf("notification %+v, want the reference, amount, its token and the order id", n)
	}
	if d := w.srv.Deliveries(); len(d) != 1 || d[0].Attempts != 1 || d[0].StatusCode != 200 || d[0].Err != nil {
		t.Fatalf("deliveries %+v", d)
	}

	det, err := w.c.ReferenceDetails.Get(ctx, ref.Reference)
	if err != nil || det.IsPermanent || det.Enabled || len(det.DepositIntents) != 1 ||
		det.DepositIntents[0].Amount != 20000 || det.DepositIntents[0].EfectyOrderID != "999777555" {
		t.Fatalf("details after payment %+v, %v", det, err)
	}

	// Used: neither the kiosk nor a payment takes it again.
	if _, err := w.sim.Lookup(ctx, ref.Reference); !errors.Is(err, tpaga.ErrInvalidRequest) {
		t.Fatalf("lookup of a used reference: %v", err)
	}
	if _, err := w.sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 20000}); !errors.As(err, &te) || !strings.Contains(te.Message, "already used") {
		t.Fatalf("second payment: %v", err)
	}

	// A duplicate notification is acknowledged and not processed again.
	again, err := w.srv.Resend(ctx, "999777555")
	if err != nil || again.StatusCode != 200 || len(w.rc.notifications()) != 1 {
		t.Fatalf("Resend = %+v, %v; processed %d", again, err, len(w.rc.notifications()))
	}
}

func TestPermanentReferencePaidTwiceThenDisabled(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newWorld(t)
	perm, err := w.c.PermanentReferences.Create(ctx, &tpaga.PermanentReferenceParams{Reference: "reysantana", Requester: noa, Description: "Mireya"})
	if err != nil || perm.Reference != "TSREYSANTANA" || !perm.Enabled {
		t.Fatalf("Create = %+v, %v", perm, err)
	}
	for _, amount := range []int64{15000, 30000} {
		if _, err := w.sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: perm.Reference, Amount: amount}); err != nil {
			t.Fatalf("paying %d: %v", amount, err)
		}
	}
	got := w.rc.notifications()
	amount := func(n *tpaga.Notification) int64 { a, _ := n.Amount(); return a }
	if len(got) != 2 || amount(got[0]) != 15000 || amount(got[1]) != 30000 || got[0].EfectyOrderID == got[1].EfectyOrderID || got[0].IdempotencyToken != "" {
		t.Fatalf("notifications %+v, want two deposits with distinct order ids and no token", got)
	}
	det, err := w.c.ReferenceDetails.Get(ctx, perm.Reference)
	if err != nil || !det.IsPermanent || !det.Enabled || len(det.DepositIntents) != 2 {
		t.Fatalf("details %+v, %v", det, err)
	}

	if d, err := w.c.PermanentReferences.Disable(ctx, perm.Reference); err != nil || d.Enabled {
		t.Fatalf("Disable = %+v, %v", d, err)
	}
	_, err = w.sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: perm.Reference, Amount: 5000})
	var te *tpaga.Error
	if !errors.As(err, &te) || te.StatusCode != 400 || !strings.Contains(te.Message, "disabled") {
		t.Fatalf("payment to a disabled reference: %v", err)
	}
	if len(w.rc.notifications()) != 2 {
		t.Fatal("a refused payment was notified")
	}

	// Creating it again enables it, as Tpaga documents; so does Enable.
	if _, err := w.c.PermanentReferences.Create(ctx, &tpaga.PermanentReferenceParams{Reference: "REYSANTANA", Requester: noa, Description: "Mireya"}); err != nil {
		t.Fatal(err)
	}
	if det, _ := w.c.ReferenceDetails.Get(ctx, perm.Reference); !det.Enabled {
		t.Fatal("creating an existing reference did not enable it")
	}
	if _, err := w.c.PermanentReferences.Disable(ctx, perm.Reference); err != nil {
		t.Fatal(err)
	}
	if e, err := w.c.PermanentReferences.Enable(ctx, perm.Reference); err != nil || !e.Enabled {
		t.Fatalf("Enable = %+v, %v", e, err)
	}
	if _, err := w.sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: perm.Reference, Amount: 5000}); err != nil {
		t.Fatalf("payment after Enable: %v", err)
	}
}

func TestNotificationRetriedUntil200(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var waits []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return nil
	}
	w := newWorld(t, tpagatest.WithSleep(sleep))
	w.rc.fail.Store(2)
	perm, err := w.c.PermanentReferences.Create(t.Context(), &tpaga.PermanentReferenceParams{Reference: "ABCDE12345", Requester: noa, Description: "d"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.sim.Pay(t.Context(), &tpaga.EfectyPaymentParams{Reference: perm.Reference, Amount: 1000}); err != nil {
		t.Fatal(err)
	}
	d := w.srv.Deliveries()
	if len(d) != 1 || d[0].Attempts != 3 || d[0].StatusCode != 200 || d[0].Err != nil {
		t.Fatalf("deliveries %+v, want success on attempt 3", d)
	}
	if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second}, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if n := len(w.rc.notifications()); n != 1 {
		t.Fatalf("processed %d times, want 1", n)
	}
}

// Tpaga counts only 200: another 2xx is retried, and the fake gives up
// after its attempts.
func TestNotificationOnlyA200Counts(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Authorization") != agreed || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("headers %v", r.Header)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(merchant.Close)
	srv := tpagatest.NewServer(t, tpagatest.WithNotify(merchant.URL, agreed), tpagatest.WithMaxAttempts(3),
		tpagatest.WithSleep(func(context.Context, time.Duration) error { return nil }))
	c := srv.Client()
	sim := srv.EfectySimulator()
	ref, err := c.References.Create(t.Context(), &tpaga.ReferenceParams{Requester: noa, Description: "d"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Pay(t.Context(), &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 777}); err != nil {
		t.Fatal(err)
	}
	if d := srv.Deliveries(); len(d) != 1 || d[0].Attempts != 3 || d[0].StatusCode != 204 || d[0].Err == nil || hits.Load() != 3 {
		t.Fatalf("deliveries %+v after %d hits, want failure after 3 attempts", d, hits.Load())
	}
}

func TestFakeAuthenticatesAndValidatesLikeTpaga(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := tpagatest.NewServer(t)
	bad, _ := tpaga.NewClient("wrong-token", tpaga.WithBaseURL(srv.URL))
	if _, err := bad.ReferenceDetails.Get(ctx, "TSREYSANTANA"); !errors.Is(err, tpaga.ErrUnauthorized) {
		t.Fatalf("wrong token: %v", err)
	}
	badSim, _ := tpaga.NewEfectySimulator("wrong-key", tpaga.WithBaseURL(srv.URL))
	if _, err := badSim.Lookup(ctx, "575600000001"); !errors.Is(err, tpaga.ErrUnauthorized) {
		t.Fatalf("wrong simulator key: %v", err)
	}
	c := srv.Client()
	sim := srv.EfectySimulator()
	if _, err := c.ReferenceDetails.Get(ctx, "TSNOSUCHREF0"); !errors.Is(err, tpaga.ErrNotFound) {
		t.Fatalf("unknown reference: %v", err)
	}
	if _, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: "TSNOSUCHREF0", Amount: 1}); !errors.Is(err, tpaga.ErrNotFound) {
		t.Fatalf("paying an unknown reference: %v", err)
	}
	ref, err := c.References.Create(ctx, &tpaga.ReferenceParams{Requester: noa, Description: "d", IdempotencyToken: "order-42"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.References.Create(ctx, &tpaga.ReferenceParams{Requester: noa, Description: "d", IdempotencyToken: "order-42"})
	if err != nil || again.Reference != ref.Reference {
		t.Fatalf("same token made %+v, %v; want the first reference %s", again, err, ref.Reference)
	}
	if _, err := c.PermanentReferences.Disable(ctx, ref.Reference); !errors.Is(err, tpaga.ErrNotFound) {
		t.Fatalf("disabling a single-use reference: %v", err)
	}

	// The client validates before sending, so check the fake's own 400s raw.
	raw := func(method, path, header, value, body string) (int, []byte) {
		req, _ := http.NewRequestWithContext(ctx, method, srv.URL+path, strings.NewReader(body))
		req.Header.Set(header, value)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	status, b := raw("POST", "/api/cashin/v1/public/references", "Authorization", "Basic "+srv.Token,
		`{"requester_first_names":"Noa","requester_document_type":"TI","description":"d","idempotency_token":"t"}`)
	if status != 400 {
		t.Fatalf("incomplete single-use create: %d %s", status, b)
	}
	testutil.JSONEqual(t, b, `{"requester_last_names":["This field is required."],"requester_document_number":["This field is required."],"requester_document_type":["\"TI\" is not a valid choice."]}`)
	status, b = raw("POST", "/api/cashin/v1/public/permanent_references", "Authorization", "Basic "+srv.Token,
		`{"reference":"short","requester_first_names":"M","requester_last_names":"R","requester_document_type":"CE","requester_document_number":"X1","description":"d"}`)
	if status != 400 || !strings.Contains(string(b), `"reference"`) {
		t.Fatalf("a 5-character permanent reference: %d %s", status, b)
	}
	// Only the document and the description are required of a permanent
	// reference (Tpaga's swagger; research §4.2): no names.
	status, b = raw("POST", "/api/cashin/v1/public/permanent_references", "Authorization", "Basic "+srv.Token,
		`{"reference":"sinnombres","requester_document_type":"CC","requester_document_number":"333222111","description":"d"}`)
	if status != 201 || !strings.Contains(string(b), `"reference":"`+srv.Prefix+`SINNOMBRES"`) {
		t.Fatalf("a permanent reference without names: %d %s", status, b)
	}
	// A missing document type is a missing field, as Django REST framework
	// words it, not an invalid choice.
	status, b = raw("POST", "/api/cashin/v1/public/permanent_references", "Authorization", "Basic "+srv.Token,
		`{"requester_document_number":"333222111","description":"d"}`)
	if status != 400 {
		t.Fatalf("a permanent reference without a document type: %d %s", status, b)
	}
	testutil.JSONEqual(t, b, `{"requester_document_type":["This field is required."]}`)
	status, b = raw("POST", "/api/efecty/payment", "X-Api-Key", srv.EfectyAPIKey, `{"reference":"`+ref.Reference+`","amount":20000,"efectyOrderId":"1"}`)
	if status != 400 || !strings.Contains(string(b), `"amount"`) {
		t.Fatalf("amount as a number (the simulator takes a string): %d %s", status, b)
	}
	status, _ = raw("GET", "/api/efecty/payment/"+ref.Reference, "Authorization", "Basic "+srv.Token, "")
	if status != 401 {
		t.Fatalf("the simulator with the cash-in token: %d, want 401", status)
	}
}

// A payment repeated with its efectyOrderId makes no second deposit.
func TestRepeatedOrderIDMakesNoSecondDeposit(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newWorld(t)
	perm, _ := w.c.PermanentReferences.Create(ctx, &tpaga.PermanentReferenceParams{Reference: "reysantana", Requester: noa, Description: "d"})
	for range 2 {
		if _, err := w.sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: perm.Reference, Amount: 1000, EfectyOrderID: "555"}); err != nil {
			t.Fatal(err)
		}
	}
	det, _ := w.c.ReferenceDetails.Get(ctx, perm.Reference)
	if len(det.DepositIntents) != 1 || len(w.rc.notifications()) != 1 || len(w.srv.Deliveries()) != 1 {
		t.Fatalf("%d intents, %d notifications; want 1 each", len(det.DepositIntents), len(w.rc.notifications()))
	}
	other, _ := w.c.References.Create(ctx, &tpaga.ReferenceParams{Requester: noa, Description: "d"})
	if _, err := w.sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: other.Reference, Amount: 1000, EfectyOrderID: "555"}); !errors.Is(err, tpaga.ErrInvalidRequest) {
		t.Fatalf("an order id reused for another reference: %v", err)
	}
}

func TestDeterministicIDsAndClock(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 24, 15, 4, 5, 0, time.UTC)
	srv := tpagatest.NewServer(t, tpagatest.WithClock(func() time.Time { return at }), tpagatest.WithPrefix("ZZ"))
	c := srv.Client()
	sim := srv.EfectySimulator()
	ctx := t.Context()
	ref, _ := c.References.Create(ctx, &tpaga.ReferenceParams{Requester: noa, Description: "d"})
	perm, _ := c.PermanentReferences.Create(ctx, &tpaga.PermanentReferenceParams{Requester: noa, Description: "d"})
	if _, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 10, EfectyOrderID: "1"}); err != nil {
		t.Fatal(err)
	}
	det, _ := c.ReferenceDetails.Get(ctx, ref.Reference)
	if ref.Reference != "575600000001" || perm.Reference != "ZZPR00000002" {
		t.Fatalf("ids %s, %s are not the deterministic default", ref.Reference, perm.Reference)
	}
	testutil.JSONEqual(t, det.DepositIntents[0].Raw,
		`{"id":"di_000000003","reference":"575600000001","amount":10,"efecty_order_id":"1","efecty_office_id":"001","created_at":"2026-11-24T15:04:05Z"}`)
}
