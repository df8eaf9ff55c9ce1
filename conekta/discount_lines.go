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

// DiscountLinesService manages the discounts of an order that is not paid
// yet. Conekta subtracts them from the order's amount.
type DiscountLinesService service

// DiscountType is the kind of a discount. Unknown values are kept.
type DiscountType string

// Discount types Conekta documents.
const (
	DiscountLoyalty  DiscountType = "loyalty"
	DiscountCampaign DiscountType = "campaign"
	DiscountCoupon   DiscountType = "coupon"
	DiscountSign     DiscountType = "sign"
)

// DiscountLine is a discount of an order ("dis_lin_…").
type DiscountLine struct {
	ID       string       `json:"id"`
	Object   string       `json:"object,omitempty"`    // "discount_line"
	ParentID string       `json:"parent_id,omitempty"` // the order
	Amount   int64        `json:"amount"`              // centavos taken off the order
	Code     string       `json:"code"`                // such as a coupon code
	Type     DiscountType `json:"type"`
	// Raw is the discount line as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the discount line and keeps Raw.
func (d *DiscountLine) UnmarshalJSON(b []byte) error {
	type plain DiscountLine
	if err := json.Unmarshal(b, (*plain)(d)); err != nil {
		return err
	}
	d.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// DiscountLineParams add a discount to an order; every field is required.
type DiscountLineParams struct {
	Amount int64        `json:"amount"` // centavos, 0 to MaxAmount
	Code   string       `json:"code"`
	Type   DiscountType `json:"type"`
}

func (p *DiscountLineParams) check(f string) error {
	switch {
	case p == nil:
		return check.Invalid(provider, f, "is nil")
	case p.Amount < 0:
		return check.Invalid(provider, f+".Amount", "is %d centavos; it must not be negative", p.Amount)
	case p.Amount > MaxAmount:
		return tooLarge(f+".Amount", p.Amount)
	case p.Code == "":
		return check.Invalid(provider, f+".Code", "is required, such as the coupon code")
	case p.Type == "":
		return check.Invalid(provider, f+".Type", "is required, such as conekta.DiscountCoupon")
	}
	return nil
}

// DiscountLineUpdateParams change a discount; only the fields set are sent.
type DiscountLineUpdateParams struct {
	Amount *int64       `json:"amount,omitempty"` // centavos; a pointer to 0 makes it a zero discount
	Code   string       `json:"code,omitempty"`
	Type   DiscountType `json:"type,omitempty"`
}

// List fetches one page of an order's discounts (GET
// /orders/{id}/discount_lines).
//
// Conekta API: ordersGetDiscountLines.
func (s *DiscountLinesService) List(ctx context.Context, orderID string, p *ListParams, opts ...RequestOption) (*List[*DiscountLine], error) {
	if err := check.ID(provider, "order", orderID); err != nil {
		return nil, err
	}
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: orderLinePath(orderID, "discount_lines", ""), Query: q}, opts,
		func(d *DiscountLine) string { return d.ID })
}

// All iterates over every discount of an order.
//
// Conekta API: ordersGetDiscountLines.
func (s *DiscountLinesService) All(ctx context.Context, orderID string, p *ListParams, opts ...RequestOption) iter.Seq2[*DiscountLine, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*DiscountLine], error) {
		return s.List(ctx, orderID, p.after(cursor), opts...)
	})
}

// Get fetches one discount of an order (GET
// /orders/{id}/discount_lines/{discount_lines_id}).
//
// Conekta API: ordersGetDiscountLine.
func (s *DiscountLinesService) Get(ctx context.Context, orderID, id string, opts ...RequestOption) (*DiscountLine, error) {
	return orderLine[DiscountLine](ctx, s.client, http.MethodGet, orderID, "discount_lines", "discount line", id, nil, opts)
}

// Create adds a discount to an order (POST /orders/{id}/discount_lines).
//
// A create that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): List the order's discounts before adding it again.
//
// Conekta API: ordersCreateDiscountLine.
func (s *DiscountLinesService) Create(ctx context.Context, orderID string, p *DiscountLineParams, opts ...RequestOption) (*DiscountLine, error) {
	if err := p.check("DiscountLineParams"); err != nil {
		return nil, err
	}
	return orderLine[DiscountLine](ctx, s.client, http.MethodPost, orderID, "discount_lines", "discount line", "", p, opts)
}

// Update changes a discount of an order (PUT
// /orders/{id}/discount_lines/{discount_lines_id}).
//
// Conekta API: ordersUpdateDiscountLines.
func (s *DiscountLinesService) Update(ctx context.Context, orderID, id string, p *DiscountLineUpdateParams, opts ...RequestOption) (*DiscountLine, error) {
	const f = "DiscountLineUpdateParams"
	switch {
	case p == nil || sendsNothing(p):
		return nil, check.Invalid(provider, f, "sets no field; there is nothing to update")
	case p.Amount != nil && *p.Amount < 0:
		return nil, check.Invalid(provider, f+".Amount", "is %d centavos; it must not be negative", *p.Amount)
	case p.Amount != nil && *p.Amount > MaxAmount:
		return nil, tooLarge(f+".Amount", *p.Amount)
	}
	return orderLine[DiscountLine](ctx, s.client, http.MethodPut, orderID, "discount_lines", "discount line", id, p, opts)
}

// Delete removes a discount from an order (DELETE
// /orders/{id}/discount_lines/{discount_lines_id}) and returns it as it was.
//
// Conekta API: ordersDeleteDiscountLines.
func (s *DiscountLinesService) Delete(ctx context.Context, orderID, id string, opts ...RequestOption) (*DiscountLine, error) {
	return orderLine[DiscountLine](ctx, s.client, http.MethodDelete, orderID, "discount_lines", "discount line", id, nil, opts)
}
