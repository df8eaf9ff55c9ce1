package toku

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// CustomersService handles Toku customers: the people you collect from.
type CustomersService service

// ReceiptType is the tax document Toku issues by default for a customer.
type ReceiptType string

// Receipt types.
const (
	ReceiptBill    ReceiptType = "bill"
	ReceiptInvoice ReceiptType = "invoice"
)

// Customer is a Toku customer ("cus_…").
type Customer struct {
	ID string `json:"id"`
	// GovernmentID is the RUT (Chile) or CURP (Mexico). Toku's responses
	// spell it government_id; its create request spells it goverment_id. Both
	// decode into this field.
	GovernmentID       string      `json:"government_id,omitempty"`
	ExternalID         string      `json:"external_id,omitempty"`
	Name               string      `json:"name,omitempty"`
	Mail               string      `json:"mail,omitempty"` // also read from "email" in event payloads
	PhoneNumber        string      `json:"phone_number,omitempty"`
	SilencedUntil      *Time       `json:"silenced_until,omitempty"`
	DefaultAgent       string      `json:"default_agent,omitempty"`
	AgentPhoneNumber   string      `json:"agent_phone_number,omitempty"`
	PACMandateID       string      `json:"pac_mandate_id,omitempty"`
	SendMail           bool        `json:"send_mail,omitempty"`
	DefaultReceiptType ReceiptType `json:"default_receipt_type,omitempty"`
	RFC                string      `json:"rfc,omitempty"`
	TaxZipCode         string      `json:"tax_zip_code,omitempty"`
	FiscalRegime       string      `json:"fiscal_regime,omitempty"`
	SecondaryEmails    []string    `json:"secondary_emails,omitempty"`
	Metadata           Metadata    `json:"metadata,omitempty"`
}

