package testutil

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// ConektaLookup returns an inbound_payment.lookup body as Conekta's
// recurring cash guide shows it, with the given event id.
func ConektaLookup(id string) []byte {
	return fmt.Appendf(nil, `{"data":{"object":{"payment_method":{"service_name":"OxxoPay","barcode_url":"https://barcode/url.png","object":"cash_payment",`+
		`"type":"oxxo","expires_at":1541289600,"reference":"8400003726321"},"charge_id":"5bb675388a268e0ef4a56a42","livemode":true,"created_at":0,`+
		`"object":"inbound_payment","amount":0,"currency":"MXN","customer_id":"cus_2jP5P8huCTWqcTtrn"},"previous_attributes":{}},"livemode":true,`+
		`"webhook_status":"not_applicable","webhook_logs":[],"id":%q,"object":"event","type":"inbound_payment.lookup","created_at":1531154306}`, id)
}

// ConektaBaseline is the irreducible work of answering a lookup, with
// net/http and no pagos code, for benchmarks and the load test: read the
// body, verify its Digest (RSA PKCS #1 v1.5 SHA-256), decode the event,
// and encode the same answer as the SDK's handler.
func ConektaBaseline(pub *rsa.PublicKey) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		sig, err := base64.StdEncoding.DecodeString(r.Header.Get("Digest"))
		sum := sha256.Sum256(body)
		if err != nil || rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var ev struct {
			ID   string `json:"id"`
			Type string `json:"type"`
			Data struct {
				Object struct {
					Amount        int64 `json:"amount"`
					PaymentMethod struct {
						Reference string `json:"reference"`
					} `json:"payment_method"`
				} `json:"object"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &ev); err != nil || ev.ID == "" {
			http.Error(w, "malformed", http.StatusBadRequest)
			return
		}
		out, _ := json.Marshal(struct {
			Payable   bool  `json:"payable"`
			MinAmount int64 `json:"min_amount"`
			MaxAmount int64 `json:"max_amount"`
		}{true, 5000, 1000000})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
	})
}
