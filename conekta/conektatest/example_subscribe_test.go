package conektatest_test

import (
	"context"
	"fmt"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
)

// Subscribe wires a handler to the fake in one call; a one-off OXXO order
// paid at the till reaches it as order.paid.
func ExampleServer_Subscribe() {
	ctx := context.Background()
	srv := conektatest.NewServer(nil) // NewServer(t) in a test: closed when it ends
	defer srv.Close()
	srv.Subscribe(func(ctx context.Context, e *conekta.Event) error {
		if e.Type != conekta.EventOrderPaid {
			return nil
		}
		o, err := e.Order()
		if err != nil {
			return err
		}
		fmt.Println("paid", o.ID, o.Amount, "centavos")
		return nil
	})

	ord, err := srv.Client().Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN",
		CustomerInfo: &conekta.CustomerInfo{Name: "Ana", Email: "ana@example.com", Phone: "+5215555555555"},
		LineItems:    []*conekta.LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 1}},
		Charges:      []*conekta.ChargeParams{conekta.ChargeCash(conekta.Time{})}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ref, _ := ord.CashReference()
	if _, err := srv.PayAtTill(ctx, ref, ord.Amount); err != nil {
		fmt.Println(err)
	}
	_ = srv.Settle(ctx) // Conekta delivers after answering
	// Output: paid ord_000003 20015 centavos
}
