package toku

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// SubscriptionsService handles Toku subscriptions: a customer subscribed to
// one of your products (a contract, a plan), under which Toku groups the
// customer's invoices and, for a recurring subscription, issues them itself
// every month.
//
// Toku documents the subscription object and PUT /subscriptions/{id}. The
// other paths (POST /subscriptions, GET and DELETE /subscriptions/{id}, and
// GET /subscriptions/customer/{id}) are taken from third-party clients and
// Toku's reference menu, not from a published request page.
type SubscriptionsService service

// subscriptionCurrency reports whether code is one of the four currencies
// Toku documents for recurring subscriptions: Chilean pesos, Unidades de
// Fomento, Mexican pesos and Brazilian reais.
func subscriptionCurrency(code string) bool {
	switch code {
	case "CLP", "CLF", "MXN", "BRL":
		return true
	}
	return false
}

// Subscription is a Toku subscription ("sub_…"): one customer's enrolment in
// one of your products, identified by your ProductID.
type Subscription struct {
	ID       string `json:"id"`
	Customer string `json:"customer"` // "cus_…"
	// ProductID is your own id for the contract or plan, unique across your
	// company: two customers cannot share one.
	ProductID    string `json:"product_id"`
	PACMandateID string `json:"pac_mandate_id"`
	// IsRecurring is true when Toku issues an invoice every month by itself.
	IsRecurring bool `json:"is_recurring"`
	// Amount of each automatic invoice, in major units of CurrencyCode
	// (pesos, not centavos); nil when the subscription is not recurring.
	Amount *Amount `json:"amount"`
	// DueDay is the day of the month the automatic invoices fall due; nil
	// when the subscription is not recurring.
	DueDay *int `json:"due_day"`
	// CurrencyCode of the automatic invoices: "CLP", "CLF", "MXN" or "BRL".
	// Toku's webhook payloads do not carry it.
	CurrencyCode string `json:"currency_code,omitempty"`
	// ReceiptProductCode is the SAT product code (Mexican invoicing only).
	ReceiptProductCode string   `json:"receipt_product_code"`
	Metadata           Metadata `json:"metadata"`

	// Raw is the object as Toku sent it, for fields pagos does not model.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON reads a subscription from an API response or an event and
// keeps Raw.
func (s *Subscription) UnmarshalJSON(b []byte) error {
	type plain Subscription
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = Subscription(v)
	s.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON writes the subscription as Toku sent it, when it came from Toku.
func (s *Subscription) MarshalJSON() ([]byte, error) {
	if len(s.Raw) > 0 {
		return s.Raw, nil
	}
	type plain Subscription
	return json.Marshal((*plain)(s))
}

// SubscriptionParams are the fields of a subscription create or update. On
// update, only fields that are set are sent.
//
// Amount, DueDay and CurrencyCode describe the invoices Toku issues by
// itself, so Toku takes them only with IsRecurring: pagos refuses them
// before sending unless IsRecurring is set to true in the same call.
type SubscriptionParams struct {
	// Customer is the "cus_…" id returned by Customers.Create; required on
	// create.
	Customer string `json:"customer,omitempty"`
	// ProductID is your own id for the contract or plan, required on create
	// and unique across your company (two customers cannot share one). It is
	// also how you find a subscription whose create had an unknown outcome.
	ProductID string `json:"product_id,omitempty"`
	// PACMandateID is the mandate of an enrolled automatic charge (PAC).
	PACMandateID string `json:"pac_mandate_id,omitempty"`
	// IsRecurring makes Toku issue an invoice every month by itself:
	// generated on the first of each month and due on DueDay. A subscription
	// created on or before its DueDay gets its first invoice at once, due
	// that month. Set it to false on update to stop the automatic invoices.
	IsRecurring *bool `json:"is_recurring,omitempty"`
	// Amount of each automatic invoice, in major units of CurrencyCode
	// (pesos, not centavos), positive; only with IsRecurring. On create
	// with IsRecurring it is required (pagos's rule: Toku's reference marks
	// it optional but issues nothing sensible without it). Checked like
	// InvoiceParams.Amount: no decimals in CLP, at most two in MXN, at most
	// four otherwise, at most 15 significant digits.
	Amount Amount `json:"amount,omitzero"`
	// DueDay is the day of the month, 1 to 31, the automatic invoices fall
	// due; only with IsRecurring, and required on create with it (pagos's
	// rule, as for Amount). 0 leaves it unset. Toku does not document what
	// happens in shorter months; the tokutest fake uses the month's last day.
	DueDay int `json:"due_day,omitempty"`
	// CurrencyCode of the automatic invoices: "CLP", "CLF", "MXN" or "BRL",
	// the four Toku documents; only with IsRecurring. When empty Toku's
	// default applies (CLP, as for invoices: an assumption).
	CurrencyCode string `json:"currency_code,omitempty"`
	// ReceiptProductCode is the SAT product code, for Toku's Mexican
	// invoicing module only.
	ReceiptProductCode string `json:"receipt_product_code,omitempty"`
	// Metadata values have at most 256 characters; the keys must first be
	// created in Toku's web app.
	Metadata Metadata `json:"metadata,omitempty"`
}

func (p *SubscriptionParams) check(create bool) error {
	const pv = "toku"
	if p == nil {
		return check.Invalid(pv, "SubscriptionParams", "is nil")
	}
	recurring := p.IsRecurring != nil && *p.IsRecurring
	if create {
		switch {
		case p.Customer == "":
			return check.Invalid(pv, "SubscriptionParams.Customer", "is required: the \"cus_…\" id returned by Customers.Create")
		case p.ProductID == "":
			return check.Invalid(pv, "SubscriptionParams.ProductID", "is required: your own id for the contract or plan, unique across your company")
		case recurring && p.Amount.Sign() <= 0:
			return check.Invalid(pv, "SubscriptionParams.Amount", "is %s; a recurring subscription needs a positive amount, in major units (pesos)", p.Amount)
		case recurring && p.DueDay == 0:
			return check.Invalid(pv, "SubscriptionParams.DueDay", "is required with IsRecurring: the day of the month, 1 to 31, the invoices fall due")
		}
	} else if sendsNothing(p) {
		return check.Invalid(pv, "SubscriptionParams", "sets no field; there is nothing to update")
	}
	if !recurring {
		for _, f := range []struct {
			name string
			set  bool
		}{{"Amount", !p.Amount.IsZero()}, {"DueDay", p.DueDay != 0}, {"CurrencyCode", p.CurrencyCode != ""}} {
			if f.set {
				return check.Invalid(pv, "SubscriptionParams."+f.name, "applies only to the automatic invoices of a recurring subscription; set IsRecurring: toku.Bool(true) in the same call")
			}
		}
	}
	if p.Amount.Sign() < 0 {
		return check.Invalid(pv, "SubscriptionParams.Amount", "is %s; it must be positive", p.Amount)
	}
	if p.DueDay < 0 || p.DueDay > 31 {
		return check.Invalid(pv, "SubscriptionParams.DueDay", "is %d; give a day of the month from 1 to 31", p.DueDay)
	}
	if p.CurrencyCode != "" && !subscriptionCurrency(p.CurrencyCode) {
		return check.Invalid(pv, "SubscriptionParams.CurrencyCode", "is %q; Toku takes \"CLP\", \"CLF\", \"MXN\" or \"BRL\"", p.CurrencyCode)
	}
	currency := p.CurrencyCode
	if create && currency == "" {
		currency = "CLP" // Toku's default for invoices, assumed here
	}
	if err := checkAmount("SubscriptionParams.Amount", p.Amount, currency); err != nil {
		return err
	}
	return p.Metadata.check("SubscriptionParams.Metadata")
}

// Create subscribes a customer to a product (POST /subscriptions).
//
// Toku documents no idempotency key, so a create that fails after it may
// have reached Toku is not repeated: the error matches ErrOutcomeUnknown.
// ProductID is unique across your company, so look for it among the
// customer's subscriptions (List or All with the customer's id) before
// creating it again.
func (s *SubscriptionsService) Create(ctx context.Context, p *SubscriptionParams, opts ...RequestOption) (*Subscription, error) {
	if err := p.check(true); err != nil {
		return nil, err
	}
	return call[Subscription](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/subscriptions", Body: p}, opts)
}

// Get fetches a subscription by id (GET /subscriptions/{id}).
func (s *SubscriptionsService) Get(ctx context.Context, id string, opts ...RequestOption) (*Subscription, error) {
	if err := check.ID("toku", "subscription", id); err != nil {
		return nil, err
	}
	return call[Subscription](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/subscriptions/" + url.PathEscape(id)}, opts)
}

// Update changes a subscription (PUT /subscriptions/{id}), sending only the
// fields set in p. A PUT is retried like a read: repeating it sets the same
// values again.
func (s *SubscriptionsService) Update(ctx context.Context, id string, p *SubscriptionParams, opts ...RequestOption) (*Subscription, error) {
	if err := check.ID("toku", "subscription", id); err != nil {
		return nil, err
	}
	if err := p.check(false); err != nil {
		return nil, err
	}
	return call[Subscription](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: "/subscriptions/" + url.PathEscape(id), Body: p}, opts)
}

// Delete removes a subscription (DELETE /subscriptions/{id}); a recurring
// one issues no more invoices. Invoices already issued stay: void them with
// Invoices.Void if they should not be collected.
func (s *SubscriptionsService) Delete(ctx context.Context, id string, opts ...RequestOption) error {
	if err := check.ID("toku", "subscription", id); err != nil {
		return err
	}
	return s.client.do(ctx, &httpcore.Request{Method: http.MethodDelete, Path: "/subscriptions/" + url.PathEscape(id)}, nil, opts)
}

// List fetches one page of a customer's subscriptions
// (GET /subscriptions/customer/{customer_id}), the only subscription listing
// Toku has. Whether Toku pages it is not documented: pagos sends page_size
// and cursor only when p sets them, and reads a bare array as one last page.
func (s *SubscriptionsService) List(ctx context.Context, customerID string, p *ListParams, opts ...RequestOption) (*List[*Subscription], error) {
	if err := check.ID("toku", "customer", customerID); err != nil {
		return nil, err
	}
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return call[List[*Subscription]](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/subscriptions/customer/" + url.PathEscape(customerID), Query: q}, opts)
}

// All iterates over every subscription of a customer, fetching pages as
// needed.
func (s *SubscriptionsService) All(ctx context.Context, customerID string, p *ListParams, opts ...RequestOption) iter.Seq2[*Subscription, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Subscription], error) {
		return s.List(ctx, customerID, p.at(cursor), opts...)
	})
}
