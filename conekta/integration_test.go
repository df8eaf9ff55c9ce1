//go:build integration

package conekta_test

import (
	"errors"
	"os"
	"testing"

	"github.com/pagos-go/pagos/conekta"
)

// TestSandbox runs the on-demand card and recurring cash API steps against
// Conekta's sandbox:
//
//	CONEKTA_API_KEY=key_… go test -tags integration -run Sandbox ./conekta/
func TestSandbox(t *testing.T) {
	key := os.Getenv("CONEKTA_API_KEY")
	if key == "" {
		t.Fatal("set CONEKTA_API_KEY to a sandbox private key")
	}
	var opts []conekta.Option
	if u := os.Getenv("CONEKTA_BASE_URL"); u != "" {
		opts = append(opts, conekta.WithBaseURL(u))
	}
	c, err := conekta.NewClient(key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	tok, err := c.Tokens.Create(ctx, &conekta.TokenCard{Number: "4242424242424242", Name: "pagos sandbox", ExpMonth: "12", ExpYear: "30", CVC: "123"})
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	cus, err := c.Customers.Create(ctx, &conekta.CustomerParams{Name: "pagos sandbox", Email: "sandbox@example.com", Phone: "+5215555555555",
		PaymentSources: []*conekta.PaymentSourceParams{conekta.CardSourceParams(tok.ID)}})
	if err != nil {
		t.Fatalf("customer: %v", err)
	}
	t.Cleanup(func() { _, _ = c.Customers.Delete(ctx, cus.ID) })
	o, err := c.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{CustomerID: cus.ID},
		LineItems: []*conekta.LineItem{{Name: "pagos sandbox", UnitPrice: 20015, Quantity: 1}}, Charges: []*conekta.ChargeParams{conekta.ChargeDefault()}})
	if err != nil {
		t.Fatalf("order: %v", err)
	}
	if o.Amount != 20015 || len(o.Charges.Data) != 1 {
		t.Fatalf("order %+v", o)
	}
	src, err := c.PaymentSources.Create(ctx, cus.ID, c.RecurringCashSource())
	if err != nil || src.Cash == nil || src.Cash.Reference == "" {
		t.Fatalf("recurring cash reference %+v, %v", src, err)
	}
	if _, err := c.Orders.Get(ctx, "ord_does_not_exist"); !errors.Is(err, conekta.ErrNotFound) {
		t.Fatalf("unknown order: %v", err)
	}
}
