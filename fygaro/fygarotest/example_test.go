package fygarotest_test

import (
	"context"
	"fmt"

	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
)

// A customer pays a dynamic link at the fake checkout; the hook reaches a
// handler, which reads the payment; a duplicate is acknowledged once more.
func Example() {
	ctx := context.Background()
	fake := fygarotest.NewServer(nil)
	defer fake.Close()

	fake.Subscribe(func(ctx context.Context, hook *fygaro.Hook) error { // hook URL, keys and clock in one call
		c, err := hook.Claims()
		if err != nil {
			return err
		}
		fmt.Println("paid", c.CustomReference, c.Amount, c.Currency, "as", hook.Reference)
		return nil
	})

	btn := fake.Button() // fygaro.NewButton(buttonURL, apiKey, apiSecret) in production
	link, _ := btn.Link(&fygaro.LinkParams{Amount: fygaro.AmountFromCents(2500), Currency: "USD", CustomReference: "order-42"})
	pay, err := fake.Pay(ctx, link, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("delivered with", pay.Delivery.StatusCode, "after", pay.Delivery.Attempts, "attempt")
	again, _ := fake.Resend(ctx, pay.Reference)
	fmt.Println("duplicate answered", again.StatusCode)
	// Output:
	// paid order-42 25.00 USD as FYG-000001
	// delivered with 200 after 1 attempt
	// duplicate answered 200
}
