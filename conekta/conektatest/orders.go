package conektatest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pagos-go/pagos/conekta"
)

// --- orders -----------------------------------------------------------------

func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	// customer_info.phone is required but may be "", as a customer's: the
	// shallower CustomerInfo field tells a missing phone from an empty one.
	var body struct {
		conekta.OrderParams
		CustomerInfo *struct {
			conekta.CustomerInfo
			Phone *string `json:"phone"`
		} `json:"customer_info"`
	}
	if err := decodeBody(r, &body); err != nil {
		s.answer(w, nil, err)
		return
	}
	p := body.OrderParams
	phoneSent := false
	if ci := body.CustomerInfo; ci != nil {
		info := ci.CustomerInfo
		if ci.Phone != nil {
			info.Phone, phoneSent = *ci.Phone, true
		}
		p.CustomerInfo = &info
	}
	if err := checkOrder(&p, phoneSent); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	o, events, err := s.newOrderLocked(&p)
	s.mu.Unlock()
	s.dispatch(events...)
	s.answer(w, o, err)
}

// checkOrder answers what Conekta refuses as a 422.
func checkOrder(p *conekta.OrderParams, phoneSent bool) error {
	switch {
	case p.Currency == "":
		return invalid("currency", "The currency is required.")
	case len(p.Currency) != 3:
		return invalid("currency", "The currency must have 3 letters.")
	case p.CustomerInfo == nil:
		return invalid("customer_info", "The customer_info is required.")
	case p.CustomerInfo.CustomerID == "" && (p.CustomerInfo.Name == "" || p.CustomerInfo.Email == "" || !phoneSent):
		return invalid("customer_info", "The customer_info needs a customer_id, or a name, email and phone.")
	case len(p.LineItems) == 0:
		return invalid("line_items", "The line_items are required.")
	}
	if err := checkLineItems(p.LineItems); err != nil {
		return err
	}
	for i, c := range p.Charges {
		if c == nil || c.PaymentMethod == nil || c.PaymentMethod.Type == "" {
			return invalid(fmt.Sprintf("charges[%d].payment_method.type", i), "The payment_method type is required.")
		}
	}
	return nil
}

// checkLineItems answers a line item Conekta refuses as a 422.
func checkLineItems(items []*conekta.LineItem) error {
	for i, li := range items {
		param := fmt.Sprintf("line_items[%d].", i)
		switch {
		case li == nil || li.Name == "":
			return invalid(param+"name", "The name is required.")
		case utf8.RuneCountInString(li.Name) < 3 || utf8.RuneCountInString(li.Name) > 249:
			return invalid(param+"name", "The name must have 3 to 249 characters.")
		case li.UnitPrice < 0:
			return invalid(param+"unit_price", "The unit_price must be 0 or more centavos.")
		case li.Quantity < 1:
			return invalid(param+"quantity", "The quantity must be 1 or more.")
		}
	}
	return nil
}

