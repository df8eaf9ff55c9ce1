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

// PaymentSourcesService manages a customer's payment sources: saved cards
// and cash references.
type PaymentSourcesService service

// PaymentSourceType is the kind of a payment source. Unknown values are kept.
type PaymentSourceType string

// Payment source types.
const (
	SourceCard PaymentSourceType = "card"
	// SourceCash is a cash reference that expires.
	SourceCash PaymentSourceType = "cash"
	// SourceCashRecurrent is a recurring cash reference: one number the
	// customer pays at the till as often as they like (API 2.1.0 and later).
	SourceCashRecurrent PaymentSourceType = "cash_recurrent"
	// SourceOxxoRecurrent is the same in API 2.0.0 and Conekta's older guides.
	SourceOxxoRecurrent PaymentSourceType = "oxxo_recurrent"
	// SourceSPEIRecurrent is a recurring bank transfer reference (CLABE).
	SourceSPEIRecurrent PaymentSourceType = "spei_recurrent"
)

// IsCash reports whether t is a kind of cash reference.
func (t PaymentSourceType) IsCash() bool {
	return t == SourceCash || t == SourceCashRecurrent || t == SourceOxxoRecurrent
}

// PaymentSource is a customer's payment source ("src_…", "off_ref_…").
// Which of Card, Cash and SPEI is set depends on Type; a type pagos does not
// know leaves all three nil, and Raw has it as Conekta sent it.
type PaymentSource struct {
	ID        string            `json:"id"`
	Object    string            `json:"object,omitempty"` // "payment_source"
	Type      PaymentSourceType `json:"type"`
	CreatedAt Time              `json:"created_at"`
	ParentID  string            `json:"parent_id,omitempty"` // the customer ("cus_…")
	Deleted   bool              `json:"deleted,omitempty"`

	Card *CardSource    `json:"-"` // SourceCard
	Cash *CashReference `json:"-"` // SourceCash, SourceCashRecurrent, SourceOxxoRecurrent
	SPEI *SPEIReference `json:"-"` // SourceSPEIRecurrent

	Raw json.RawMessage `json:"-"`
}

// CardSource is what Conekta shares about a saved card: never its number.
type CardSource struct {
	Last4               string `json:"last4"`
	Bin                 string `json:"bin"`
	Brand               string `json:"brand"`     // such as "visa"
	CardType            string `json:"card_type"` // "credit" or "debit"
	ExpMonth            string `json:"exp_month"`
	ExpYear             string `json:"exp_year"`
	Issuer              string `json:"issuer"`
	Name                string `json:"name"`
	Default             bool   `json:"default"`
	VisibleOnCheckout   bool   `json:"visible_on_checkout"`
	PaymentSourceStatus string `json:"payment_source_status"`
}

// CashReference is a reference the customer pays in cash at a store.
type CashReference struct {
	// Reference is the number the cashier types; Barcode is the same for
	// the scanner, drawn at BarcodeURL.
	Reference  Text   `json:"reference"`
	Barcode    string `json:"barcode"`
	BarcodeURL string `json:"barcode_url"`
	// ExpiresAt is zero for a reference that never expires.
	ExpiresAt  Time            `json:"expires_at"`
	Provider   string          `json:"provider"` // such as "Oxxo" or "Cash"
	Agreements []CashAgreement `json:"agreements"`
	StoreNames []string        `json:"store_names"`
}

// CashAgreement is a convenio number other chains pay the reference under.
type CashAgreement struct {
	Agreement string `json:"agreement"`
	Provider  string `json:"provider"`
}

// SPEIReference is a recurring bank transfer reference.
type SPEIReference struct {
	Bank      string `json:"bank"`
	Reference Text   `json:"reference"` // the CLABE
	ExpiresAt Time   `json:"expires_at"`
}

// UnmarshalJSON decodes the common fields and the part Type selects.
func (s *PaymentSource) UnmarshalJSON(b []byte) error {
	type plain PaymentSource
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*s = PaymentSource(p)
	s.Raw = append(json.RawMessage(nil), b...)
	var err error
	switch {
	case s.Type == SourceCard:
		s.Card = new(CardSource)
		err = json.Unmarshal(b, s.Card)
	case s.Type.IsCash():
		s.Cash = new(CashReference)
		err = json.Unmarshal(b, s.Cash)
	case s.Type == SourceSPEIRecurrent:
		s.SPEI = new(SPEIReference)
		err = json.Unmarshal(b, s.SPEI)
	}
	return err
}

// MarshalJSON writes the source as Conekta sent it.
func (s *PaymentSource) MarshalJSON() ([]byte, error) {
	if len(s.Raw) > 0 {
		return s.Raw, nil
	}
	type plain PaymentSource
	return json.Marshal((*plain)(s))
}

