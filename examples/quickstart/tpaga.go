package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
	"github.com/pagos-go/pagos/webhook"
)

// tpagaFlow: a single-use reference → paid at Efecty → the handler receives
// the deposit; a permanent reference → paid twice → disabled → a third
// payment is refused. With TPAGA_TOKEN set, the API steps run against Tpaga
// (staging unless TPAGA_BASE_URL says otherwise).
func tpagaFlow(ctx context.Context, p *printer, env func(string) string) error {
	if token := env("TPAGA_TOKEN"); token != "" {
		return tpagaLive(ctx, p, token, env("TPAGA_EFECTY_API_KEY"), env("TPAGA_BASE_URL"))
	}
	hooks, err := startHookServer()
	if err != nil {
		return err
	}
	defer hooks.Close()
	// The header value agreed with Tpaga for its notifications: a secret.
	agreed := "Basic " + rand.Text()
	fake := tpagatest.NewServer(nil, tpagatest.WithNotify(hooks.URL+"/webhooks/tpaga", agreed))
	defer fake.Close()
	p.step("started the Tpaga fake at %s (set TPAGA_TOKEN to use Tpaga's staging)", fake.URL)
	c := fake.Client()
	sim := fake.EfectySimulator()

	received := make(chan *tpaga.Notification, 4)
	h, err := webhook.NewTpagaHandler(agreed, func(ctx context.Context, n *tpaga.Notification) error {
		received <- n // a real handler credits the deposit durably here
		return nil
	})
	if err != nil {
		return err
	}
	hooks.mount(h)
	p.step("mounted the Tpaga notification handler at %s/webhooks/tpaga", hooks.URL)

	ref, err := c.References.Create(ctx, &tpaga.ReferenceParams{Requester: tpagaRequester, Description: "Recarga de saldo", Amount: 20000})
	if err != nil {
		return fmt.Errorf("create single-use reference: %w", err)
	}
	p.step("created single-use reference %s (agreement %s) for %d COP, idempotency_token %s", ref.Reference, ref.Agreement, ref.Amount, ref.IdempotencyToken)
	if _, err := sim.Lookup(ctx, ref.Reference); err != nil {
		return fmt.Errorf("kiosk lookup: %w", err)
	}
	pay, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: ref.Amount})
	if err != nil {
		return fmt.Errorf("pay at Efecty: %w", err)
	}
	p.step("the depositor paid %d COP at Efecty (order %s)", pay.Amount, pay.EfectyOrderID)
	n, err := await(ctx, received, "the deposit notification")
	if err != nil {
		return err
	}
	amount, err := n.Amount()
	if err != nil || n.Reference != ref.Reference || amount != ref.Amount || n.EfectyOrderID != pay.EfectyOrderID {
		return fmt.Errorf("handler got %+v (amount %d, %v), want reference %s, %d COP, order %s", n, amount, err, ref.Reference, ref.Amount, pay.EfectyOrderID)
	}
	p.step("webhook handler received the deposit: %d COP to %s (Efecty order %s)", amount, n.Reference, n.EfectyOrderID)

	perm, err := c.PermanentReferences.Create(ctx, &tpaga.PermanentReferenceParams{Reference: "pagosdemo1", Requester: tpagaRequester, Description: "Referencia permanente de Ana"})
	if err != nil {
		return fmt.Errorf("create permanent reference: %w", err)
	}
	p.step("created permanent reference %s (agreement %s)", perm.Reference, perm.Agreement)
	for _, amount := range []int64{15000, 30000} {
		if _, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: perm.Reference, Amount: amount}); err != nil {
			return fmt.Errorf("pay %d to the permanent reference: %w", amount, err)
		}
		n, err := await(ctx, received, "the deposit notification")
		if err != nil {
			return err
		}
		got, err := n.Amount()
		if err != nil {
			return err
		}
		p.step("the depositor paid %d COP to %s; the handler received it (order %s)", got, n.Reference, n.EfectyOrderID)
	}
	return tpagaDisableAndRefuse(ctx, p, c, sim, perm.Reference)
}