// newOrderLocked creates an order and its charges, and returns the events
// to send. A declined card gives a 402 error, with the declined order kept.
func (s *Server) newOrderLocked(p *conekta.OrderParams) (*conekta.Order, []json.RawMessage, error) {
	now := conekta.TimeOf(s.now())
	info := &conekta.CustomerInfo{CustomerID: p.CustomerInfo.CustomerID, Name: p.CustomerInfo.Name, Email: p.CustomerInfo.Email,
		Phone: p.CustomerInfo.Phone, Corporate: p.CustomerInfo.Corporate}
	var cus *customer
	if info.CustomerID != "" {
		var ok bool
		if cus, ok = s.customers[info.CustomerID]; !ok {
			return nil, nil, invalid("customer_info.customer_id", "The customer does not exist.")
		}
		info.Name, info.Email, info.Phone, info.CustomReference = cus.Name, cus.Email, cus.Phone, cus.CustomReference
	}
	o := &conekta.Order{ID: s.newID("ord_"), Object: "order", Currency: p.Currency, CustomerInfo: info, Metadata: p.Metadata,
		CreatedAt: now, UpdatedAt: now, PaymentStatus: conekta.OrderPendingPayment, ProcessingMode: p.ProcessingMode,
		LineItems: &conekta.List[*conekta.LineItem]{}, Charges: &conekta.List[*conekta.Charge]{Data: []*conekta.Charge{}}}
	if o.Metadata == nil {
		o.Metadata = conekta.Metadata{}
	}
	for _, li := range p.LineItems {
		item := *li
		item.ID = s.newID("line_item_")
		o.Amount += item.UnitPrice * item.Quantity
		o.LineItems.Data = append(o.LineItems.Data, &item)
	}
	s.addOrderLinesLocked(o, p) // discounts, shipping and taxes (commerce.go)
	var declineErr error
	for i, cp := range p.Charges {
		ch, err := s.newChargeLocked(o, cus, cp, p.PreAuthorize, fmt.Sprintf("charges[%d].", i))
		var ae *apiError
		switch {
		case err == nil:
		case ch != nil && errors.As(err, &ae) && ae.status == http.StatusPaymentRequired:
			declineErr = err // the declined charge stays on the order
		default:
			return nil, nil, err
		}
		o.Charges.Data = append(o.Charges.Data, ch)
	}
	o.PaymentStatus = orderStatus(o)
	o.IsRefundable = o.PaymentStatus == conekta.OrderPaid
	s.orders[o.ID] = o
	s.orderIDs = append(s.orderIDs, o.ID)
	events := []json.RawMessage{s.emitLocked(conekta.EventOrderCreated, o)}
	for _, ch := range o.Charges.Data {
		switch ch.Status {
		case conekta.ChargePaid:
			events = append(events, s.emitLocked(conekta.EventChargePaid, ch))
		case conekta.ChargeDeclined:
			events = append(events, s.emitLocked(conekta.EventChargeDeclined, ch))
		}
	}
	switch o.PaymentStatus {
	case conekta.OrderPaid:
		events = append(events, s.emitLocked(conekta.EventOrderPaid, o))
	case conekta.OrderPreAuthorized:
		events = append(events, s.emitLocked(conekta.EventOrderPreAuthorized, o))
	case conekta.OrderDeclined:
		events = append(events, s.emitLocked(conekta.EventOrderDeclined, o))
	default:
		if len(o.Charges.Data) > 0 {
			events = append(events, s.emitLocked(conekta.EventOrderPendingPayment, o))
		}
	}
	if declineErr != nil {
		return nil, events, declineErr
	}
	return o, events, nil
}

// orderStatus derives an order's payment_status from its charges.
func orderStatus(o *conekta.Order) conekta.OrderStatus {
	if len(o.Charges.Data) == 0 {
		return conekta.OrderPendingPayment
	}
	status := map[conekta.ChargeStatus]conekta.OrderStatus{conekta.ChargePaid: conekta.OrderPaid,
		conekta.ChargeDeclined: conekta.OrderDeclined, conekta.ChargePreAuthorized: conekta.OrderPreAuthorized}
	first := o.Charges.Data[0].Status
	for _, ch := range o.Charges.Data {
		if ch.Status == conekta.ChargeDeclined {
			return conekta.OrderDeclined
		}
		if ch.Status != first {
			return conekta.OrderPendingPayment
		}
	}
	if st, ok := status[first]; ok {
		return st
	}
	return conekta.OrderPendingPayment
}

