package webhook_test

import (
	"context"
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
	c, _ := srv.Client()
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
	post := func() int {
		sig, _ := webhook.SignToku(body, secret, time.Now(), toku.SignedEventID)
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		r.Header.Set(webhook.TokuSignatureHeader, sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	if code := post(); code != http.StatusInternalServerError || calls.Load() != 0 {
		t.Fatalf("unpaid invoice: %d with %d calls; want 500 and no user code", code, calls.Load())
	}
	if _, err := srv.PayInvoice(ctx, inv.ID); err != nil {
		t.Fatal(err)
	}
	if code := post(); code != http.StatusOK || calls.Load() != 1 {
		t.Fatalf("after payment: %d with %d calls; want 200 and one call", code, calls.Load())
	}
}

// Every confirmation path, and what reaches user code in each.
func TestTokuConfirmationPaths(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := tokutest.NewServer(t)
	c, _ := srv.Client()
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

	// Through the invoices of the payment intents.
	code, e := post(`{"id":"e1","event_type":"transaction.success","transaction":{"id":"`+pay.TransactionID+`"},"payment_intents":[{"id_invoice":"`+inv.ID+`"}]}`, toku.SignedEventID)
	if code != 200 || e == nil || !e.Confirmed || !e.Authenticated() || len(e.ConfirmedInvoices) != 1 {
		t.Fatalf("through invoices: %d %+v", code, e)
	}
	// Through the payments list, when the transaction names no invoice.
	code, e = post(`{"id":"e2","event_type":"transaction.success","transaction":{"id":"`+pay.TransactionID+`","transaction_date":"`+today+`"}}`, toku.SignedEventID)
	if code != 200 || e == nil || !e.Confirmed || e.ConfirmedTransaction == nil || e.ConfirmedTransaction.ID != pay.TransactionID {
		t.Fatalf("through the payments list: %d %+v", code, e)
	}
	// A transaction Toku does not list is refused, so Toku retries.
	if code, e = post(`{"id":"e3","event_type":"transaction.success","transaction":{"id":"trs_forged","transaction_date":"`+today+`"}}`, toku.SignedEventID); code != 500 || e != nil {
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