// tpagaDisableAndRefuse checks a permanent reference's two deposits,
// disables it, and shows a third payment refused.
func tpagaDisableAndRefuse(ctx context.Context, p *printer, c *tpaga.Client, sim *tpaga.EfectySimulator, reference string) error {
	det, err := c.ReferenceDetails.Get(ctx, reference)
	if err != nil {
		return fmt.Errorf("reference details: %w", err)
	}
	if len(det.DepositIntents) != 2 {
		return fmt.Errorf("reference %s has %d deposit intents, want 2", reference, len(det.DepositIntents))
	}
	p.step("details of %s: permanent, enabled, %d deposit intents", reference, len(det.DepositIntents))
	if _, err := c.PermanentReferences.Disable(ctx, reference); err != nil {
		return fmt.Errorf("disable: %w", err)
	}
	p.step("disabled %s", reference)
	_, err = sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: reference, Amount: 5000})
	if !errors.Is(err, tpaga.ErrInvalidRequest) {
		return fmt.Errorf("a payment to the disabled reference: got %v, want it refused", err)
	}
	p.step("a third payment was refused: %v", err)
	return nil
}

// tpagaRequester is the depositor of the flows.
var tpagaRequester = tpaga.Requester{
	FirstNames: "Ana", LastNames: "Pérez Gómez", DocumentType: tpaga.DocumentCC, DocumentNumber: "1020304050",
	PhoneNumber: "+573001234567", Email: "ana@example.com",
}

// tpagaLive runs the flow against Tpaga: references are created for real,
// and with an Efecty simulator key (staging only) they are paid too. Tpaga
// posts its notifications to the URL agreed with it, not to this program, so
// deposits are confirmed through the reference details instead.
func tpagaLive(ctx context.Context, p *printer, token, efectyKey, baseURL string) error {
	if baseURL == "" {
		baseURL = tpaga.StagingURL
	}
	c, err := tpaga.NewClient(token, tpaga.WithBaseURL(baseURL))
	if err != nil {
		return err
	}
	p.step("using Tpaga at %s", baseURL)
	ref, err := c.References.Create(ctx, &tpaga.ReferenceParams{Requester: tpagaRequester, Description: "pagos quickstart", Amount: 20000})
	if err != nil {
		return fmt.Errorf("create single-use reference: %w", err)
	}
	p.step("created single-use reference %s (agreement %s) for %d COP", ref.Reference, ref.Agreement, ref.Amount)
	suffix := time.Now().Format("0102150405") // 10 digits: a new permanent reference per run
	if efectyKey == "" {
		perm, err := c.PermanentReferences.Create(ctx, &tpaga.PermanentReferenceParams{Reference: suffix, Requester: tpagaRequester, Description: "pagos quickstart"})
		if err != nil {
			return fmt.Errorf("create permanent reference (they depend on your contract with Tpaga): %w", err)
		}
		p.step("created permanent reference %s", perm.Reference)
		p.note("set TPAGA_EFECTY_API_KEY to pay through Tpaga's staging simulator (its guide prints a public key: tpaga.EfectyStagingAPIKey)")
		return nil
	}
	sim, err := tpaga.NewEfectySimulator(efectyKey, tpaga.WithBaseURL(baseURL))
	if err != nil {
		return err
	}
	if _, err := sim.Lookup(ctx, ref.Reference); err != nil {
		return fmt.Errorf("kiosk lookup: %w", err)
	}
	pay, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: ref.Amount})
	if err != nil {
		return fmt.Errorf("pay at Efecty: %w", err)
	}
	if err := awaitIntents(ctx, c, ref.Reference, 1); err != nil {
		return err
	}
	p.step("paid %d COP at the simulator (order %s); Tpaga recorded the deposit and notifies the URL agreed with it", pay.Amount, pay.EfectyOrderID)

	perm, err := c.PermanentReferences.Create(ctx, &tpaga.PermanentReferenceParams{Reference: suffix, Requester: tpagaRequester, Description: "pagos quickstart"})
	if err != nil {
		return fmt.Errorf("create permanent reference (they depend on your contract with Tpaga): %w", err)
	}
	p.step("created permanent reference %s", perm.Reference)
	for i, amount := range []int64{15000, 30000} {
		if _, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: perm.Reference, Amount: amount}); err != nil {
			return fmt.Errorf("pay %d to the permanent reference: %w", amount, err)
		}
		if err := awaitIntents(ctx, c, perm.Reference, i+1); err != nil {
			return err
		}
		p.step("paid %d COP to %s", amount, perm.Reference)
	}
	return tpagaDisableAndRefuse(ctx, p, c, sim, perm.Reference)
}

// awaitIntents polls a reference's details until it has n deposit intents.
func awaitIntents(ctx context.Context, c *tpaga.Client, reference string, n int) error {
	for {
		det, err := c.ReferenceDetails.Get(ctx, reference)
		if err != nil {
			return fmt.Errorf("reference details: %w", err)
		}
		if len(det.DepositIntents) >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("reference %s has %d deposit intents, want %d: %w", reference, len(det.DepositIntents), n, ctx.Err())
		case <-time.After(time.Second):
		}
	}
}
