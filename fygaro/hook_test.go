package fygaro

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The three documented generations of the hook body (research §3.2).
const (
	hookGenA = `{"customReference":"001","transactionReference":"FYG-123","createdAt":1700000000,"jwt":"x.y.z"}`
	hookGenB = `{"reference":"FYG-123","customReference":"001","createdAt":1700000000,"jwt":"x.y.z"}`
)

func TestParseHookEveryGeneration(t *testing.T) {
	t.Parallel()
	want := Hook{CustomReference: "001", Reference: "FYG-123", CreatedAt: Time{time.Unix(1700000000, 0).UTC()}, JWT: "x.y.z"}
	for name, body := range map[string]string{"A (transactionReference)": hookGenA, "B and C (reference)": hookGenB} {
		h, err := ParseHook([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(h.Raw) != body || h.Signed != SignedNone {
			t.Errorf("%s: raw %s, signed %v", name, h.Raw, h.Signed)
		}
		h.Raw = nil
		if diff := cmp.Diff(want, *h); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	// An unknown field, a missing customReference and createdAt are fine.
	h, err := ParseHook([]byte(`{"reference":"FYG-9","jwt":"t","newField":{"a":1}}`))
	if err != nil || h.Reference != "FYG-9" || h.CustomReference != "" || !h.CreatedAt.IsZero() {
		t.Fatalf("minimal hook: %+v, %v", h, err)
	}
	// When both names are present, reference (the newer) wins.
	if h, _ := ParseHook([]byte(`{"reference":"new","transactionReference":"old","jwt":"t"}`)); h.Reference != "new" {
		t.Errorf("Reference = %q, want new", h.Reference)
	}
}

func TestParseHookRefusesMalformed(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		``, `null`, `[]`, `"x"`, `{}`,
		`{"reference":"FYG-1"}`, // no jwt
		`{"jwt":"t"}`,           // no reference
		`{"reference":"","transactionReference":"","jwt":"t"}`, // empty reference
		`{"reference":123,"jwt":"t"}`,                          // documented as a string
		`{"reference":"FYG-1","jwt":"t","createdAt":"yesterday"}`,
		`{"reference":"FYG-1","jwt":"t","createdAt":-5}`,
		`{"reference":"FYG-1","jwt":"t","customReference":{}}`,
	} {
		if _, err := ParseHook([]byte(bad)); !errors.Is(err, ErrMalformedHook) {
			t.Errorf("ParseHook(%s) err = %v, want ErrMalformedHook", bad, err)
		}
	}
}

// withClaims is h carrying claims in its jwt, marked verified as webhook
// verification would.
func withClaims(h *Hook, claims string) *Hook {
	h.JWT = "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".c2ln"
	h.Signed = SignedBody
	return h
}

func TestHookClaims(t *testing.T) {
	t.Parallel()
	h, _ := ParseHook([]byte(hookGenB))
	if _, err := h.Claims(); err == nil {
		t.Fatal("an unverified hook returned claims")
	}
	if _, err := h.RawClaims(); err == nil {
		t.Fatal("an unverified hook returned raw claims")
	}
	const claims = `{"customReference":"001","transactionReference":"FYG-123","currency":"USD","amount":"100.01","createdAt":"1700000000",` +
		`"clientData":{"name":"Ana Pérez","email":"ana@example.com","phone":"+50688887777"},"exp":1800000000,"newClaim":true}`
	withClaims(h, claims)
	c, err := h.Claims()
	if err != nil {
		t.Fatal(err)
	}
	want := &Claims{CustomReference: "001", Reference: "FYG-123", Currency: "USD", Amount: NewAmount(10001),
		CreatedAt: Time{time.Unix(1700000000, 0).UTC()}, ClientData: ClientData{Name: "Ana Pérez", Email: "ana@example.com", Phone: "+50688887777"}}
	if diff := cmp.Diff(want, c, cmp.Comparer(func(a, b Amount) bool { return a.Equal(b) && a.String() == b.String() })); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	if raw, err := h.RawClaims(); err != nil || string(raw) != claims {
		t.Errorf("RawClaims = %s, %v", raw, err)
	}
	if _, err := withClaims(h, `{"amount":"10,00"}`).Claims(); err == nil {
		t.Error("an amount with a decimal comma decoded")
	}
	for _, jwt := range []string{"nodots", "a.b", "a.%%%.c"} {
		h.JWT = jwt
		if _, err := h.Claims(); err == nil {
			t.Errorf("jwt %q gave claims", jwt)
		}
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Time{
		`1700000000`:        time.Unix(1700000000, 0),
		`"1700000000"`:      time.Unix(1700000000, 0),
		`1700000000.25`:     time.Unix(1700000000, 250_000_000),
		`1700000000.000001`: time.Unix(1700000000, 1000),
		`0`:                 time.Unix(0, 0),
	} {
		var got Time
		if err := json.Unmarshal([]byte(in), &got); err != nil || !got.Equal(want) {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", in, got, err, want)
		}
		if out, _ := json.Marshal(got); in[0] != '"' && string(out) != in {
			t.Errorf("Marshal(%v) = %s, want %s", got, out, in)
		}
	}
	var null Time
	if err := json.Unmarshal([]byte(`null`), &null); err != nil || !null.IsZero() {
		t.Errorf("null: %v, %v", null, err)
	}
	if out, _ := json.Marshal(Time{}); string(out) != "null" {
		t.Errorf("zero Time marshals to %s", out)
	}
	for _, bad := range []string{`""`, `"abc"`, `-1`, `+1`, `1e9`, `1700000000.`, `1.1234567890`, `"1 "`, `true`, `{}`, `1_000`, `1.+5`} {
		var got Time
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", bad, got)
		}
	}
}

// FuzzParseHook: hook bodies come from the network and must never panic, and
// an accepted hook always has its dedupe key.
func FuzzParseHook(f *testing.F) {
	f.Add([]byte(hookGenA))
	f.Add([]byte(hookGenB))
	f.Add([]byte(`{"reference":"r","jwt":"j","createdAt":"1700000000.5"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHook(b)
		if err != nil {
			return
		}
		if h.Reference == "" || h.JWT == "" {
			t.Fatalf("accepted a hook without reference or jwt: %s", b)
		}
		_, _ = withClaims(h, string(b)).Claims()
	})
}
