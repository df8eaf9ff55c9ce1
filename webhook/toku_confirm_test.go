package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/webhook"
)

// An event signed over its id only leaves the payload unauthenticated: a
// replayed id with a rewritten body must not reach user code unless the API
// confirms the invoice it names is paid.
func TestTokuConfirmationRefusesUnpaidInvoice(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := tokutest.NewServer(t)
	c := srv.Client()
	cus, _ := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "1-9"})
	inv, err := c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "p", DueDate: toku.Date{Year: 2026, Month: 1, Day: 1}, Amount: toku.AmountFromWhole(100)})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "whesec_confirm_test"
	var calls atomic.Int32
	h, err := webhook.NewTokuHandler(secret, func(_ context.Context, e *toku.Event) error {
		if len(e.ConfirmedInvoices) != 1 || !e.ConfirmedInvoices[0].IsPaid {
			t.Errorf("user code ran without a confirmed invoice: %+v", e.ConfirmedInvoices)
		}
		calls.Add(1)
		return nil
	}, webhook.WithTokuConfirmation(c))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"id":"whe_1","event_type":"payment_intent.succeeded","payment_intent":{"id":"pi_1","invoice":"` + inv.ID + `","amount":"100"}}`)
	post := func(body []byte) int {
		sig, _ := webhook.SignToku(body, secret, time.Now(), toku.SignedEventID)
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		r.Header.Set(webhook.TokuSignatureHeader, sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	if code := post(body); code != http.StatusInternalServerError || calls.Load() != 0 {
		t.Fatalf("unpaid invoice: %d with %d calls; want 500 and no user code", code, calls.Load())
	}
	pay, err := srv.PayInvoice(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	body = []byte(`{"id":"whe_1","event_type":"payment_intent.succeeded","payment_intent":{"id":"` + pay.PaymentIntentID + `","invoice":"` + inv.ID +
		`","amount":"100","transaction_date":"` + time.Now().UTC().Format("2006-01-02T15:04:05") + `"}}`)
	if code := post(body); code != http.StatusOK || calls.Load() != 1 {
		t.Fatalf("after payment: %d with %d calls; want 200 and one call", code, calls.Load())
	}
}

// A captured id-only signature replayed with a body naming an old paid
// invoice but another amount and customer never reaches user code; the
// honest delivery of the same id still does, authenticated.
func TestTokuConfirmationRefusesForgedReplay(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	srv := tokutest.NewServer(t, tokutest.WithClock(clock))
	c := srv.Client()
	mk := func(rut string, amount int64) (cus, inv string, pay *tokutest.Payment) {
		cu, err := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: rut})
		if err != nil {
			t.Fatal(err)
		}
		in, err := c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cu.ID, ProductID: "p", DueDate: toku.Date{Year: 2026, Month: 1, Day: 1}, Amount: toku.AmountFromWhole(amount)})
		if err != nil {
			t.Fatal(err)
		}
		p, err := srv.PayInvoice(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		return cu.ID, in.ID, p
	}
	_, oldInv, oldPay := mk("1-9", 100) // an old, small payment of the attacker
	victim, _, _ := mk("2-7", 990000)   // someone else's customer
	const secret = "whesec_forged_replay"
	got := make(chan *toku.Event, 1)
	h, err := webhook.NewTokuHandler(secret, func(_ context.Context, e *toku.Event) error { got <- e; return nil },
		webhook.WithTokuConfirmation(c), webhook.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	day := now.Format("2006-01-02T15:04:05.000000")
	honest := `{"id":"wheve_77","event_type":"payment_intent.succeeded","payment_intent":{"id":"` + oldPay.PaymentIntentID +
		`","invoice":"` + oldInv + `","customer":"%s","amount":"%s","status":"AUTHORIZED","transaction_date":"` + day + `"}}`
	honestBody := fmt.Sprintf(honest, customerOf(t, c, oldInv), "100")
	sig, err := webhook.SignToku([]byte(honestBody), secret, now, toku.SignedEventID) // the captured header
	if err != nil {
		t.Fatal(err)
	}
	post := func(body string) (int, *toku.Event) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set(webhook.TokuSignatureHeader, sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		select {
		case e := <-got:
			return w.Code, e
		default:
			return w.Code, nil
		}
	}
	for _, forged := range []string{
		fmt.Sprintf(honest, victim, "100"),
		fmt.Sprintf(honest, customerOf(t, c, oldInv), "990000"),
		fmt.Sprintf(honest, victim, "990000"),
	} {
		if code, e := post(forged); code != http.StatusInternalServerError || e != nil {
			t.Fatalf("forged replay %s: %d, user code got %+v; want 500 and no user code", forged, code, e)
		}
	}
	code, e := post(honestBody)
	if code != http.StatusOK || e == nil || !e.Authenticated() || len(e.ConfirmedInvoices) != 1 || e.ConfirmedInvoices[0].ID != oldInv {
		t.Fatalf("honest delivery: %d %+v", code, e)
	}
}

