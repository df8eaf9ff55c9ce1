package conekta

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/internal/testutil/providertest"
)

func wireFaultCustomer() *CustomerParams {
	return &CustomerParams{Name: "Fulanito", Email: "oxxo@example.com", Phone: "+5218181818181"}
}

// A create on a reused keep-alive connection that dies after the request was
// written reaches Conekta once and comes back as an outcome unknown naming
// its key, with or without an idempotency key (net/http replays a request
// carrying Idempotency-Key by itself), body or no body.
func TestCreateOnDroppedReusedConnectionSentOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		path string
		call func(c *Client, opts ...RequestOption) error
		opts []RequestOption
		key  string
	}{
		{"customer, no key", "/customers", func(c *Client, o ...RequestOption) error {
			_, err := c.Customers.Create(context.Background(), wireFaultCustomer(), o...)
			return err
		}, nil, ""},
		{"customer, WithIdempotencyKey", "/customers", func(c *Client, o ...RequestOption) error {
			_, err := c.Customers.Create(context.Background(), wireFaultCustomer(), o...)
			return err
		}, []RequestOption{WithIdempotencyKey("user-7-create")}, "user-7-create"},
		{"customer, WithHeader Idempotency-Key", "/customers", func(c *Client, o ...RequestOption) error {
			_, err := c.Customers.Create(context.Background(), wireFaultCustomer(), o...)
			return err
		}, []RequestOption{WithHeader("Idempotency-Key", "user-8-create")}, "user-8-create"},
		{"order cancel without a body, WithIdempotencyKey", "/orders/ord_1/cancel", func(c *Client, o ...RequestOption) error {
			_, err := c.Orders.Cancel(context.Background(), "ord_1", o...)
			return err
		}, []RequestOption{WithIdempotencyKey("cancel-ord-1")}, "cancel-ord-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := testutil.NewDropOnReuse(t, func(w http.ResponseWriter, _ *http.Request) {
				testutil.Respond(w, http.StatusOK, `{"id":"cus_1","object":"customer"}`)
			})
			c := testutil.Must(NewClient(testKey, WithBaseURL(srv.URL), withNoWait()))(t)
			if _, err := c.Customers.Get(t.Context(), "cus_1"); err != nil {
				t.Fatal(err)
			}
			providertest.SentOnceOutcomeUnknown(t, srv, tc.path, tc.call(c, tc.opts...), tc.key)
		})
	}
}

// Every method that puts an id in the path refuses "." and ".." with a
// ParamError naming the id, and sends nothing.
func TestDotSegmentIDsNeverSent(t *testing.T) {
	t.Parallel()
	url, hits := testutil.Counting(t, http.StatusOK, `{}`)
	c := testutil.Must(NewClient(testKey, WithBaseURL(url), withNoWait()))(t)
	ctx := t.Context()
	type call struct {
		name, field string
		do          func(id string) error
	}
	calls := []call{
		{"Customers.Get", "customer id", func(id string) error { _, err := c.Customers.Get(ctx, id); return err }},
		{"Customers.Update", "customer id", func(id string) error {
			_, err := c.Customers.Update(ctx, id, &CustomerParams{Name: "Ana"})
			return err
		}},
		{"Customers.Delete", "customer id", func(id string) error { _, err := c.Customers.Delete(ctx, id); return err }},
		{"PaymentSources.Create", "customer id", func(id string) error {
			_, err := c.PaymentSources.Create(ctx, id, c.RecurringCashSource())
			return err
		}},
		{"PaymentSources.List", "customer id", func(id string) error { _, err := c.PaymentSources.List(ctx, id, nil); return err }},
		{"PaymentSources.Update customer", "customer id", func(id string) error {
			_, err := c.PaymentSources.Update(ctx, id, "src_1", &PaymentSourceUpdateParams{Name: "Ana"})
			return err
		}},
		{"PaymentSources.Update source", "payment source id", func(id string) error {
			_, err := c.PaymentSources.Update(ctx, "cus_1", id, &PaymentSourceUpdateParams{Name: "Ana"})
			return err
		}},
		{"PaymentSources.Delete customer", "customer id", func(id string) error {
			_, err := c.PaymentSources.Delete(ctx, id, "src_1")
			return err
		}},
		{"PaymentSources.Delete source", "payment source id", func(id string) error {
			_, err := c.PaymentSources.Delete(ctx, "cus_1", id)
			return err
		}},
		{"Orders.Get", "order id", func(id string) error { _, err := c.Orders.Get(ctx, id); return err }},
		{"Orders.Update", "order id", func(id string) error {
			_, err := c.Orders.Update(ctx, id, &OrderUpdateParams{Currency: "MXN"})
			return err
		}},
		{"Orders.Cancel", "order id", func(id string) error { _, err := c.Orders.Cancel(ctx, id); return err }},
		{"Orders.Capture", "order id", func(id string) error { _, err := c.Orders.Capture(ctx, id, 0); return err }},
		{"Orders.Refund", "order id", func(id string) error {
			_, err := c.Orders.Refund(ctx, id, &RefundParams{Amount: 100, Reason: "requested_by_client"})
			return err
		}},
		{"Events.Get", "event id", func(id string) error { _, err := c.Events.Get(ctx, id); return err }},
		{"Events.Resend", "event id", func(id string) error { _, err := c.Events.Resend(ctx, id, []string{"wh_1"}); return err }},
		{"Webhooks.Get", "webhook id", func(id string) error { _, err := c.Webhooks.Get(ctx, id); return err }},
		{"Webhooks.Update", "webhook id", func(id string) error {
			_, err := c.Webhooks.Update(ctx, id, &WebhookUpdateParams{URL: "https://example.com/hook"})
			return err
		}},
		{"Webhooks.Delete", "webhook id", func(id string) error { _, err := c.Webhooks.Delete(ctx, id); return err }},
		{"Webhooks.Test", "webhook id", func(id string) error { _, err := c.Webhooks.Test(ctx, id); return err }},
		{"WebhookKeys.Get", "webhook key id", func(id string) error { _, err := c.WebhookKeys.Get(ctx, id); return err }},
		{"WebhookKeys.Update", "webhook key id", func(id string) error { _, err := c.WebhookKeys.Update(ctx, id, false); return err }},
		{"WebhookKeys.Delete", "webhook key id", func(id string) error { _, err := c.WebhookKeys.Delete(ctx, id); return err }},
	}
	for _, tc := range calls {
		providertest.DotSegmentsRefused(t, tc.name, tc.field, tc.do)
	}
	providertest.NoneArrived(t, hits)
}

