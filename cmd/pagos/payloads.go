package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
)

// providers lists the providers in the order pagos prints them.
func providers() []string { return []string{"toku", "conekta", "fygaro", "tpaga"} }

// eventsOf returns the event types pagos trigger knows for a provider, or
// nil for an unknown provider. Toku's and Conekta's are the SDK's EventType
// constants.
func eventsOf(provider string) []string {
	switch provider {
	case "toku":
		return tokuEvents()
	case "conekta":
		return conektaEvents()
	case "fygaro":
		return []string{"payment"}
	case "tpaga":
		return []string{"deposit", "deposit.permanent"}
	}
	return nil
}

func tokuEvents() []string {
	ts := []toku.EventType{
		toku.EventCustomerCreated, toku.EventCustomerUpdated, toku.EventCustomerDeleted,
		toku.EventSubscriptionCreated, toku.EventSubscriptionUpdated, toku.EventSubscriptionDeleted,
		toku.EventInvoiceCreated, toku.EventInvoiceUpdated, toku.EventInvoiceVoided, toku.EventInvoiceRefund,
		toku.EventPaymentMethodAttachedProducts, toku.EventPaymentMethodStatusUpdate,
		toku.EventPaymentMethodInscriptionIntentFailed, toku.EventBankAccountVerificationResult,
		toku.EventTransactionSuccess, toku.EventTransactionStatusUpdate, toku.EventTransactionFailed,
		toku.EventTransactionRefund, toku.EventTransactionBulkSuccess, toku.EventTransactionBulkFailed,
		toku.EventPaymentSucceeded, toku.EventPayoutDone, toku.EventPayoutMXDone, toku.EventPayoutBRDone,
		toku.EventCheckoutSessionExpired, toku.EventOperationReceiptCreated, toku.EventActivationCreated,
		toku.EventInteractionIncoming, toku.EventInteractionOutgoing, toku.EventPaymentMethodAttached,
		toku.EventPayoutMXSuccess, toku.EventPaymentIntentSucceeded, toku.EventPaymentIntentPaymentFailed,
		toku.EventPaymentIntentSucceededBatch, toku.EventPaymentIntentPaymentSucceededBatch,
		toku.EventPaymentIntentPaymentFailedBatch, toku.EventPaymentIntentPaymentPendingBatch,
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// conektaSync is the pseudo event that sends a lookup, then a payment attempt.
const conektaSync = "inbound_payment"

func conektaEvents() []string {
	ts := []conekta.EventType{
		conekta.EventOrderCreated, conekta.EventOrderUpdated, conekta.EventOrderPaid, conekta.EventOrderPendingPayment,
		conekta.EventOrderDeclined, conekta.EventOrderCanceled, conekta.EventOrderExpired, conekta.EventOrderVoided,
		conekta.EventOrderPreAuthorized, conekta.EventOrderRefunded, conekta.EventOrderPartiallyRefunded,
		conekta.EventOrderChargedBack, conekta.EventOrderFraudulent, conekta.EventOrderUnderFraudReview,
		conekta.EventChargeCreated, conekta.EventChargePaid, conekta.EventChargeDeclined, conekta.EventChargeCanceled,
		conekta.EventChargePendingConfirmation, conekta.EventChargeExpired, conekta.EventChargeRefunded,
		conekta.EventChargePreAuthorized, conekta.EventChargeReversed, conekta.EventChargeUnderFraudReview,
		conekta.EventChargeFraudulent, conekta.EventChargeScoreUpdated,
		conekta.EventCustomerCreated, conekta.EventWebhookPing,
	}
	out := make([]string, 0, len(ts)+4)
	for _, t := range ts {
		out = append(out, string(t))
	}
	return append(out, conektaSync, string(conekta.EventInboundPaymentLookup),
		string(conekta.EventInboundPaymentAttempt), string(conekta.EventInboundPaymentReverse))
}

// newID returns prefix followed by 16 random hex digits: trigger's events
// must not collide with earlier ones in the receiver's dedupe store.
func newID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// digits returns n random decimal digits.
func digits(n int) string {
	var b strings.Builder
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	for _, c := range buf {
		b.WriteByte('0' + c%10)
	}
	return b.String()
}

// tokuBody builds a Toku event of type typ, shaped like those tokutest
// sends: the envelope (id, event_type, id_account) and the object the type
// is about.
func tokuBody(typ, id string, now time.Time) []byte {
	at := now.UTC().Format("2006-01-02T15:04:05.000000")
	cus := map[string]any{"id": newID("cus_"), "external_id": "customer-42", "email": "ana@example.com",
		"government_id": "11111111-1", "name": "Ana Pérez", "phone_number": "+56911111111"}
	inv := toku.Invoice{ID: newID("in_"), Customer: cus["id"].(string), ProductID: "contract-42",
		Amount: toku.AmountFromWhole(19990), CurrencyCode: "CLP", IsPaid: typ == string(toku.EventInvoiceUpdated)}
	intent := map[string]any{"id": newID("pi_"), "amount": "19990", "currency": "CLP", "id_invoice": inv.ID,
		"id_account": "acc_pagos_trigger", "gateway": "toku", "product_id": inv.ProductID, "status": "AUTHORIZED", "type": "PAYMENT"}
	body := map[string]any{"id": id, "event_type": typ, "id_account": "acc_pagos_trigger"}
	family, _, _ := strings.Cut(typ, ".")
	switch family {
	case "customer":
		body["customer"] = cus
	case "subscription":
		body["subscription"] = map[string]any{"id": newID("sub_"), "customer": cus["id"], "product_id": inv.ProductID,
			"is_recurring": true, "amount": "19990", "due_day": 5}
	case "invoice":
		body["invoice"] = inv
	case "transaction":
		status := "SUCCESS"
		if strings.Contains(typ, "failed") {
			status = "FAILED"
		}
		body["transaction"] = map[string]any{"id": newID("trs_"), "type": "PAYMENT", "amount": "19990", "currency": "CLP",
			"transaction_date": at, "status": status, "response_code": 0}
		body["customer"] = cus
		body["payment_intents"] = []any{intent}
		body["payment_instrument"] = map[string]any{"type": "card", "card": map[string]any{
			"bin": "424242", "card_type": "credit", "card_brand": "VISA", "country": "CL", "last_digits": "4242"}}
	case "payment_intent", "payment":
		intent["transaction_date"] = at
		intent["customer"] = cus["id"]
		body["payment_intent"] = intent
	default:
		body[family] = map[string]any{"id": newID(family + "_"), "created_at": at}
	}
	raw, _ := json.Marshal(body) // maps of strings, numbers and an Invoice: cannot fail
	return raw
}

// conektaBody builds a Conekta event of type typ, in the envelope
// conektatest sends, about an order or a charge of 150.00 MXN.
func conektaBody(typ, id string, now time.Time) []byte {
	created := now.Unix()
	charge := map[string]any{"id": newID("chr_"), "object": "charge", "livemode": false, "created_at": created,
		"currency": "MXN", "amount": 15000, "status": "paid", "order_id": newID("ord_"), "customer_id": newID("cus_"),
		"description": "Payment from order", "fee": 600, "paid_at": created,
		"payment_method": map[string]any{"object": "card_payment", "type": "credit", "last4": "4242", "brand": "visa",
			"name": "Ana Pérez", "exp_month": "12", "exp_year": "30", "auth_code": "123456", "country": "MX"}}
	var object any
	switch {
	case strings.HasPrefix(typ, "order."):
		object = map[string]any{"id": charge["order_id"], "object": "order", "livemode": false, "created_at": created,
			"updated_at": created, "currency": "MXN", "amount": 15000, "amount_refunded": 0, "payment_status": strings.TrimPrefix(typ, "order."),
			"customer_info": map[string]any{"customer_id": charge["customer_id"], "name": "Ana Pérez", "email": "ana@example.com", "phone": "+5215555555555", "object": "customer_info"},
			"line_items": map[string]any{"object": "list", "has_more": false, "total": 1, "data": []any{
				map[string]any{"object": "line_item", "id": newID("line_item_"), "name": "Plan mensual", "unit_price": 15000, "quantity": 1}}},
			"charges": map[string]any{"object": "list", "has_more": false, "total": 1, "data": []any{charge}}}
	case strings.HasPrefix(typ, "charge."):
		charge["status"] = strings.TrimPrefix(typ, "charge.")
		object = charge
	case strings.HasPrefix(typ, "customer."):
		object = map[string]any{"id": charge["customer_id"], "object": "customer", "livemode": false, "created_at": created,
			"name": "Ana Pérez", "email": "ana@example.com", "phone": "+5215555555555"}
	default:
		object = map[string]any{"object": "webhook_ping", "livemode": false, "created_at": created}
	}
	raw, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "livemode": false, "created_at": created,
		"webhook_status": "pending", "webhook_logs": []any{}, "data": map[string]any{"object": object, "previous_attributes": map[string]any{}}})
	return raw
}