// newChargeLocked charges an order. A declined card returns the declined
// charge with a 402 error.
func (s *Server) newChargeLocked(o *conekta.Order, cus *customer, cp *conekta.ChargeParams, preAuthorize bool, param string) (*conekta.Charge, error) {
	m := cp.PaymentMethod
	amount := o.Amount
	if cp.Amount > 0 {
		amount = cp.Amount
	}
	now := s.now().Unix()
	ch := map[string]any{"id": s.newID("chr_"), "object": "charge", "livemode": false, "created_at": now, "currency": o.Currency,
		"amount": amount, "order_id": o.ID, "description": "Payment from order", "reference_id": cp.ReferenceID}
	if cus != nil {
		ch["customer_id"] = cus.ID
	}
	var src *source
	switch {
	case m.Type == conekta.MethodDefault:
		if cus == nil {
			return nil, invalid(param+"payment_method.type", "The default payment method needs customer_info.customer_id.")
		}
		for _, cand := range cus.sources {
			if cand.id() == cus.DefaultPaymentSourceID {
				src = cand
			}
		}
		if src == nil {
			return nil, invalid(param+"payment_method.type", "The customer has no default payment source.")
		}
	case m.Type == conekta.MethodCard && m.PaymentSourceID != "":
		if cus != nil {
			for _, cand := range cus.sources {
				if cand.id() == m.PaymentSourceID {
					src = cand
				}
			}
		}
		if src == nil {
			return nil, invalid(param+"payment_method.payment_source_id", "The payment source does not exist for this customer.")
		}
	case m.Type == conekta.MethodCard:
		tok, ok := s.tokens[m.TokenID]
		switch {
		case !ok:
			return nil, invalid(param+"payment_method.token_id", "The token does not exist.")
		case tok.used:
			return nil, declined("tokenization.used", "The token has already been used.")
		}
		tok.used = true
		return s.cardChargeLocked(ch, tok.card, cus, preAuthorize)
	case m.Type == conekta.MethodCash:
		ref := s.newReferenceLocked()
		exp := m.ExpiresAt
		if exp.IsZero() {
			exp = conekta.TimeOf(s.now().Add(30 * 24 * time.Hour))
		}
		ch["status"] = conekta.ChargePendingPayment
		ch["payment_method"] = map[string]any{"object": conekta.PaymentCash, "type": "cash", "service_name": "Cash", "reference": ref,
			"barcode_url": s.URL + "/barcodes/" + ref + ".png", "expires_at": exp.Unix(), "store_names": []string{"OXXO"}, "product_type": "cash_in"}
		s.cashOrders[ref] = o.ID
		return wire[conekta.Charge](ch), nil
	case m.Type == conekta.MethodSPEI:
		// A bank transfer: Conekta gives a CLABE to pay to, and the charge
		// waits for the transfer.
		s.references++
		account := clabe(s.references)
		exp := m.ExpiresAt
		if exp.IsZero() {
			exp = conekta.TimeOf(s.now().Add(30 * 24 * time.Hour))
		}
		ch["status"] = conekta.ChargePendingPayment
		ch["payment_method"] = map[string]any{"object": "bank_transfer_payment", "type": "spei", "bank": "STP", "clabe": account,
			"receiving_account_number": account, "receiving_account_bank": "STP", "expires_at": exp.Unix(), "payment_attempts": []any{}}
		return wire[conekta.Charge](ch), nil
	default:
		return nil, invalid(param+"payment_method.type", fmt.Sprintf("The fake charges default, card, cash and spei payment methods, not %q.", m.Type))
	}
	if src.card != nil {
		return s.cardChargeLocked(ch, src.card, cus, preAuthorize)
	}
	// A recurring cash reference as the default source: paid at the till.
	ch["status"] = conekta.ChargePendingPayment
	ch["payment_method"] = recurringMethod(src)
	return wire[conekta.Charge](ch), nil
}

func recurringMethod(src *source) map[string]any {
	return map[string]any{"object": conekta.PaymentCash, "type": "oxxo", "service_name": "OxxoPay", "reference": src.obj["reference"],
		"barcode_url": src.obj["barcode_url"], "expires_at": src.obj["expires_at"]}
}

