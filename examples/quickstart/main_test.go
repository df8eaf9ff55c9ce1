package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
)

// TestQuickstart runs the README's main command against the fakes.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, func(string) string { return "" }); err != nil {
		t.Fatalf("quickstart failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{"== Toku ==", "webhook handler verified transaction.success", "nothing missing",
		"== Toku subscription ==", "2026-11-01: Toku issued invoice", "2026-12-01: Toku issued invoice",
		"cancelled subscription", "2027-01-01: no invoice issued", "has 2 invoices, all paid",
		"== Conekta card ==", "webhook handler verified order.paid", "== Conekta OXXO cash ==", "approval handler approved the payment attempt",
		"webhook handler verified charge.paid",
		"== Conekta payment link ==", "webhook handler verified order.paid: ord_", "for quickstart-yoga", "the link took 1 payment and is Finished",
		"== Conekta card subscription ==", "webhook handler verified subscription.paid", "cancelled subscription", "nothing more was charged",
		"== Fygaro ==", "built a dynamic link for order-1001", "webhook handler verified the Fygaro hook: order-1001 paid 25.00 USD",
		"not recorded twice",
		"== Tpaga ==", "webhook handler received the deposit: 20000 COP", "paid 30000 COP to TSPAGOSDEMO1; the handler received it",
		"permanent, enabled, 2 deposit intents", "a third payment was refused: tpaga: 400: Reference is disabled.",
		"all flows passed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if n := strings.Count(out.String(), "confirmed it through the API: trs_"); n != 3 { // one Toku invoice, two subscription months
		t.Errorf("%d Toku payments confirmed by the handler, want 3:\n%s", n, out.String())
	}
	for _, secret := range []string{"whesec_", "Basic ", fygarotest.DefaultAPISecret, fygarotest.DefaultHookSecret, conektatest.DefaultAPIKey, "quickstart-approval"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("a secret (%s) was printed:\n%s", secret, out.String())
		}
	}
}

// With Fygaro's three variables set, the flow prints a real dynamic link
// (building one needs no network) and never the secret.
func TestQuickstartFygaroLive(t *testing.T) {
	const buttonURL = "https://www.fygaro.com/es/pb/3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60/"
	const secret = "fyg_live_secret_never_printed"
	env := map[string]string{"FYGARO_BUTTON_URL": buttonURL, "FYGARO_API_KEY": "fyg_live_key", "FYGARO_API_SECRET": secret, "FYGARO_CURRENCY": "CRC"}
	var out bytes.Buffer
	if err := fygaroFlow(t.Context(), &printer{w: &out}, func(k string) string { return env[k] }); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	i := strings.Index(out.String(), buttonURL+"?jwt=")
	if i < 0 || strings.Contains(out.String(), secret) {
		t.Fatalf("want the real link printed and no secret:\n%s", out.String())
	}
	token := strings.Fields(out.String()[i+len(buttonURL)+5:])[0]
	claims := jwtClaims(t, token, secret)
	if claims["amount"] != "1.00" || claims["currency"] != "CRC" || !strings.HasPrefix(claims["custom_reference"].(string), "pagos-quickstart-") {
		t.Fatalf("claims %v", claims)
	}

	delete(env, "FYGARO_API_SECRET")
	if err := fygaroFlow(t.Context(), &printer{w: io.Discard}, func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "FYGARO_API_SECRET") {
		t.Fatalf("a missing secret: %v", err)
	}
}

// jwtClaims verifies token with secret and returns its claims.
func jwtClaims(t *testing.T, token, secret string) jwt.MapClaims {
	t.Helper()
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return []byte(secret), nil }); err != nil {
		t.Fatalf("the printed link's token does not verify: %v", err)
	}
	return claims
}
