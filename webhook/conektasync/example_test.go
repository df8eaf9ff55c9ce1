package conektasync_test

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/conektasync"
)

// references answers Conekta's recurring cash requests from what you know
// about each reference.
type references struct{}

func (references) Lookup(ctx context.Context, e *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	if p.Reference() != "8400003726321" {
		return conekta.Decline(conekta.FailureReferenceNotFound), nil
	}
	return conekta.ApproveLookup(5000, 1000000), nil // $50 to $10,000, in centavos
}

func (references) PaymentAttempt(ctx context.Context, e *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	return conekta.ApprovePayment(), nil // settle on charge.paid, not here
}

func (references) Reverse(ctx context.Context, e *conekta.Event, p *conekta.InboundPayment) error {
	return nil
}

// Serve the synchronous approval URL of recurring cash payments.
func ExampleNewHandler() {
	key := testutil.RSAKey()
	h, err := conektasync.NewHandler(conektasync.Auth{Keys: []*rsa.PublicKey{&key.PublicKey}}, references{})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /conekta/approval", h)

	body := `{"id":"5b438f82583eb80d50b4652c","object":"event","type":"inbound_payment.lookup","data":{"object":{"object":"inbound_payment","amount":0,"currency":"MXN","payment_method":{"object":"cash_payment","type":"oxxo","reference":"8400003726321"}}}}`
	digest, _ := webhook.SignConekta([]byte(body), key)
	r := httptest.NewRequest(http.MethodPost, "/conekta/approval", strings.NewReader(body))
	r.Header.Set(webhook.ConektaDigestHeader, digest)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body.String())
	// Output:
	// 200 {"payable":true,"min_amount":5000,"max_amount":1000000}
}
