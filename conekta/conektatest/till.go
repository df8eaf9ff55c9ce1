package conektatest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/pagos-go/pagos/conekta"
)

// SyncCall records one inbound_payment request to the merchant's approval
// URL and what came back.
type SyncCall struct {
	EventID    string
	Type       conekta.EventType
	Reference  string
	Amount     int64 // centavos; 0 in a lookup
	StatusCode int   // 0 when no response arrived in time
	// Answer is the merchant's answer, when one arrived in time and reads
	// as one; Err says what went wrong otherwise (a timeout, a status other
	// than 200, a body that is not an answer).
	Answer  conekta.InboundAnswer
	Err     error
	Elapsed time.Duration
}

// Approved reports whether the merchant approved in time.
func (c *SyncCall) Approved() bool { return c != nil && c.Err == nil && c.Answer.Payable }

// TillPayment is what PayAtTill did.
type TillPayment struct {
	Reference string
	Amount    int64 // centavos handed over
	// Lookup and Attempt are the requests to the approval URL; nil when not
	// made (a one-off reference needs none; a declined lookup stops there).
	Lookup, Attempt *SyncCall
	// Paid reports whether the payment went through; then OrderID and
	// ChargeID name what was paid, and charge.paid and order.paid are sent.
	Paid              bool
	OrderID, ChargeID string
	// FailureCode is what the till showed when it refused: the merchant's
	// code, or FailureAmountOutOfRange for an amount outside the approved
	// range. It is empty when the merchant gave no usable answer in time
	// (see the SyncCall's Err).
	FailureCode conekta.FailureCode
}

// PayAtTill does what a customer paying amount centavos of a cash reference
// at an OXXO till causes.
//
// For a recurring reference (cash_recurrent or oxxo_recurrent) it asks the
// approval URL (SetApprovalURL) as Conekta does: inbound_payment.lookup,
// then, if the amount is within the approved range, .payment_attempt; each
// must be answered 200 with an approval within the sync limit (2 s), or the
// payment is declined. When both approve it creates a paid order and charge
// for the customer and sends charge.paid and order.paid to the webhooks.
//
// For the reference of a cash order it pays the order, if amount is the
// order's; no approval is asked.
//
// It returns once the till is done; webhook deliveries go on in the
// background (Settle waits for them). An error means the till could not
// start: an unknown reference, or no approval URL.
func (s *Server) PayAtTill(ctx context.Context, reference string, amount int64) (*TillPayment, error) {
	if amount <= 0 {
		return nil, fmt.Errorf("conektatest: PayAtTill: amount %d must be positive centavos", amount)
	}
	tp := &TillPayment{Reference: reference, Amount: amount}
	s.mu.Lock()
	src, recurring := s.recurring[reference]
	orderID, oneOff := s.cashOrders[reference]
	approval := s.approval
	s.mu.Unlock()
	switch {
	case oneOff:
		return tp, s.payCashOrder(tp, orderID)
	case !recurring:
		return nil, fmt.Errorf("conektatest: PayAtTill: no cash reference %q", reference)
	case approval == nil:
		return nil, errors.New("conektatest: PayAtTill: no approval URL: call SetApprovalURL, as a merchant sets it in Conekta's panel")
	}
	s.mu.Lock()
	chargeID := s.newID("chr_")
	s.mu.Unlock()
	tp.Lookup = s.callApproval(ctx, approval, conekta.EventInboundPaymentLookup, src, chargeID, 0)
	if !tp.Lookup.Approved() {
		tp.FailureCode = tp.Lookup.Answer.FailureCode
		return tp, nil
	}
	if amount < tp.Lookup.Answer.MinAmount || amount > tp.Lookup.Answer.MaxAmount {
		tp.FailureCode = conekta.FailureAmountOutOfRange
		return tp, nil
	}
	tp.Attempt = s.callApproval(ctx, approval, conekta.EventInboundPaymentAttempt, src, chargeID, amount)
	if !tp.Attempt.Approved() {
		tp.FailureCode = tp.Attempt.Answer.FailureCode
		return tp, nil
	}
	s.mu.Lock()
	events, err := s.recurringPaymentLocked(tp, src, chargeID)
	s.mu.Unlock()
	s.dispatch(events...)
	return tp, err
}

