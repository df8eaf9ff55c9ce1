package tpaga

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/httpcore"
)

// ReferenceDetailsService reads the state and deposit attempts of any
// reference, single-use or permanent.
type ReferenceDetailsService service

// ReferenceDetails is what Tpaga tells about a reference.
type ReferenceDetails struct {
	IsPermanent bool `json:"is_permanent"`
	Enabled     bool `json:"enabled"`
	// DepositIntents lists the deposits made with the reference: at most one
	// for a single-use reference, any number for a permanent one. Empty
	// means nobody deposited yet.
	DepositIntents []*DepositIntent `json:"deposit_intents"`
}

// DepositIntent is one deposit made with a reference.
//
// Tpaga does not publish its fields. Raw keeps each one as sent; the typed
// fields are read when present under the names the deposit notification
// uses, are left zero otherwise, and are unconfirmed.
type DepositIntent struct {
	// Amount is the deposit in whole Colombian pesos (COP, not centavos).
	Amount int64
	// EfectyOrderID is Efecty's order id for the deposit.
	EfectyOrderID string
	// Raw is the intent exactly as Tpaga sent it.
	Raw json.RawMessage
}

// UnmarshalJSON keeps the intent raw and reads the known fields, never
// failing on a field of another shape: the schema is Tpaga's to change.
func (d *DepositIntent) UnmarshalJSON(b []byte) error {
	var v struct {
		Amount        jsonValue `json:"amount"`
		EfectyOrderID jsonValue `json:"efecty_order_id"`
	}
	*d = DepositIntent{Raw: append(json.RawMessage(nil), b...)}
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	d.Amount, _ = v.Amount.pesos()
	d.EfectyOrderID, _ = v.EfectyOrderID.text()
	return nil
}

// MarshalJSON writes the intent as received.
func (d *DepositIntent) MarshalJSON() ([]byte, error) {
	if len(d.Raw) == 0 {
		return []byte("null"), nil
	}
	return d.Raw, nil
}

// Get fetches a reference's details (GET /reference-details/?reference=…).
// reference is the code Tpaga returned; for a permanent reference, its
// prefixed form ("TSREYSANTANA").
func (s *ReferenceDetailsService) Get(ctx context.Context, reference string, opts ...RequestOption) (*ReferenceDetails, error) {
	if err := checkReference("reference", reference); err != nil {
		return nil, err
	}
	out := new(ReferenceDetails)
	err := s.client.do(ctx, &httpcore.Request{
		Method: http.MethodGet, Path: "/reference-details/", Query: url.Values{"reference": {reference}},
	}, out, opts)
	if err != nil {
		return nil, err
	}
	return out, nil
}