// cardChargeLocked finishes a card charge by the card's outcome.
func (s *Server) cardChargeLocked(ch map[string]any, k *card, cus *customer, preAuthorize bool) (*conekta.Charge, error) {
	name := ""
	if cus != nil {
		name = cus.Name
	}
	ch["payment_method"] = map[string]any{"object": conekta.PaymentCard, "type": "credit", "last4": k.last4, "brand": k.brand, "name": name,
		"exp_month": "12", "exp_year": "30", "auth_code": "123456", "issuer": "BANAMEX", "account_type": "Credit", "country": "MX"}
	switch k.outcome {
	case decline, noFunds:
		code, msg := "card_declined", "The card was declined."
		if k.outcome == noFunds {
			code, msg = "insufficient_funds", "The card has insufficient funds."
		}
		ch["status"], ch["failure_code"], ch["failure_message"] = conekta.ChargeDeclined, code, msg
		return wire[conekta.Charge](ch), declined("charge."+code, msg)
	}
	if preAuthorize {
		ch["status"] = conekta.ChargePreAuthorized
	} else {
		ch["status"], ch["paid_at"], ch["fee"] = conekta.ChargePaid, ch["created_at"], fee(ch["amount"].(int64))
	}
	return wire[conekta.Charge](ch), nil
}

// fee is the fake's commission: 3.5 % of the amount, in centavos.
func fee(amount int64) int64 { return amount * 35 / 1000 }

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := find(s.orders, "order", r.PathValue("id"))
	s.answer(w, o, err)
}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	bound := func(k string) int64 { n, _ := strconv.ParseInt(q.Get(k), 10, 64); return n }
	gte, lte := bound("created_at.gte"), bound("created_at.lte")
	search := strings.ToLower(q.Get("search"))
	var ids []string
	for _, id := range s.orderIDs {
		o := s.orders[id]
		meta, _ := json.Marshal(o.Metadata)
		switch {
		case q.Get("payment_status") != "" && string(o.PaymentStatus) != q.Get("payment_status"):
		case gte != 0 && o.CreatedAt.Unix() < gte, lte != 0 && o.CreatedAt.Unix() > lte:
		case search != "" && !strings.Contains(strings.ToLower(o.ID+" "+string(meta)+" "+o.CustomerInfo.Email), search):
		default:
			ids = append(ids, id)
		}
	}
	out, err := s.page(r, ids, func(id string) any { return s.orders[id] })
	s.answer(w, out, err)
}

// settled reports whether an order has money at stake, which blocks
// updates and cancelling.
func settled(o *conekta.Order) bool {
	switch o.PaymentStatus {
	case conekta.OrderPaid, conekta.OrderPreAuthorized, conekta.OrderRefunded, conekta.OrderPartiallyRefunded:
		return true
	}
	return false
}

func (s *Server) updateOrder(w http.ResponseWriter, r *http.Request) {
	var p conekta.OrderUpdateParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	o, err := find(s.orders, "order", r.PathValue("id"))
	var events []json.RawMessage
	switch {
	case err != nil:
	case settled(o):
		err = precondition("combo.order.cannot_be_updated_because_has_charge", "The order cannot be updated because it has a charge.")
	case len(p.Charges) > 0:
		err = invalid("charges", "The fake adds charges when an order is created only.")
	case checkLineItems(p.LineItems) != nil:
		err = checkLineItems(p.LineItems)
	default:
		if p.Metadata != nil {
			o.Metadata = p.Metadata
		}
		if len(p.LineItems) > 0 {
			o.LineItems.Data, o.Amount = nil, 0
			for _, li := range p.LineItems {
				item := *li
				item.ID = s.newID("line_item_")
				o.Amount += item.UnitPrice * item.Quantity
				o.LineItems.Data = append(o.LineItems.Data, &item)
			}
		}
		o.UpdatedAt = conekta.TimeOf(s.now())
		events = append(events, s.emitLocked(conekta.EventOrderUpdated, o))
	}
	s.mu.Unlock()
	s.dispatch(events...)
	s.answer(w, o, err)
}

// orderAction runs f on an order under the lock and sends its events.
func (s *Server) orderAction(w http.ResponseWriter, r *http.Request, body any, f func(o *conekta.Order) ([]json.RawMessage, error)) {
	if body != nil {
		if err := decodeBody(r, body); err != nil {
			s.answer(w, nil, err)
			return
		}
	}
	s.mu.Lock()
	o, err := find(s.orders, "order", r.PathValue("id"))
	var events []json.RawMessage
	if err == nil {
		events, err = f(o)
		o.UpdatedAt = conekta.TimeOf(s.now())
	}
	s.mu.Unlock()
	s.dispatch(events...)
	s.answer(w, o, err)
}

