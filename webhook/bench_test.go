package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pagos-go/pagos/toku"
)

// benchEvent is a ~1 KB transaction.success delivery.
var benchEvent = []byte(`{"id":"wheve_N0GpM7iIbf4iUZicHa8s8dJ2kq1LmZx0","event_type":"transaction.success","id_account":"acc_nxoQz_v3X1AKfKrQbXQF0V1mTX01pOIt",` +
	`"transaction":{"id":"trs_2yww1ZrItomy_2eE45H8aB3kLmNo","type":"PAYMENT","amount":19990.0,"currency":"CLP","transaction_date":"2026-11-23T14:03:39.410000","status":"SUCCESS","response_code":0,"voucher":"v-1029384756","id_checkout_session":"cs_9f8e7d6c5b4a","transaction_metadata":{"order":"A-1001","channel":"web"}},` +
	`"customer":{"id":"cus_l8ojrji3k8SC7iLbVBxxgwVeOLRRbkEc","external_id":"user-4242","email":"ana.perez@example.com","government_id":"11111111-1","name":"Ana Pérez","phone_number":"+56987654321"},` +
	`"payment_intents":[{"id":"pi_dsQ5-sNZPwxBYf6hnLsstaqG9JAZK432","amount":"19990","currency":"CLP","id_invoice":"in_1YPKc-NZPwxBYf6hnLsstaqG9JAZKxX9","id_subscription":"sub_K3a1P1_p_t5UHJHJXmpkQYmqXCHvXrNi","invoice_external_id":"inv-2026-11","id_account":"acc_nxoQz_v3X1AKfKrQbXQF0V1mTX01pOIt","gateway":"toku_pac","product_id":"plan-mensual","status":"AUTHORIZED","type":"PAYMENT"}],` +
	`"payment_instrument":{"type":"card","card":{"bin":"424242","card_type":"credit","card_brand":"VISA","country":"CL","last_digits":"4242"}}}`)

const benchSecret = "whesec_DTouU4ek2-tMhBO9sBUZNVC8tIIJuZsn"

var benchNow = time.Unix(1_700_000_000, 0)

func benchHeader(b *testing.B) string {
	h, err := SignToku(benchEvent, benchSecret, benchNow, toku.SignedEventID)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkTokuVerify is VerifyToku: header parse, envelope decode, HMAC,
// constant-time compare, timestamp check.
func BenchmarkTokuVerify(b *testing.B) {
	h := benchHeader(b)
	clock := WithClock(func() time.Time { return benchNow })
	b.SetBytes(int64(len(benchEvent)))
	b.ReportAllocs()
	for b.Loop() {
		ev, err := VerifyToku(benchEvent, h, benchSecret, clock)
		if err != nil || ev.Signed != toku.SignedEventID {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokuVerifyBaseline does only the irreducible work: split the
// header, json.Unmarshal into the same struct, HMAC-SHA256 of "t.id",
// compare.
func BenchmarkTokuVerifyBaseline(b *testing.B) {
	h := benchHeader(b)
	key := []byte(benchSecret)
	b.SetBytes(int64(len(benchEvent)))
	b.ReportAllocs()
	for b.Loop() {
		tPart, sPart, _ := strings.Cut(h, ",")
		ts := strings.TrimPrefix(tPart, "t=")
		sig, _ := hex.DecodeString(strings.TrimPrefix(sPart, "s="))
		var ev toku.Event
		if err := json.Unmarshal(benchEvent, &ev); err != nil {
			b.Fatal(err)
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte(ts + "." + ev.ID))
		if !hmac.Equal(m.Sum(nil), sig) {
			b.Fatal("mismatch")
		}
	}
}
