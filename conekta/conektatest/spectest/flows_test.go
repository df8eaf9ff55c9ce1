package spectest

import (
	"testing"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
)

// Every operation the fake serves, called through the client, so that the
// OpenAPI check (newFake's transport) sees each request and answer once:
// customers, payment sources, tokens, orders, charges, refunds, events,
// webhooks and webhook keys, and the orders the till pays.
func TestEveryOperationKeepsToTheSpec(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	tok, err := c.Tokens.Create(ctx, &conekta.TokenCard{Number: conektatest.CardVisa, Name: "Felipe Gómez", ExpMonth: "12", ExpYear: "30", CVC: "123"})
	must(err)
	cus, err := c.Customers.Create(ctx, &conekta.CustomerParams{Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555",
		CustomReference: "cliente-7", Metadata: conekta.Metadata{"plan": "oro"}})
	must(err)
	_, err = c.Customers.Get(ctx, cus.ID)
	must(err)
	_, err = c.Customers.Update(ctx, cus.ID, &conekta.CustomerParams{Name: "Felipe Gómez Ruiz"})
	must(err)
	_, err = c.Customers.List(ctx, &conekta.ListParams{Limit: 1})
	must(err)

	card, err := c.PaymentSources.Create(ctx, cus.ID, conekta.CardSourceParams(tok.ID))
	must(err)
	cash, err := c.PaymentSources.Create(ctx, cus.ID, c.RecurringCashSource())
	must(err)
	_, err = c.PaymentSources.List(ctx, cus.ID, nil)
	must(err)
	_, err = c.PaymentSources.Update(ctx, cus.ID, card.ID, &conekta.PaymentSourceUpdateParams{Name: "F. Gómez"})
	must(err)

	o, err := c.Orders.Create(ctx, order(cus.ID, conekta.ChargeDefault()))
	must(err)
	_, err = c.Orders.Refund(ctx, o.ID, &conekta.RefundParams{Amount: 15, Reason: "requested_by_client"})
	must(err)
	pending, err := c.Orders.Create(ctx, order(cus.ID, conekta.ChargeCash(conekta.TimeOf(time.Unix(1893456000, 0)))))
	must(err)
	_, err = c.Orders.Update(ctx, pending.ID, &conekta.OrderUpdateParams{Metadata: conekta.Metadata{"pedido": "7"}})
	must(err)
	tp, err := srv.PayAtTill(ctx, string(pending.Charges.Data[0].PaymentMethod.Cash.Reference), pending.Amount)
	if err != nil || !tp.Paid {
		t.Fatalf("till: %+v, %v", tp, err)
	}
	_, err = c.Orders.Get(ctx, pending.ID)
	must(err)
	spei, err := c.Orders.Create(ctx, order(cus.ID, &conekta.ChargeParams{PaymentMethod: &conekta.ChargeMethod{Type: conekta.MethodSPEI}}))
	must(err)
	_, err = c.Orders.Cancel(ctx, spei.ID)
	must(err)
	_, err = c.Orders.List(ctx, &conekta.OrderListParams{ListParams: conekta.ListParams{Limit: 2}})
	must(err)

	wh, err := c.Webhooks.Create(ctx, &conekta.WebhookParams{URL: "https://example.com/conekta"})
	must(err)
	_, err = c.Webhooks.Get(ctx, wh.ID)
	must(err)
	off := false
	_, err = c.Webhooks.Update(ctx, wh.ID, &conekta.WebhookUpdateParams{Active: &off})
	must(err)
	_, err = c.Webhooks.List(ctx, nil)
	must(err)
	_, err = c.Webhooks.Delete(ctx, wh.ID)
	must(err)

	k, err := c.WebhookKeys.Create(ctx, false)
	must(err)
	_, err = c.WebhookKeys.Get(ctx, k.ID)
	must(err)
	_, err = c.WebhookKeys.Update(ctx, k.ID, true)
	must(err)
	_, err = c.WebhookKeys.List(ctx, nil)
	must(err)
	_, err = c.WebhookKeys.Delete(ctx, k.ID)
	must(err)

	evs, err := c.Events.List(ctx, &conekta.ListParams{Limit: 3})
	must(err)
	_, err = c.Events.Get(ctx, evs.Data[0].ID)
	must(err)

	_, err = c.PaymentSources.Delete(ctx, cus.ID, cash.ID)
	must(err)
	_, err = c.Customers.Delete(ctx, cus.ID)
	must(err)
}
