package webhook

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/internal/testutil"
)

func conektaBody(id, typ string) []byte {
	return []byte(`{"id":"` + id + `","object":"event","type":"` + typ + `","livemode":false,"created_at":1531154546,"webhook_status":"pending","webhook_logs":[],` +
		`"data":{"object":{"id":"ord_1","object":"order","amount":20015,"currency":"MXN","payment_status":"paid"},"previous_attributes":{}}}`)
}

func signConekta(t testing.TB, body []byte) string {
	t.Helper()
	d, err := SignConekta(body, testutil.RSAKey())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// flipBit returns the base64 signature sig with one bit of its first byte
// flipped: always another signature, whatever the key produced.
func flipBit(t testing.TB, sig string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(b) == 0 {
		t.Fatalf("signature %q is not base64: %v", sig, err)
	}
	b[0] ^= 1
	return base64.StdEncoding.EncodeToString(b)
}

// otherKey is a 2048-bit public key whose private half nobody has: a key
// that was rotated out.
func otherKey() *rsa.PublicKey {
	n := new(big.Int).Add(testutil.RSAKey().N, big.NewInt(2))
	return &rsa.PublicKey{N: n, E: 65537}
}

func TestVerifyConektaTable(t *testing.T) {
	t.Parallel()
	body := conektaBody("5b439072583eb80d50b46534", "order.paid")
	good := signConekta(t, body)
	pub := &testutil.RSAKey().PublicKey
	weak := &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), 1023), E: 65537}
	malformed := []byte(`{"type":"order.paid"}`)
	cases := []struct {
		name   string
		body   []byte
		digest string
		keys   []*rsa.PublicKey
		want   error
	}{
		{"valid", body, good, []*rsa.PublicKey{pub}, nil},
		{"rotated: the second key signs", body, good, []*rsa.PublicKey{otherKey(), pub}, nil},
		{"rotated: only the retired key", body, good, []*rsa.PublicKey{otherKey()}, ErrSignatureMismatch},
		{"tampered body", []byte(strings.Replace(string(body), "20015", "99999", 1)), good, []*rsa.PublicKey{pub}, ErrSignatureMismatch},
		{"tampered signature", body, flipBit(t, good), []*rsa.PublicKey{pub}, ErrSignatureMismatch},
		// Conekta signs no timestamp: an event of 2018 verifies as well as
		// one of today, and dedupe is the replay defence.
		{"too old: no signed time, accepted", conektaBody("e_old", "order.paid"), signConekta(t, conektaBody("e_old", "order.paid")), []*rsa.PublicKey{pub}, nil},
		{"too new: no signed time, accepted", []byte(strings.Replace(string(body), "1531154546", "4102444800", 1)),
			signConekta(t, []byte(strings.Replace(string(body), "1531154546", "4102444800", 1))), []*rsa.PublicKey{pub}, nil},
		{"missing", body, "", []*rsa.PublicKey{pub}, ErrNoSignature},
		{"malformed: not base64", body, "not*base64", []*rsa.PublicKey{pub}, ErrInvalidHeader},
		{"malformed: short signature", body, "c2hvcnQ=", []*rsa.PublicKey{pub}, ErrSignatureMismatch},
		{"malformed: the RFC 3230 form", body, "SHA-256=" + good, []*rsa.PublicKey{pub}, ErrInvalidHeader},
		{"authentic but no id", malformed, signConekta(t, malformed), []*rsa.PublicKey{pub}, ErrMalformedPayload},
		{"unauthentic and no id", malformed, good, []*rsa.PublicKey{pub}, ErrSignatureMismatch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev, err := VerifyConekta(tc.body, tc.digest, tc.keys)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.want == nil && (ev == nil || ev.Type != conekta.EventOrderPaid) {
				t.Fatalf("event %+v", ev)
			}
		})
	}
	// Empty secret: no key at all, a nil key or a weak one is refused.
	for _, keys := range [][]*rsa.PublicKey{nil, {}, {nil}, {weak}} {
		if _, err := VerifyConekta(body, good, keys); err == nil {
			t.Errorf("keys %v accepted", keys)
		}
		if _, err := NewConektaHandler(keys, func(context.Context, *conekta.Event) error { return nil }); err == nil {
			t.Errorf("handler with keys %v constructed", keys)
		}
	}
	if _, err := VerifyConekta(body, good, []*rsa.PublicKey{pub}, WithTolerance(1)); err == nil || !strings.Contains(err.Error(), "does not apply to conekta") {
		t.Errorf("WithTolerance on Conekta: %v", err)
	}
}

func TestConektaHandlerProcessesOnce(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	fail := atomic.Bool{}
	fail.Store(true)
	h, err := NewConektaHandler([]*rsa.PublicKey{otherKey(), &testutil.RSAKey().PublicKey}, func(ctx context.Context, e *conekta.Event) error {
		calls.Add(1)
		o, err := e.Order()
		if err != nil || o.Amount != 20015 {
			return errors.New("bad order")
		}
		if fail.Load() {
			return errors.New("database down")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	body := conektaBody("5b439072583eb80d50b46534", "order.paid")
	post := func(digest string) int {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/conekta", strings.NewReader(string(body)))
		if digest != "" {
			r.Header.Set(ConektaDigestHeader, digest)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	good := signConekta(t, body)
	if c := post(good); c != http.StatusInternalServerError {
		t.Fatalf("failing user code: %d", c)
	}
	fail.Store(false)
	if c := post(good); c != http.StatusOK {
		t.Fatalf("retry: %d", c)
	}
	if c := post(good); c != http.StatusOK {
		t.Fatalf("duplicate: %d", c)
	}
	if c := post(""); c != http.StatusUnauthorized {
		t.Fatalf("unsigned: %d", c)
	}
	if calls.Load() != 2 {
		t.Fatalf("user code ran %d times, want 2", calls.Load())
	}
	if _, err := NewConektaHandler([]*rsa.PublicKey{&testutil.RSAKey().PublicKey}, nil); err == nil {
		t.Error("nil func accepted")
	}
	if _, err := NewConektaHandler([]*rsa.PublicKey{&testutil.RSAKey().PublicKey}, func(context.Context, *conekta.Event) error { return nil },
		WithConektaBudget(100)); err == nil || !strings.Contains(err.Error(), "NewConektaSyncHandler only") {
		t.Errorf("a sync option on the async handler: %v", err)
	}
}

// FuzzVerifyConekta: digests and bodies come from the network.
func FuzzVerifyConekta(f *testing.F) {
	body := conektaBody("e1", "charge.paid")
	f.Add(body, signConekta(f, body))
	f.Add([]byte(`{"id":"e","type":"x"}`), "AAAA")
	f.Add([]byte(`{}`), "")
	keys := []*rsa.PublicKey{&testutil.RSAKey().PublicKey}
	f.Fuzz(func(t *testing.T, b []byte, digest string) {
		ev, err := VerifyConekta(b, digest, keys)
		if err == nil && (ev == nil || ev.ID == "") {
			t.Fatalf("accepted without an event: %+v", ev)
		}
	})
}
