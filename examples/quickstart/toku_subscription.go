package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/webhook"
)

// tokuSubscriptionFlow: customer → recurring subscription → two months on
// the fake's clock, each issuing an invoice that the customer pays and the
// webhook handler receives → cancel, after which no invoice comes. It runs
// against the fake only: a month cannot be made to pass at the real Toku.
func tokuSubscriptionFlow(ctx context.Context, p *printer) error {
	// A fixed start makes the schedule plain: created on 12 October with
	// due day 5, the first invoice is issued on 1 November.
	start := time.Date(2026, time.October, 12, 9, 0, 0, 0, time.UTC)
	fake := tokutest.NewServer(nil, tokutest.WithClock(func() time.Time { return start }))
	defer fake.Close()
	p.step("started the Toku fake with its clock at %s; only Advance moves it", start.Format(time.DateOnly))
	c := fake.Client()

	cus, err := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com", Name: "Ana Pérez"})
	if err != nil {
		return fmt.Errorf("create customer: %w", err)
	}
	p.step("created customer %s", cus.ID)

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
	type paid struct{ transaction, invoice, subscription string }
	received := make(chan paid, 1)
	h, err := webhook.NewTokuHandler(string(ep.Secret), func(ctx context.Context, e *toku.Event) error {
		if !e.Authenticated() {
			return fmt.Errorf("event %s is not confirmed", e.ID)
		}
		for _, inv := range e.ConfirmedInvoices { // the API's own invoices say which subscription was paid
			received <- paid{e.ConfirmedTransaction.ID, inv.ID, inv.Subscription} // a real handler records it durably
		}
		return nil
	}, webhook.WithTokuConfirmation(c),
		webhook.WithClock(fake.Now)) // the fake signs with its own clock, which Advance moves
	if err != nil {
		return err
	}
	hooks.mount(h)
	p.step("registered webhook endpoint %s; its handler uses the fake's clock", ep.ID)

	sub, err := c.Subscriptions.Create(ctx, &toku.SubscriptionParams{
		Customer: cus.ID, ProductID: "plan-mensual-ana",
		IsRecurring: toku.Bool(true), Amount: toku.AmountFromWhole(19990), DueDay: 5, CurrencyCode: "CLP",
	})
	if err != nil {
		return fmt.Errorf("create subscription: %w", err)
	}
	p.step("subscribed %s to %s: subscription %s, %s %s a month, due on day %d", cus.ID, sub.ProductID, sub.ID, sub.Amount, sub.CurrencyCode, *sub.DueDay)

	for range 2 {
		bill, err := advanceToNextMonth(ctx, fake)
		if err != nil {
			return err
		}
		if len(bill.Invoices) != 1 {
			return fmt.Errorf("the fake issued %d invoices on %s, want 1", len(bill.Invoices), fake.Now().Format(time.DateOnly))
		}
		inv := bill.Invoices[0]
		p.step("%s: Toku issued invoice %s for %s %s, due %s", fake.Now().Format(time.DateOnly), inv.ID, inv.Amount, inv.CurrencyCode, inv.DueDate)

		pay, err := fake.PayInvoice(ctx, inv.ID)
		if err != nil {
			return fmt.Errorf("pay invoice: %w", err)
		}
		for _, d := range pay.Deliveries {
			if d.Err != nil { // such as a handler on another clock refusing the signature
				return fmt.Errorf("delivering %s: %w", d.EventType, d.Err)
			}
		}
		got, err := await(ctx, received, "the transaction.success event")
		if err != nil {
			return err
		}
		if got != (paid{pay.TransactionID, inv.ID, sub.ID}) {
			return fmt.Errorf("handler got %+v, want transaction %s of invoice %s of %s", got, pay.TransactionID, inv.ID, sub.ID)
		}
		p.step("the customer paid it; the handler verified transaction.success and confirmed it through the API: %s paid invoice %s of %s", got.transaction, got.invoice, got.subscription)
	}

	if err := c.Subscriptions.Delete(ctx, sub.ID); err != nil {
		return fmt.Errorf("cancel subscription: %w", err)
	}
	p.step("cancelled subscription %s", sub.ID)
	bill, err := advanceToNextMonth(ctx, fake)
	if err != nil {
		return err
	}
	if len(bill.Invoices) != 0 {
		return fmt.Errorf("a cancelled subscription issued %d invoices", len(bill.Invoices))
	}
	n := 0
	for inv, err := range c.Invoices.AllByCustomer(ctx, cus.ID, nil) {
		if err != nil {
			return fmt.Errorf("list invoices: %w", err)
		}
		if !inv.IsPaid {
			return fmt.Errorf("invoice %s is not paid", inv.ID)
		}
		n++
	}
	p.step("%s: no invoice issued; %s has %d invoices, all paid", fake.Now().Format(time.DateOnly), cus.ID, n)
	return nil
}

// advanceToNextMonth moves the fake's clock to the first of next month,
// when Toku issues the month's invoices.
func advanceToNextMonth(ctx context.Context, fake *tokutest.Server) (*tokutest.Billing, error) {
	now := fake.Now()
	first := time.Date(now.Year(), now.Month()+1, 1, now.Hour(), now.Minute(), 0, 0, time.UTC)
	bill, err := fake.Advance(ctx, first.Sub(now))
	if err != nil {
		return nil, fmt.Errorf("advance the clock: %w", err)
	}
	return bill, nil
}
