package conekta

import (
	"errors"
	"net/http"
	"testing"
)

func TestPaymentTests(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var bodies []string
	mux.HandleFunc("/payment_test", func(w http.ResponseWriter, r *http.Request) {
		if len(bodies) == 0 {
			wire(t, r, "POST", "", `{"event_type":"inbound_payment.payment_attempt","reference":"99000000001273","amount":"10000"}`)
		} else {
			wire(t, r, "POST", "", `{"event_type":"inbound_payment.lookup","reference":"99000000001273"}`)
		}
		bodies = append(bodies, "x")
		respond(w, 200, `{"ok":true}`)
	})
	ctx := t.Context()
	res, err := c.PaymentTests.Create(ctx, &PaymentTestParams{EventType: EventInboundPaymentAttempt, Reference: "99000000001273", Amount: 10000})
	if err != nil || string(res.Raw) != `{"ok":true}` {
		t.Fatalf("Create = %s, %v", res.Raw, err)
	}
	if _, err := c.PaymentTests.Create(ctx, &PaymentTestParams{EventType: EventInboundPaymentLookup, Reference: "99000000001273"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*PaymentTestParams{nil, {EventType: EventOrderPaid, Reference: "1"}, {EventType: EventInboundPaymentLookup},
		{EventType: EventInboundPaymentAttempt, Reference: "1"}} {
		if _, err := c.PaymentTests.Create(ctx, p); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Create(%+v) err = %v", p, err)
		}
	}
}
