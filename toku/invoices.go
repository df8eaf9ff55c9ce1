package toku

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// InvoicesService handles Toku invoices: the debts your customers pay.
type InvoicesService service

// Invoice is a Toku invoice ("in_…"): one debt of one customer.
type Invoice struct {
	ID                      string   `json:"id"`
	Customer                string   `json:"customer"` // "cus_…"
	ProductID               string   `json:"product_id"`
	Subscription            string   `json:"subscription,omitempty"` // "sub_…"
	DueDate                 Date     `json:"due_date,omitzero"`
	Amount                  Amount   `json:"amount"` // major units of CurrencyCode (CLP by default)
	CurrencyCode            string   `json:"currency_code,omitempty"`
	IsPaid                  bool     `json:"is_paid"`
	IsVoid                  bool     `json:"is_void"`
	LinkPayment             string   `json:"link_payment,omitempty"`
	Metadata                Metadata `json:"metadata,omitempty"`
	InvoiceExternalID       string   `json:"invoice_external_id,omitempty"`
	ReceiptType             string   `json:"receipt_type,omitempty"`
	ReceiptID               string   `json:"id_receipt,omitempty"`
	Source                  string   `json:"source,omitempty"`
	DisableAutomaticPayment bool     `json:"disable_automatic_payment,omitempty"`
	ExpirationDate          *Time    `json:"expiration_date,omitempty"`
}

// InvoiceParams are the fields of an invoice create or update. On update,
// only fields that are set are sent.
type InvoiceParams struct {
	// Customer is the "cus_…" id returned when the customer was created.
	Customer string `json:"customer,omitempty"`
	// ProductID is your id for what the debt is for, such as a contract number.
	ProductID string `json:"product_id,omitempty"`
	DueDate   Date   `json:"due_date,omitzero"`
	// Amount owed, in major units of CurrencyCode (CLP unless set); positive
	// on create. pagos refuses, before sending, what Toku cannot take: a
	// fraction of a CLP peso (CLP has no decimals), more than two decimals
	// for MXN, more than four for any other or unstated currency (the most
	// ISO 4217 gives any currency), and more than 15 significant digits
	// (Toku documents the amount as a float, which holds no more exactly;
	// this bound is pagos's own). An update without CurrencyCode cannot know
	// the invoice's currency, so it is checked as an unstated one.
	Amount Amount `json:"amount,omitzero"`
	// CurrencyCode such as "CLP" or "MXN"; the currency must be enabled in
	// Toku's web app.
	CurrencyCode string `json:"currency_code,omitempty"`
	IsPaid       *bool  `json:"is_paid,omitempty"`
	IsVoid       *bool  `json:"is_void,omitempty"`
	// LinkPayment is set only when you run your own payment portal; leave it
	// empty to use Toku's.
	LinkPayment string   `json:"link_payment,omitempty"`
	Metadata    Metadata `json:"metadata,omitempty"` // values of at most 256 characters
	// InvoiceExternalID tells apart invoices with the same ProductID and DueDate.
	InvoiceExternalID       string     `json:"invoice_external_id,omitempty"`
	DisableAutomaticPayment *bool      `json:"disable_automatic_payment,omitempty"`
	ExpirationDate          *time.Time `json:"expiration_date,omitempty"`
}

func (p *InvoiceParams) check(create bool) error {
	const pv = "toku"
	if p == nil {
		return check.Invalid(pv, "InvoiceParams", "is nil")
	}
	if create {
		switch {
		case p.Customer == "":
			return check.Invalid(pv, "InvoiceParams.Customer", "is required: the \"cus_…\" id returned by Customers.Create")
		case p.ProductID == "":
			return check.Invalid(pv, "InvoiceParams.ProductID", "is required: your id for what the debt is for, such as a contract number")
		case p.DueDate.IsZero():
			return check.Invalid(pv, "InvoiceParams.DueDate", "is required: the date the debt falls due")
		case p.Amount.Sign() <= 0:
			return check.Invalid(pv, "InvoiceParams.Amount", "is %s; it must be positive, in major units (pesos)", p.Amount)
		}
	} else if sendsNothing(p) {
		return check.Invalid(pv, "InvoiceParams", "sets no field; there is nothing to update")
	}
	if !p.DueDate.IsZero() && !p.DueDate.valid() {
		return check.Invalid(pv, "InvoiceParams.DueDate", "%04d-%02d-%02d is not a calendar date", p.DueDate.Year, int(p.DueDate.Month), p.DueDate.Day)
	}
	if !create && p.Amount.Sign() < 0 {
		return check.Invalid(pv, "InvoiceParams.Amount", "is %s; it must be positive", p.Amount)
	}
	if p.CurrencyCode != "" && !isCurrencyCode(p.CurrencyCode) {
		return check.Invalid(pv, "InvoiceParams.CurrencyCode", "is %q; use an ISO 4217 code such as \"CLP\" or \"MXN\"", p.CurrencyCode)
	}
	currency := p.CurrencyCode
	if create && currency == "" {
		currency = "CLP" // Toku's default
	}
	if err := checkAmount("InvoiceParams.Amount", p.Amount, currency); err != nil {
		return err
	}
	if p.LinkPayment != "" {
		if u, err := url.Parse(p.LinkPayment); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return check.Invalid(pv, "InvoiceParams.LinkPayment", "must be an absolute http(s) URL, or empty to use Toku's payment portal")
		}
	}
	return p.Metadata.check("InvoiceParams.Metadata")
}

