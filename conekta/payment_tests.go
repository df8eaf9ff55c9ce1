package conekta

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// PaymentTestsService drives the sandbox's simulator of recurring cash
// payments (POST /payment_test), which is documented only in Conekta's
// recurring cash guide, not in its API reference.
type PaymentTestsService service

// PaymentTestParams ask the sandbox to send one inbound_payment.* request
// to your approval URL.
type PaymentTestParams struct {
	// EventType is EventInboundPaymentLookup, EventInboundPaymentAttempt or
	// EventInboundPaymentReverse.
	EventType EventType
	Reference string // the recurring cash reference
	Amount    int64  // centavos, for a payment attempt; at most MaxAmount
}

// PaymentTestResult is the simulator's answer, kept raw: its shape is not
// documented.
type PaymentTestResult struct {
	Raw json.RawMessage
}

// Create sends p to the simulator. It works with test keys only.
func (s *PaymentTestsService) Create(ctx context.Context, p *PaymentTestParams, opts ...RequestOption) (*PaymentTestResult, error) {
	switch {
	case p == nil || !p.EventType.IsInboundPayment():
		return nil, check.Invalid(provider, "PaymentTestParams.EventType", "must be an inbound_payment.* type, such as conekta.EventInboundPaymentLookup")
	case p.Reference == "":
		return nil, check.Invalid(provider, "PaymentTestParams.Reference", "is required: the recurring cash reference to pay")
	case p.EventType == EventInboundPaymentAttempt && p.Amount <= 0:
		return nil, check.Invalid(provider, "PaymentTestParams.Amount", "is required for a payment attempt: the centavos handed over")
	case p.Amount < 0:
		return nil, check.Invalid(provider, "PaymentTestParams.Amount", "is %d; it must not be negative", p.Amount)
	case p.Amount > MaxAmount:
		return nil, tooLarge("PaymentTestParams.Amount", p.Amount)
	}
	body := map[string]string{"event_type": string(p.EventType), "reference": p.Reference}
	if p.Amount > 0 {
		body["amount"] = fmt.Sprint(p.Amount) // the guide sends it as a string
	}
	raw, err := call[json.RawMessage](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/payment_test", Body: body}, opts)
	if err != nil {
		return nil, err
	}
	return &PaymentTestResult{Raw: *raw}, nil
}
