package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// benchFygaro is a current-generation hook for one payment, signed with the
// hook credential: its body, headers and secret.
func benchFygaro(b *testing.B) ([]byte, http.Header) {
	claims := `{"customReference":"order-2026-000451","reference":"FYG-8F3K2M9Q","currency":"USD","amount":"1250.50","createdAt":1699999990,` +
		`"clientData":{"name":"Ana María Pérez Solís","email":"ana.perez@example.com","phone":"+50688887777"}}`
	body := fyBody("FYG-8F3K2M9Q", "order-2026-000451", "1699999990", fyToken(b, claims, fyKeyID, fySecret))
	return body, fyHeaders(b, body, fyKeyID, fySecret, fyNow)
}

// BenchmarkFygaroVerify is VerifyFygaro, what a handler does before user
// code: parse the Fygaro-Signature, pick the key by Fygaro-Key-ID,
// HMAC-SHA256 over t.body, constant-time compare, timestamp check, decode
// the body, verify the JWT (HMAC-only allow-list, exp/nbf/iat), and check
// the body against the claims.
func BenchmarkFygaroVerify(b *testing.B) {
	body, h := benchFygaro(b)
	keys := FygaroKeys{fyKeyID: fySecret}
	clock := WithClock(func() time.Time { return fyNow })
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		hook, err := VerifyFygaro(body, h, keys, clock)
		if err != nil || hook.Reference != "FYG-8F3K2M9Q" {
			b.Fatal(err)
		}
	}
}

// BenchmarkFygaroVerifyBaseline does only the irreducible work: split the
// header, HMAC-SHA256 of t.body and compare, json.Unmarshal the body, and
// golang-jwt's parse of the same token (HS256 allowed) into a plain struct
// of the claims the verifier reads.
func BenchmarkFygaroVerifyBaseline(b *testing.B) {
	body, h := benchFygaro(b)
	sig := h.Get(FygaroSignatureHeader)
	key := []byte(fySecret)
	methods := jwt.WithValidMethods([]string{"HS256"})
	keyfunc := func(*jwt.Token) (any, error) { return key, nil }
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		tPart, vPart, _ := strings.Cut(sig, ",")
		ts := strings.TrimPrefix(tPart, "t=")
		want, _ := hex.DecodeString(strings.TrimPrefix(vPart, "v1="))
		m := hmac.New(sha256.New, key)
		m.Write([]byte(ts + "."))
		m.Write(body)
		if !hmac.Equal(m.Sum(nil), want) {
			b.Fatal("mismatch")
		}
		var env struct {
			Reference       string `json:"reference"`
			CustomReference string `json:"customReference"`
			CreatedAt       int64  `json:"createdAt"`
			JWT             string `json:"jwt"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			b.Fatal(err)
		}
		var c struct {
			jwt.RegisteredClaims
			CustomReference string `json:"customReference"`
			Reference       string `json:"reference"`
			CreatedAt       int64  `json:"createdAt"`
		}
		if _, err := jwt.ParseWithClaims(env.JWT, &c, keyfunc, methods); err != nil || c.Reference != env.Reference {
			b.Fatal(err)
		}
	}
}

// BenchmarkFygaroClaims is the lazy accessor user code calls for the
// payment's details: the claims decoded into typed values, the amount an
// exact decimal. Not part of the ratio: Toku's accessors are not either.
func BenchmarkFygaroClaims(b *testing.B) {
	body, h := benchFygaro(b)
	hook, err := VerifyFygaro(body, h, FygaroKeys{fyKeyID: fySecret}, WithClock(func() time.Time { return fyNow }))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c, err := hook.Claims()
		if err != nil || c.Amount.String() != "1250.50" {
			b.Fatal(err)
		}
	}
}
