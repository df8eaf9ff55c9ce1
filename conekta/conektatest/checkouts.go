package conektatest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pagos-go/pagos/conekta"
)

// checkout is a payment link the fake keeps: what it answers, the
// template of the orders it creates, and the orders its payments made.
type checkout struct {
	obj      conekta.Checkout
	template *conekta.CheckoutOrderTemplate
	orders   []string
}

// renderCheckoutLocked is the link as Conekta shows it: its count of paid
// payments follows its orders (a cash payment counts once paid at the
// till), and a link that took all the payments it may is "Finished".
func (s *Server) renderCheckoutLocked(c *checkout) map[string]any {
	obj := c.obj
	obj.PaidPaymentsCount = 0
	for _, id := range c.orders {
		switch s.orders[id].PaymentStatus {
		case conekta.OrderPaid, conekta.OrderPartiallyRefunded, conekta.OrderRefunded:
			obj.PaidPaymentsCount++
		}
	}
	limit := int64(1)
	if obj.Recurrent {
		limit = obj.PaymentsLimitCount
	}
	if obj.Status == conekta.CheckoutIssued && limit > 0 && obj.PaidPaymentsCount >= limit {
		obj.Status = conekta.CheckoutFinished
	}
	m := toMap(&obj)
	setDefault(m, "metadata", map[string]any{})
	setDefault(m, "allowed_payment_methods", []string{})
	return m
}

func (s *Server) createCheckout(w http.ResponseWriter, r *http.Request) {
	var raw map[string]json.RawMessage
	if err := decodeBody(r, &raw); err != nil {
		s.answer(w, nil, err)
		return
	}
	for _, f := range []string{"name", "expires_at", "order_template", "recurrent", "type"} {
		if _, ok := raw[f]; !ok {
			s.answer(w, nil, invalid(f, "The "+f+" is required."))
			return
		}
	}
	var p conekta.CheckoutParams
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &p); err != nil {
		s.answer(w, nil, invalid("body", "The request body does not match a checkout: "+err.Error()))
		return
	}
	if err := s.checkCheckout(&p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newID("checkout_")
	slug := strings.ReplaceAll(id, "_", "")
	c := &checkout{template: p.OrderTemplate, obj: conekta.Checkout{ID: id, Object: "checkout", Name: p.Name, Type: p.Type,
		Status: conekta.CheckoutIssued, URL: s.URL + "/link/" + slug, Slug: slug, Recurrent: p.Recurrent, PaymentsLimitCount: p.PaymentsLimitCount,
		AllowedPaymentMethods: p.AllowedPaymentMethods, ExcludedPaymentMethods: p.ExcludedPaymentMethods,
		MonthlyInstallmentsEnabled: p.MonthlyInstallmentsEnabled, MonthlyInstallmentsOptions: p.MonthlyInstallmentsOptions,
		NeedsShippingContact: p.NeedsShippingContact, PlanIDs: p.PlanIDs, SuccessURL: p.SuccessURL, RedirectionTime: p.RedirectionTime,
		StartsAt: conekta.TimeOf(s.now()), ExpiresAt: p.ExpiresAt, Metadata: p.OrderTemplate.Metadata}}
	if s.checkouts.checkouts == nil {
		s.checkouts.checkouts = map[string]*checkout{}
	}
	s.checkouts.checkouts[id] = c
	s.checkouts.checkoutIDs = append(s.checkouts.checkoutIDs, id)
	writeJSON(w, http.StatusOK, s.renderCheckoutLocked(c))
}

// checkCheckout answers what Conekta refuses in a new payment link.
func (s *Server) checkCheckout(p *conekta.CheckoutParams) error {
	now := s.now()
	t := p.OrderTemplate
	switch {
	case p.Name == "":
		return invalid("name", "The name is required.")
	case p.Type == "":
		return invalid("type", "The type is required, such as PaymentLink.")
	case p.ExpiresAt.Before(now.Add(5*time.Minute)) || p.ExpiresAt.After(now.Add(365*24*time.Hour)):
		return invalid("expires_at", "The expires_at must be 5 minutes to 365 days from now.")
	case len(p.AllowedPaymentMethods) > 0 && len(p.ExcludedPaymentMethods) > 0:
		return invalid("allowed_payment_methods", "The allowed_payment_methods and excluded_payment_methods exclude each other.")
	case p.Recurrent && p.PaymentsLimitCount < 0:
		return invalid("payments_limit_count", "The payments_limit_count must be 1 or more.")
	case t == nil:
		return invalid("order_template", "The order_template is required.")
	case len(t.Currency) != 3:
		return invalid("order_template.currency", "The currency must have 3 letters.")
	case len(t.LineItems) == 0:
		return invalid("order_template.line_items", "The line_items are required.")
	}
	return checkLineItems(t.LineItems)
}

func (s *Server) checkoutLocked(id string) (*checkout, error) {
	return find(s.checkouts.checkouts, "checkout", id)
}

