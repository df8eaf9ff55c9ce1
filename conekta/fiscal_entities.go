package conekta

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// FiscalEntitiesService manages a customer's fiscal entities: the tax
// identities (RFC and fiscal address) invoices are made out to. Conekta's
// API has no list or get for them: they come with the customer.
type FiscalEntitiesService service

// CustomerFiscalEntity is a tax identity of a customer.
type CustomerFiscalEntity struct {
	ID          string         `json:"id"`
	Object      string         `json:"object,omitempty"`
	ParentID    string         `json:"parent_id,omitempty"` // the customer ("cus_…")
	TaxID       string         `json:"tax_id,omitempty"`    // the RFC
	CompanyName string         `json:"company_name,omitempty"`
	Email       string         `json:"email,omitempty"`
	Phone       string         `json:"phone,omitempty"`
	Address     *FiscalAddress `json:"address,omitempty"`
	Default     bool           `json:"default,omitempty"`
	CreatedAt   Time           `json:"created_at"`
	Metadata    Metadata       `json:"metadata,omitempty"`
	// Raw is the object as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the entity and keeps it in Raw.
func (f *CustomerFiscalEntity) UnmarshalJSON(b []byte) error {
	type plain CustomerFiscalEntity
	return keepRaw(b, (*plain)(f), &f.Raw)
}

// FiscalAddress is the address of a tax identity.
type FiscalAddress struct {
	Street1        string `json:"street1,omitempty"` // required
	Street2        string `json:"street2,omitempty"`
	ExternalNumber string `json:"external_number,omitempty"`
	City           string `json:"city,omitempty"` // required on create
	State          string `json:"state,omitempty"`
	PostalCode     string `json:"postal_code,omitempty"` // required
	Country        string `json:"country,omitempty"`     // such as "MX"
}

// FiscalEntityParams create or change a fiscal entity. On update only the
// fields set are sent, but an Address is sent whole: Street1, City and
// PostalCode are required whenever Address is set.
type FiscalEntityParams struct {
	Address     *FiscalAddress `json:"address,omitempty"` // required on create
	TaxID       string         `json:"tax_id,omitempty"`
	CompanyName string         `json:"company_name,omitempty"`
	Email       string         `json:"email,omitempty"`
	Phone       string         `json:"phone,omitempty"`
	Metadata    Metadata       `json:"metadata,omitempty"`
}

func (p *FiscalEntityParams) check(create bool) error {
	switch {
	case p == nil:
		return check.Invalid(provider, "FiscalEntityParams", "is nil")
	case create && p.Address == nil:
		return check.Invalid(provider, "FiscalEntityParams.Address", "is required")
	case !create && sendsNothing(p):
		return check.Invalid(provider, "FiscalEntityParams", "sets no field; there is nothing to update")
	}
	// Conekta takes an address only whole, on update too.
	if a := p.Address; a != nil {
		switch {
		case a.Street1 == "":
			return check.Invalid(provider, "FiscalEntityParams.Address.Street1", "is required, such as \"Nuevo Leon 254\"")
		case a.City == "":
			return check.Invalid(provider, "FiscalEntityParams.Address.City", "is required, such as \"Ciudad de Mexico\"")
		case a.PostalCode == "":
			return check.Invalid(provider, "FiscalEntityParams.Address.PostalCode", "is required, such as \"06100\"")
		}
	}
	if err := checkEmail("FiscalEntityParams.Email", p.Email); err != nil {
		return err
	}
	return p.Metadata.check("FiscalEntityParams.Metadata")
}

func fiscalEntityPath(customerID, id string) string {
	p := "/customers/" + url.PathEscape(customerID) + "/fiscal_entities"
	if id != "" {
		p += "/" + url.PathEscape(id)
	}
	return p
}

// Create adds a fiscal entity to a customer (POST
// /customers/{id}/fiscal_entities).
//
// A create that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): fetch the customer and look at its fiscal entities
// before adding it again.
//
// Conekta API: CreateCustomerFiscalEntities.
func (s *FiscalEntitiesService) Create(ctx context.Context, customerID string, p *FiscalEntityParams, opts ...RequestOption) (*CustomerFiscalEntity, error) {
	if err := check.ID(provider, "customer", customerID); err != nil {
		return nil, err
	}
	if err := p.check(true); err != nil {
		return nil, err
	}
	return call[CustomerFiscalEntity](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: fiscalEntityPath(customerID, ""), Body: p}, opts)
}

// Update changes a fiscal entity (PUT
// /customers/{id}/fiscal_entities/{fiscal_entities_id}).
//
// Conekta API: UpdateCustomerFiscalEntities.
func (s *FiscalEntitiesService) Update(ctx context.Context, customerID, id string, p *FiscalEntityParams, opts ...RequestOption) (*CustomerFiscalEntity, error) {
	if err := checkCustomerAnd(customerID, "fiscal entity", id); err != nil {
		return nil, err
	}
	if err := p.check(false); err != nil {
		return nil, err
	}
	return call[CustomerFiscalEntity](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: fiscalEntityPath(customerID, id), Body: p}, opts)
}
