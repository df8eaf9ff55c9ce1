package conekta

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
)

// amountRecorder is a Conekta stand-in that keeps every request body it
// receives and answers each with an order.
type amountRecorder struct{ testutil.BodyRecorder }

func (rec *amountRecorder) client(t *testing.T) *Client {
	t.Helper()
	return testutil.Must(NewClient(testKey, WithBaseURL(rec.Serve(t, `{"id":"ord_1"}`)), withNoWait(), WithMaxRetries(0)))(t)
}

func (rec *amountRecorder) sent() []string { return rec.Sent() }

// amountCall sends one amount through one method.
type amountCall struct {
	name, field string
	run         func(ctx context.Context, c *Client, amount int64) error
}

func amountCalls() []amountCall {
	order := func(amount int64) *OrderParams {
		return &OrderParams{Currency: "MXN", CustomerInfo: &CustomerInfo{CustomerID: "cus_1"},
			LineItems: []*LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 1}},
			Charges:   []*ChargeParams{{PaymentMethod: &ChargeMethod{Type: MethodDefault}, Amount: amount}}}
	}
	return []amountCall{
		{"Orders.Create charge", "OrderParams.Charges[0].Amount", func(ctx context.Context, c *Client, a int64) error {
			_, err := c.Orders.Create(ctx, order(a))
			return err
		}},
		{"Orders.Update charge", "OrderUpdateParams.Charges[0].Amount", func(ctx context.Context, c *Client, a int64) error {
			_, err := c.Orders.Update(ctx, "ord_1", &OrderUpdateParams{Charges: order(a).Charges})
			return err
		}},
		{"Orders.Capture", "amount", func(ctx context.Context, c *Client, a int64) error {
			_, err := c.Orders.Capture(ctx, "ord_1", a)
			return err
		}},
		{"Orders.Refund", "RefundParams.Amount", func(ctx context.Context, c *Client, a int64) error {
			_, err := c.Orders.Refund(ctx, "ord_1", &RefundParams{Amount: a, Reason: "requested_by_client"})
			return err
		}},
		{"PaymentTests.Create", "PaymentTestParams.Amount", func(ctx context.Context, c *Client, a int64) error {
			_, err := c.PaymentTests.Create(ctx, &PaymentTestParams{EventType: EventInboundPaymentAttempt, Reference: "99000000001273", Amount: a})
			return err
		}},
	}
}

// Amounts above MaxAmount are refused before sending, naming the field.
func TestAmountsAboveTheBoundAreRefused(t *testing.T) {
	t.Parallel()
	var rec amountRecorder
	c := rec.client(t)
	for _, m := range amountCalls() {
		for _, a := range []int64{MaxAmount + 1, math.MaxInt64} {
			err := m.run(t.Context(), c, a)
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Field != m.field {
				t.Errorf("%s with %d: err = %v, want a ParamError naming %s", m.name, a, err, m.field)
			}
		}
	}
	// An update's line items are checked as a create's.
	_, err := c.Orders.Update(t.Context(), "ord_1", &OrderUpdateParams{LineItems: []*LineItem{{Name: "Vasija", UnitPrice: math.MaxInt32 + 1, Quantity: 1}}})
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Field != "OrderUpdateParams.LineItems[0].UnitPrice" {
		t.Errorf("update with a unit price above int32: err = %v", err)
	}
	if got := rec.sent(); len(got) != 0 {
		t.Errorf("refused amounts were sent: %q", got)
	}
}

// MaxAmount itself, and the largest unit price, still go out as written.
func TestAmountsAtTheBoundAreSent(t *testing.T) {
	t.Parallel()
	var rec amountRecorder
	c := rec.client(t)
	calls := amountCalls()
	for _, m := range calls {
		if err := m.run(t.Context(), c, MaxAmount); err != nil {
			t.Errorf("%s with MaxAmount: %v", m.name, err)
		}
	}
	if _, err := c.Orders.Update(t.Context(), "ord_1", &OrderUpdateParams{LineItems: []*LineItem{{Name: "Vasija", UnitPrice: math.MaxInt32, Quantity: math.MaxInt32}}}); err != nil {
		t.Errorf("update with the largest unit price and quantity: %v", err)
	}
	got := rec.sent()
	if len(got) != len(calls)+1 {
		t.Fatalf("sent %d requests, want %d: %q", len(got), len(calls)+1, got)
	}
	want := strconv.FormatInt(MaxAmount, 10)
	for i, m := range calls {
		if !strings.Contains(got[i], `"amount":`+want) && !strings.Contains(got[i], `"amount":"`+want+`"`) {
			t.Errorf("%s: body %s does not carry %s", m.name, got[i], want)
		}
	}
	if last := got[len(got)-1]; !strings.Contains(last, `"unit_price":2147483647`) {
		t.Errorf("update body %s does not carry the unit price", last)
	}
}
