package conekta

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/pagos-go/pagos/internal/check"
)

// ShippingLinesService manages the shipping costs of an order that is not
// paid yet. Conekta adds them to the order's amount.
type ShippingLinesService service

// ShippingLine is a shipping cost of an order ("ship_lin_…").
type ShippingLine struct {
	ID             string   `json:"id"`
	Object         string   `json:"object,omitempty"`    // "shipping_line"
	ParentID       string   `json:"parent_id,omitempty"` // the order
	Amount         int64    `json:"amount"`              // centavos
	Carrier        string   `json:"carrier,omitempty"`   // such as "FEDEX"
	TrackingNumber string   `json:"tracking_number,omitempty"`
	Method         string   `json:"method,omitempty"` // such as "Same day"
	Metadata       Metadata `json:"metadata,omitempty"`
	// Raw is the shipping line as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the shipping line and keeps Raw.
func (l *ShippingLine) UnmarshalJSON(b []byte) error {
	type plain ShippingLine
	if err := json.Unmarshal(b, (*plain)(l)); err != nil {
		return err
	}
	l.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// ShippingLineParams add or replace a shipping cost. Conekta requires
// Amount on updates too, so an update sends all of them.
type ShippingLineParams struct {
	Amount         int64    `json:"amount"`                    // centavos, 0 to MaxAmount
	Carrier        string   `json:"carrier,omitempty"`         // 3 to 249 characters
	TrackingNumber string   `json:"tracking_number,omitempty"` // 3 to 249 characters
	Method         string   `json:"method,omitempty"`          // 3 to 249 characters
	Metadata       Metadata `json:"metadata,omitempty"`
}

func (p *ShippingLineParams) check(f string) error {
	switch {
	case p == nil:
		return check.Invalid(provider, f, "is nil")
	case p.Amount < 0:
		return check.Invalid(provider, f+".Amount", "is %d centavos; it must not be negative", p.Amount)
	case p.Amount > MaxAmount:
		return tooLarge(f+".Amount", p.Amount)
	}
	for name, v := range map[string]string{"Carrier": p.Carrier, "TrackingNumber": p.TrackingNumber, "Method": p.Method} {
		if v != "" && (len([]rune(v)) < 3 || len([]rune(v)) > 249) {
			return check.Invalid(provider, f+"."+name, "has %d characters; Conekta takes 3 to 249", len([]rune(v)))
		}
	}
	return p.Metadata.check(f + ".Metadata")
}

// Create adds a shipping cost to an order (POST /orders/{id}/shipping_lines).
//
// A create that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): Get the order and look at its ShippingLines before
// adding it again.
//
// Conekta API: ordersCreateShipping.
func (s *ShippingLinesService) Create(ctx context.Context, orderID string, p *ShippingLineParams, opts ...RequestOption) (*ShippingLine, error) {
	if err := p.check("ShippingLineParams"); err != nil {
		return nil, err
	}
	return orderLine[ShippingLine](ctx, s.client, http.MethodPost, orderID, "shipping_lines", "shipping line", "", p, opts)
}

// Update replaces a shipping cost of an order (PUT
// /orders/{id}/shipping_lines/{shipping_id}).
//
// Conekta API: ordersUpdateShipping.
func (s *ShippingLinesService) Update(ctx context.Context, orderID, id string, p *ShippingLineParams, opts ...RequestOption) (*ShippingLine, error) {
	if err := p.check("ShippingLineParams"); err != nil {
		return nil, err
	}
	return orderLine[ShippingLine](ctx, s.client, http.MethodPut, orderID, "shipping_lines", "shipping line", id, p, opts)
}

// Delete removes a shipping cost from an order (DELETE
// /orders/{id}/shipping_lines/{shipping_id}) and returns it as it was.
//
// Conekta API: ordersDeleteShipping.
func (s *ShippingLinesService) Delete(ctx context.Context, orderID, id string, opts ...RequestOption) (*ShippingLine, error) {
	return orderLine[ShippingLine](ctx, s.client, http.MethodDelete, orderID, "shipping_lines", "shipping line", id, nil, opts)
}
