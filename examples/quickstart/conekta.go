package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/conektasync"
)

// conektaClient returns a client for the real Conekta when CONEKTA_API_KEY
// is set, and otherwise one for a fresh fake (then fake is not nil, and the
// caller closes it).
func conektaClient(p *printer, env func(string) string) (c *conekta.Client, fake *conektatest.Server, err error) {
	if key := env("CONEKTA_API_KEY"); key != "" {
		var opts []conekta.Option
		if u := env("CONEKTA_BASE_URL"); u != "" {
			opts = append(opts, conekta.WithBaseURL(u))
		}
		p.step("using the real Conekta API")
		c, err = conekta.NewClient(key, opts...)
		return c, nil, err
	}
	fake = conektatest.NewServer(nil)
	p.step("started the Conekta fake at %s (set CONEKTA_API_KEY to use the sandbox)", fake.URL)
	return fake.Client(), fake, nil
}

// conektaHooks registers a webhook at a loopback server and mounts a
// verifying handler there, with the public keys of the account's active
// webhook keys. Events the handler verifies are sent on the channel.
func conektaHooks(ctx context.Context, p *printer, c *conekta.Client, want conekta.EventType) (<-chan *conekta.Event, func(), error) {
	hooks, err := startHookServer()
	if err != nil {
		return nil, nil, err
	}
	wh, err := c.Webhooks.Create(ctx, &conekta.WebhookParams{URL: hooks.URL + "/webhooks/conekta", SubscribedEvents: []conekta.EventType{want}})
	if err != nil {
		hooks.Close()
		return nil, nil, fmt.Errorf("register webhook: %w", err)
	}
	list, err := c.WebhookKeys.List(ctx, nil)
	if err != nil {
		hooks.Close()
		return nil, nil, fmt.Errorf("list webhook keys: %w", err)
	}
	keys, err := conekta.ActivePublicKeys(list.Data)
	if err != nil {
		hooks.Close()
		return nil, nil, err
	}
	received := make(chan *conekta.Event, 4)
	h, err := webhook.NewConektaHandler(keys, func(ctx context.Context, e *conekta.Event) error {
		received <- e // a real handler records the payment durably here
		return nil
	})
	if err != nil {
		hooks.Close()
		return nil, nil, err
	}
	hooks.mount(h)
	p.step("registered webhook %s → %s for %s, verified with %d webhook key(s)", wh.ID, wh.URL, want, len(keys))
	return received, hooks.Close, nil
}

// conektaCardFlow: card token → customer with the card → an on-demand order
// charged to the default source → order.paid received.
func conektaCardFlow(ctx context.Context, p *printer, env func(string) string) error {
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

	// In production the card is tokenized in the browser by Conekta's
	// component; the sandbox tokenizes its test card server-side too.
	tok, err := c.Tokens.Create(ctx, &conekta.TokenCard{Number: conektatest.CardVisa, Name: "Felipe Gómez", ExpMonth: "12", ExpYear: "30", CVC: "123"})
	if err != nil {
		return fmt.Errorf("tokenize the test card: %w", err)
	}
	p.step("tokenized the test card: %s", tok.ID)

	cus, err := c.Customers.Create(ctx, &conekta.CustomerParams{Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555",
		PaymentSources: []*conekta.PaymentSourceParams{conekta.CardSourceParams(tok.ID)}})
	if err != nil {
		return fmt.Errorf("create customer: %w", err)
	}
	card := cus.PaymentSources.Data[0].Card
	p.step("created customer %s with card %s ending %s as default source", cus.ID, card.Brand, card.Last4)

	o, err := c.Orders.Create(ctx, &conekta.OrderParams{
		Currency:     "MXN",
		CustomerInfo: &conekta.CustomerInfo{CustomerID: cus.ID},
		LineItems:    []*conekta.LineItem{{Name: "Vasija de Cerámica", UnitPrice: 20015, Quantity: 1, SKU: "SKU"}},
		Charges:      []*conekta.ChargeParams{conekta.ChargeDefault()},
		Metadata:     conekta.Metadata{"order_ref": "quickstart-1"},
	})
	if err != nil {
		return fmt.Errorf("create order: %w", err)
	}
	p.step("created order %s for %d centavos, charged to the default card: %s", o.ID, o.Amount, o.PaymentStatus)
	if fake == nil {
		p.note("receiving webhooks needs a public URL (Conekta refuses localhost); it runs against the fake only")
		return nil
	}
	e, err := await(ctx, events, "the order.paid event")
	if err != nil {
		return err
	}
	paid, err := e.Order()
	if err != nil || paid.ID != o.ID || paid.Amount != o.Amount {
		return fmt.Errorf("handler got %v for order %v, want %s", paid, err, o.ID)
	}
	p.step("webhook handler verified order.paid: %s paid %d centavos", paid.ID, paid.Amount)
	return nil
}

