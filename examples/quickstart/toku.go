package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/webhook"
)

// tokuFlow: customer → invoice → webhook endpoint → the invoice is paid →
// the handler receives the verified event → reconciliation finds nothing
// missing. With TOKU_API_KEY set, the API steps run against the real Toku.
func tokuFlow(ctx context.Context, p *printer, env func(string) string) error {
	if key := env("TOKU_API_KEY"); key != "" {
		return tokuLive(ctx, p, key, env("TOKU_BASE_URL"))
	}
	fake := tokutest.NewServer(nil)
	defer fake.Close()
	p.step("started the Toku fake at %s (set TOKU_API_KEY to use the real API)", fake.URL)
	c := fake.Client()

	cus, err := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com", Name: "Ana Pérez"})
	if err != nil {
		return fmt.Errorf("create customer: %w", err)
	}
	p.step("created customer %s (RUT %s)", cus.ID, cus.GovernmentID)

	inv, err := c.Invoices.Create(ctx, &toku.InvoiceParams{
		Customer: cus.ID, ProductID: "plan-mensual", Amount: toku.AmountFromWhole(19990),
		DueDate: toku.DateOf(time.Now().AddDate(0, 0, 7)), Metadata: toku.Metadata{"plan": "mensual"},
	})
	if err != nil {
		return fmt.Errorf("create invoice: %w", err)
	}
	p.step("created invoice %s for %s %s, due %s", inv.ID, inv.Amount, inv.CurrencyCode, inv.DueDate)

	hooks, err := startHookServer()
	if err != nil {
		return err
	}
	defer hooks.Close()
	ep, err := c.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{
		URL: hooks.URL + "/webhooks/toku", EnabledEvents: []toku.EventType{toku.EventTransactionSuccess},
	})
	if err != nil {
		return fmt.Errorf("register webhook endpoint: %w", err)
	}
	p.step("registered webhook endpoint %s → %s (secret %v)", ep.ID, ep.URL, ep.Secret)

	var mu sync.Mutex
	seen := map[string]bool{}
	received := make(chan *toku.Transaction, 1)
	// Toku signs the event id, not the body, so the handler confirms the
	// payment through the API before this code runs (WithTokuConfirmation).
	h, err := webhook.NewTokuHandler(string(ep.Secret), func(ctx context.Context, e *toku.Event) error {
		if !e.Authenticated() {
			return fmt.Errorf("event %s is not confirmed", e.ID)
		}
		tr, err := e.Transaction()
		if err != nil {
			return err // 500: Toku retries
		}
		mu.Lock()
		seen[tr.ID] = true // a real handler records the payment durably here
		mu.Unlock()
		received <- tr
		return nil
	}, webhook.WithTokuConfirmation(c))
	if err != nil {
		return err
	}
	hooks.mount(h)

	pay, err := fake.PayInvoice(ctx, inv.ID)
	if err != nil {
		return fmt.Errorf("pay invoice: %w", err)
	}
	p.step("the customer paid invoice %s at the portal (transaction %s)", inv.ID, pay.TransactionID)
	tr, err := await(ctx, received, "the transaction.success event")
	if err != nil {
		return err
	}
	if tr.ID != pay.TransactionID || !tr.Amount.Equal(inv.Amount) {
		return fmt.Errorf("handler got transaction %s for %s, want %s for %s", tr.ID, tr.Amount, pay.TransactionID, inv.Amount)
	}
	p.step("webhook handler verified transaction.success and confirmed it through the API: %s paid %s (delivered in %d attempt)", tr.ID, tr.Amount, pay.Deliveries[0].Attempts)

	today := toku.DateOf(time.Now().UTC())
	rec, err := c.Payments.Reconcile(ctx, &toku.ReconcileParams{From: today, To: today,
		Seen: func(_ context.Context, id string) (bool, error) { mu.Lock(); defer mu.Unlock(); return seen[id], nil }})
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	if len(rec.Missing) != 0 {
		return fmt.Errorf("reconciliation found %d payments the handler missed", len(rec.Missing))
	}
	p.step("reconciled %s..%s: %d payment(s) at Toku, nothing missing", rec.QueriedFrom, rec.QueriedTo, rec.Checked)
	return nil
}

// tokuLive runs the API steps against the real Toku: a customer, an invoice
// (voided again at the end) and yesterday's reconciliation. Paying and
// receiving webhooks need a person and a public URL, so they run only
// against the fake.
func tokuLive(ctx context.Context, p *printer, key, baseURL string) error {
	var opts []toku.Option
	if baseURL != "" {
		opts = append(opts, toku.WithBaseURL(baseURL))
	}
	c, err := toku.NewClient(key, opts...)
	if err != nil {
		return err
	}
	p.step("using the real Toku API")
	suffix := time.Now().Format("150405")
	cus, err := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", ExternalID: "pagos-quickstart-" + suffix, Mail: "quickstart@example.com", Name: "pagos quickstart"})
	if err != nil {
		return fmt.Errorf("create customer: %w", err)
	}
	p.step("created customer %s", cus.ID)
	inv, err := c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "pagos-quickstart-" + suffix,
		Amount: toku.AmountFromWhole(1000), DueDate: toku.DateOf(time.Now().AddDate(0, 0, 7))})
	if err != nil {
		return fmt.Errorf("create invoice: %w", err)
	}
	p.step("created invoice %s for %s", inv.ID, inv.Amount)
	yesterday := toku.DateOf(time.Now().AddDate(0, 0, -1))
	rec, err := c.Payments.Reconcile(ctx, &toku.ReconcileParams{From: yesterday, To: yesterday, Seen: toku.SeenIDs()})
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	p.step("yesterday Toku recorded %d payment(s)", rec.Checked)
	if _, err := c.Invoices.Void(ctx, inv.ID); err != nil {
		return fmt.Errorf("void invoice: %w", err)
	}
	p.step("voided invoice %s again", inv.ID)
	p.note("paying and receiving webhooks need a person and a public URL; they run against the fake only")
	return nil
}
