package conekta

import (
	"context"
	"iter"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// ChargesService reads the charges of every order, adds charges to an
// unpaid order and sets a charge's own reference.
type ChargesService service

// ChargeUpdateParams change a charge. Conekta lets you change only its
// reference.
type ChargeUpdateParams struct {
	// ReferenceID is your own reference for the charge, such as the id of
	// the payment in your system; required.
	ReferenceID string `json:"reference_id"`
}

// List fetches one page of charges of every order, newest first (GET
// /charges). ListParams.Search finds charges by reference, email and the like.
//
// Conekta API: getCharges.
func (s *ChargesService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*Charge], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/charges", Query: q}, opts, func(c *Charge) string { return c.ID })
}

// All iterates over every charge matching p.
//
// Conekta API: getCharges.
func (s *ChargesService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*Charge, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Charge], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}

// Update sets a charge's reference (PUT /charges/{id}). It moves no money,
// so it is retried like any PUT.
//
// Conekta API: updateCharge.
func (s *ChargesService) Update(ctx context.Context, id string, p *ChargeUpdateParams, opts ...RequestOption) (*Charge, error) {
	if err := check.ID(provider, "charge", id); err != nil {
		return nil, err
	}
	if p == nil || p.ReferenceID == "" {
		return nil, check.Invalid(provider, "ChargeUpdateParams.ReferenceID", "is required: the reference to set")
	}
	return call[Charge](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: "/charges/" + url.PathEscape(id), Body: p}, opts)
}

// Create adds a charge to an order that is not paid yet (POST
// /orders/{id}/charges), such as a second attempt after a declined card or
// a cash reference for an order created without charges. Amount is in
// centavos; 0 charges what is left of the order. Conekta answers 428
// (ErrInvalidRequest) when the order already has a pending charge.
//
// pagos never repeats it after it may have reached Conekta: such a failure
// matches ErrOutcomeUnknown, and a retry could charge twice. Get the order
// and look at its Charges (or set ReferenceID and search List for it)
// before sending it again.
//
// Conekta API: ordersCreateCharge.
func (s *ChargesService) Create(ctx context.Context, orderID string, p *ChargeParams, opts ...RequestOption) (*Charge, error) {
	if err := check.ID(provider, "order", orderID); err != nil {
		return nil, err
	}
	if err := p.check("ChargeParams", true); err != nil {
		return nil, err
	}
	return call[Charge](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: orderPath(orderID) + "/charges", Body: p}, opts)
}

// CreateMany adds a charge to an order, as Create does, through Conekta's
// add_charges route (POST /orders/{id}/add_charges), which answers the
// order's charges as a list. The route takes one charge per call, as the
// spec describes its body.
//
// The retry rule is Create's: on ErrOutcomeUnknown, Get the order and look
// at its Charges before sending it again.
//
// Conekta API: ordersCreateCharges.
func (s *ChargesService) CreateMany(ctx context.Context, orderID string, p *ChargeParams, opts ...RequestOption) (*List[*Charge], error) {
	if err := check.ID(provider, "order", orderID); err != nil {
		return nil, err
	}
	if err := p.check("ChargeParams", true); err != nil {
		return nil, err
	}
	return call[List[*Charge]](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: orderPath(orderID) + "/add_charges", Body: p}, opts)
}

// refundPath is the path of one refund of an order.
func refundPath(orderID, refundID string) string {
	return orderPath(orderID) + "/refunds/" + url.PathEscape(refundID)
}
