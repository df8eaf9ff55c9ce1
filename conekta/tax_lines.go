package conekta

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/pagos-go/pagos/internal/check"
)

// TaxLinesService manages the taxes of an order that is not paid yet.
// Conekta adds them to the order's amount.
type TaxLinesService service

// TaxLine is a tax of an order ("tax_lin_…").
type TaxLine struct {
	ID          string   `json:"id"`
	Object      string   `json:"object,omitempty"`    // "tax_line"
	ParentID    string   `json:"parent_id,omitempty"` // the order
	Amount      int64    `json:"amount"`              // centavos
	Description string   `json:"description"`         // such as "IVA"
	Metadata    Metadata `json:"metadata,omitempty"`
	// Raw is the tax line as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the tax line and keeps Raw.
func (l *TaxLine) UnmarshalJSON(b []byte) error {
	type plain TaxLine
	if err := json.Unmarshal(b, (*plain)(l)); err != nil {
		return err
	}
	l.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// TaxLineParams add a tax to an order.
type TaxLineParams struct {
	Amount      int64    `json:"amount"`      // centavos, 0 to MaxAmount; required
	Description string   `json:"description"` // 3 characters or more; required
	Metadata    Metadata `json:"metadata,omitempty"`
}

// TaxLineUpdateParams change a tax; only the fields set are sent.
type TaxLineUpdateParams struct {
	Amount      *int64   `json:"amount,omitempty"` // centavos; a pointer to 0 makes it a zero tax
	Description string   `json:"description,omitempty"`
	Metadata    Metadata `json:"metadata,omitempty"`
}

func checkTax(f string, amount int64, description string, meta Metadata) error {
	switch {
	case amount < 0:
		return check.Invalid(provider, f+".Amount", "is %d centavos; it must not be negative", amount)
	case amount > MaxAmount:
		return tooLarge(f+".Amount", amount)
	case description != "" && len([]rune(description)) < 3:
		return check.Invalid(provider, f+".Description", "is %q; Conekta takes 3 characters or more", description)
	}
	return meta.check(f + ".Metadata")
}

// Create adds a tax to an order (POST /orders/{id}/tax_lines).
//
// A create that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): Get the order and look at its TaxLines before adding
// it again.
//
// Conekta API: ordersCreateTaxes.
func (s *TaxLinesService) Create(ctx context.Context, orderID string, p *TaxLineParams, opts ...RequestOption) (*TaxLine, error) {
	const f = "TaxLineParams"
	switch {
	case p == nil:
		return nil, check.Invalid(provider, f, "is nil")
	case p.Description == "":
		return nil, check.Invalid(provider, f+".Description", "is required, such as \"IVA\"")
	}
	if err := checkTax(f, p.Amount, p.Description, p.Metadata); err != nil {
		return nil, err
	}
	return orderLine[TaxLine](ctx, s.client, http.MethodPost, orderID, "tax_lines", "tax line", "", p, opts)
}

// Update changes a tax of an order (PUT /orders/{id}/tax_lines/{tax_id}).
//
// Conekta API: ordersUpdateTaxes.
func (s *TaxLinesService) Update(ctx context.Context, orderID, id string, p *TaxLineUpdateParams, opts ...RequestOption) (*TaxLine, error) {
	const f = "TaxLineUpdateParams"
	if p == nil || sendsNothing(p) {
		return nil, check.Invalid(provider, f, "sets no field; there is nothing to update")
	}
	var amount int64
	if p.Amount != nil {
		amount = *p.Amount
	}
	if err := checkTax(f, amount, p.Description, p.Metadata); err != nil {
		return nil, err
	}
	return orderLine[TaxLine](ctx, s.client, http.MethodPut, orderID, "tax_lines", "tax line", id, p, opts)
}

// Delete removes a tax from an order (DELETE /orders/{id}/tax_lines/{tax_id})
// and returns it as it was.
//
// Conekta API: ordersDeleteTaxes.
func (s *TaxLinesService) Delete(ctx context.Context, orderID, id string, opts ...RequestOption) (*TaxLine, error) {
	return orderLine[TaxLine](ctx, s.client, http.MethodDelete, orderID, "tax_lines", "tax line", id, nil, opts)
}
