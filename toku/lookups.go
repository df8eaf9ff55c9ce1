package toku

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// Lookups by the ids you keep: your customer id (external_id) and a
// customer's invoices. Toku's reference menu lists both; the invoice path
// comes from a third-party client, and the customer path is pagos's
// assumption (see GetByExternalID).

// customerByExternalIDPath is where pagos looks a customer up by external
// id. Unconfirmed: Toku's reference lists the operation but no path was
// found; this follows the shape of Toku's other lookups
// (/invoices/customer/{id}, /subscriptions/customer/{id}).
const customerByExternalIDPath = "/customers/external/"

// GetByExternalID fetches the customer you registered with your own id
// (GET /customers/external/{external_id}; the path is unconfirmed). It is
// also how to recover from a Customers.Create that ended in
// ErrOutcomeUnknown, when the customer was given an ExternalID.
//
// Whether Toku answers one customer or a list is not documented: pagos
// accepts an object, an array or a page, and answers an error matching
// ErrNotFound when a list is empty.
func (s *CustomersService) GetByExternalID(ctx context.Context, externalID string, opts ...RequestOption) (*Customer, error) {
	if err := check.ID("toku", "external", externalID); err != nil {
		return nil, err
	}
	raw, err := call[json.RawMessage](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: customerByExternalIDPath + url.PathEscape(externalID)}, opts)
	if err != nil {
		return nil, err
	}
	return firstCustomer(*raw)
}

// firstCustomer reads a customer object, or the first item of an array or
// page of customers.
func firstCustomer(b []byte) (*Customer, error) {
	b = bytes.TrimSpace(b)
	var probe map[string]json.RawMessage
	isObject := len(b) > 0 && b[0] == '{' && json.Unmarshal(b, &probe) == nil
	if isObject && probe["items"] == nil && probe["data"] == nil {
		c := new(Customer)
		if err := json.Unmarshal(b, c); err != nil {
			return nil, fmt.Errorf("toku: decoding customer: %w", err)
		}
		return c, nil
	}
	var pg List[*Customer]
	if err := json.Unmarshal(b, &pg); err != nil {
		return nil, fmt.Errorf("toku: decoding customer: %w", err)
	}
	if len(pg.Data) == 0 || pg.Data[0] == nil {
		return nil, fmt.Errorf("toku: no customer has this external id: %w", ErrNotFound)
	}
	return pg.Data[0], nil
}

// ListByCustomer fetches one page of a customer's invoices
// (GET /invoices/customer/{customer_id}). Whether Toku pages this list is
// not documented: pagos sends page_size and cursor only when p sets them,
// and reads a bare array as one last page.
func (s *InvoicesService) ListByCustomer(ctx context.Context, customerID string, p *ListParams, opts ...RequestOption) (*List[*Invoice], error) {
	if err := check.ID("toku", "customer", customerID); err != nil {
		return nil, err
	}
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return call[List[*Invoice]](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/invoices/customer/" + url.PathEscape(customerID), Query: q}, opts)
}

// AllByCustomer iterates over every invoice of a customer, fetching pages
// as needed.
func (s *InvoicesService) AllByCustomer(ctx context.Context, customerID string, p *ListParams, opts ...RequestOption) iter.Seq2[*Invoice, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Invoice], error) {
		return s.ListByCustomer(ctx, customerID, p.at(cursor), opts...)
	})
}
