package conekta

import (
	"context"
	"errors"
	"iter"
	"sync/atomic"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/internal/testutil/providertest"
)

// nilResult reports whether a method's result is nil, with its error.
func nilResult[T any](v *T, err error) (bool, error) { return providertest.NilResult(v, err) }

// firstOf reports the first item an All iterator yields, with its error.
func firstOf[T any](seq iter.Seq2[*T, error]) (bool, error) { return providertest.FirstOf(seq) }

// resultCall is one call of a service method, reporting whether its result
// is nil and its error.
type resultCall struct {
	name string
	run  func(ctx context.Context, c *Client) (bool, error)
}

// everyResultCall calls every service method with valid arguments.
func everyResultCall() []resultCall {
	cp := &CustomerParams{Name: "Ana", Email: "ana@example.com", Phone: "+5215555555555"}
	op := &OrderParams{Currency: "MXN", CustomerInfo: &CustomerInfo{CustomerID: "cus_1"},
		LineItems: []*LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 1}}, Charges: []*ChargeParams{ChargeDefault()}}
	return []resultCall{
		{"Customers.Create", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Customers.Create(ctx, cp)) }},
		{"Customers.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Customers.Get(ctx, "cus_1")) }},
		{"Customers.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Customers.List(ctx, nil)) }},
		{"Customers.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.Customers.All(ctx, nil)) }},
		{"Customers.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Customers.Update(ctx, "cus_1", &CustomerParams{Name: "Ana María"}))
		}},
		{"Customers.Delete", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Customers.Delete(ctx, "cus_1")) }},
		{"PaymentSources.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.PaymentSources.Create(ctx, "cus_1", CardSourceParams("tok_1")))
		}},
		{"PaymentSources.List", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.PaymentSources.List(ctx, "cus_1", nil))
		}},
		{"PaymentSources.All", func(ctx context.Context, c *Client) (bool, error) {
			return firstOf(c.PaymentSources.All(ctx, "cus_1", nil))
		}},
		{"PaymentSources.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.PaymentSources.Update(ctx, "cus_1", "src_1", &PaymentSourceUpdateParams{Name: "Ana"}))
		}},
		{"PaymentSources.Delete", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.PaymentSources.Delete(ctx, "cus_1", "src_1"))
		}},
		{"Orders.Create", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Orders.Create(ctx, op)) }},
		{"Orders.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Orders.Get(ctx, "ord_1")) }},
		{"Orders.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Orders.List(ctx, nil)) }},
		{"Orders.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.Orders.All(ctx, nil)) }},
		{"Orders.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Orders.Update(ctx, "ord_1", &OrderUpdateParams{Metadata: Metadata{"k": "v"}}))
		}},
		{"Orders.Cancel", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Orders.Cancel(ctx, "ord_1")) }},
		{"Orders.Capture", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Orders.Capture(ctx, "ord_1", 100))
		}},
		{"Orders.Refund", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Orders.Refund(ctx, "ord_1", &RefundParams{Amount: 100, Reason: "requested_by_client"}))
		}},
		{"Events.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Events.Get(ctx, "evt_1")) }},
		{"Events.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Events.List(ctx, nil)) }},
		{"Events.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.Events.All(ctx, nil)) }},
		{"Events.Resend", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Events.Resend(ctx, "evt_1", []string{"wh_1"}))
		}},
		{"Webhooks.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Webhooks.Create(ctx, &WebhookParams{URL: "https://example.com/hook"}))
		}},
		{"Webhooks.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Webhooks.Get(ctx, "wh_1")) }},
		{"Webhooks.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Webhooks.List(ctx, nil)) }},
		{"Webhooks.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.Webhooks.All(ctx, nil)) }},
		{"Webhooks.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Webhooks.Update(ctx, "wh_1", &WebhookUpdateParams{URL: "https://example.com/other"}))
		}},
		{"Webhooks.Delete", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Webhooks.Delete(ctx, "wh_1")) }},
		{"Webhooks.Test", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Webhooks.Test(ctx, "wh_1")) }},
		{"WebhookKeys.Create", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.WebhookKeys.Create(ctx, true)) }},
		{"WebhookKeys.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.WebhookKeys.Get(ctx, "whk_1")) }},
		{"WebhookKeys.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.WebhookKeys.List(ctx, nil)) }},
		{"WebhookKeys.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.WebhookKeys.All(ctx, nil)) }},
		{"WebhookKeys.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.WebhookKeys.Update(ctx, "whk_1", false))
		}},
		{"WebhookKeys.Delete", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.WebhookKeys.Delete(ctx, "whk_1"))
		}},
		{"Tokens.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Tokens.Create(ctx, &TokenCard{Number: "4242424242424242", Name: "Ana", ExpMonth: "12", ExpYear: "30", CVC: "123"}))
		}},
		{"PaymentTests.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.PaymentTests.Create(ctx, &PaymentTestParams{EventType: EventInboundPaymentLookup, Reference: "99000000001273"}))
		}},
	}
}

