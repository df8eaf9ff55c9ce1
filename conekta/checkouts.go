package conekta

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// CheckoutsService manages payment links (Conekta's "checkouts"): a page
// at Conekta where a customer pays an order made from a template, by card,
// cash or bank transfer. Each payment creates an order and sends its
// order.paid and charge.paid events, as any order does.
type CheckoutsService service

// CheckoutType is the kind of a checkout. Unknown values are kept.
type CheckoutType string

// Checkout types.
const (
	// CheckoutPaymentLink is a link you share: the spec's example and the
	// only type /checkouts creates.
	CheckoutPaymentLink CheckoutType = "PaymentLink"
	// CheckoutHostedPayment and CheckoutIntegration are the checkouts of
	// an order (OrderParams' checkout), which Conekta lists here too.
	CheckoutHostedPayment CheckoutType = "HostedPayment"
	CheckoutIntegration   CheckoutType = "Integration"
)

// CheckoutStatus is a checkout's status. Unknown values are kept.
type CheckoutStatus string

// Checkout statuses. The spec shows only "Issued"; the others are what the
// conektatest fake answers and are not confirmed by Conekta's documents.
const (
	CheckoutIssued    CheckoutStatus = "Issued"
	CheckoutCancelled CheckoutStatus = "Cancelled"
	CheckoutFinished  CheckoutStatus = "Finished"
)

// CheckoutMethod is a way to pay a checkout. Unknown values are kept.
type CheckoutMethod string

// Checkout payment methods, as the spec lists them.
const (
	CheckoutCash         CheckoutMethod = "cash"
	CheckoutCard         CheckoutMethod = "card"
	CheckoutBankTransfer CheckoutMethod = "bank_transfer"
	CheckoutBNPL         CheckoutMethod = "bnpl"
	CheckoutPayByBank    CheckoutMethod = "pay_by_bank"
)