// conektaInbound builds an inbound_payment.* request as conektatest's till
// sends it: amount is 0 in a lookup.
func conektaInbound(typ conekta.EventType, id, reference string, amount int64, now time.Time) []byte {
	created := now.Unix()
	raw, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "livemode": false, "created_at": created,
		"webhook_status": "not_applicable", "webhook_logs": []any{},
		"data": map[string]any{"previous_attributes": map[string]any{}, "object": map[string]any{
			"object": "inbound_payment", "charge_id": newID("chr_"), "livemode": false, "created_at": created,
			"amount": amount, "currency": "MXN", "customer_id": newID("cus_"),
			"payment_method": map[string]any{"object": conekta.PaymentCash, "type": "oxxo", "service_name": "OxxoPay",
				"reference": reference, "expires_at": 0}}}})
	return raw
}

// fygaroBody builds a hook body as fygarotest sends it: the body's fields
// and a JWT over the claims, signed with the hook credential.
func fygaroBody(reference, customReference, keyID, secret string, created time.Time) ([]byte, error) {
	claims := fmt.Sprintf(`{"customReference":%q,"reference":%q,"currency":"USD","amount":"25.00","createdAt":%d,"clientData":{"name":"Ana Pérez","email":"ana@example.com","phone":"+50760000000"}}`,
		customReference, reference, created.Unix())
	jwt, err := fygaro.SignJWT([]byte(claims), keyID, secret)
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, `{"reference":%q,"customReference":%q,"createdAt":%d,"jwt":%q}`,
		reference, customReference, created.Unix(), jwt), nil
}

// tpagaBody builds a deposit notification with the SDK's own type; a
// permanent reference's carries no idempotency token.
func tpagaBody(permanent bool, reference, efectyOrderID string, amount int64) []byte {
	token := ""
	if !permanent {
		token = newID("")
	}
	raw, _ := tpaga.NewNotification(reference, amount, efectyOrderID, token).MarshalJSON()
	return raw
}
