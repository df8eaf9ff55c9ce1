package conekta

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/internal/testutil"
)

// The inbound_payment.lookup request of Conekta's recurring cash guide.
const lookupEvent = `{
  "data":{"object":{"payment_method":{"service_name":"OxxoPay","barcode_url":"https://barcode/url.png","object":"cash_payment","type":"oxxo","expires_at":1541289600,"reference":"8400003726321"},
    "charge_id":"5bb675388a268e0ef4a56a42","livemode":true,"created_at":0,"object":"inbound_payment","amount":0,"currency":"MXN","customer_id":"cus_2jP5P8huCTWqcTtrn"},
    "previous_attributes":{}},
  "livemode":true,"webhook_status":"not_applicable","webhook_logs":[],"id":"5b438f82583eb80d50b4652c","object":"event","type":"inbound_payment.lookup","created_at":1531154306
}`

// The charge.paid event of the same guide.
const chargePaidEvent = `{
  "data": {"object": {"id": "5c0968098a268e02ab8aa3f7", "livemode": true, "created_at": 1544120329, "currency": "MXN", "description": null,
      "reference_id": null, "failure_code": null, "failure_message": null, "monthly_installments": null, "device_fingerprint": null, "refunds": [],
      "payment_method": {"barcode": "XXXXXXXXX", "reference": "XXXXXXXXX", "barcode_url": "https://s3.amazonaws.com/cash_payment_barcodes/XXXXXXXXX.png",
        "object": "cash_payment", "type": "oxxo", "expires_at": 1546732800, "store_name": "OXXO"},
      "details": {"name": "Juan Perez", "phone": null, "email": "juan@example.com", "line_items": [], "coupons": [], "object": "details"},
      "object": "charge", "status": "paid", "amount": 350000, "paid_at": 1544120362, "fee": 10150, "customer_id": "cus_2j35ehQaF1jZEcWH7",
      "subscription_id": "", "amount_refunded": null},
    "previous_attributes": {}},
  "livemode": true, "webhook_status": "not_applicable", "webhook_logs": [], "id": "5b439072583eb80d50b46534", "object": "event", "type": "charge.paid", "created_at": 1531154546
}`

func TestParseInboundPaymentLookup(t *testing.T) {
	t.Parallel()
	e, err := ParseEvent([]byte(lookupEvent))
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != "5b438f82583eb80d50b4652c" || e.Type != EventInboundPaymentLookup || !e.Type.IsInboundPayment() || !e.Livemode ||
		e.CreatedAt.Unix() != 1531154306 || e.WebhookStatus != "not_applicable" || string(e.PreviousAttributes) != "{}" {
		t.Fatalf("envelope %+v", e)
	}
	p, err := e.InboundPayment()
	if err != nil {
		t.Fatal(err)
	}
	want := &InboundPayment{Object: "inbound_payment", ChargeID: "5bb675388a268e0ef4a56a42", CustomerID: "cus_2jP5P8huCTWqcTtrn", Currency: "MXN", Livemode: true,
		PaymentMethod: &CashPayment{Reference: "8400003726321", BarcodeURL: "https://barcode/url.png", ExpiresAt: Unix(1541289600), ServiceName: "OxxoPay"}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("inbound payment (-want +got):\n%s", diff)
	}
	if p.Reference() != "8400003726321" {
		t.Errorf("Reference() = %q", p.Reference())
	}
	if _, err := e.Order(); err == nil {
		t.Error("Order() on an inbound payment event succeeded")
	}
}

func TestParseChargePaid(t *testing.T) {
	t.Parallel()
	e, err := ParseEvent([]byte(chargePaidEvent))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := e.Charge()
	if err != nil {
		t.Fatal(err)
	}
	if ch.Status != ChargePaid || ch.Amount != 350000 || ch.Fee != 10150 || ch.PaidAt.Unix() != 1544120362 || ch.Description != "" ||
		ch.PaymentMethod.Cash == nil || ch.PaymentMethod.Cash.StoreName != "OXXO" || ch.Refunds == nil || len(ch.Refunds.Data) != 0 {
		t.Fatalf("charge %+v", ch)
	}
	if string(e.Raw) != chargePaidEvent {
		t.Error("Raw does not keep the body")
	}
	b, _ := json.Marshal(e)
	testutil.JSONEqual(t, b, chargePaidEvent)
}

