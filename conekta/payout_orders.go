package conekta

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// PayoutOrdersService pays money out of the balance to a customer, such as
// cash the customer collects at a store ("cashout").
type PayoutOrdersService service

// PayoutOrderStatus is a payout order's status. Unknown values are kept.
type PayoutOrderStatus string

// Payout order statuses.
const (
	PayoutOrderOpen      PayoutOrderStatus = "open"
	PayoutOrderClosed    PayoutOrderStatus = "closed" // paid out
	PayoutOrderCancelled PayoutOrderStatus = "cancelled"
	PayoutOrderExpired   PayoutOrderStatus = "expired"
)

// PayoutMethodCashout is the payout method of cash collected at a store.
const PayoutMethodCashout = "cashout"

// PayoutOrder is an order to pay a customer. Amounts are int64 centavos.
type PayoutOrder struct {
	ID                   string              `json:"id"`
	Object               string              `json:"object,omitempty"` // "payout_order"
	Livemode             bool                `json:"livemode"`
	Status               PayoutOrderStatus   `json:"status"`
	Amount               int64               `json:"amount"` // centavos
	Currency             string              `json:"currency"`
	Reason               string              `json:"reason"`
	AllowedPayoutMethods []string            `json:"allowed_payout_methods"`
	CustomerInfo         *PayoutCustomerInfo `json:"customer_info,omitempty"`
	Payouts              []*Payout           `json:"payouts"`
	Metadata             Metadata            `json:"metadata,omitempty"`
	ExpiresAt            Time                `json:"expires_at"`
	CreatedAt            Time                `json:"created_at"`
	UpdatedAt            Time                `json:"updated_at"`
	// Raw is the payout order as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the payout order and keeps Raw.
func (o *PayoutOrder) UnmarshalJSON(b []byte) error {
	type plain PayoutOrder
	return unmarshalWithRaw(b, (*plain)(o), &o.Raw)
}

// PayoutCustomerInfo is who a payout order pays.
type PayoutCustomerInfo struct {
	ID              string `json:"id"`
	Object          string `json:"object,omitempty"` // "customer_info"
	Name            string `json:"name,omitempty"`
	Email           string `json:"email,omitempty"`
	Phone           string `json:"phone,omitempty"`
	Corporate       bool   `json:"corporate,omitempty"`
	CustomReference string `json:"customer_custom_reference,omitempty"`
}

// Payout is one payment of a payout order.
type Payout struct {
	ID            string `json:"id"`
	Object        string `json:"object,omitempty"` // "payout"
	Livemode      bool   `json:"livemode"`
	Status        string `json:"status"`   // such as "open"
	Amount        int64  `json:"amount"`   // centavos
	Currency      string `json:"currency"` // "MXN"
	PayoutOrderID string `json:"payout_order_id,omitempty"`
	ExpiresAt     Time   `json:"expires_at"`
}

// PayoutOrderParams create a payout order. Every field but Metadata is
// required.
type PayoutOrderParams struct {
	// Amount to pay, in centavos: 1 to MaxAmount.
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"` // "MXN"
	// CustomerID is the customer ("cus_…") paid.
	CustomerID string `json:"-"`
	Reason     string `json:"reason"` // such as "Reembolso del pedido 42"
	// AllowedPayoutMethods are how the customer may collect; nil sends
	// [PayoutMethodCashout].
	AllowedPayoutMethods []string `json:"allowed_payout_methods"`
	// PayoutMethod is the method of this payout; "" sends PayoutMethodCashout.
	PayoutMethod string `json:"-"`
	// ExpiresAt is when the customer can no longer collect; required.
	ExpiresAt Time `json:"expires_at"`
	// Metadata: put your own payout id here and find it by List with
	// ListParams.Search after ErrOutcomeUnknown.
	Metadata Metadata `json:"metadata,omitempty"`
}

// MarshalJSON writes the request Conekta expects: customer_info and payout
// objects around CustomerID and PayoutMethod.
func (p *PayoutOrderParams) MarshalJSON() ([]byte, error) {
	type plain PayoutOrderParams
	method := p.PayoutMethod
	if method == "" {
		method = PayoutMethodCashout
	}
	allowed := p.AllowedPayoutMethods
	if allowed == nil {
		allowed = []string{PayoutMethodCashout}
	}
	v := struct {
		*plain
		AllowedPayoutMethods []string          `json:"allowed_payout_methods"`
		CustomerInfo         map[string]string `json:"customer_info"`
		Payout               any               `json:"payout"`
	}{(*plain)(p), allowed, map[string]string{"customer_id": p.CustomerID},
		map[string]any{"payout_method": map[string]string{"type": method}}}
	return json.Marshal(v)
}

func (p *PayoutOrderParams) check() error {
	const f = "PayoutOrderParams"
	switch {
	case p == nil:
		return check.Invalid(provider, f, "is nil")
	case p.Amount < 1:
		return check.Invalid(provider, f+".Amount", "is %d centavos; a payout pays 1 centavo or more", p.Amount)
	case p.Amount > MaxAmount:
		return tooLarge(f+".Amount", p.Amount)
	case len(p.Currency) != 3:
		return check.Invalid(provider, f+".Currency", "is %q; give a 3-letter code such as \"MXN\"", p.Currency)
	case p.CustomerID == "":
		return check.Invalid(provider, f+".CustomerID", "is required: the customer (\"cus_…\") to pay")
	case p.Reason == "":
		return check.Invalid(provider, f+".Reason", "is required, such as \"Reembolso del pedido 42\"")
	case p.ExpiresAt.IsZero():
		return check.Invalid(provider, f+".ExpiresAt", "is required: until when the customer can collect")
	}
	return p.Metadata.check(f + ".Metadata")
}

// Create creates a payout order (POST /payout_orders), which takes the
// amount from the balance.
//
// Conekta API: createPayoutOrder.
//
// pagos never repeats a payout that may have reached Conekta, since a
// repeat could pay twice: the error matches ErrOutcomeUnknown. Put your own
// payout id in Metadata and find the order (List with ListParams.Search)
// before creating it again.
func (s *PayoutOrdersService) Create(ctx context.Context, p *PayoutOrderParams, opts ...RequestOption) (*PayoutOrder, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	return call[PayoutOrder](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/payout_orders", Body: p}, opts)
}

// Get fetches a payout order (GET /payout_orders/{id}).
//
// Conekta API: getPayoutOrderById.
func (s *PayoutOrdersService) Get(ctx context.Context, id string, opts ...RequestOption) (*PayoutOrder, error) {
	if err := check.ID(provider, "payout order", id); err != nil {
		return nil, err
	}
	return call[PayoutOrder](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: payoutOrderPath(id)}, opts)
}

// List fetches one page of payout orders (GET /payout_orders).
//
// Conekta API: getPayoutOrders.
func (s *PayoutOrdersService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*PayoutOrder], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/payout_orders", Query: q}, opts, func(o *PayoutOrder) string { return o.ID })
}

// All iterates over every payout order.
func (s *PayoutOrdersService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*PayoutOrder, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*PayoutOrder], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}

// Cancel cancels an open payout order (PUT /payout_orders/{id}/cancel),
// returning its amount to the balance. A repeat cancels nothing more, so
// it is retried like any PUT.
//
// Conekta API: cancelPayoutOrderById.
func (s *PayoutOrdersService) Cancel(ctx context.Context, id string, opts ...RequestOption) (*PayoutOrder, error) {
	if err := check.ID(provider, "payout order", id); err != nil {
		return nil, err
	}
	return call[PayoutOrder](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: payoutOrderPath(id) + "/cancel"}, opts)
}

func payoutOrderPath(id string) string { return "/payout_orders/" + url.PathEscape(id) }
