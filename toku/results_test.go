package toku

import (
	"context"
	"errors"
	"iter"
	"strings"
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
// is nil and its error. Methods that return only an error report true.
type resultCall struct {
	name string
	run  func(ctx context.Context, c *Client) (bool, error)
}

// decodes reports whether the method decodes a 2xx body; a Delete does not.
func (m resultCall) decodes() bool { return !strings.HasSuffix(m.name, ".Delete") }

// everyResultCall calls every service method with valid arguments.
func everyResultCall() []resultCall {
	cp := &CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com"}
	ip := &InvoiceParams{Customer: "cus_1", ProductID: "p1", DueDate: Date{2026, 1, 31}, Amount: AmountFromWhole(19990)}
	wp := &WebhookEndpointParams{URL: "https://example.com/hook", EnabledEvents: []EventType{EventTransactionSuccess}}
	pl := &PaymentListParams{StartDate: Date{2026, 1, 1}, EndDate: Date{2026, 1, 2}}
	return []resultCall{
		{"Customers.Create", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Customers.Create(ctx, cp)) }},
		{"Customers.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Customers.Get(ctx, "cus_1")) }},
		{"Customers.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Customers.List(ctx, nil)) }},
		{"Customers.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.Customers.All(ctx, nil)) }},
		{"Customers.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Customers.Update(ctx, "cus_1", &CustomerParams{Name: "Ana"}))
		}},
		{"Customers.Delete", func(ctx context.Context, c *Client) (bool, error) { return true, c.Customers.Delete(ctx, "cus_1") }},
		{"Invoices.Create", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Invoices.Create(ctx, ip)) }},
		{"Invoices.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Invoices.Get(ctx, "in_1")) }},
		{"Invoices.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Invoices.List(ctx, nil)) }},
		{"Invoices.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.Invoices.All(ctx, nil)) }},
		{"Invoices.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Invoices.Update(ctx, "in_1", &InvoiceParams{ProductID: "p2"}))
		}},
		{"Invoices.Void", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Invoices.Void(ctx, "in_1")) }},
		{"Invoices.Delete", func(ctx context.Context, c *Client) (bool, error) { return true, c.Invoices.Delete(ctx, "in_1") }},
		{"WebhookEndpoints.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.WebhookEndpoints.Create(ctx, wp))
		}},
		{"WebhookEndpoints.Get", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.WebhookEndpoints.Get(ctx, "whe_1"))
		}},
		{"WebhookEndpoints.List", func(ctx context.Context, c *Client) (bool, error) {
			v, err := c.WebhookEndpoints.List(ctx)
			return v == nil, err
		}},
		{"WebhookEndpoints.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.WebhookEndpoints.Update(ctx, "whe_1", &WebhookEndpointParams{Status: EndpointDisabled}))
		}},
		{"WebhookEndpoints.Test", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.WebhookEndpoints.Test(ctx, &TestParams{EventType: EventTransactionSuccess, URL: "https://example.com/hook"}))
		}},
		{"Payments.List", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Payments.List(ctx, pl)) }},
		{"Payments.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.Payments.All(ctx, pl)) }},
		{"Payments.Reconcile", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Payments.Reconcile(ctx, &ReconcileParams{From: Date{2026, 1, 1}, To: Date{2026, 1, 1}, Seen: SeenIDs()}))
		}},
	}
}

// answeringAll returns a client whose every request gets status and body, and
// a count of the requests that arrived.
func answeringAll(t *testing.T, status int, body string) (*Client, *atomic.Int64) {
	t.Helper()
	url, n := testutil.Counting(t, status, body)
	return testutil.Must(NewClient(testAPIKey, WithBaseURL(url), withNoWait(), WithMaxRetries(0)))(t), n
}

// Every method returns a nil result with every error: an error answer (the
// typed *Error) and a 2xx answer that does not decode.
func TestEveryMethodReturnsNilOnError(t *testing.T) {
	t.Parallel()
	notFound, _ := answeringAll(t, 404, `{"error":{"code":"TK40400","message":"no encontrado"}}`)
	garbled, _ := answeringAll(t, 200, `{"id": 7, "items": {`)
	is404 := func(err error) bool {
		var te *Error
		return errors.As(err, &te) && te.StatusCode == 404 && te.Code == "TK40400"
	}
	for _, m := range everyResultCall() {
		providertest.NilOnError(t, m.name, m.run, notFound, garbled, is404, m.decodes())
	}
}

// Bad input is refused with a nil result and a *ParamError before anything
// is sent.
func TestBadInputReturnsNilAndParamError(t *testing.T) {
	t.Parallel()
	c, sent := answeringAll(t, 200, `{}`)
	bad := []resultCall{
		{"Customers.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Customers.Create(ctx, &CustomerParams{}))
		}},
		{"Customers.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Customers.Get(ctx, "")) }},
		{"Customers.List", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Customers.List(ctx, &ListParams{PageSize: -1}))
		}},
		{"Customers.All", func(ctx context.Context, c *Client) (bool, error) {
			return firstOf(c.Customers.All(ctx, &ListParams{PageSize: -1}))
		}},
		{"Customers.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Customers.Update(ctx, "cus_1", &CustomerParams{}))
		}},
		{"Customers.Delete", func(ctx context.Context, c *Client) (bool, error) { return true, c.Customers.Delete(ctx, " ") }},
		{"Invoices.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Invoices.Create(ctx, &InvoiceParams{Customer: "cus_1"}))
		}},
		{"Invoices.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Invoices.Get(ctx, "")) }},
		{"Invoices.List", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Invoices.List(ctx, &InvoiceListParams{ListParams: ListParams{PageSize: -1}}))
		}},
		{"Invoices.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Invoices.Update(ctx, "in_1", &InvoiceParams{}))
		}},
		{"Invoices.Void", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.Invoices.Void(ctx, "")) }},
		{"Invoices.Delete", func(ctx context.Context, c *Client) (bool, error) { return true, c.Invoices.Delete(ctx, "") }},
		{"WebhookEndpoints.Create", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.WebhookEndpoints.Create(ctx, &WebhookEndpointParams{URL: "https://example.com/hook"}))
		}},
		{"WebhookEndpoints.Get", func(ctx context.Context, c *Client) (bool, error) { return nilResult(c.WebhookEndpoints.Get(ctx, "")) }},
		{"WebhookEndpoints.Update", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.WebhookEndpoints.Update(ctx, "whe_1", &WebhookEndpointParams{}))
		}},
		{"WebhookEndpoints.Test", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.WebhookEndpoints.Test(ctx, &TestParams{}))
		}},
		{"Payments.List", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Payments.List(ctx, &PaymentListParams{}))
		}},
		{"Payments.All", func(ctx context.Context, c *Client) (bool, error) { return firstOf(c.Payments.All(ctx, nil)) }},
		{"Payments.Reconcile", func(ctx context.Context, c *Client) (bool, error) {
			return nilResult(c.Payments.Reconcile(ctx, &ReconcileParams{Seen: SeenIDs()}))
		}},
	}
	for _, m := range bad {
		providertest.BadInputRefused(t, m.name, m.run, c)
	}
	providertest.NoneSent(t, sent)
}