// Checkout is a payment link. Its id is a UUID, not a prefixed id.
type Checkout struct {
	ID       string         `json:"id"`
	Object   string         `json:"object,omitempty"` // "checkout"
	Livemode bool           `json:"livemode"`
	Name     string         `json:"name"` // what the customer pays for
	Type     CheckoutType   `json:"type,omitempty"`
	Status   CheckoutStatus `json:"status,omitempty"`
	// URL is the page to send the customer to; Slug is its last part.
	URL  string `json:"url,omitempty"`
	Slug string `json:"slug,omitempty"`
	// Recurrent links can be paid more than once, up to PaymentsLimitCount.
	Recurrent          bool  `json:"recurrent"`
	PaymentsLimitCount int64 `json:"payments_limit_count,omitempty"`
	PaidPaymentsCount  int64 `json:"paid_payments_count"`
	EmailsSent         int64 `json:"emails_sent"`

	AllowedPaymentMethods      []CheckoutMethod `json:"allowed_payment_methods,omitempty"`
	ExcludedPaymentMethods     []CheckoutMethod `json:"excluded_payment_methods,omitempty"`
	ExcludeCardNetworks        []string         `json:"exclude_card_networks,omitempty"`
	MonthlyInstallmentsEnabled bool             `json:"monthly_installments_enabled"`
	MonthlyInstallmentsOptions []int            `json:"monthly_installments_options,omitempty"`
	NeedsShippingContact       bool             `json:"needs_shipping_contact"`
	PlanIDs                    []string         `json:"plan_ids,omitempty"`
	SuccessURL                 string           `json:"success_url,omitempty"`
	FailureURL                 string           `json:"failure_url,omitempty"`
	RedirectionTime            int64            `json:"redirection_time,omitempty"` // seconds before going to SuccessURL
	CanNotExpire               bool             `json:"can_not_expire"`
	StartsAt                   Time             `json:"starts_at"`
	ExpiresAt                  Time             `json:"expires_at"`
	Metadata                   Metadata         `json:"metadata,omitempty"`

	// Raw is the checkout as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the checkout and keeps Raw.
func (c *Checkout) UnmarshalJSON(b []byte) error {
	type plain Checkout
	if err := json.Unmarshal(b, (*plain)(c)); err != nil {
		return err
	}
	c.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// CheckoutParams create a payment link.
type CheckoutParams struct {
	Name string `json:"name"` // what the customer pays for; required
	// Type is CheckoutPaymentLink when empty.
	Type CheckoutType `json:"type"`
	// Recurrent false: the link is paid once. true: it takes payments up
	// to PaymentsLimitCount.
	Recurrent          bool  `json:"recurrent"`
	PaymentsLimitCount int64 `json:"payments_limit_count,omitempty"` // 1 to 127
	// ExpiresAt is required: 5 minutes to 365 days after now.
	ExpiresAt Time `json:"expires_at"`
	// OrderTemplate is the order each payment creates; required.
	OrderTemplate *CheckoutOrderTemplate `json:"order_template"`
	// AllowedPaymentMethods and ExcludedPaymentMethods exclude each other.
	AllowedPaymentMethods      []CheckoutMethod `json:"allowed_payment_methods,omitempty"`
	ExcludedPaymentMethods     []CheckoutMethod `json:"excluded_payment_methods,omitempty"`
	ExcludeCardNetworks        []string         `json:"exclude_card_networks,omitempty"` // "visa_master_card" or "amex"
	MonthlyInstallmentsEnabled bool             `json:"monthly_installments_enabled,omitempty"`
	MonthlyInstallmentsOptions []int            `json:"monthly_installments_options,omitempty"` // such as 3, 6, 12
	NeedsShippingContact       bool             `json:"needs_shipping_contact,omitempty"`
	OnDemandEnabled            *bool            `json:"on_demand_enabled,omitempty"`
	PlanIDs                    []string         `json:"plan_ids,omitempty"`
	SuccessURL                 string           `json:"success_url,omitempty"`
	RedirectionTime            int64            `json:"redirection_time,omitempty"` // seconds, 1 to 127
	ThreeDSMode                string           `json:"three_ds_mode,omitempty"`    // "strict", "not_strict" or "smart"
}

// CheckoutOrderTemplate is the order a payment link creates on each
// payment. Unit prices and line amounts are centavos.
type CheckoutOrderTemplate struct {
	Currency      string                `json:"currency"` // "MXN"; required
	CustomerInfo  *CustomerInfo         `json:"customer_info,omitempty"`
	LineItems     []*LineItem           `json:"line_items"` // at least one
	TaxLines      []*TaxLineParams      `json:"tax_lines,omitempty"`
	DiscountLines []*DiscountLineParams `json:"discount_lines,omitempty"`
	Metadata      Metadata              `json:"metadata,omitempty"`
}

// checkoutMaxSmall is the largest value of the spec's int8 fields.
const checkoutMaxSmall = 127

func (p *CheckoutParams) check() error {
	const f = "CheckoutParams"
	switch {
	case p == nil:
		return check.Invalid(provider, f, "is nil")
	case p.Name == "":
		return check.Invalid(provider, f+".Name", "is required: what the customer pays for")
	case p.ExpiresAt.IsZero():
		// The 5-minute to 365-day range is Conekta's to judge, by its clock.
		return check.Invalid(provider, f+".ExpiresAt", "is required: 5 minutes to 365 days from now")
	case len(p.AllowedPaymentMethods) > 0 && len(p.ExcludedPaymentMethods) > 0:
		return check.Invalid(provider, f, "sets both AllowedPaymentMethods and ExcludedPaymentMethods; Conekta takes one or the other")
	case p.PaymentsLimitCount < 0 || p.PaymentsLimitCount > checkoutMaxSmall:
		return check.Invalid(provider, f+".PaymentsLimitCount", "is %d; give 1 to %d, or 0 for none", p.PaymentsLimitCount, checkoutMaxSmall)
	case p.RedirectionTime < 0 || p.RedirectionTime > checkoutMaxSmall:
		return check.Invalid(provider, f+".RedirectionTime", "is %d seconds; give 1 to %d, or 0 for Conekta's default", p.RedirectionTime, checkoutMaxSmall)
	case p.OrderTemplate == nil:
		return check.Invalid(provider, f+".OrderTemplate", "is required: the order each payment creates")
	}
	for i, m := range p.MonthlyInstallmentsOptions {
		if m < 1 || m > checkoutMaxSmall {
			return check.Invalid(provider, f+".MonthlyInstallmentsOptions["+strconv.Itoa(i)+"]", "is %d; give months such as 3, 6 or 12", m)
		}
	}
	if p.SuccessURL != "" {
		if err := checkURL(f+".SuccessURL", p.SuccessURL); err != nil {
			return err
		}
	}
	t := p.OrderTemplate
	ft := f + ".OrderTemplate"
	switch {
	case len(t.Currency) != 3:
		return check.Invalid(provider, ft+".Currency", "is %q; give a 3-letter code such as \"MXN\"", t.Currency)
	case len(t.LineItems) == 0:
		return check.Invalid(provider, ft+".LineItems", "is empty; the order needs at least one item")
	}
	if ci := t.CustomerInfo; ci != nil {
		if err := checkEmail(ft+".CustomerInfo.Email", ci.Email); err != nil {
			return err
		}
	}
	for i, li := range t.LineItems {
		if err := li.check(ft + ".LineItems[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	for i, d := range t.DiscountLines {
		if err := d.check(ft + ".DiscountLines[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	for i, tx := range t.TaxLines {
		field := ft + ".TaxLines[" + strconv.Itoa(i) + "]"
		if tx == nil || tx.Description == "" {
			return check.Invalid(provider, field+".Description", "is required, such as \"IVA\"")
		}
		if err := checkTax(field, tx.Amount, tx.Description, tx.Metadata); err != nil {
			return err
		}
	}
	return t.Metadata.check(ft + ".Metadata")
}

// body is what Create sends: p, with the default type.
func (p *CheckoutParams) body() *CheckoutParams {
	out := *p
	if out.Type == "" {
		out.Type = CheckoutPaymentLink
	}
	return &out
}

func checkoutPath(id string) string { return "/checkouts/" + url.PathEscape(id) }

// Create makes a payment link (POST /checkouts). Send the customer to the
// returned URL; each payment creates an order and sends order.paid.
//
// pagos never repeats a create that may have reached Conekta: when one fails
// that way the error matches ErrOutcomeUnknown. Put your own reference in
// OrderTemplate.Metadata and look for the link with List and
// ListParams.Search before creating it again.
//
// Conekta API: createCheckout.
func (s *CheckoutsService) Create(ctx context.Context, p *CheckoutParams, opts ...RequestOption) (*Checkout, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	return call[Checkout](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/checkouts", Body: p.body()}, opts)
}

// Get fetches a payment link (GET /checkouts/{id}).
//
// Conekta API: getCheckout.
func (s *CheckoutsService) Get(ctx context.Context, id string, opts ...RequestOption) (*Checkout, error) {
	if err := check.ID(provider, "checkout", id); err != nil {
		return nil, err
	}
	return call[Checkout](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: checkoutPath(id)}, opts)
}

// List fetches one page of payment links (GET /checkouts).
//
// Conekta API: getCheckouts.
func (s *CheckoutsService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*Checkout], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/checkouts", Query: q}, opts, func(c *Checkout) string { return c.ID })
}

// All iterates over every payment link matching p.
//
// Conekta API: getCheckouts.
func (s *CheckoutsService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*Checkout, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Checkout], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}

// Cancel closes a payment link so it takes no more payments (PUT
// /checkouts/{id}/cancel). Payments already made stay paid.
//
// Conekta API: cancelCheckout.
func (s *CheckoutsService) Cancel(ctx context.Context, id string, opts ...RequestOption) (*Checkout, error) {
	if err := check.ID(provider, "checkout", id); err != nil {
		return nil, err
	}
	return call[Checkout](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: checkoutPath(id) + "/cancel"}, opts)
}

// Email sends the payment link to email (POST /checkouts/{id}/email). A
// failure after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): Get the link and look at EmailsSent before sending
// it again.
//
// Conekta API: emailCheckout.
func (s *CheckoutsService) Email(ctx context.Context, id, email string, opts ...RequestOption) (*Checkout, error) {
	if err := check.ID(provider, "checkout", id); err != nil {
		return nil, err
	}
	if email == "" {
		return nil, check.Invalid(provider, "email", "is required: where to send the link")
	}
	if err := checkEmail("email", email); err != nil {
		return nil, err
	}
	return call[Checkout](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: checkoutPath(id) + "/email", Body: map[string]string{"email": email}}, opts)
}