func (s *Server) getCheckout(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.checkoutLocked(r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	writeJSON(w, http.StatusOK, s.renderCheckoutLocked(c))
}

func (s *Server) listCheckouts(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	search := strings.ToLower(r.URL.Query().Get("search"))
	var ids []string
	for _, id := range s.checkouts.checkoutIDs {
		if c := s.checkouts.checkouts[id]; search == "" || strings.Contains(strings.ToLower(c.obj.ID+" "+c.obj.Name), search) {
			ids = append(ids, id)
		}
	}
	out, err := s.page(r, ids, func(id string) any { return s.renderCheckoutLocked(s.checkouts.checkouts[id]) })
	s.answer(w, out, err)
}

func (s *Server) cancelCheckout(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.checkoutLocked(r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	if c.obj.Status != conekta.CheckoutIssued {
		s.answer(w, nil, invalid("status", "Only an issued payment link can be cancelled."))
		return
	}
	c.obj.Status = conekta.CheckoutCancelled
	writeJSON(w, http.StatusOK, s.renderCheckoutLocked(c))
}

func (s *Server) emailCheckout(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Email string `json:"email"`
	}
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	if at := strings.LastIndex(p.Email, "@"); at < 1 || at == len(p.Email)-1 {
		s.answer(w, nil, invalid("email", "The email is required and must be an email address."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.checkoutLocked(r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	c.obj.EmailsSent++
	writeJSON(w, http.StatusOK, s.renderCheckoutLocked(c))
}

// PayCheckout does what a customer paying a payment link on Conekta's page
// causes: it creates an order from the link's template (products, taxes and
// discounts; the template's customer, or a test customer when it names
// none) and charges it with charge, such as conekta.ChargeToken(TokenVisa)
// for a card or conekta.ChargeCash(conekta.Time{}) for a cash reference,
// which PayAtTill then pays. order.created, charge.paid and order.paid go
// to the webhooks as for any order.
//
// It returns the order. An error means the page would not take the
// payment: an unknown, cancelled, finished or expired link, a payment
// method the link does not allow, or a declined card (the declined order
// is kept, as Conekta keeps it).
func (s *Server) PayCheckout(checkoutID string, charge *conekta.ChargeParams) (*conekta.Order, error) {
	if charge == nil || charge.PaymentMethod == nil {
		return nil, errors.New("conektatest: PayCheckout: give a charge, such as conekta.ChargeToken(conektatest.TokenVisa)")
	}
	s.mu.Lock()
	c, err := s.checkoutLocked(checkoutID)
	if err != nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("conektatest: PayCheckout: no payment link %q", checkoutID)
	}
	status, _ := s.renderCheckoutLocked(c)["status"].(string)
	method := map[conekta.ChargeMethodType]conekta.CheckoutMethod{conekta.MethodCard: conekta.CheckoutCard,
		conekta.MethodCash: conekta.CheckoutCash, conekta.MethodSPEI: conekta.CheckoutBankTransfer}[charge.PaymentMethod.Type]
	switch {
	case status != string(conekta.CheckoutIssued):
		s.mu.Unlock()
		return nil, fmt.Errorf("conektatest: PayCheckout: payment link %s is %s and takes no payment", checkoutID, status)
	case !s.now().Before(c.obj.ExpiresAt.Time):
		s.mu.Unlock()
		return nil, fmt.Errorf("conektatest: PayCheckout: payment link %s expired at %s", checkoutID, c.obj.ExpiresAt.Format(time.RFC3339))
	case method == "" || (len(c.obj.AllowedPaymentMethods) > 0 && !slices.Contains(c.obj.AllowedPaymentMethods, method)) ||
		slices.Contains(c.obj.ExcludedPaymentMethods, method):
		s.mu.Unlock()
		return nil, fmt.Errorf("conektatest: PayCheckout: payment link %s does not take %q payments", checkoutID, charge.PaymentMethod.Type)
	}
	t := c.template
	info := t.CustomerInfo
	if info == nil || (info.CustomerID == "" && info.Email == "") {
		info = &conekta.CustomerInfo{Name: "Cliente de Prueba", Email: "cliente@example.com", Phone: "+5215555555555"}
	}
	o, events, err := s.newOrderLocked(&conekta.OrderParams{Currency: t.Currency, CustomerInfo: info, LineItems: t.LineItems,
		TaxLines: t.TaxLines, DiscountLines: t.DiscountLines, Charges: []*conekta.ChargeParams{charge}, Metadata: t.Metadata})
	if o != nil {
		c.orders = append(c.orders, o.ID)
	} else if n := len(s.orderIDs); err != nil && n > 0 && s.orders[s.orderIDs[n-1]].PaymentStatus == conekta.OrderDeclined {
		c.orders = append(c.orders, s.orderIDs[n-1]) // a declined card: the order is kept
	}
	s.mu.Unlock()
	s.dispatch(events...)
	if err != nil {
		return nil, fmt.Errorf("conektatest: PayCheckout: %w", err)
	}
	return o, nil
}
