package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/webhook"
)

// Verify a delivery from its raw body and Toku-Signature header. The values
// are the worked example of Toku's signature scheme.
func ExampleVerifyToku() {
	body := []byte(`{"id":"evt_MOnNVXKNYDCZXzI9slA3smhASQmuRleM","event_type":"payment_intent.succeeded","payment_intent":{"id":"pi_1","amount":"1000"}}`)
	header := "t=1618960495,s=63cfc0bb0099734c8e3375db2ec4eeb0d6d9ed3d568bdde4cb516f826aa270a3"
	signedAt := func() time.Time { return time.Unix(1618960495, 0) } // use time.Now in production

	ev, err := webhook.VerifyToku(body, header, "whesec_DTouU4ek2-tMhBO9sBUZNVC8tIIJuZsn", webhook.WithClock(signedAt))
	if err != nil {
		fmt.Println("refused:", err)
		return
	}
	pi, _ := ev.PaymentIntent()
	fmt.Println(ev.Type, ev.ID, "signed over:", ev.Signed)
	fmt.Println("amount:", pi.Amount)
	// Output:
	// payment_intent.succeeded evt_MOnNVXKNYDCZXzI9slA3smhASQmuRleM signed over: event id
	// amount: 1000
}

// Sign a delivery the way Toku does, to test your own handler.
func ExampleSignToku() {
	body := []byte(`{"id":"evt_MOnNVXKNYDCZXzI9slA3smhASQmuRleM","event_type":"invoice.updated"}`)
	h, _ := webhook.SignToku(body, "whesec_DTouU4ek2-tMhBO9sBUZNVC8tIIJuZsn", time.Unix(1618960495, 0), toku.SignedEventID)
	fmt.Println(h)
	// Output:
	// t=1618960495,s=63cfc0bb0099734c8e3375db2ec4eeb0d6d9ed3d568bdde4cb516f826aa270a3
}

// Mount the Toku handler on a Go 1.22 ServeMux. The handler acknowledges a
// delivery only when the function returns nil, and processes each event id
// once.
func ExampleNewTokuHandler() {
	secret := "whesec_example" // the Secret of your toku.WebhookEndpoint
	h, err := webhook.NewTokuHandler(secret, func(ctx context.Context, e *toku.Event) error {
		if e.Type == toku.EventTransactionSuccess {
			tr, err := e.Transaction()
			if err != nil {
				return err
			}
			fmt.Println("paid:", tr.ID, tr.Amount)
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/toku", h)

	body := `{"id":"wheve_1","event_type":"transaction.success","transaction":{"id":"trs_1","amount":19990}}`
	sig, _ := webhook.SignToku([]byte(body), secret, time.Now(), toku.SignedEventID)
	for range 2 { // the second delivery is a duplicate
		r := httptest.NewRequest(http.MethodPost, "/webhooks/toku", strings.NewReader(body))
		r.Header.Set(webhook.TokuSignatureHeader, sig)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println("status:", w.Code)
	}
	// Output:
	// paid: trs_1 19990
	// status: 200
	// status: 200
}
