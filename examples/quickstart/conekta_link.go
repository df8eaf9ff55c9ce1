package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
)

// conektaLinkFlow: a payment link for a class → the customer pays it by
// card on the checkout page → order.paid reaches the handler, with the
// link's metadata → the link is finished.
func conektaLinkFlow(ctx context.Context, p *printer, env func(string) string) error {
	c, fake, err := conektaClient(p, env)
	if err != nil {
		return err
	}
	if fake != nil {
		defer fake.Close()
	}
	var events <-chan *conekta.Event
	if fake != nil {
		var stop func()
		if events, stop, err = conektaHooks(ctx, p, c, conekta.EventOrderPaid); err != nil {
			return err
		}
		defer stop()
	}

	link, err := c.Checkouts.Create(ctx, &conekta.CheckoutParams{
		Name:                  "Clase de yoga",
		ExpiresAt:             conekta.TimeOf(time.Now().Add(48 * time.Hour)),
		AllowedPaymentMethods: []conekta.CheckoutMethod{conekta.CheckoutCard, conekta.CheckoutCash},
		OrderTemplate: &conekta.CheckoutOrderTemplate{Currency: "MXN",
			LineItems: []*conekta.LineItem{{Name: "Clase de yoga", UnitPrice: 25000, Quantity: 1}},
			TaxLines:  []*conekta.TaxLineParams{{Amount: 4000, Description: "IVA"}},
			Metadata:  conekta.Metadata{"curso": "quickstart-yoga"}},
	})
	if err != nil {
		return fmt.Errorf("create payment link: %w", err)
	}
	p.step("created payment link %s (%s): send the customer to %s", link.ID, link.Status, link.URL)
	if fake == nil {
		p.note("paying the link needs a person on Conekta's page; it runs against the fake only")
		return nil
	}

	// What a customer paying by card on Conekta's page causes.
	o, err := fake.PayCheckout(link.ID, conekta.ChargeToken(conektatest.TokenVisa))
	if err != nil {
		return err
	}
	p.step("the customer paid the link by card: order %s for %d centavos, %s", o.ID, o.Amount, o.PaymentStatus)
	e, err := await(ctx, events, "the order.paid event")
	if err != nil {
		return err
	}
	paid, err := e.Order()
	if err != nil || paid.ID != o.ID || paid.Metadata["curso"] != "quickstart-yoga" {
		return fmt.Errorf("handler got %v for order %v, want %s with the link's metadata", paid, err, o.ID)
	}
	p.step("webhook handler verified order.paid: %s paid %d centavos for %v", paid.ID, paid.Amount, paid.Metadata["curso"])
	after, err := c.Checkouts.Get(ctx, link.ID)
	if err != nil {
		return err
	}
	p.step("the link took %d payment and is %s", after.PaidPaymentsCount, after.Status)
	return nil
}
