package conekta

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// ShippingContactsService manages the addresses a customer has things
// shipped to. Conekta's API has no list or get for them: they come with
// the customer (Customers.Get, Raw's "shipping_contacts").
type ShippingContactsService service

// CustomerShippingContact is an address a customer receives shipments at.
type CustomerShippingContact struct {
	ID             string                  `json:"id"`
	Object         string                  `json:"object,omitempty"` // "shipping_contact"
	ParentID       string                  `json:"parent_id,omitempty"`
	Receiver       string                  `json:"receiver,omitempty"`
	Phone          string                  `json:"phone,omitempty"`
	BetweenStreets string                  `json:"between_streets,omitempty"`
	Address        *ShippingContactAddress `json:"address,omitempty"`
	Default        bool                    `json:"default,omitempty"`
	Deleted        bool                    `json:"deleted,omitempty"`
	CreatedAt      Time                    `json:"created_at"`
	Metadata       Metadata                `json:"metadata,omitempty"`
	// Raw is the object as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the contact and keeps it in Raw.
func (c *CustomerShippingContact) UnmarshalJSON(b []byte) error {
	type plain CustomerShippingContact
	return keepRaw(b, (*plain)(c), &c.Raw)
}

// ShippingContactAddress is a shipping address.
type ShippingContactAddress struct {
	Street1    string `json:"street1,omitempty"` // required on create
	Street2    string `json:"street2,omitempty"`
	City       string `json:"city,omitempty"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postal_code,omitempty"` // required on create, such as "06100"
	Country    string `json:"country,omitempty"`     // required on create, such as "MX"
	// Residential is true for a home, false for a business; nil leaves
	// Conekta's default (true).
	Residential *bool `json:"residential,omitempty"`
}

// ShippingContactParams create or change a customer's shipping contact. On
// update only the fields set are sent.
type ShippingContactParams struct {
	Address        *ShippingContactAddress `json:"address,omitempty"` // required on create
	Receiver       string                  `json:"receiver,omitempty"`
	Phone          string                  `json:"phone,omitempty"` // such as "+525511223344"
	BetweenStreets string                  `json:"between_streets,omitempty"`
	// Default makes this the customer's default shipping contact.
	Default  *bool    `json:"default,omitempty"`
	Metadata Metadata `json:"metadata,omitempty"` // create only
}

// maxText is the longest text Conekta takes in an address field.
const maxText = 249

func (p *ShippingContactParams) check(create bool) error {
	if p == nil {
		return check.Invalid(provider, "ShippingContactParams", "is nil")
	}
	if create {
		a := p.Address
		switch {
		case a == nil:
			return check.Invalid(provider, "ShippingContactParams.Address", "is required")
		case utf8.RuneCountInString(a.Street1) < 2:
			return check.Invalid(provider, "ShippingContactParams.Address.Street1", "is required: at least 2 characters, such as \"Nuevo Leon 254\"")
		case a.PostalCode == "":
			return check.Invalid(provider, "ShippingContactParams.Address.PostalCode", "is required, such as \"06100\"")
		case utf8.RuneCountInString(a.Country) < 2:
			return check.Invalid(provider, "ShippingContactParams.Address.Country", "is required, such as \"MX\"")
		}
	} else {
		if sendsNothing(p) {
			return check.Invalid(provider, "ShippingContactParams", "sets no field; there is nothing to update")
		}
		if len(p.Metadata) > 0 {
			return check.Invalid(provider, "ShippingContactParams.Metadata", "cannot be changed: Conekta's update takes no metadata")
		}
	}
	if a := p.Address; a != nil {
		for field, v := range map[string]string{"Street1": a.Street1, "Street2": a.Street2, "City": a.City, "State": a.State, "Country": a.Country} {
			if utf8.RuneCountInString(v) > maxText {
				return check.Invalid(provider, "ShippingContactParams.Address."+field, "has more than %d characters", maxText)
			}
		}
	}
	if utf8.RuneCountInString(p.BetweenStreets) > maxText {
		return check.Invalid(provider, "ShippingContactParams.BetweenStreets", "has more than %d characters", maxText)
	}
	return p.Metadata.check("ShippingContactParams.Metadata")
}

func shippingContactPath(customerID, id string) string {
	p := "/customers/" + url.PathEscape(customerID) + "/shipping_contacts"
	if id != "" {
		p += "/" + url.PathEscape(id)
	}
	return p
}

func checkCustomerAnd(customerID, what, id string) error {
	if err := check.ID(provider, "customer", customerID); err != nil {
		return err
	}
	return check.ID(provider, what, id)
}

// Create adds a shipping contact to a customer (POST
// /customers/{id}/shipping_contacts).
//
// A create that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): fetch the customer and look at its shipping contacts
// before adding it again.
//
// Conekta API: CreateCustomerShippingContacts.
func (s *ShippingContactsService) Create(ctx context.Context, customerID string, p *ShippingContactParams, opts ...RequestOption) (*CustomerShippingContact, error) {
	if err := check.ID(provider, "customer", customerID); err != nil {
		return nil, err
	}
	if err := p.check(true); err != nil {
		return nil, err
	}
	return call[CustomerShippingContact](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: shippingContactPath(customerID, ""), Body: p}, opts)
}

// Update changes a shipping contact (PUT
// /customers/{id}/shipping_contacts/{shipping_contacts_id}).
//
// Conekta API: UpdateCustomerShippingContacts.
func (s *ShippingContactsService) Update(ctx context.Context, customerID, id string, p *ShippingContactParams, opts ...RequestOption) (*CustomerShippingContact, error) {
	if err := checkCustomerAnd(customerID, "shipping contact", id); err != nil {
		return nil, err
	}
	if err := p.check(false); err != nil {
		return nil, err
	}
	return call[CustomerShippingContact](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: shippingContactPath(customerID, id), Body: p}, opts)
}

// Delete removes a shipping contact (DELETE
// /customers/{id}/shipping_contacts/{shipping_contacts_id}) and returns it
// as it was.
//
// Conekta API: DeleteCustomerShippingContacts.
func (s *ShippingContactsService) Delete(ctx context.Context, customerID, id string, opts ...RequestOption) (*CustomerShippingContact, error) {
	if err := checkCustomerAnd(customerID, "shipping contact", id); err != nil {
		return nil, err
	}
	return call[CustomerShippingContact](ctx, s.client, &httpcore.Request{Method: http.MethodDelete, Path: shippingContactPath(customerID, id)}, opts)
}