// recurringPaymentLocked records a paid recurring cash payment as an order
// with one paid charge.
func (s *Server) recurringPaymentLocked(tp *TillPayment, src *source, chargeID string) ([]json.RawMessage, error) {
	cus, ok := s.customers[src.customerID]
	if !ok {
		return nil, fmt.Errorf("conektatest: the customer of reference %s was deleted", tp.Reference)
	}
	now := conekta.TimeOf(s.now())
	o := &conekta.Order{ID: s.newID("ord_"), Object: "order", Amount: tp.Amount, Currency: "MXN", PaymentStatus: conekta.OrderPaid,
		CustomerInfo: &conekta.CustomerInfo{CustomerID: cus.ID, Name: cus.Name, Email: cus.Email, Phone: cus.Phone},
		LineItems:    &conekta.List[*conekta.LineItem]{Data: []*conekta.LineItem{{ID: s.newID("line_item_"), Name: "Pago en efectivo", UnitPrice: tp.Amount, Quantity: 1}}},
		Metadata:     conekta.Metadata{}, IsRefundable: false, CreatedAt: now, UpdatedAt: now}
	pm := recurringMethod(src)
	pm["store_name"] = "OXXO"
	ch := wire[conekta.Charge](map[string]any{"id": chargeID, "object": "charge", "livemode": false, "created_at": now.Unix(), "currency": "MXN",
		"amount": tp.Amount, "fee": fee(tp.Amount), "status": conekta.ChargePaid, "paid_at": now.Unix(), "order_id": o.ID,
		"customer_id": cus.ID, "payment_method": pm, "refunds": []any{}})
	o.Charges = &conekta.List[*conekta.Charge]{Data: []*conekta.Charge{ch}}
	s.orders[o.ID] = o
	s.orderIDs = append(s.orderIDs, o.ID)
	tp.Paid, tp.OrderID, tp.ChargeID = true, o.ID, ch.ID
	return []json.RawMessage{s.emitLocked(conekta.EventChargePaid, ch), s.emitLocked(conekta.EventOrderPaid, o)}, nil
}

// payCashOrder pays the order a one-off cash reference belongs to.
func (s *Server) payCashOrder(tp *TillPayment, orderID string) error {
	s.mu.Lock()
	o := s.orders[orderID]
	var ch *conekta.Charge
	for _, c := range o.Charges.Data {
		if chargeReference(c) == tp.Reference {
			ch = c
		}
	}
	if tp.Amount != ch.Amount {
		s.mu.Unlock()
		return fmt.Errorf("conektatest: PayAtTill: reference %s is for exactly %d centavos, not %d", tp.Reference, ch.Amount, tp.Amount)
	}
	now := conekta.TimeOf(s.now())
	var pm map[string]any
	_ = json.Unmarshal(ch.PaymentMethod.Raw, &pm)
	pm["store_name"] = "OXXO"
	ch.PaymentMethod = wire[conekta.PaymentMethod](pm)
	ch.Status, ch.PaidAt, ch.Fee = conekta.ChargePaid, now, fee(ch.Amount)
	o.PaymentStatus, o.UpdatedAt = orderStatus(o), now
	o.IsRefundable = o.PaymentStatus == conekta.OrderPaid
	delete(s.cashOrders, tp.Reference)
	events := []json.RawMessage{s.emitLocked(conekta.EventChargePaid, ch)}
	if o.PaymentStatus == conekta.OrderPaid {
		events = append(events, s.emitLocked(conekta.EventOrderPaid, o))
	}
	tp.Paid, tp.OrderID, tp.ChargeID = true, o.ID, ch.ID
	s.mu.Unlock()
	s.dispatch(events...)
	return nil
}

