package toku

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/internal/testutil"
)

// The payment_intent.succeeded example of Toku's event list.
const paymentIntentEvent = `{
  "id": "whe_hXPK3YBs4EUfw2KFZlB6R44MiFa07vFU",
  "event_type": "payment_intent.succeeded",
  "payment_intent": {
    "id": "pi_dsQ5-sNZPwxBYf6hnLsstaqG9JAZK432",
    "invoice": "in_1YPKc-NZPwxBYf6hnLsstaqG9JAZKxX9",
    "customer": "cus_l8ojrji3k8SC7iLbVBxxgwVeOLRRbkEc",
    "gateway": "toku_pac",
    "amount": "1000",
    "payment_method": "pm_1YPKc-NZPwxBYf6hnLsstaqG9JAZKxX9",
    "transaction_date": "2021-04-22T14:03:39.410000",
    "card_detail": "1234",
    "buy_order": "bo-2-609bf894",
    "child_buy_order": "cbo-2-609bf894",
    "authorization_code": "1213",
    "payment_type_code": "VN",
    "toku_response_code": "SU0000",
    "installments_number": 0,
    "mc_order_id": "1234567",
    "response_code": 0,
    "status": "AUTHORIZED",
    "id_account": "acc_2YPKc-NZPwxBYf6hnLsstaqG9JAZKxX4"
  }
}`

func TestParsePaymentIntentEvent(t *testing.T) {
	t.Parallel()
	e, err := ParseEvent([]byte(paymentIntentEvent))
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != "whe_hXPK3YBs4EUfw2KFZlB6R44MiFa07vFU" || e.Type != EventPaymentIntentSucceeded || e.Type.Object() != "payment_intent" || e.Signed != SignedNone {
		t.Fatalf("envelope %+v", e)
	}
	pi, err := e.PaymentIntent()
	if err != nil {
		t.Fatal(err)
	}
	want := &PaymentIntent{
		ID: "pi_dsQ5-sNZPwxBYf6hnLsstaqG9JAZK432", Invoice: "in_1YPKc-NZPwxBYf6hnLsstaqG9JAZKxX9",
		Customer: "cus_l8ojrji3k8SC7iLbVBxxgwVeOLRRbkEc", AccountID: "acc_2YPKc-NZPwxBYf6hnLsstaqG9JAZKxX4",
		Gateway: "toku_pac", Amount: AmountFromWhole(1000), PaymentMethod: "pm_1YPKc-NZPwxBYf6hnLsstaqG9JAZKxX9",
		TransactionDate: &Time{time.Date(2021, 4, 22, 14, 3, 39, 410000000, time.UTC)}, CardDetail: "1234",
		BuyOrder: "bo-2-609bf894", ChildBuyOrder: "cbo-2-609bf894", AuthorizationCode: "1213", PaymentTypeCode: "VN",
		TokuResponseCode: "SU0000", ResponseCode: "0", MCOrderID: "1234567", Status: "AUTHORIZED",
	}
	if diff := cmp.Diff(want, pi); diff != "" {
		t.Errorf("payment intent (-want +got):\n%s", diff)
	}
	if _, err := e.Invoice(); err == nil {
		t.Error("Invoice() on a payment_intent event succeeded")
	}
}

