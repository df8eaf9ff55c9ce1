package tokutest_test

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
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/webhook"
)

// receiver is a webhook server recording the events its handler processed.
type receiver struct {
	mu     sync.Mutex
	events []*toku.Event
	fail   atomic.Int32 // answer 500 this many more times
	srv    *httptest.Server
}

func newReceiver(t *testing.T, secret func() string, opts func() []webhook.TokuOption) *receiver {
	t.Helper()
	rc := &receiver{}
	var h http.Handler
	var once sync.Once
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() {
			var err error
			h, err = webhook.NewTokuHandler(secret(), func(ctx context.Context, e *toku.Event) error {
				if rc.fail.Load() > 0 {
					rc.fail.Add(-1)
					return errors.New("temporarily failing")
				}
				rc.mu.Lock()
				rc.events = append(rc.events, e)
				rc.mu.Unlock()
				return nil
			}, opts()...)
			if err != nil {
				t.Error(err)
			}
		})
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) got() []*toku.Event {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]*toku.Event(nil), rc.events...)
}

// world sets up a fake, a client, a customer, an invoice and an endpoint.
type world struct {
	srv *tokutest.Server
	c   *toku.Client
	inv *toku.Invoice
	ep  *toku.WebhookEndpoint
	rc  *receiver
}

func newWorld(t *testing.T, events []toku.EventType, fakeOpts []tokutest.Option, hookOpts ...func(*toku.Client) webhook.TokuOption) *world {
	t.Helper()
	ctx := t.Context()
	w := &world{srv: tokutest.NewServer(t, fakeOpts...)}
	w.c = w.srv.Client()
	w.rc = newReceiver(t, func() string { return string(w.ep.Secret) }, func() []webhook.TokuOption {
		var opts []webhook.TokuOption
		for _, o := range hookOpts {
			opts = append(opts, o(w.c))
		}
		return opts
	})
	cus, err := w.c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com", Name: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	w.inv, err = w.c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "plan-42",
		DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.AmountFromWhole(19990)})
	if err != nil {
		t.Fatal(err)
	}
	w.ep, err = w.c.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: w.rc.srv.URL, EnabledEvents: events})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestPayInvoiceDeliversSignedEventsOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	// The fake's clock is the real one (signatures must be fresh), but the
	// day reconciled below is the day the fake read last, not another
	// reading of the wall clock that may fall after midnight.
	var clockMu sync.Mutex
	var lastRead time.Time
	clock := func() time.Time {
		clockMu.Lock()
		defer clockMu.Unlock()
		lastRead = time.Now()
		return lastRead
	}
	w := newWorld(t, []toku.EventType{toku.EventTransactionSuccess, toku.EventPaymentIntentSucceeded}, []tokutest.Option{tokutest.WithClock(clock)})
	pay, err := w.srv.PayInvoice(ctx, w.inv.ID)
	clockMu.Lock()
	paidOn := toku.DateOf(lastRead.UTC())
	clockMu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if len(pay.Deliveries) != 2 {
		t.Fatalf("deliveries = %+v, want transaction.success and payment_intent.succeeded (invoice.updated is not subscribed)", pay.Deliveries)
	}
	for _, d := range pay.Deliveries {
		// Attempts may exceed 1 when a loaded machine drops a kept-alive
		// connection; a retry is how delivery copes, and the handler must
		// still process the event once.
		if d.Err != nil || d.StatusCode != 200 {
			t.Fatalf("delivery %+v", d)
		}
	}
	got := w.rc.got()
	if len(got) != 2 || got[0].Type != toku.EventTransactionSuccess || got[0].Signed != toku.SignedEventID {
		t.Fatalf("handler got %d events: %+v", len(got), got)
	}
	tr, err := got[0].Transaction()
	if err != nil || tr.ID != pay.TransactionID || !tr.Amount.Equal(toku.AmountFromWhole(19990)) || tr.PaymentIntents[0].Invoice != w.inv.ID {
		t.Fatalf("transaction %+v, %v", tr, err)
	}
	pi, err := got[1].PaymentIntent()
	if err != nil || pi.Invoice != w.inv.ID || pi.Amount.String() != "19990" {
		t.Fatalf("payment intent %+v, %v", pi, err)
	}

	// A duplicate delivery is acknowledged and not processed again.
	again, err := w.srv.Resend(ctx, got[0].ID)
	if err != nil || len(again) != 1 || again[0].StatusCode != 200 {
		t.Fatalf("Resend = %+v, %v", again, err)
	}
	if n := len(w.rc.got()); n != 2 {
		t.Fatalf("after the duplicate the handler processed %d events, want 2", n)
	}

	inv, err := w.c.Invoices.Get(ctx, w.inv.ID)
	if err != nil || !inv.IsPaid {
		t.Fatalf("invoice after payment %+v, %v", inv, err)
	}
	if _, err := w.srv.PayInvoice(ctx, w.inv.ID); err == nil {
		t.Fatal("paying a paid invoice succeeded")
	}

	// Reconciliation over today finds the payment when the merchant lacks it.
	today := paidOn
	rep, err := w.c.Payments.Reconcile(ctx, &toku.ReconcileParams{From: today, To: today, Seen: toku.SeenIDs(tr.ID)})
	if err != nil || rep.Checked != 1 || len(rep.Missing) != 0 {
		t.Fatalf("reconcile with the id seen: %+v, %v", rep, err)
	}
	rep, err = w.c.Payments.Reconcile(ctx, &toku.ReconcileParams{From: today, To: today, Seen: toku.SeenIDs()})
	if err != nil || len(rep.Missing) != 1 || rep.Missing[0].ID != pay.TransactionID {
		t.Fatalf("reconcile with nothing seen: %+v, %v", rep, err)
	}
}

