package conekta

import (
	"context"
	"encoding/json"
	"iter"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// OrdersService creates and manages orders: what a customer buys and the
// charges that pay for it.
type OrdersService service

// OrderStatus is an order's payment_status. Unknown values are kept.
type OrderStatus string

// Order statuses.
const (
	OrderPendingPayment    OrderStatus = "pending_payment"
	OrderPaid              OrderStatus = "paid"
	OrderDeclined          OrderStatus = "declined"
	OrderPreAuthorized     OrderStatus = "pre_authorized"
	OrderCanceled          OrderStatus = "canceled"
	OrderExpired           OrderStatus = "expired"
	OrderVoided            OrderStatus = "voided"
	OrderRefunded          OrderStatus = "refunded"
	OrderPartiallyRefunded OrderStatus = "partially_refunded"
	OrderChargedBack       OrderStatus = "charged_back"
)

// ChargeStatus is a charge's status. Unknown values are kept.
type ChargeStatus string

// Charge statuses.
const (
	ChargePendingPayment ChargeStatus = "pending_payment"
	ChargePaid           ChargeStatus = "paid"
	ChargeDeclined       ChargeStatus = "declined"
	ChargePreAuthorized  ChargeStatus = "pre_authorized"
	ChargeRefunded       ChargeStatus = "refunded"
	ChargeCanceled       ChargeStatus = "canceled"
	ChargeExpired        ChargeStatus = "expired"
)

// Order is a Conekta order ("ord_…"). Amounts are int64 centavos (MXN
// minor units: 20015 is $200.15).
type Order struct {
	ID             string           `json:"id"`
	Object         string           `json:"object,omitempty"` // "order"
	Livemode       bool             `json:"livemode"`
	Amount         int64            `json:"amount"`          // centavos: the order's total
	AmountRefunded int64            `json:"amount_refunded"` // centavos
	Currency       string           `json:"currency"`
	PaymentStatus  OrderStatus      `json:"payment_status"`
	CustomerInfo   *CustomerInfo    `json:"customer_info,omitempty"`
	LineItems      *List[*LineItem] `json:"line_items,omitempty"`
	Charges        *List[*Charge]   `json:"charges,omitempty"`
	// DiscountLines, ShippingLines and TaxLines are the order's discounts
	// (taken off Amount), shipping costs and taxes (added to it).
	DiscountLines  *List[*DiscountLine] `json:"discount_lines,omitempty"`
	ShippingLines  *List[*ShippingLine] `json:"shipping_lines,omitempty"`
	TaxLines       *List[*TaxLine]      `json:"tax_lines,omitempty"`
	Metadata       Metadata             `json:"metadata,omitempty"`
	IsRefundable   bool                 `json:"is_refundable"`
	ProcessingMode string               `json:"processing_mode,omitempty"`
	NextAction     json.RawMessage      `json:"next_action,omitempty"` // such as a 3-D Secure redirect
	CreatedAt      Time                 `json:"created_at"`
	UpdatedAt      Time                 `json:"updated_at"`
}

// CustomerInfo says who an order is for: an existing customer by
// CustomerID (its default payment source can pay), or a one-off Name, Email
// and Phone.
type CustomerInfo struct {
	CustomerID string `json:"customer_id,omitempty"`
	Name       string `json:"name,omitempty"`
	Email      string `json:"email,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Corporate  bool   `json:"corporate,omitempty"`
	// CustomReference is the customer's custom_reference, in answers.
	CustomReference string `json:"customer_custom_reference,omitempty"`
}

// LineItem is a product of an order. UnitPrice is in centavos.
type LineItem struct {
	ID          string   `json:"id,omitempty"`        // in answers
	Object      string   `json:"object,omitempty"`    // "line_item", in answers
	ParentID    string   `json:"parent_id,omitempty"` // the order, in answers
	Name        string   `json:"name"`
	UnitPrice   int64    `json:"unit_price"` // centavos, 0 to 2,147,483,647
	Quantity    int64    `json:"quantity"`   // 1 to 2,147,483,647
	Description string   `json:"description,omitempty"`
	SKU         string   `json:"sku,omitempty"`
	Brand       string   `json:"brand,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	Metadata    Metadata `json:"metadata,omitempty"`
}

// Charge is a payment attempt of an order. Amounts are centavos.
type Charge struct {
	ID                string         `json:"id"`
	Object            string         `json:"object,omitempty"` // "charge"
	OrderID           string         `json:"order_id,omitempty"`
	Livemode          bool           `json:"livemode"`
	Status            ChargeStatus   `json:"status"`
	Amount            int64          `json:"amount"` // centavos
	Fee               int64          `json:"fee"`    // centavos, Conekta's
	Currency          string         `json:"currency"`
	CustomerID        string         `json:"customer_id,omitempty"`
	Description       string         `json:"description,omitempty"`
	ReferenceID       string         `json:"reference_id,omitempty"`
	FailureCode       string         `json:"failure_code,omitempty"`
	FailureMessage    string         `json:"failure_message,omitempty"`
	DeviceFingerprint string         `json:"device_fingerprint,omitempty"`
	PaymentMethod     *PaymentMethod `json:"payment_method,omitempty"`
	Refunds           *List[*Refund] `json:"refunds,omitempty"`
	CreatedAt         Time           `json:"created_at"`
	PaidAt            Time           `json:"paid_at"`
}

// Refund is a refund of a charge. Amount is in centavos.
type Refund struct {
	ID        string `json:"id"`
	Object    string `json:"object,omitempty"`
	Amount    int64  `json:"amount"`
	AuthCode  Text   `json:"auth_code,omitempty"`
	Status    string `json:"status,omitempty"`
	CreatedAt Time   `json:"created_at"`
	ExpiresAt Time   `json:"expires_at"`
}

// PaymentMethod is how a charge was paid. Which of Card and Cash is set
// depends on Object; other kinds (bank_transfer_payment, bnpl_payment,
// pay_by_bank_payment) leave both nil, with Raw as Conekta sent it.
type PaymentMethod struct {
	Object string `json:"object"` // "card_payment", "cash_payment", …
	Type   string `json:"type"`   // such as "credit", "oxxo", "cash"

	Card *CardPayment `json:"-"`
	Cash *CashPayment `json:"-"`

	Raw json.RawMessage `json:"-"`
}

// Payment method objects.
const (
	PaymentCard         = "card_payment"
	PaymentCash         = "cash_payment"
	PaymentBankTransfer = "bank_transfer_payment"
)

// CardPayment is the card a charge was paid with: never its number.
type CardPayment struct {
	Last4       string `json:"last4"`
	Brand       string `json:"brand"`
	Name        string `json:"name"`
	ExpMonth    string `json:"exp_month"`
	ExpYear     string `json:"exp_year"`
	AuthCode    Text   `json:"auth_code"`
	Issuer      string `json:"issuer"`
	AccountType string `json:"account_type"`
	Country     string `json:"country"`
	ContractID  string `json:"contract_id"`
}

// CashPayment is the cash reference a charge is (or was) paid through.
type CashPayment struct {
	Reference   Text     `json:"reference"`
	Barcode     string   `json:"barcode"`
	BarcodeURL  string   `json:"barcode_url"`
	ExpiresAt   Time     `json:"expires_at"`
	ServiceName string   `json:"service_name"` // such as "OxxoPay"
	StoreName   string   `json:"store_name"`   // where it was paid
	StoreNames  []string `json:"store_names"`
	Agreement   string   `json:"agreement"`
	AuthCode    Text     `json:"auth_code"`
	CashierID   string   `json:"cashier_id"`
	ProductType string   `json:"product_type"`
}

// UnmarshalJSON decodes the part Object selects and keeps Raw.
func (m *PaymentMethod) UnmarshalJSON(b []byte) error {
	type plain PaymentMethod
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*m = PaymentMethod(p)
	m.Raw = append(json.RawMessage(nil), b...)
	switch m.Object {
	case PaymentCard:
		m.Card = new(CardPayment)
		return json.Unmarshal(b, m.Card)
	case PaymentCash:
		m.Cash = new(CashPayment)
		return json.Unmarshal(b, m.Cash)
	}
	return nil
}

// MarshalJSON writes the payment method as Conekta sent it.
func (m *PaymentMethod) MarshalJSON() ([]byte, error) {
	if len(m.Raw) > 0 {
		return m.Raw, nil
	}
	type plain PaymentMethod
	return json.Marshal((*plain)(m))
}

// OrderParams create an order.
type OrderParams struct {
	Currency     string        `json:"currency"` // "MXN"; required
	CustomerInfo *CustomerInfo `json:"customer_info"`
	LineItems    []*LineItem   `json:"line_items"`
	// Charges pay the order. Leave empty to create an order to pay later.
	// They go at the order's top level, as API 2.3.0 requires (the older
	// guide put them inside a line item, where they are not charged).
	Charges []*ChargeParams `json:"charges,omitempty"`
	// DiscountLines, ShippingLines and TaxLines are created with the order:
	// discounts are taken off its amount, shipping costs and taxes added.
	DiscountLines []*DiscountLineParams `json:"discount_lines,omitempty"`
	ShippingLines []*ShippingLineParams `json:"shipping_lines,omitempty"`
	TaxLines      []*TaxLineParams      `json:"tax_lines,omitempty"`
	Metadata      Metadata              `json:"metadata,omitempty"` // at most 100 scalar values
	// PreAuthorize holds the card amount without charging it; Capture
	// charges it later.
	PreAuthorize   bool   `json:"pre_authorize,omitempty"`
	ProcessingMode string `json:"processing_mode,omitempty"` // "ecommerce", "recurrent" or "validation"
	ReturnURL      string `json:"return_url,omitempty"`      // after 3-D Secure
	ThreeDSMode    string `json:"three_ds_mode,omitempty"`   // "strict", "not_strict" or "smart"
}

// ChargeParams pay an order.
type ChargeParams struct {
	PaymentMethod *ChargeMethod `json:"payment_method"`
	// Amount in centavos; 0 charges the order's total. pagos refuses more
	// than MaxAmount before sending.
	Amount      int64  `json:"amount,omitempty"`
	ReferenceID string `json:"reference_id,omitempty"`
}

// ChargeMethodType is what a charge is paid with.
type ChargeMethodType string

// Charge method types.
const (
	// MethodDefault charges the customer's default payment source.
	MethodDefault ChargeMethodType = "default"
	MethodCard    ChargeMethodType = "card"
	MethodCash    ChargeMethodType = "cash"
	MethodSPEI    ChargeMethodType = "spei"
	// MethodBNPL is buy now, pay later: needs ProductType, SuccessURL and FailureURL.
	MethodBNPL ChargeMethodType = "bnpl"
	// MethodPayByBank pays from the customer's bank app: needs ProductType.
	MethodPayByBank ChargeMethodType = "pay_by_bank"
)

// ChargeMethod is the payment method of a new charge. The helpers
// ChargeDefault, ChargeToken, ChargeSource and ChargeCash build the usual ones.
type ChargeMethod struct {
	Type                ChargeMethodType `json:"type"`
	TokenID             string           `json:"token_id,omitempty"`
	PaymentSourceID     string           `json:"payment_source_id,omitempty"`
	ExpiresAt           Time             `json:"expires_at,omitzero"`
	MonthlyInstallments int              `json:"monthly_installments,omitempty"`
	CustomerIPAddress   string           `json:"customer_ip_address,omitempty"`
	// ProductType names the provider of MethodBNPL ("aplazo_bnpl",
	// "azteca_bnpl", "coppel_bnpl", "creditea_bnpl") and MethodPayByBank
	// ("bbva_pay_by_bank").
	ProductType string `json:"product_type,omitempty"`
	// SuccessURL, FailureURL and CancelURL are where MethodBNPL returns
	// the customer.
	SuccessURL string `json:"success_url,omitempty"`
	FailureURL string `json:"failure_url,omitempty"`
	CancelURL  string `json:"cancel_url,omitempty"`
}

// ChargeDefault charges the customer's default payment source, as an
// on-demand order does.
func ChargeDefault() *ChargeParams {
	return &ChargeParams{PaymentMethod: &ChargeMethod{Type: MethodDefault}}
}

// ChargeToken charges a card token ("tok_…") once.
func ChargeToken(tokenID string) *ChargeParams {
	return &ChargeParams{PaymentMethod: &ChargeMethod{Type: MethodCard, TokenID: tokenID}}
}

// ChargeSource charges a saved payment source ("src_…") of the customer.
func ChargeSource(sourceID string) *ChargeParams {
	return &ChargeParams{PaymentMethod: &ChargeMethod{Type: MethodCard, PaymentSourceID: sourceID}}
}

// ChargeCash creates a cash reference that pays the order until expiresAt
// (zero: Conekta's default).
func ChargeCash(expiresAt Time) *ChargeParams {
	return &ChargeParams{PaymentMethod: &ChargeMethod{Type: MethodCash, ExpiresAt: expiresAt}}
}

func (p *OrderParams) check() error {
	const f = "OrderParams"
	switch {
	case p == nil:
		return check.Invalid(provider, f, "is nil")
	case len(p.Currency) != 3:
		return check.Invalid(provider, f+".Currency", "is %q; give a 3-letter code such as \"MXN\"", p.Currency)
	case p.CustomerInfo == nil:
		return check.Invalid(provider, f+".CustomerInfo", "is required: a CustomerID, or Name, Email and Phone")
	case len(p.LineItems) == 0:
		return check.Invalid(provider, f+".LineItems", "is empty; an order needs at least one item")
	}
	ci := p.CustomerInfo
	if ci.CustomerID == "" && (ci.Name == "" || ci.Email == "" || ci.Phone == "") {
		return check.Invalid(provider, f+".CustomerInfo", "needs a CustomerID, or all of Name, Email and Phone")
	}
	if err := checkEmail(f+".CustomerInfo.Email", ci.Email); err != nil {
		return err
	}
	for i, li := range p.LineItems {
		if err := li.check(f + ".LineItems[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	for i, c := range p.Charges {
		field := f + ".Charges[" + strconv.Itoa(i) + "]"
		if err := c.check(field, ci.CustomerID != ""); err != nil {
			return err
		}
	}
	for i, d := range p.DiscountLines {
		if err := d.check(f + ".DiscountLines[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	for i, l := range p.ShippingLines {
		if err := l.check(f + ".ShippingLines[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	for i, tx := range p.TaxLines {
		field := f + ".TaxLines[" + strconv.Itoa(i) + "]"
		if tx == nil || tx.Description == "" {
			return check.Invalid(provider, field+".Description", "is required, such as \"IVA\"")
		}
		if err := checkTax(field, tx.Amount, tx.Description, tx.Metadata); err != nil {
			return err
		}
	}
	if p.ReturnURL != "" {
		if err := checkURL(f+".ReturnURL", p.ReturnURL); err != nil {
			return err
		}
	}
	return p.Metadata.check(f + ".Metadata")
}

func (li *LineItem) check(field string) error {
	switch {
	case li == nil:
		return check.Invalid(provider, field, "is nil")
	case li.Name == "":
		return check.Invalid(provider, field+".Name", "is required")
	case li.UnitPrice < 0 || li.UnitPrice > math.MaxInt32:
		return check.Invalid(provider, field+".UnitPrice", "is %d; give centavos from 0 to %d", li.UnitPrice, math.MaxInt32)
	case li.Quantity < 1 || li.Quantity > math.MaxInt32:
		return check.Invalid(provider, field+".Quantity", "is %d; give 1 or more", li.Quantity)
	}
	return li.Metadata.check(field + ".Metadata")
}

func (c *ChargeParams) check(field string, hasCustomer bool) error {
	switch {
	case c == nil || c.PaymentMethod == nil:
		return check.Invalid(provider, field+".PaymentMethod", "is required, such as conekta.ChargeDefault() or conekta.ChargeToken(token)")
	case c.Amount < 0:
		return check.Invalid(provider, field+".Amount", "is %d centavos; it must not be negative", c.Amount)
	case c.Amount > MaxAmount:
		return tooLarge(field+".Amount", c.Amount)
	}
	m := c.PaymentMethod
	switch {
	case m.Type == "":
		return check.Invalid(provider, field+".PaymentMethod.Type", "is required, such as conekta.MethodDefault")
	case m.Type == MethodDefault && !hasCustomer:
		return check.Invalid(provider, field+".PaymentMethod", "charges the customer's default source, so CustomerInfo needs a CustomerID")
	case m.Type == MethodCard && m.TokenID == "" && m.PaymentSourceID == "":
		return check.Invalid(provider, field+".PaymentMethod", "pays by card but has neither a TokenID nor a PaymentSourceID")
	case (m.Type == MethodBNPL || m.Type == MethodPayByBank) && m.ProductType == "":
		return check.Invalid(provider, field+".PaymentMethod.ProductType", "is required for %q, such as \"aplazo_bnpl\" or \"bbva_pay_by_bank\"", m.Type)
	case m.Type == MethodBNPL && (m.SuccessURL == "" || m.FailureURL == ""):
		return check.Invalid(provider, field+".PaymentMethod", "pays with bnpl, which needs a SuccessURL and a FailureURL")
	}
	return nil
}

// OrderUpdateParams change an order that has no paid charge yet; only the
// fields set are sent.
type OrderUpdateParams struct {
	Currency     string          `json:"currency,omitempty"`
	CustomerInfo *CustomerInfo   `json:"customer_info,omitempty"`
	LineItems    []*LineItem     `json:"line_items,omitempty"`
	Charges      []*ChargeParams `json:"charges,omitempty"`
	Metadata     Metadata        `json:"metadata,omitempty"`
	PreAuthorize *bool           `json:"pre_authorize,omitempty"`
}

// check validates what an update sends: its line items, its charges (as
// for an order with a customer, which Conekta checks) and its metadata.
func (p *OrderUpdateParams) check() error {
	const f = "OrderUpdateParams"
	for i, li := range p.LineItems {
		if err := li.check(f + ".LineItems[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	for i, c := range p.Charges {
		if err := c.check(f+".Charges["+strconv.Itoa(i)+"]", true); err != nil {
			return err
		}
	}
	return p.Metadata.check(f + ".Metadata")
}

// OrderListParams filter and page an order list.
type OrderListParams struct {
	ListParams
	PaymentStatus         OrderStatus  // payment_status
	LastPaymentInfoStatus ChargeStatus // last_payment_info.status
	CreatedAt             Time         // created_at: exactly this second
	CreatedFrom           Time         // created_at.gte
	CreatedTo             Time         // created_at.lte
	UpdatedFrom           Time         // updated_at.gte
	UpdatedTo             Time         // updated_at.lte
}

func (p *OrderListParams) query() (url.Values, error) {
	q := url.Values{}
	if p == nil {
		return q, nil
	}
	set := func(k string, v Time) {
		if !v.IsZero() {
			q.Set(k, strconv.FormatInt(v.Unix(), 10))
		}
	}
	if p.PaymentStatus != "" {
		q.Set("payment_status", string(p.PaymentStatus))
	}
	if p.LastPaymentInfoStatus != "" {
		q.Set("last_payment_info.status", string(p.LastPaymentInfoStatus))
	}
	set("created_at", p.CreatedAt)
	set("created_at.gte", p.CreatedFrom)
	set("created_at.lte", p.CreatedTo)
	set("updated_at.gte", p.UpdatedFrom)
	set("updated_at.lte", p.UpdatedTo)
	return p.ListParams.query(q)
}

// RefundParams refund an order.
type RefundParams struct {
	Amount    int64  `json:"amount"` // centavos; required: 1 to what was paid, and at most MaxAmount
	Reason    string `json:"reason"` // required, such as "requested_by_client"
	ExpiresAt Time   `json:"expires_at,omitzero"`
}

// Create creates an order (POST /orders). With Charges it is paid at once
// (a card) or waits for the cash (a reference): check PaymentStatus, and
// wait for the order.paid event.
//
// pagos never repeats a create that may have reached Conekta: when one fails
// that way the error matches ErrOutcomeUnknown and a retry could charge
// twice. Put your own order id in Metadata and find the order (List with
// ListParams.Search, or by CreatedFrom) before creating it again.
//
// Conekta API: createOrder.
func (s *OrdersService) Create(ctx context.Context, p *OrderParams, opts ...RequestOption) (*Order, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	return call[Order](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/orders", Body: p}, opts)
}

// Get fetches an order by id (GET /orders/{id}).
//
// Conekta API: getOrderById.
func (s *OrdersService) Get(ctx context.Context, id string, opts ...RequestOption) (*Order, error) {
	if err := check.ID(provider, "order", id); err != nil {
		return nil, err
	}
	return call[Order](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: orderPath(id)}, opts)
}

// List fetches one page of orders (GET /orders).
//
// Conekta API: getOrders.
func (s *OrdersService) List(ctx context.Context, p *OrderListParams, opts ...RequestOption) (*List[*Order], error) {
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/orders", Query: q}, opts, func(o *Order) string { return o.ID })
}

// All iterates over every order matching p.
//
// Conekta API: getOrders.
func (s *OrdersService) All(ctx context.Context, p *OrderListParams, opts ...RequestOption) iter.Seq2[*Order, error] {
	var base OrderListParams
	if p != nil {
		base = *p
	}
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Order], error) {
		lp := base
		lp.ListParams = *base.ListParams.after(cursor)
		return s.List(ctx, &lp, opts...)
	})
}

// Update changes an order (PUT /orders/{id}). Conekta refuses changes to an
// order with a paid charge (428, matching ErrInvalidRequest). Line items and
// charges are checked as on Create before sending.
//
// An update without Charges is retried like any PUT. One with Charges may
// charge the customer, so it is treated like a create: never repeated after
// it may have reached Conekta, and such a failure matches ErrOutcomeUnknown;
// Get the order and look at its charges before sending it again.
//
// Conekta API: updateOrder.
func (s *OrdersService) Update(ctx context.Context, id string, p *OrderUpdateParams, opts ...RequestOption) (*Order, error) {
	if err := check.ID(provider, "order", id); err != nil {
		return nil, err
	}
	if p == nil || sendsNothing(p) {
		return nil, check.Invalid(provider, "OrderUpdateParams", "sets no field; there is nothing to update")
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return call[Order](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: orderPath(id), Body: p,
		Unrepeatable: len(p.Charges) > 0}, opts)
}

// Cancel cancels an unpaid order (POST /orders/{id}/cancel).
//
// Conekta API: CancelOrder.
func (s *OrdersService) Cancel(ctx context.Context, id string, opts ...RequestOption) (*Order, error) {
	return s.action(ctx, id, "/cancel", nil, opts)
}

// Capture charges a pre-authorized order (POST /orders/{id}/capture):
// amount centavos (at most MaxAmount), or the whole authorized amount when
// amount is 0.
//
// Conekta API: ordersCreateCapture.
func (s *OrdersService) Capture(ctx context.Context, id string, amount int64, opts ...RequestOption) (*Order, error) {
	if amount < 0 {
		return nil, check.Invalid(provider, "amount", "is %d centavos; give a positive amount, or 0 for the whole authorization", amount)
	}
	if amount > MaxAmount {
		return nil, tooLarge("amount", amount)
	}
	var body any
	if amount > 0 {
		body = map[string]int64{"amount": amount}
	}
	return s.action(ctx, id, "/capture", body, opts)
}

// Refund refunds a paid order, wholly or in part (POST /orders/{id}/refunds).
//
// A refund that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): Get the order and check AmountRefunded first.
//
// Conekta API: orderRefund.
func (s *OrdersService) Refund(ctx context.Context, id string, p *RefundParams, opts ...RequestOption) (*Order, error) {
	switch {
	case p == nil || p.Amount <= 0:
		return nil, check.Invalid(provider, "RefundParams.Amount", "is required: the centavos to refund, more than 0")
	case p.Amount > MaxAmount:
		return nil, tooLarge("RefundParams.Amount", p.Amount)
	case p.Reason == "":
		return nil, check.Invalid(provider, "RefundParams.Reason", "is required, such as \"requested_by_client\"")
	}
	return s.action(ctx, id, "/refunds", p, opts)
}

// CancelRefund cancels a refund that has not been paid out yet (DELETE
// /orders/{id}/refunds/{refund_id}), such as a cash refund the customer has
// not collected, and returns the order.
//
// It moves money back, so it is never repeated after it may have reached
// Conekta: such a failure matches ErrOutcomeUnknown; Get the order and look
// at the refund's status before sending it again.
//
// Conekta API: orderCancelRefund.
func (s *OrdersService) CancelRefund(ctx context.Context, id, refundID string, opts ...RequestOption) (*Order, error) {
	if err := check.ID(provider, "order", id); err != nil {
		return nil, err
	}
	if err := check.ID(provider, "refund", refundID); err != nil {
		return nil, err
	}
	return call[Order](ctx, s.client, &httpcore.Request{Method: http.MethodDelete, Path: refundPath(id, refundID), Unrepeatable: true}, opts)
}

func (s *OrdersService) action(ctx context.Context, id, suffix string, body any, opts []RequestOption) (*Order, error) {
	if err := check.ID(provider, "order", id); err != nil {
		return nil, err
	}
	return call[Order](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: orderPath(id) + suffix, Body: body}, opts)
}

func orderPath(id string) string { return "/orders/" + url.PathEscape(id) }