// callApproval sends one inbound_payment request, signed, with the
// approval URL's Basic credentials, and waits at most the sync limit.
func (s *Server) callApproval(ctx context.Context, a *approvalURL, typ conekta.EventType, src *source, chargeID string, amount int64) *SyncCall {
	s.mu.Lock()
	id := s.newID("evt_")
	now := s.now().Unix()
	pm := recurringMethod(src)
	s.mu.Unlock()
	raw, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "livemode": false, "created_at": now,
		"webhook_status": "not_applicable", "webhook_logs": []any{},
		"data": map[string]any{"previous_attributes": map[string]any{}, "object": map[string]any{
			"object": "inbound_payment", "payment_method": pm, "charge_id": chargeID, "livemode": false, "created_at": now,
			"amount": amount, "currency": "MXN", "customer_id": src.customerID}}})
	call := &SyncCall{EventID: id, Type: typ, Reference: sourceReference(src), Amount: amount}
	ctx, cancel := context.WithTimeout(ctx, s.syncLimit)
	defer cancel()
	start := time.Now()
	call.StatusCode, call.Answer, call.Err = s.ask(ctx, a, raw)
	call.Elapsed = time.Since(start)
	if call.Err == nil && typ != conekta.EventInboundPaymentReverse {
		call.Err = call.Answer.Check(typ)
	}
	s.mu.Lock()
	s.syncCalls = append(s.syncCalls, *call)
	s.mu.Unlock()
	return call
}

// ask posts an inbound_payment request and reads the answer.
func (s *Server) ask(ctx context.Context, a *approvalURL, raw []byte) (int, conekta.InboundAnswer, error) {
	var ans conekta.InboundAnswer
	req, err := s.signedRequest(ctx, a.url, raw, a)
	if err != nil {
		return 0, ans, err
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("no answer within %s: the payment is declined", s.syncLimit)
		}
		return 0, ans, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case err != nil:
		return resp.StatusCode, ans, err
	case resp.StatusCode != http.StatusOK:
		return resp.StatusCode, ans, fmt.Errorf("the approval URL answered %d", resp.StatusCode)
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return resp.StatusCode, ans, fmt.Errorf("the approval URL's answer is not a payable answer: %v", err)
	}
	return resp.StatusCode, ans, nil
}

// SyncCalls returns every inbound_payment request sent so far, oldest first.
func (s *Server) SyncCalls() []SyncCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SyncCall(nil), s.syncCalls...)
}

// paymentTest implements the sandbox's POST /payment_test: one
// inbound_payment request for a recurring reference to the approval URL.
// Nothing is paid. The answer (its shape is the fake's own, Conekta
// documents none) reports what the approval URL said.
func (s *Server) paymentTest(w http.ResponseWriter, r *http.Request) {
	var p struct {
		EventType conekta.EventType `json:"event_type"`
		Reference string            `json:"reference"`
		Amount    string            `json:"amount"`
	}
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	var amount int64
	if p.Amount != "" {
		n, err := strconv.ParseInt(p.Amount, 10, 64)
		if err != nil || n < 0 {
			s.answer(w, nil, invalid("amount", "The amount must be whole centavos, as a string."))
			return
		}
		amount = n
	}
	s.mu.Lock()
	src, ok := s.recurring[p.Reference]
	approval := s.approval
	s.mu.Unlock()
	switch {
	case !p.EventType.IsInboundPayment():
		s.answer(w, nil, invalid("event_type", "The event_type must be inbound_payment.lookup, .payment_attempt or .reverse."))
		return
	case !ok:
		s.answer(w, nil, notFound("reference", p.Reference))
		return
	case approval == nil:
		s.answer(w, nil, invalid("webhook", "No webhook is set for recurring cash payments."))
		return
	}
	call := s.callApproval(r.Context(), approval, p.EventType, src, s.newID("chr_"), amount)
	out := map[string]any{"object": "payment_test", "event_id": call.EventID, "event_type": call.Type, "reference": call.Reference,
		"status_code": call.StatusCode, "elapsed_ms": call.Elapsed.Milliseconds()}
	if call.Err != nil {
		out["error"] = call.Err.Error()
	} else if call.Type != conekta.EventInboundPaymentReverse {
		out["answer"] = call.Answer
	}
	s.answer(w, out, nil)
}