// tillResponder approves recurring cash payments of the one reference it
// knows, from $50 to $10,000.
type tillResponder struct {
	reference string
	approved  chan<- string
}

func (r tillResponder) Lookup(ctx context.Context, e *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	if p.Reference() != r.reference {
		return conekta.Decline(conekta.FailureReferenceNotFound), nil
	}
	r.approved <- fmt.Sprintf("lookup of %s: payable from 5000 to 1000000 centavos", p.Reference())
	return conekta.ApproveLookup(5000, 1000000), nil
}

func (r tillResponder) PaymentAttempt(ctx context.Context, e *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	r.approved <- fmt.Sprintf("payment attempt of %d centavos", p.Amount)
	return conekta.ApprovePayment(), nil // not paid yet: settle on charge.paid
}

func (r tillResponder) Reverse(ctx context.Context, e *conekta.Event, p *conekta.InboundPayment) error {
	return errors.New("quickstart: no reverse expected")
}

// conektaCashFlow: a customer with a recurring cash reference → its
// reference and barcode → the customer pays at an OXXO till → the sync
// approval handler approves an amount range and the attempt → charge.paid
// received.
func conektaCashFlow(ctx context.Context, p *printer, env func(string) string) error {
	c, fake, err := conektaClient(p, env)
	if err != nil {
		return err
	}
	if fake != nil {
		defer fake.Close()
	}
	cus, err := c.Customers.Create(ctx, &conekta.CustomerParams{Name: "Fulanito", Email: "fulanito@example.com", Phone: "+5218181818181",
		PaymentSources: []*conekta.PaymentSourceParams{c.RecurringCashSource()}})
	if err != nil {
		return fmt.Errorf("create customer: %w", err)
	}
	ref := cus.PaymentSources.Data[0].Cash
	p.step("created customer %s with a %s reference", cus.ID, cus.PaymentSources.Data[0].Type)
	p.note("pay at OXXO with reference %s; barcode %s", ref.Reference, ref.BarcodeURL)
	if fake == nil {
		p.note("the till, the approval URL (a setting of Conekta's panel) and webhooks need a public URL; they run against the fake only")
		return nil
	}
	events, stop, err := conektaHooks(ctx, p, c, conekta.EventChargePaid)
	if err != nil {
		return err
	}
	defer stop()

	approval, err := startHookServer()
	if err != nil {
		return err
	}
	defer approval.Close()
	approved := make(chan string, 4)
	h, err := conektasync.NewHandler(conektasync.Auth{Keys: fake.PublicKeys(), Username: "conekta", Password: "quickstart-approval"},
		tillResponder{reference: string(ref.Reference), approved: approved})
	if err != nil {
		return err
	}
	approval.mount(h)
	if err := fake.SetApprovalURL("http://conekta:quickstart-approval@" + approval.URL[len("http://"):] + "/conekta/approval"); err != nil {
		return err
	}
	p.step("set the approval URL %s/conekta/approval (in Conekta's panel: \"Usar para Oxxo Pay Recurrente\")", approval.URL)

	tp, err := fake.PayAtTill(ctx, string(ref.Reference), 110700)
	if err != nil {
		return fmt.Errorf("pay at the till: %w", err)
	}
	for range 2 {
		msg, err := await(ctx, approved, "the approval handler")
		if err != nil {
			return err
		}
		p.step("approval handler approved the %s", msg)
	}
	if !tp.Paid {
		return fmt.Errorf("the till declined: lookup %+v, attempt %+v", tp.Lookup, tp.Attempt)
	}
	p.step("the customer paid %d centavos at the OXXO till in %s + %s (Conekta allows 2 s each)", tp.Amount,
		tp.Lookup.Elapsed.Round(100*time.Microsecond), tp.Attempt.Elapsed.Round(100*time.Microsecond))
	e, err := await(ctx, events, "the charge.paid event")
	if err != nil {
		return err
	}
	ch, err := e.Charge()
	if err != nil || ch.ID != tp.ChargeID || ch.Amount != tp.Amount {
		return fmt.Errorf("handler got charge %v (%v), want %s", ch, err, tp.ChargeID)
	}
	p.step("webhook handler verified charge.paid: %s paid %d centavos at %s", ch.ID, ch.Amount, ch.PaymentMethod.Cash.StoreName)
	return nil
}