func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request) {
	s.orderAction(w, r, nil, func(o *conekta.Order) ([]json.RawMessage, error) {
		if settled(o) || o.PaymentStatus == conekta.OrderCanceled {
			return nil, precondition("order.cannot_be_canceled", "Only an unpaid order can be cancelled.")
		}
		o.PaymentStatus = conekta.OrderCanceled
		for _, ch := range o.Charges.Data {
			if ch.Status == conekta.ChargePendingPayment {
				ch.Status = conekta.ChargeCanceled
				delete(s.cashOrders, chargeReference(ch))
			}
		}
		return []json.RawMessage{s.emitLocked(conekta.EventOrderCanceled, o)}, nil
	})
}

func (s *Server) captureOrder(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Amount int64 `json:"amount"`
	}
	s.orderAction(w, r, &p, func(o *conekta.Order) ([]json.RawMessage, error) {
		if o.PaymentStatus != conekta.OrderPreAuthorized {
			return nil, precondition("order.cannot_be_captured", "Only a pre-authorized order can be captured.")
		}
		if p.Amount < 0 || p.Amount > o.Amount {
			return nil, invalid("amount", "The amount cannot exceed the authorized amount.")
		}
		if p.Amount > 0 {
			o.Amount = p.Amount
		}
		events := []json.RawMessage{}
		for _, ch := range o.Charges.Data {
			ch.Status, ch.PaidAt, ch.Amount, ch.Fee = conekta.ChargePaid, conekta.TimeOf(s.now()), o.Amount, fee(o.Amount)
			events = append(events, s.emitLocked(conekta.EventChargePaid, ch))
		}
		o.PaymentStatus, o.IsRefundable = conekta.OrderPaid, true
		return append(events, s.emitLocked(conekta.EventOrderPaid, o)), nil
	})
}

func (s *Server) refundOrder(w http.ResponseWriter, r *http.Request) {
	var p conekta.RefundParams
	s.orderAction(w, r, &p, func(o *conekta.Order) ([]json.RawMessage, error) {
		switch {
		case o.PaymentStatus != conekta.OrderPaid && o.PaymentStatus != conekta.OrderPartiallyRefunded:
			return nil, precondition("order.cannot_be_refunded", "Only a paid order can be refunded.")
		case p.Reason == "":
			return nil, invalid("reason", "The reason is required.")
		case p.Amount <= 0 || p.Amount > o.Amount-o.AmountRefunded:
			return nil, invalid("amount", "The amount must be more than 0 and at most what is left to refund.")
		}
		o.AmountRefunded += p.Amount
		typ := conekta.EventOrderPartiallyRefunded
		o.PaymentStatus = conekta.OrderPartiallyRefunded
		if o.AmountRefunded == o.Amount {
			typ, o.PaymentStatus, o.IsRefundable = conekta.EventOrderRefunded, conekta.OrderRefunded, false
		}
		ch := o.Charges.Data[0]
		if ch.Refunds == nil {
			ch.Refunds = &conekta.List[*conekta.Refund]{}
		}
		refundID := s.newID("ref_")
		s.refundReasons[refundID] = p.Reason
		ch.Refunds.Data = append(ch.Refunds.Data, &conekta.Refund{ID: refundID, Object: "refund", Amount: p.Amount,
			Status: "refunded", CreatedAt: conekta.TimeOf(s.now()), AuthCode: "123456"})
		if o.PaymentStatus == conekta.OrderRefunded {
			ch.Status = conekta.ChargeRefunded
		}
		return []json.RawMessage{s.emitLocked(conekta.EventChargeRefunded, ch), s.emitLocked(typ, o)}, nil
	})
}

func chargeReference(ch *conekta.Charge) string {
	if ch.PaymentMethod == nil || ch.PaymentMethod.Cash == nil {
		return ""
	}
	return string(ch.PaymentMethod.Cash.Reference)
}