// UnmarshalJSON reads a customer from an API response or an event, accepting
// both spellings of the government id and "email" for "mail".
func (c *Customer) UnmarshalJSON(b []byte) error {
	type plain Customer
	var v struct {
		plain
		Goverment string `json:"goverment_id"`
		Email     string `json:"email"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Customer(v.plain)
	if c.GovernmentID == "" {
		c.GovernmentID = v.Goverment
	}
	if c.Mail == "" {
		c.Mail = v.Email
	}
	return nil
}

// CustomerParams are the fields of a customer create or update. On update,
// only fields that are set are sent.
type CustomerParams struct {
	// GovernmentID is the customer's RUT (Chile) or CURP (Mexico), required on
	// create unless Toku enabled ExternalID for your organization. It is sent
	// as goverment_id, the spelling Toku's API expects.
	GovernmentID string `json:"goverment_id,omitempty"`
	// ExternalID is your own unique id for the customer; it replaces
	// GovernmentID only where Toku has enabled that.
	ExternalID         string      `json:"external_id,omitempty"`
	Mail               string      `json:"mail,omitempty"`
	Name               string      `json:"name,omitempty"`
	PhoneNumber        string      `json:"phone_number,omitempty"` // such as "+56987654321"
	PACMandateID       string      `json:"pac_mandate_id,omitempty"`
	DefaultAgent       string      `json:"default_agent,omitempty"` // the agent's email
	AgentPhoneNumber   string      `json:"agent_phone_number,omitempty"`
	SendMail           *bool       `json:"send_mail,omitempty"` // send the payment-method invitation on create
	SilencedUntil      *time.Time  `json:"silenced_until,omitempty"`
	Metadata           Metadata    `json:"metadata,omitempty"` // values of at most 256 characters
	SecondaryEmails    []string    `json:"secondary_emails,omitempty"`
	DefaultReceiptType ReceiptType `json:"default_receipt_type,omitempty"`
	RFC                string      `json:"rfc,omitempty"` // Mexico, for invoicing
	TaxZipCode         string      `json:"tax_zip_code,omitempty"`
	FiscalRegime       string      `json:"fiscal_regime,omitempty"`
}

func (p *CustomerParams) check(create bool) error {
	if p == nil {
		return check.Invalid("toku", "CustomerParams", "is nil")
	}
	if create && p.GovernmentID == "" && p.ExternalID == "" {
		return check.Invalid("toku", "CustomerParams.GovernmentID",
			"is required: set the customer's RUT (Chile) or CURP (Mexico); use ExternalID instead only if Toku enabled external ids for your organization")
	}
	if !create && sendsNothing(p) {
		return check.Invalid("toku", "CustomerParams", "sets no field; there is nothing to update")
	}
	if err := checkEmail("CustomerParams.Mail", p.Mail); err != nil {
		return err
	}
	if err := checkEmail("CustomerParams.DefaultAgent", p.DefaultAgent); err != nil {
		return err
	}
	for i, e := range p.SecondaryEmails {
		if err := checkEmail("CustomerParams.SecondaryEmails["+strconv.Itoa(i)+"]", e); err != nil {
			return err
		}
	}
	if p.DefaultReceiptType != "" && p.DefaultReceiptType != ReceiptBill && p.DefaultReceiptType != ReceiptInvoice {
		return check.Invalid("toku", "CustomerParams.DefaultReceiptType", "is %q; use toku.ReceiptBill or toku.ReceiptInvoice", p.DefaultReceiptType)
	}
	return p.Metadata.check("CustomerParams.Metadata")
}

// sendsNothing reports whether params would encode to an empty JSON object,
// which makes an update a no-op the caller surely did not mean.
func sendsNothing(params any) bool {
	b, err := json.Marshal(params)
	return err == nil && string(b) == "{}"
}

func checkEmail(field, v string) error {
	if v == "" {
		return nil
	}
	if !check.LooksLikeEmail(v) {
		return check.Invalid("toku", field, "%q is not an email address such as ana@example.com", v)
	}
	return nil
}

// Create registers a customer (POST /customers).
//
// Toku documents no idempotency key, so a create that fails after reaching
// Toku is not repeated: the error matches ErrOutcomeUnknown, and you should
// look the customer up before creating it again.
func (s *CustomersService) Create(ctx context.Context, p *CustomerParams, opts ...RequestOption) (*Customer, error) {
	if err := p.check(true); err != nil {
		return nil, err
	}
	return call[Customer](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/customers", Body: p}, opts)
}

// Get fetches a customer by id (GET /customers/{id}).
func (s *CustomersService) Get(ctx context.Context, id string, opts ...RequestOption) (*Customer, error) {
	if err := check.ID("toku", "customer", id); err != nil {
		return nil, err
	}
	return call[Customer](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/customers/" + url.PathEscape(id)}, opts)
}

// List fetches one page of customers (GET /customers).
func (s *CustomersService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*Customer], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return call[List[*Customer]](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/customers", Query: q}, opts)
}

// All iterates over every customer, fetching pages as needed. Stop early by
// breaking out of the loop.
func (s *CustomersService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*Customer, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Customer], error) {
		return s.List(ctx, p.at(cursor), opts...)
	})
}

// Update changes a customer (PUT /customers/{id}), sending only the fields
// set in p.
func (s *CustomersService) Update(ctx context.Context, id string, p *CustomerParams, opts ...RequestOption) (*Customer, error) {
	if err := check.ID("toku", "customer", id); err != nil {
		return nil, err
	}
	if err := p.check(false); err != nil {
		return nil, err
	}
	return call[Customer](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: "/customers/" + url.PathEscape(id), Body: p}, opts)
}

// Delete removes a customer (DELETE /customers/{id}).
func (s *CustomersService) Delete(ctx context.Context, id string, opts ...RequestOption) error {
	if err := check.ID("toku", "customer", id); err != nil {
		return err
	}
	return s.client.do(ctx, &httpcore.Request{Method: http.MethodDelete, Path: "/customers/" + url.PathEscape(id)}, nil, opts)
}
