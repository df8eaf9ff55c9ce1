package conekta

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// CustomersService handles Conekta customers: the people you charge, with
// their saved payment sources.
type CustomersService service

// Customer is a Conekta customer ("cus_…").
type Customer struct {
	ID                       string                `json:"id"`
	Object                   string                `json:"object,omitempty"` // "customer"
	Livemode                 bool                  `json:"livemode"`
	CreatedAt                Time                  `json:"created_at"`
	Name                     string                `json:"name,omitempty"`
	Email                    string                `json:"email,omitempty"`
	Phone                    string                `json:"phone,omitempty"`
	Corporate                bool                  `json:"corporate,omitempty"`
	CustomReference          string                `json:"custom_reference,omitempty"`
	DateOfBirth              string                `json:"date_of_birth,omitempty"`
	NationalID               string                `json:"national_id,omitempty"`
	DefaultPaymentSourceID   string                `json:"default_payment_source_id,omitempty"`
	DefaultShippingContactID string                `json:"default_shipping_contact_id,omitempty"`
	DefaultFiscalEntityID    string                `json:"default_fiscal_entity_id,omitempty"`
	Metadata                 Metadata              `json:"metadata,omitempty"`
	PaymentSources           *List[*PaymentSource] `json:"payment_sources,omitempty"`
	Deleted                  bool                  `json:"deleted,omitempty"` // set on the answer to Delete
}

// CustomerParams are the fields of a customer create or update. On update,
// only fields that are set are sent.
type CustomerParams struct {
	// Name, Email and Phone are required on create; API 2.0.0 also accepts
	// a customer without a phone.
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"` // such as "+5215555555555"
	// CustomReference is your own id for the customer: search by it
	// (ListParams.Search) to look the customer up before retrying a create.
	CustomReference        string   `json:"custom_reference,omitempty"`
	Corporate              *bool    `json:"corporate,omitempty"`
	DateOfBirth            string   `json:"date_of_birth,omitempty"`
	NationalID             string   `json:"national_id,omitempty"`
	DefaultPaymentSourceID string   `json:"default_payment_source_id,omitempty"`
	PlanID                 string   `json:"plan_id,omitempty"`
	Metadata               Metadata `json:"metadata,omitempty"`
	// PaymentSources are created with the customer: a card from a token
	// (CardSource), or a recurring cash reference (Client.RecurringCashSource).
	// On update they are added.
	PaymentSources []*PaymentSourceParams `json:"payment_sources,omitempty"`
}

func (p *CustomerParams) check(create, phoneRequired bool) error {
	if p == nil {
		return check.Invalid(provider, "CustomerParams", "is nil")
	}
	if create {
		switch {
		case p.Name == "":
			return check.Invalid(provider, "CustomerParams.Name", "is required: the customer's full name")
		case p.Email == "":
			return check.Invalid(provider, "CustomerParams.Email", "is required, such as ana@example.com")
		case p.Phone == "" && phoneRequired:
			return check.Invalid(provider, "CustomerParams.Phone", "is required by Conekta API 2.3.0, such as \"+5215555555555\"")
		}
	} else if sendsNothing(p) {
		return check.Invalid(provider, "CustomerParams", "sets no field; there is nothing to update")
	}
	if err := checkEmail("CustomerParams.Email", p.Email); err != nil {
		return err
	}
	for i, s := range p.PaymentSources {
		if err := s.check("CustomerParams.PaymentSources[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	return nil
}

// Create registers a customer (POST /customers), with any payment sources
// given.
//
// pagos never repeats a create that may have reached Conekta: when one fails
// that way the error matches ErrOutcomeUnknown. Set CustomReference and
// search for it (List with ListParams.Search) before creating the customer
// again.
//
// Conekta API: createCustomer.
func (s *CustomersService) Create(ctx context.Context, p *CustomerParams, opts ...RequestOption) (*Customer, error) {
	if err := p.check(true, s.client.phoneRequired()); err != nil {
		return nil, err
	}
	return call[Customer](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/customers", Body: p}, opts)
}

// Get fetches a customer by id (GET /customers/{id}).
//
// Conekta API: getCustomerById.
func (s *CustomersService) Get(ctx context.Context, id string, opts ...RequestOption) (*Customer, error) {
	if err := check.ID(provider, "customer", id); err != nil {
		return nil, err
	}
	return call[Customer](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/customers/" + url.PathEscape(id)}, opts)
}

// List fetches one page of customers (GET /customers).
//
// Conekta API: getCustomers.
func (s *CustomersService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*Customer], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/customers", Query: q}, opts, func(c *Customer) string { return c.ID })
}

// All iterates over every customer matching p, fetching pages as the loop
// needs them. Stop early by breaking out of the loop.
//
// Conekta API: getCustomers.
func (s *CustomersService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*Customer, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Customer], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}

// Update changes a customer (PUT /customers/{id}), sending only the fields
// set in p.
//
// Conekta API: updateCustomer.
func (s *CustomersService) Update(ctx context.Context, id string, p *CustomerParams, opts ...RequestOption) (*Customer, error) {
	if err := check.ID(provider, "customer", id); err != nil {
		return nil, err
	}
	if err := p.check(false, false); err != nil {
		return nil, err
	}
	return call[Customer](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: "/customers/" + url.PathEscape(id), Body: p}, opts)
}

// Delete removes a customer (DELETE /customers/{id}) and returns it as it
// was.
//
// Conekta API: deleteCustomerById.
func (s *CustomersService) Delete(ctx context.Context, id string, opts ...RequestOption) (*Customer, error) {
	if err := check.ID(provider, "customer", id); err != nil {
		return nil, err
	}
	return call[Customer](ctx, s.client, &httpcore.Request{Method: http.MethodDelete, Path: "/customers/" + url.PathEscape(id)}, opts)
}
