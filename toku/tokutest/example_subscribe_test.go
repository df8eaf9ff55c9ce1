package tokutest_test

import (
	"context"
	"fmt"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/webhook"
)

// Subscribe wires a handler to the fake in one call; a paid invoice's
// transaction.success reaches it, confirmed through the fake's API.
func ExampleServer_Subscribe() {
	ctx := context.Background()
	srv := tokutest.NewServer(nil) // NewServer(t) in a test: closed when it ends
	defer srv.Close()
	c := srv.Client()
	srv.Subscribe(func(ctx context.Context, e *toku.Event) error {
		if e.Type != toku.EventTransactionSuccess || !e.Authenticated() {
			return nil
		}
		tr, err := e.Transaction()
		if err != nil {
			return err
		}
		fmt.Println("paid", tr.ID, tr.Amount)
		return nil
	}, webhook.WithTokuConfirmation(c))

	cus, _ := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com"})
	inv, _ := c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "plan-mensual",
		DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.AmountFromWhole(19990)})
	if _, err := srv.PayInvoice(ctx, inv.ID); err != nil {
		fmt.Println(err)
	}
	// Output: paid trs_000005 19990
}
