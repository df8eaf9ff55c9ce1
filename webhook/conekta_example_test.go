package webhook_test

import (
	"crypto/rsa"
	"fmt"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/webhook"
)

// Verify a delivery from its raw body and Digest header. In production the
// keys come from conekta.ActivePublicKeys of your WebhookKeys.List.
func ExampleVerifyConekta() {
	key := testutil.RSAKey() // Conekta holds the private half of your webhook key
	body := []byte(`{"id":"5b439072583eb80d50b46534","object":"event","type":"order.paid","data":{"object":{"id":"ord_1","amount":20015,"currency":"MXN","payment_status":"paid"}}}`)
	digest, _ := webhook.SignConekta(body, key) // what Conekta puts in the Digest header

	ev, err := webhook.VerifyConekta(body, digest, []*rsa.PublicKey{&key.PublicKey})
	if err != nil {
		fmt.Println("refused:", err)
		return
	}
	o, _ := ev.Order()
	fmt.Println(ev.Type, ev.ID)
	fmt.Println("paid:", o.ID, o.Amount, "centavos")
	// Output:
	// order.paid 5b439072583eb80d50b46534
	// paid: ord_1 20015 centavos
}