// Conekta quotes its messages verbatim; one that echoes the private key, in
// any spelling and any field, never puts it in an error or its kept body.
func TestEchoedKeyScrubbedFromErrors(t *testing.T) {
	t.Parallel()
	b64 := base64.StdEncoding.EncodeToString([]byte(testKey + ":"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		testutil.Respond(w, http.StatusUnauthorized, `{"object":"error","type":"authentication_error","log_id":"`+testKey+`",
			"details":[{"code":"conekta.errors.authentication.`+testKey+`","param":"`+testKey+`",
			"message":"Acceso no autorizado: `+auth+`","debug_message":"Please include your private key `+testKey+` / `+b64+`"}]}`)
	}))
	defer srv.Close()
	c := testutil.Must(NewClient(testKey, WithBaseURL(srv.URL), withNoWait()))(t)
	_, err := c.Customers.Get(t.Context(), "cus_1")
	var ce *Error
	if !errors.As(err, &ce) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want *Error and ErrUnauthorized", err)
	}
	text := err.Error() + string(ce.Body) + ce.LogID
	for _, d := range ce.Details {
		text += d.Code + d.Param + d.Message + d.DebugMessage
	}
	providertest.NoLeak(t, text, "PRIVATE_never_logged", b64)
}

func TestNewClientRefusesMalformedKeys(t *testing.T) {
	t.Parallel()
	providertest.CredentialsRefused(t, []string{"sk_live_SEKRIT", "key_", "KEY_SEKRIT", "key_SEKRIT\x00", "key_SEK\tRIT", "key_SEKRITñ", " key_SEKRIT"},
		"SEKRIT", func(key string) error { _, err := NewClient(key); return err })
	if _, err := NewClient("sk_live_SEKRIT"); err == nil || !strings.Contains(err.Error(), `"key_"`) {
		t.Errorf("err = %v, want it to say Conekta's keys start with key_", err)
	}
}

func TestWithHeaderRefusesOwnedHeaders(t *testing.T) {
	t.Parallel()
	url, hits := testutil.Counting(t, http.StatusOK, `{"id":"cus_1"}`)
	c := testutil.Must(NewClient(testKey, WithBaseURL(url), withNoWait()))(t)
	providertest.HeadersRefused(t, []string{"Host", "Content-Length", "Transfer-Encoding", "Content-Type", "Authorization", "x-api-key"}, func(name string) error {
		_, err := c.Customers.Create(t.Context(), wireFaultCustomer(), WithHeader(name, "v"))
		return err
	})
	if _, err := c.Customers.Create(t.Context(), wireFaultCustomer(), WithIdempotencyKey("k\x00")); err == nil || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("an idempotency key net/http refuses: err = %v, want a plain refusal", err)
	}
	providertest.NoneArrived(t, hits)
}

func TestCreateWithDoneContextIsNotSent(t *testing.T) {
	t.Parallel()
	url, hits := testutil.Counting(t, http.StatusOK, `{}`)
	c := testutil.Must(NewClient(testKey, WithBaseURL(url), withNoWait()))(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Orders.Create(ctx, &OrderParams{Currency: "MXN", CustomerInfo: &CustomerInfo{CustomerID: "cus_1"},
		LineItems: []*LineItem{{Name: "Plan", UnitPrice: 10000, Quantity: 1}}})
	providertest.CanceledNotSent(t, err, hits)
}