func TestEventEnvelopeStrictPayloadLenient(t *testing.T) {
	t.Parallel()
	e, err := ParseEvent([]byte(`{"id":"evt_1","type":"order.paid","created_at":"soon","webhook_logs":"x","data":{"object":{"amount":"not a number"}}}`))
	if err != nil || e.ID != "evt_1" || !e.CreatedAt.IsZero() {
		t.Fatalf("an event with odd informative fields: %+v, %v", e, err)
	}
	if _, err := e.Order(); err == nil {
		t.Fatal("a bad order payload decoded without error")
	}
	if w, err := ParseEvent([]byte(`{"id":"evt_3","type":"order.paid","data":"a string now","created_at":5}`)); err != nil || w.Object != nil || w.CreatedAt.Unix() != 5 {
		t.Fatalf("an authentic event whose data is not an object: %+v, %v", w, err)
	}
	if u, err := ParseEvent([]byte(`{"id":"evt_2","type":"brand_new.thing"}`)); err != nil || u.Type != "brand_new.thing" {
		t.Fatalf("unknown type: %+v, %v", u, err)
	}
	if _, err := (&Event{ID: "e", Type: EventOrderPaid}).Order(); err == nil || !strings.Contains(err.Error(), "no data.object") {
		t.Fatalf("event without data: %v", err)
	}
	// A numeric id is kept as its text, and an odd livemode does not refuse
	// an authentic event: only id and type are required.
	if n, err := ParseEvent([]byte(`{"id":5,"type":"order.paid","livemode":"yes"}`)); err != nil || n.ID != "5" || n.Livemode {
		t.Fatalf("numeric id: %+v, %v", n, err)
	}
	for _, bad := range []string{`{}`, `{"id":"","type":"order.paid"}`, `{"id":"e"}`, `{"id":true,"type":"order.paid"}`, `[]`, `nope`} {
		if _, err := ParseEvent([]byte(bad)); !errors.Is(err, ErrMalformedEvent) {
			t.Errorf("ParseEvent(%s) err = %v, want ErrMalformedEvent", bad, err)
		}
	}
}

func TestEventsGetListResend(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/events/5b438f82583eb80d50b4652c", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "", "")
		respond(w, 200, lookupEvent)
	})
	mux.HandleFunc("/events", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "limit=5", "")
		respond(w, 200, `{"object":"list","has_more":false,"data":[`+chargePaidEvent+`]}`)
	})
	mux.HandleFunc("/events/5b439072583eb80d50b46534/resend", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"webhooks_ids":["wh_1"]}`)
		respond(w, 200, `{"id":"wh_1","url":"https://example.com/hook","failed_attempts":0,"last_http_response_status":200,"last_attempted_at":1700000000,"response_data":{}}`)
	})
	ctx := t.Context()
	if e, err := c.Events.Get(ctx, "5b438f82583eb80d50b4652c"); err != nil || e.Type != EventInboundPaymentLookup {
		t.Fatalf("Get = %+v, %v", e, err)
	}
	n := 0
	for e, err := range c.Events.All(ctx, &ListParams{Limit: 5}) {
		if err != nil || e.Type != EventChargePaid {
			t.Fatal(e, err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("All yielded %d", n)
	}
	log, err := c.Events.Resend(ctx, "5b439072583eb80d50b46534", []string{"wh_1"})
	if err != nil || log.LastHTTPResponseStatus != 200 || log.LastAttemptedAt.Unix() != 1700000000 {
		t.Fatalf("Resend = %+v, %v", log, err)
	}
	if _, err := c.Events.Resend(ctx, "5b439072583eb80d50b46534", nil); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("Resend without webhooks: %v", err)
	}
}

// FuzzParseEvent: event bodies come from the network and must never panic,
// in the envelope or in any accessor.
func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(lookupEvent))
	f.Add([]byte(chargePaidEvent))
	f.Add([]byte(`{"id":"e","type":"order.paid","data":{"object":{"charges":[{"payment_method":{"object":"card_payment"}}]}}}`))
	f.Add([]byte(`{"id":"e","type":"customer.created","data":{"object":{"payment_sources":{"data":[{"type":"card"},{"type":"cash"}]}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEvent(b)
		if err != nil {
			return
		}
		testutil.Identified(t, b, e.ID, string(e.Type))
		_, _ = e.Order()
		_, _ = e.Charge()
		_, _ = e.InboundPayment()
		_ = e.Decode(new(Customer))
	})
}

// TestEventAccessorsNilOnError: every typed accessor returns a nil result
// with its error, whether the event is of another object or its data.object
// does not decode.
func TestEventAccessorsNilOnError(t *testing.T) {
	undecodable := json.RawMessage(`{"id":7,"amount":"many"}`)
	for name, get := range map[string]func(*Event) (any, error){
		"Order":          func(e *Event) (any, error) { return e.Order() },
		"Charge":         func(e *Event) (any, error) { return e.Charge() },
		"InboundPayment": func(e *Event) (any, error) { return e.InboundPayment() },
		"Subscription":   func(e *Event) (any, error) { return e.Subscription() },
		"Plan":           func(e *Event) (any, error) { return e.Plan() },
		"PayoutOrder":    func(e *Event) (any, error) { return e.PayoutOrder() },
		"Customer":       func(e *Event) (any, error) { return e.Customer() },
		"PaymentSource":  func(e *Event) (any, error) { return e.PaymentSource() },
		"Webhook":        func(e *Event) (any, error) { return e.Webhook() },
	} {
		types := map[string]EventType{"Order": EventOrderPaid, "Charge": EventChargePaid, "InboundPayment": EventInboundPaymentLookup,
			"Subscription": "subscription.paid", "Plan": "plan.created", "PayoutOrder": EventPayoutOrderClosed, "Customer": EventCustomerUpdated,
			"PaymentSource": EventCustomerCardBlocked, "Webhook": EventWebhookDeleted}
		for _, e := range []*Event{
			{ID: "evt_1", Type: types[name], Object: undecodable},
			{ID: "evt_2", Type: "unknown.thing", Object: json.RawMessage(`{}`)},
		} {
			v, err := get(e)
			if err == nil || !reflect.ValueOf(v).IsNil() {
				t.Errorf("%s of %s %s: %#v, %v; want nil and an error", name, e.Type, e.Object, v, err)
			}
		}
	}
}