// maxAmountDigits is the most significant digits pagos sends in an amount.
// Toku documents amounts as floats, and a float64 carries no more than 15
// decimal digits exactly; the bound is pagos's own, not Toku's.
const maxAmountDigits = 15

// amountDecimals is how many decimal places an amount may have in a
// currency: CLP has none, MXN two, and any other or unstated currency at
// most four, the most ISO 4217 gives any currency (such as CLF, the UF).
func amountDecimals(currency string) int {
	switch currency {
	case "CLP":
		return 0
	case "MXN":
		return 2
	}
	return 4
}

// checkAmount refuses an amount Toku cannot take in currency ("" when
// unknown): too many decimals, or too many digits for a float.
func checkAmount(field string, a Amount, currency string) error {
	places := amountDecimals(currency)
	if _, err := a.Fixed(places); err != nil {
		in := currency
		if in == "" {
			in = "an unstated currency"
		}
		if places == 0 {
			return check.Invalid("toku", field, "is %s; %s has no decimals, give whole pesos", a, in)
		}
		return check.Invalid("toku", field, "is %s; %s takes at most %d decimal places", a, in, places)
	}
	if n := significantDigits(a); n > maxAmountDigits {
		return check.Invalid("toku", field, "has %d significant digits; Toku reads amounts as floats, so pagos sends at most %d", n, maxAmountDigits)
	}
	return nil
}

// significantDigits counts the digits of a from its first non-zero digit
// to its last, ignoring leading zeros and trailing decimal zeros.
func significantDigits(a Amount) int {
	s := strings.TrimPrefix(a.String(), "-")
	whole, frac, _ := strings.Cut(s, ".")
	whole = strings.TrimLeft(whole, "0")
	frac = strings.TrimRight(frac, "0")
	if whole == "" {
		frac = strings.TrimLeft(frac, "0")
	}
	return len(whole) + len(frac)
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// InvoiceListParams filters and pages an invoice list.
type InvoiceListParams struct {
	ListParams
	CustomerID  string // only this customer's invoices
	DueDateFrom Date   // only invoices due on or after this date
}

// Create registers a debt (POST /invoices).
//
// A create that fails after reaching Toku is not repeated (ErrOutcomeUnknown):
// list the customer's invoices, matching ProductID, DueDate and
// InvoiceExternalID, before creating it again.
func (s *InvoicesService) Create(ctx context.Context, p *InvoiceParams, opts ...RequestOption) (*Invoice, error) {
	if err := p.check(true); err != nil {
		return nil, err
	}
	return call[Invoice](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/invoices", Body: p}, opts)
}

// Get fetches an invoice by id (GET /invoices/{id}).
func (s *InvoicesService) Get(ctx context.Context, id string, opts ...RequestOption) (*Invoice, error) {
	if err := check.ID("toku", "invoice", id); err != nil {
		return nil, err
	}
	return call[Invoice](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/invoices/" + url.PathEscape(id)}, opts)
}

// List fetches one page of invoices (GET /invoices).
func (s *InvoicesService) List(ctx context.Context, p *InvoiceListParams, opts ...RequestOption) (*List[*Invoice], error) {
	q := url.Values{}
	var lp *ListParams
	if p != nil {
		lp = &p.ListParams
		if p.CustomerID != "" {
			q.Set("customer_id", p.CustomerID)
		}
		if !p.DueDateFrom.IsZero() {
			q.Set("due_date_from", p.DueDateFrom.String())
		}
	}
	q, err := lp.query(q)
	if err != nil {
		return nil, err
	}
	return call[List[*Invoice]](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/invoices", Query: q}, opts)
}

// All iterates over every invoice matching p, fetching pages as needed.
func (s *InvoicesService) All(ctx context.Context, p *InvoiceListParams, opts ...RequestOption) iter.Seq2[*Invoice, error] {
	var base InvoiceListParams
	if p != nil {
		base = *p
	}
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Invoice], error) {
		lp := base
		lp.ListParams = *base.ListParams.at(cursor)
		return s.List(ctx, &lp, opts...)
	})
}

// Update changes an invoice (PUT /invoices/{id}), sending only the fields set.
func (s *InvoicesService) Update(ctx context.Context, id string, p *InvoiceParams, opts ...RequestOption) (*Invoice, error) {
	if err := check.ID("toku", "invoice", id); err != nil {
		return nil, err
	}
	if err := p.check(false); err != nil {
		return nil, err
	}
	return call[Invoice](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: "/invoices/" + url.PathEscape(id), Body: p}, opts)
}

// Void annuls an invoice so it is no longer collected, keeping it on record
// (POST /invoices/{id}/void with delete_invoice false). Toku treats voided
// invoices as deleted.
func (s *InvoicesService) Void(ctx context.Context, id string, opts ...RequestOption) (*Invoice, error) {
	if err := check.ID("toku", "invoice", id); err != nil {
		return nil, err
	}
	body := map[string]bool{"delete_invoice": false}
	return call[Invoice](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/invoices/" + url.PathEscape(id) + "/void", Body: body}, opts)
}

// Delete removes an invoice (DELETE /invoices/{id}).
func (s *InvoicesService) Delete(ctx context.Context, id string, opts ...RequestOption) error {
	if err := check.ID("toku", "invoice", id); err != nil {
		return err
	}
	return s.client.do(ctx, &httpcore.Request{Method: http.MethodDelete, Path: "/invoices/" + url.PathEscape(id)}, nil, opts)
}
