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
	inv, err := c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "p", DueDate: toku.Date{Year: 2026, Month: 1, Day: 1}, Amount: toku.NewAmount(100)})
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