func customerOf(t *testing.T, c *toku.Client, invoice string) string {
	t.Helper()
	inv, err := c.Invoices.Get(t.Context(), invoice)
	if err != nil {
		t.Fatal(err)
	}
	return inv.Customer
}

// Every confirmation path, and what reaches user code in each.
func TestTokuConfirmationPaths(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := tokutest.NewServer(t)
	c := srv.Client()
	cus, _ := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "1-9"})
	inv, _ := c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "p", DueDate: toku.Date{Year: 2026, Month: 1, Day: 1}, Amount: toku.AmountFromWhole(100)})
	pay, err := srv.PayInvoice(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "whesec_confirm_paths"
	got := make(chan *toku.Event, 1)
	h, err := webhook.NewTokuHandler(secret, func(_ context.Context, e *toku.Event) error { got <- e; return nil }, webhook.WithTokuConfirmation(c))
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Format("2006-01-02T15:04:05")
	post := func(body string, what toku.Signed) (int, *toku.Event) {
		sig, _ := webhook.SignToku([]byte(body), secret, time.Now(), what)
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set(webhook.TokuSignatureHeader, sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		select {
		case e := <-got:
			return w.Code, e
		default:
			return w.Code, nil
		}
	}

	// Through the payments list, and the invoices of its payment intents.
	code, e := post(`{"id":"e1","event_type":"transaction.success","transaction":{"id":"`+pay.TransactionID+`","amount":100,"transaction_date":"`+today+`"},"payment_intents":[{"id":"`+pay.PaymentIntentID+`","id_invoice":"`+inv.ID+`","amount":"100"}]}`, toku.SignedEventID)
	if code != 200 || e == nil || !e.Confirmed || !e.Authenticated() || len(e.ConfirmedInvoices) != 1 || e.ConfirmedTransaction == nil || e.ConfirmedTransaction.ID != pay.TransactionID {
		t.Fatalf("through the payments list: %d %+v", code, e)
	}
	// A transaction Toku does not list is refused, so Toku retries.
	if code, e = post(`{"id":"e3","event_type":"transaction.success","transaction":{"id":"trs_forged","amount":100,"transaction_date":"`+today+`"}}`, toku.SignedEventID); code != 500 || e != nil {
		t.Fatalf("unlisted transaction: %d %+v", code, e)
	}
	// A type confirmation cannot check reaches user code, marked unauthenticated.
	if code, e = post(`{"id":"e4","event_type":"payout.done","payout":{"id":"pyt_1"}}`, toku.SignedEventID); code != 200 || e == nil || e.Confirmed || e.Authenticated() {
		t.Fatalf("unconfirmable type: %d %+v", code, e)
	}
	// A body signature authenticates the whole event: no API call needed.
	if code, e = post(`{"id":"e5","event_type":"transaction.success","transaction":{"id":"trs_x"}}`, toku.SignedBody); code != 200 || e == nil || e.Confirmed || !e.Authenticated() {
		t.Fatalf("body-signed: %d %+v", code, e)
	}
}