// answeringAll returns a client whose every request gets status and body, and
// a count of the requests that arrived.
func answeringAll(t *testing.T, status int, body string) (*Client, *atomic.Int64) {
	t.Helper()
	url, n := testutil.Counting(t, status, body)
	return testutil.Must(NewClient(testKey, WithBaseURL(url), withNoWait(), WithMaxRetries(0)))(t), n
}

// Every method returns a nil result with every error: an error answer (the
// typed *Error) and a 2xx answer that does not decode.
func TestEveryMethodReturnsNilOnError(t *testing.T) {
	t.Parallel()
	notFound, _ := answeringAll(t, 404, `{"object":"error","type":"resource_not_found_error","log_id":"log_404",`+
		`"details":[{"code":"conekta.errors.resource_not_found.entity","message":"El recurso no ha sido encontrado."}]}`)
	garbled, _ := answeringAll(t, 200, `{"id": 7, "data": {`)
	is404 := func(err error) bool {
		var ce *Error
		return errors.As(err, &ce) && ce.StatusCode == 404 && ce.LogID == "log_404"
	}
	for _, m := range everyResultCall() {
		providertest.NilOnError(t, m.name, m.run, notFound, garbled, is404, true)
	}
}

// Bad input is refused with a nil result and a *ParamError before anything
// is sent.
func TestBadInputReturnsNilAndParamError(t *testing.T) {
	t.Parallel()
	c, sent := answeringAll(t, 200, `{}`)
	over := &ListParams{Limit: MaxLimit + 1}
	bad := []resultCall{
		{"Customers.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Customers.Create(ctx, &CustomerParams{}))
		}},
		{"Customers.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Customers.Get(ctx, "")) }},
		{"Customers.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Customers.List(ctx, over)) }},
		{"Customers.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.Customers.All(ctx, over)) }},
		{"Customers.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Customers.Update(ctx, "cus_1", &CustomerParams{}))
		}},
		{"Customers.Delete", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Customers.Delete(ctx, "")) }},
		{"PaymentSources.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.PaymentSources.Create(ctx, "cus_1", &PaymentSourceParams{}))
		}},
		{"PaymentSources.List", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.PaymentSources.List(ctx, "", nil))
		}},
		{"PaymentSources.All", func(ctx context.Context, c *Client) (bool, error) {
			return firstOf(c.PaymentSources.All(ctx, "cus_1", over))
		}},
		{"PaymentSources.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.PaymentSources.Update(ctx, "cus_1", "src_1", &PaymentSourceUpdateParams{}))
		}},
		{"PaymentSources.Delete", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.PaymentSources.Delete(ctx, "cus_1", ""))
		}},
		{"Orders.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Orders.Create(ctx, &OrderParams{}))
		}},
		{"Orders.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Orders.Get(ctx, "")) }},
		{"Orders.List", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Orders.List(ctx, &OrderListParams{ListParams: *over}))
		}},
		{"Orders.All", func(ctx context.Context, c *Client) (bool, error) {
			return firstOf(c.Orders.All(ctx, &OrderListParams{ListParams: *over}))
		}},
		{"Orders.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Orders.Update(ctx, "ord_1", &OrderUpdateParams{}))
		}},
		{"Orders.Cancel", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Orders.Cancel(ctx, "")) }},
		{"Orders.Capture", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Orders.Capture(ctx, "ord_1", -1))
		}},
		{"Orders.Refund", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Orders.Refund(ctx, "ord_1", &RefundParams{Amount: 100}))
		}},
		{"Events.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Events.Get(ctx, "")) }},
		{"Events.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Events.List(ctx, over)) }},
		{"Events.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.Events.All(ctx, over)) }},
		{"Events.Resend", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Events.Resend(ctx, "evt_1", nil))
		}},
		{"Webhooks.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Webhooks.Create(ctx, &WebhookParams{}))
		}},
		{"Webhooks.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Webhooks.Get(ctx, "")) }},
		{"Webhooks.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Webhooks.List(ctx, over)) }},
		{"Webhooks.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.Webhooks.All(ctx, over)) }},
		{"Webhooks.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Webhooks.Update(ctx, "wh_1", &WebhookUpdateParams{}))
		}},
		{"Webhooks.Delete", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Webhooks.Delete(ctx, "")) }},
		{"Webhooks.Test", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Webhooks.Test(ctx, "")) }},
		{"WebhookKeys.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.WebhookKeys.Get(ctx, "")) }},
		{"WebhookKeys.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.WebhookKeys.List(ctx, over)) }},
		{"WebhookKeys.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.WebhookKeys.All(ctx, over)) }},
		{"WebhookKeys.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.WebhookKeys.Update(ctx, "", true))
		}},
		{"WebhookKeys.Delete", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.WebhookKeys.Delete(ctx, "")) }},
		{"Tokens.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Tokens.Create(ctx, &TokenCard{}))
		}},
		{"PaymentTests.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.PaymentTests.Create(ctx, &PaymentTestParams{}))
		}},
	}
	for _, m := range bad {
		providertest.BadInputRefused(t, m.name, m.run, c)
	}
	providertest.NoneSent(t, sent)
}
