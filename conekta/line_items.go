package conekta

import (
	"context"
	"math"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// LineItemsService adds, changes and removes the products of an order that
// is not paid yet. Conekta recomputes the order's amount after each call,
// and refuses changes to an order with a charge (428, ErrInvalidRequest).
type LineItemsService service

// LineItemUpdateParams change a product of an order; only the fields set
// are sent.
type LineItemUpdateParams struct {
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	SKU         string   `json:"sku,omitempty"`
	Brand       string   `json:"brand,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	// UnitPrice in centavos, 0 to 2,147,483,647; nil leaves it, and a
	// pointer to 0 makes the product free.
	UnitPrice *int64   `json:"unit_price,omitempty"`
	Quantity  int64    `json:"quantity,omitempty"` // 1 or more; 0 leaves it
	Metadata  Metadata `json:"metadata,omitempty"`
}

// Int64 returns a pointer to v, for optional amounts of params.
func Int64(v int64) *int64 { return &v }

// orderLinePath is the path of an order's sub-resource list, or of one of
// its lines when lineID is not "".
func orderLinePath(orderID, kind, lineID string) string {
	p := orderPath(orderID) + "/" + kind
	if lineID != "" {
		p += "/" + url.PathEscape(lineID)
	}
	return p
}

// orderLine sends one call on an order's sub-resource, checking both ids.
func orderLine[T any](ctx context.Context, c *Client, method, orderID, kind, what, lineID string, body any, opts []RequestOption) (*T, error) {
	if err := check.ID(provider, "order", orderID); err != nil {
		return nil, err
	}
	if method != http.MethodPost {
		if err := check.ID(provider, what, lineID); err != nil {
			return nil, err
		}
	}
	return call[T](ctx, c, &httpcore.Request{Method: method, Path: orderLinePath(orderID, kind, lineID), Body: body}, opts)
}

// Create adds a product to an order (POST /orders/{id}/line_items) and
// returns it with its id.
//
// A create that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): Get the order and look at its LineItems before
// adding the product again.
//
// Conekta API: ordersCreateProduct.
func (s *LineItemsService) Create(ctx context.Context, orderID string, p *LineItem, opts ...RequestOption) (*LineItem, error) {
	if err := p.check("LineItem"); err != nil {
		return nil, err
	}
	return orderLine[LineItem](ctx, s.client, http.MethodPost, orderID, "line_items", "line item", "", p, opts)
}

// Update changes a product of an order (PUT
// /orders/{id}/line_items/{line_item_id}).
//
// Conekta API: ordersUpdateProduct.
func (s *LineItemsService) Update(ctx context.Context, orderID, id string, p *LineItemUpdateParams, opts ...RequestOption) (*LineItem, error) {
	const f = "LineItemUpdateParams"
	switch {
	case p == nil || sendsNothing(p):
		return nil, check.Invalid(provider, f, "sets no field; there is nothing to update")
	case p.UnitPrice != nil && (*p.UnitPrice < 0 || *p.UnitPrice > math.MaxInt32):
		return nil, check.Invalid(provider, f+".UnitPrice", "is %d; give centavos from 0 to %d", *p.UnitPrice, math.MaxInt32)
	case p.Quantity < 0 || p.Quantity > math.MaxInt32:
		return nil, check.Invalid(provider, f+".Quantity", "is %d; give 1 or more, or 0 to leave it", p.Quantity)
	}
	if err := p.Metadata.check(f + ".Metadata"); err != nil {
		return nil, err
	}
	return orderLine[LineItem](ctx, s.client, http.MethodPut, orderID, "line_items", "line item", id, p, opts)
}

// Delete removes a product from an order (DELETE
// /orders/{id}/line_items/{line_item_id}) and returns it as it was.
//
// Conekta API: ordersDeleteProduct.
func (s *LineItemsService) Delete(ctx context.Context, orderID, id string, opts ...RequestOption) (*LineItem, error) {
	return orderLine[LineItem](ctx, s.client, http.MethodDelete, orderID, "line_items", "line item", id, nil, opts)
}
