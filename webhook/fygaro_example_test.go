package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/webhook"
)

// fygaroDelivery builds a hook as Fygaro sends it: the claims signed into the
// body's jwt with the hook credential, the body signed into Fygaro-Signature.
func fygaroDelivery(keyID, secret, reference string, at time.Time) (body []byte, header http.Header) {
	claims := `{"customReference":"order-42","reference":"` + reference + `","currency":"USD","amount":"25.00",` +
		`"createdAt":1700000000,"clientData":{"name":"Ana Pérez","email":"ana@example.com","phone":"+50688887777"}}`
	token, _ := fygaro.SignJWT([]byte(claims), keyID, secret)
	body = []byte(`{"reference":"` + reference + `","customReference":"order-42","createdAt":1700000000,"jwt":"` + token + `"}`)
	sig, _ := webhook.SignFygaro(body, secret, at)
	return body, http.Header{webhook.FygaroSignatureHeader: {sig}, webhook.FygaroKeyIDHeader: {keyID}}
}

// Verify a hook from its raw body and headers, then read the payment from
// the verified JWT claims.
func ExampleVerifyFygaro() {
	keys := webhook.FygaroKeys{"fyg_key_hooks": "fyg_secret_hooks"} // the hook credential
	body, header := fygaroDelivery("fyg_key_hooks", "fyg_secret_hooks", "FYG-123", time.Unix(1700000000, 0))
	signedAt := func() time.Time { return time.Unix(1700000000, 0) } // use time.Now in production

	hook, err := webhook.VerifyFygaro(body, header, keys, webhook.WithClock(signedAt))
	if err != nil {
		fmt.Println("refused:", err)
		return
	}
	c, err := hook.Claims()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(hook.Reference, hook.CustomReference, "verified:", hook.Signed, "with", hook.KeyID)
	fmt.Println(c.Amount, c.Currency, c.ClientData.Email)

	// The same body with another order reference no longer verifies.
	forged := []byte(strings.Replace(string(body), "order-42", "order-43", 1))
	_, err = webhook.VerifyFygaro(forged, header, keys, webhook.WithClock(signedAt))
	fmt.Println(err)
	// Output:
	// FYG-123 order-42 verified: body with fyg_key_hooks
	// 25.00 USD ana@example.com
	// webhook: signature mismatch
}

// Sign a body the way Fygaro does, to test your own handler. The values are
// the worked example of Fygaro's signature scheme.
func ExampleSignFygaro() {
	body := []byte(`{"reference":"FYG-123","customReference":"001","createdAt":1700000000,"jwt":"x"}`)
	h, _ := webhook.SignFygaro(body, "test-secret", time.Unix(1700000000, 0))
	fmt.Println(h)
	// Output:
	// t=1700000000,v1=1a4a0b4671fe7435153c3a719bea4cad95e2f1bf917d614ebf414d4a46866ada
}

// Mount the Fygaro handler. It answers exactly 200 once the function returns
// nil, and processes each transaction reference once.
func ExampleNewFygaroHandler() {
	keys := webhook.FygaroKeys{"fyg_key_hooks": "fyg_secret_hooks"}
	h, err := webhook.NewFygaroHandler(keys, func(ctx context.Context, hook *fygaro.Hook) error {
		c, err := hook.Claims()
		if err != nil {
			return err // 500: Fygaro retries
		}
		fmt.Println("paid:", c.CustomReference, c.Amount, c.Currency, "reference", hook.Reference)
		return nil // record the payment durably before returning nil
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/fygaro", h)

	body, header := fygaroDelivery("fyg_key_hooks", "fyg_secret_hooks", "FYG-123", time.Now())
	for range 2 { // the second delivery is a duplicate
		r := httptest.NewRequest(http.MethodPost, "/webhooks/fygaro", strings.NewReader(string(body)))
		r.Header = header.Clone()
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println("status:", w.Code)
	}
	// Output:
	// paid: order-42 25.00 USD reference FYG-123
	// status: 200
	// status: 200
}
