package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/webhook"
)

// conektaSubscriptionFlow: a monthly plan → a customer with a card → a
// subscription that charges the first month at once → two billing cycles on
// the fake's clock, each reaching the webhook handler as
// subscription.paid → a cancel, after which no month is charged.
func conektaSubscriptionFlow(ctx context.Context, p *printer, env func(string) string) error {
	c, fake, err := conektaClient(p, env)
	if err != nil {
		return err
	}
	if fake != nil {
		defer fake.Close()
	}
	var events <-chan *conekta.Event
	if fake != nil {
		hooks, err := startHookServer()
		if err != nil {
			return err
		}
		defer hooks.Close()
		types := []conekta.EventType{conekta.EventSubscriptionPaid, conekta.EventSubscriptionPaymentFailed, conekta.EventSubscriptionCanceled}
		if _, err := c.Webhooks.Create(ctx, &conekta.WebhookParams{URL: hooks.URL + "/webhooks/conekta", SubscribedEvents: types}); err != nil {
			return fmt.Errorf("register webhook: %w", err)
		}
		received := make(chan *conekta.Event, 8)
		h, err := webhook.NewConektaHandler(fake.PublicKeys(), func(ctx context.Context, e *conekta.Event) error {
			received <- e // a real handler extends the customer's access here, once per event id
			return nil
		})
		if err != nil {
			return err
		}
		hooks.mount(h)
		events = received
		p.step("registered a webhook for %v", types)
	}

	planID := fmt.Sprintf("pagos-quickstart-%d", time.Now().UnixNano())
	plan, err := c.Plans.Create(ctx, &conekta.PlanParams{ID: planID, Name: "Plan mensual", Amount: 19900, Currency: "MXN",
		Interval: conekta.IntervalMonth, Frequency: 1})
	if err != nil {
		return fmt.Errorf("create plan: %w", err)
	}
	p.step("created plan %s: %d centavos every %d %s", plan.ID, plan.Amount, plan.Frequency, plan.Interval)

	tok, err := c.Tokens.Create(ctx, &conekta.TokenCard{Number: conektatest.CardVisa, Name: "Felipe Gómez", ExpMonth: "12", ExpYear: "30", CVC: "123"})
	if err != nil {
		return fmt.Errorf("tokenize the test card: %w", err)
	}
	cus, err := c.Customers.Create(ctx, &conekta.CustomerParams{Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555",
		PaymentSources: []*conekta.PaymentSourceParams{conekta.CardSourceParams(tok.ID)}})
	if err != nil {
		return fmt.Errorf("create customer: %w", err)
	}
	p.step("created customer %s with a card as default source", cus.ID)

	sub, err := c.Subscriptions.Create(ctx, cus.ID, &conekta.SubscriptionParams{PlanID: plan.ID})
	if err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	p.step("subscribed %s to %s: %s, this month paid by order %s, next charge %s", cus.ID, plan.ID, sub.Status,
		sub.LastBillingCycleOrderID, sub.BillingCycleEnd.Format("2006-01-02"))

	if fake == nil {
		p.note("billing cycles follow Conekta's calendar; the fake moves its clock to show two of them")
	} else {
		paid := 0
		for cycle := 1; cycle <= 3; cycle++ { // the first month, then two more cycles
			if cycle > 1 {
				next, err := c.Subscriptions.Get(ctx, cus.ID, sub.ID)
				if err != nil {
					return err
				}
				fake.Advance(next.BillingCycleEnd.Sub(fake.Now()) + time.Minute)
				p.step("moved the fake's clock past %s: Conekta's scheduler charged the card", next.BillingCycleEnd.Format("2006-01-02"))
			}
			e, err := await(ctx, events, "subscription.paid")
			if err != nil {
				return err
			}
			s, err := e.Subscription()
			if err != nil || e.Type != conekta.EventSubscriptionPaid || s.ID != sub.ID {
				return fmt.Errorf("handler got %s (%v), want subscription.paid for %s", e.Type, err, sub.ID)
			}
			paid++
			p.step("webhook handler verified subscription.paid: period until %s, order %s", s.BillingCycleEnd.Format("2006-01-02"), s.LastBillingCycleOrderID)
		}
		if paid != 3 {
			return fmt.Errorf("%d months paid, want 3", paid)
		}
	}

	canceled, err := c.Subscriptions.Cancel(ctx, cus.ID, sub.ID)
	if err != nil {
		return fmt.Errorf("cancel: %w", err)
	}
	p.step("cancelled subscription %s: %s", canceled.ID, canceled.Status)
	if fake == nil {
		return nil
	}
	e, err := await(ctx, events, "subscription.canceled")
	if err != nil {
		return err
	}
	if e.Type != conekta.EventSubscriptionCanceled {
		return fmt.Errorf("after the cancel the handler got %s, want subscription.canceled", e.Type)
	}
	p.step("webhook handler verified subscription.canceled")
	fake.Advance(62 * 24 * time.Hour)
	after, err := c.Subscriptions.Get(ctx, cus.ID, sub.ID)
	if err != nil {
		return err
	}
	if after.LastBillingCycleOrderID != canceled.LastBillingCycleOrderID {
		return fmt.Errorf("a cancelled subscription was charged: order %s", after.LastBillingCycleOrderID)
	}
	avail, pending := fake.Balance("MXN")
	p.step("two months later nothing more was charged; the balance holds %d centavos available, %d pending", avail, pending)
	return nil
}