func TestParseOtherEvents(t *testing.T) {
	t.Parallel()
	pay, err := ParseEvent([]byte(`{"id":"whe_1","event_type":"payment.succeeded","payment":{"id":"pay_1","invoice":"in_1","customer":"cus_1","product_id":"pid-12345","due_date":"2022-01-01","payment_amount":"1000","payment_date":"2022-01-01","gateway":"patpass","payment_intent":"pi_1","buy_order":"bo-23456","receipt":"rpt_1","id_account":"acc_2"}}`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := pay.Payment()
	if err != nil || p.ID != "pay_1" || !p.PaymentAmount.Equal(AmountFromWhole(1000)) || p.DueDate != (Date{2022, 1, 1}) || p.AccountID != "acc_2" {
		t.Fatalf("payment %+v, %v", p, err)
	}

	tx, err := ParseEvent([]byte(`{"id":"wheve_9","event_type":"transaction.success","id_account":"acc_1",` + transactionItem[1:]))
	if err != nil || tx.AccountID != "acc_1" {
		t.Fatalf("transaction event %+v, %v", tx, err)
	}
	tr, err := tx.Transaction()
	if err != nil || tr.ID != "trs_A" || tr.PaymentIntents[0].Invoice != "in_1" {
		t.Fatalf("transaction %+v, %v", tr, err)
	}
	cus, err := tx.Customer()
	if err != nil || cus.ID != "cus_1" {
		t.Fatalf("customer beside transaction %+v, %v", cus, err)
	}

	sub, err := ParseEvent([]byte(`{"id":"whe_2","event_type":"subscription.created","subscription":{"id":"sub_1","customer":"cus_1","product_id":"92792","pac_mandate_id":"500196","is_recurring":false,"amount":null,"due_day":null,"metadata":{"color":"red"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sub.Subscription()
	if err != nil || s.ID != "sub_1" || s.Amount != nil || s.Metadata["color"] != "red" {
		t.Fatalf("subscription %+v, %v", s, err)
	}

	pm, err := ParseEvent([]byte(`{"id":"wheve_F","event_type":"payment_method.attached_products","payment_method":{"created_at":"2025-06-16 20:02:45.377877","id":"pm_Y","type":"card","card":{"bin":"424242","card_brand":"MASTERCARD","last_digits":"4242","expiration_month":"03","expiration_year":"2028","three_d_secure":false},"status":"chargeable"},"customer":{"id":"cus_example","email":"jondoe@trytoku.com","government_id":null},"product_ids":["p1"]}`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := pm.PaymentMethod()
	if err != nil || m.Card.LastDigits != "4242" || m.CreatedAt.Year() != 2025 {
		t.Fatalf("payment method %+v, %v", m, err)
	}
	var products []string
	if ok, err := pm.Decode("product_ids", &products); !ok || err != nil || products[0] != "p1" {
		t.Fatalf("Object(product_ids) = %v, %v, %v", products, ok, err)
	}
}

func TestEventEnvelopeStrictPayloadLenient(t *testing.T) {
	t.Parallel()
	// A numeric id keeps its text exactly, since the signature covers it as sent.
	e, err := ParseEvent([]byte(`{"id": 12345678901234567890, "event_type": "invoice.updated", "invoice": {"amount": "not a number"}}`))
	if err != nil || e.ID != "12345678901234567890" {
		t.Fatalf("numeric id: %+v, %v", e, err)
	}
	// The payload is not checked until asked for: an unexpected shape is delivered.
	if _, err := e.Invoice(); err == nil {
		t.Fatal("bad invoice payload decoded without error")
	}
	// Unknown types are kept.
	u, err := ParseEvent([]byte(`{"id":"evt_1","event_type":"brand_new.thing","brand_new":{}}`))
	if err != nil || u.Type != "brand_new.thing" {
		t.Fatalf("unknown type: %+v, %v", u, err)
	}
	for _, bad := range []string{`{}`, `{"id":"","event_type":"x.y"}`, `{"id":"e"}`, `{"id":{},"event_type":"x.y"}`, `{"id":true,"event_type":"x"}`, `[]`, `nope`} {
		if _, err := ParseEvent([]byte(bad)); !errors.Is(err, ErrMalformedEvent) {
			t.Errorf("ParseEvent(%s) err = %v, want ErrMalformedEvent", bad, err)
		}
	}
}

// FuzzParseEvent: event bodies come from the network and must never panic,
// in the envelope or in any accessor.
func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(paymentIntentEvent))
	f.Add([]byte(`{"id":1,"event_type":"transaction.success","transaction":{"id":"trs_1"}}`))
	f.Add([]byte(`{"id":"x","event_type":"payment.succeeded","payment":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEvent(b)
		if err != nil {
			return
		}
		testutil.Identified(t, b, e.ID, string(e.Type))
		_, _ = e.PaymentIntent()
		_, _ = e.Payment()
		_, _ = e.Transaction()
		_, _ = e.Invoice()
		_, _ = e.Customer()
		_, _ = e.Subscription()
		_, _ = e.PaymentMethod()
	})
}