// PaymentSourceParams create a payment source.
type PaymentSourceParams struct {
	// Type is SourceCard (with TokenID), a cash kind or SourceSPEIRecurrent.
	// Client.RecurringCashSource picks the recurring cash type of the
	// client's API version.
	Type PaymentSourceType `json:"type"`
	// TokenID is the "tok_…" token of a card, from Conekta's JavaScript
	// component or Tokens.Create.
	TokenID string `json:"token_id,omitempty"`
	// ExpiresAt ends a cash or SPEI reference; zero means Conekta's default.
	ExpiresAt Time `json:"expires_at,omitzero"`
}

// CardSourceParams returns the params of a card payment source from a token.
func CardSourceParams(tokenID string) *PaymentSourceParams {
	return &PaymentSourceParams{Type: SourceCard, TokenID: tokenID}
}

func (p *PaymentSourceParams) check(field string) error {
	switch {
	case p == nil:
		return check.Invalid(provider, field, "is nil")
	case p.Type == "":
		return check.Invalid(provider, field+".Type", "is required, such as conekta.SourceCard or the client's RecurringCashType()")
	case p.Type == SourceCard && p.TokenID == "":
		return check.Invalid(provider, field+".TokenID", "is required for a card: the \"tok_…\" token of the card")
	case p.Type != SourceCard && p.TokenID != "":
		return check.Invalid(provider, field+".TokenID", "is set on a %q source; only cards take a token", p.Type)
	}
	return nil
}

// PaymentSourceUpdateParams change a saved payment source.
type PaymentSourceUpdateParams struct {
	Name      string `json:"name,omitempty"`      // a card's holder name
	ExpiresAt Time   `json:"expires_at,omitzero"` // a reference's end
}

func sourcesPath(customerID string) string {
	return "/customers/" + url.PathEscape(customerID) + "/payment_sources"
}

// Create adds a payment source to a customer (POST
// /customers/{id}/payment_sources).
//
// A create that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): list the customer's sources before creating it again.
//
// Conekta API: CreateCustomerPaymentMethods.
func (s *PaymentSourcesService) Create(ctx context.Context, customerID string, p *PaymentSourceParams, opts ...RequestOption) (*PaymentSource, error) {
	if err := check.ID(provider, "customer", customerID); err != nil {
		return nil, err
	}
	if err := p.check("PaymentSourceParams"); err != nil {
		return nil, err
	}
	return call[PaymentSource](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: sourcesPath(customerID), Body: p}, opts)
}

// List fetches one page of a customer's payment sources (GET
// /customers/{id}/payment_sources).
//
// Conekta API: GetCustomerPaymentMethods.
func (s *PaymentSourcesService) List(ctx context.Context, customerID string, p *ListParams, opts ...RequestOption) (*List[*PaymentSource], error) {
	if err := check.ID(provider, "customer", customerID); err != nil {
		return nil, err
	}
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: sourcesPath(customerID), Query: q}, opts, func(ps *PaymentSource) string { return ps.ID })
}

// All iterates over every payment source of a customer.
//
// Conekta API: GetCustomerPaymentMethods.
func (s *PaymentSourcesService) All(ctx context.Context, customerID string, p *ListParams, opts ...RequestOption) iter.Seq2[*PaymentSource, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*PaymentSource], error) {
		return s.List(ctx, customerID, p.after(cursor), opts...)
	})
}

// Update changes a payment source (PUT /customers/{id}/payment_sources/{source id}).
//
// Conekta API: UpdateCustomerPaymentMethods.
func (s *PaymentSourcesService) Update(ctx context.Context, customerID, id string, p *PaymentSourceUpdateParams, opts ...RequestOption) (*PaymentSource, error) {
	if err := checkIDs(customerID, id); err != nil {
		return nil, err
	}
	if p == nil || sendsNothing(p) {
		return nil, check.Invalid(provider, "PaymentSourceUpdateParams", "sets no field; there is nothing to update")
	}
	return call[PaymentSource](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: sourcesPath(customerID) + "/" + url.PathEscape(id), Body: p}, opts)
}

// Delete removes a payment source (DELETE
// /customers/{id}/payment_sources/{source id}) and returns it as it was.
//
// Conekta API: DeleteCustomerPaymentMethods.
func (s *PaymentSourcesService) Delete(ctx context.Context, customerID, id string, opts ...RequestOption) (*PaymentSource, error) {
	if err := checkIDs(customerID, id); err != nil {
		return nil, err
	}
	return call[PaymentSource](ctx, s.client, &httpcore.Request{Method: http.MethodDelete, Path: sourcesPath(customerID) + "/" + url.PathEscape(id)}, opts)
}

func checkIDs(customerID, sourceID string) error {
	if err := check.ID(provider, "customer", customerID); err != nil {
		return err
	}
	return check.ID(provider, "payment source", sourceID)
}
