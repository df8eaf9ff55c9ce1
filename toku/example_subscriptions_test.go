package toku_test

import (
	"context"
	"fmt"
	"time"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
)

// Subscribe a customer to a monthly plan, here against the in-process fake
// on a fixed clock: created on 12 October with due day 5, the first invoice
// is issued on 1 November, due 5 November.
func ExampleSubscriptionsService_Create() {
	start := time.Date(2026, time.October, 12, 10, 0, 0, 0, time.UTC)
	srv := tokutest.NewServer(nil, tokutest.WithClock(func() time.Time { return start }))
	defer srv.Close()
	c := srv.Client() // toku.NewClient(apiKey) in production
	ctx := context.Background()

	cus, err := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	sub, err := c.Subscriptions.Create(ctx, &toku.SubscriptionParams{
		Customer: cus.ID, ProductID: "contract-42",
		IsRecurring: toku.Bool(true), Amount: toku.AmountFromWhole(19990), DueDay: 5, CurrencyCode: "CLP",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := srv.Advance(ctx, 20*24*time.Hour); err != nil { // to 1 November
		fmt.Println(err)
		return
	}
	for inv, err := range c.Invoices.AllByCustomer(ctx, cus.ID, nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(inv.Subscription == sub.ID, inv.DueDate, inv.Amount, inv.CurrencyCode)
	}
	// Output:
	// true 2026-11-05 19990 CLP
}