func TestDeliveryRetriesUntil2xx(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var waits []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return nil
	}
	w := newWorld(t, []toku.EventType{toku.EventTransactionSuccess}, []tokutest.Option{tokutest.WithSleep(sleep)})
	w.rc.fail.Store(2)
	pay, err := w.srv.PayInvoice(t.Context(), w.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := pay.Deliveries[0]
	if d.Attempts != 3 || d.Err != nil || d.StatusCode != 200 {
		t.Fatalf("delivery %+v, want success on attempt 3", d)
	}
	if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second}, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if n := len(w.rc.got()); n != 1 {
		t.Fatalf("processed %d times, want 1", n)
	}
}

func TestDeliveryGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []toku.EventType{toku.EventTransactionSuccess},
		[]tokutest.Option{tokutest.WithMaxAttempts(2), tokutest.WithSleep(func(context.Context, time.Duration) error { return nil })})
	w.rc.fail.Store(10)
	pay, err := w.srv.PayInvoice(t.Context(), w.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := pay.Deliveries[0]; d.Attempts != 2 || d.Err == nil || d.StatusCode != 500 {
		t.Fatalf("delivery %+v, want failure after 2 attempts", d)
	}
	if len(w.srv.Deliveries()) != 1 {
		t.Fatalf("Deliveries() = %+v", w.srv.Deliveries())
	}
}

func TestSignedBodyAndConfirmation(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []toku.EventType{toku.EventTransactionSuccess}, []tokutest.Option{tokutest.WithSignedBody()})
	if _, err := w.srv.PayInvoice(t.Context(), w.inv.ID); err != nil {
		t.Fatal(err)
	}
	if got := w.rc.got(); len(got) != 1 || got[0].Signed != toku.SignedBody {
		t.Fatalf("events %+v, want one signed over the body", got)
	}

	// Over the id only, a confirming handler fetches the invoice first.
	wc := newWorld(t, []toku.EventType{toku.EventPaymentIntentSucceeded}, nil, func(c *toku.Client) webhook.TokuOption {
		return webhook.WithTokuConfirmation(c)
	})
	pay, err := wc.srv.PayInvoice(t.Context(), wc.inv.ID)
	if err != nil || pay.Deliveries[0].StatusCode != 200 {
		t.Fatalf("pay = %+v, %v", pay, err)
	}
	got := wc.rc.got()
	if len(got) != 1 || len(got[0].ConfirmedInvoices) != 1 || got[0].ConfirmedInvoices[0].ID != wc.inv.ID || !got[0].ConfirmedInvoices[0].IsPaid {
		t.Fatalf("events %+v, want the paid invoice confirmed from the API", got)
	}
}

func TestFakeValidatesLikeToku(t *testing.T) {
	t.Parallel()
	srv := tokutest.NewServer(t)
	ctx := t.Context()

	bad, _ := toku.NewClient("wrong-key", toku.WithBaseURL(srv.URL))
	if _, err := bad.Customers.List(ctx, nil); !errors.Is(err, toku.ErrUnauthorized) {
		t.Fatalf("wrong key: %v, want ErrUnauthorized", err)
	}
	c := srv.Client()
	if _, err := c.Customers.Get(ctx, "cus_nope"); !errors.Is(err, toku.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	_, err := c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: "cus_nope", ProductID: "p", DueDate: toku.Date{Year: 2026, Month: 1, Day: 1}, Amount: toku.AmountFromWhole(1)})
	var te *toku.Error
	if !errors.As(err, &te) || te.StatusCode != 422 || te.Details[0].Loc[1] != "customer" {
		t.Fatalf("invoice for unknown customer: %v", err)
	}

	// The client validates before sending, so check the fake's own 422 raw.
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/customers", strings.NewReader(`{"mail":"a@b.cl"}`))
	req.Header.Set("X-Api-Key", srv.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 {
		t.Fatalf("missing goverment_id: %d", resp.StatusCode)
	}
	testutil.JSONEqual(t, b, `{"error":{"code":"TK30000","details":[{"loc":["body","goverment_id"],"msg":"field required","type":"value_error.missing"}]}}`)
}

func TestListPaginationAndDeterministicIDs(t *testing.T) {
	t.Parallel()
	srv := tokutest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	var want []string
	for i := range 5 {
		cus, err := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: strings.Repeat("1", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, cus.ID)
	}
	if want[0] != "cus_000001" || want[4] != "cus_000005" {
		t.Fatalf("ids %v are not the deterministic default", want)
	}
	var got []string
	for cus, err := range c.Customers.All(ctx, &toku.ListParams{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, cus.ID)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
}

func TestDummyWebhook(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []toku.EventType{toku.EventTransactionSuccess}, nil)
	res, err := w.c.WebhookEndpoints.Test(t.Context(), &toku.TestParams{EventType: toku.EventCustomerCreated, URL: w.rc.srv.URL})
	if err != nil || !strings.Contains(string(res.Raw), `"status_code":200`) {
		t.Fatalf("Test = %s, %v", res.Raw, err)
	}
	got := w.rc.got()
	if len(got) != 1 || got[0].Type != toku.EventCustomerCreated {
		t.Fatalf("handler got %+v", got)
	}
	if _, err := w.c.WebhookEndpoints.Test(t.Context(), &toku.TestParams{EventType: toku.EventCustomerCreated, URL: "https://unregistered.example"}); !errors.Is(err, toku.ErrInvalidRequest) {
		t.Fatalf("unregistered URL: %v", err)
	}
}
