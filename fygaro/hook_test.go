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
	} {
		if _, err := ParseHook([]byte(bad)); !errors.Is(err, ErrMalformedHook) {
			t.Errorf("ParseHook(%s) err = %v, want ErrMalformedHook", bad, err)
		}
	}
	// Shapes an authentic hook may take although the guide says otherwise:
	// the dedupe key is readable, so they are accepted, not refused.
	if h, err := ParseHook([]byte(`{"reference":123,"customReference":7,"jwt":"t","createdAt":"yesterday"}`)); err != nil ||
		h.Reference != "123" || h.CustomReference != "7" || !h.CreatedAt.IsZero() {
		t.Errorf("numeric references and an unreadable createdAt: %+v, %v", h, err)
	}
	// customReference is not part of the envelope: another shape keeps its
	// compact JSON (which the JWT's must equal), never a refusal.
	if h, err := ParseHook([]byte(`{"reference":"FYG-1","jwt":"t","customReference":{ "a": [1] }}`)); err != nil || h.CustomReference != `{"a":[1]}` {
		t.Errorf("an object customReference: %+v, %v", h, err)
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
	want := &Claims{CustomReference: "001", Reference: "FYG-123", Currency: "USD", Amount: AmountFromCents(10001),
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
		`1700000000`:             time.Unix(1700000000, 0),
		`"1700000000"`:           time.Unix(1700000000, 0),
		`1700000000.25`:          time.Unix(1700000000, 250_000_000),
		`1700000000.000001`:      time.Unix(1700000000, 1000),
		`0`:                      time.Unix(0, 0),
		`1700000000123`:          time.UnixMilli(1700000000123),
		`"2023-11-14T22:13:20Z"`: time.Unix(1700000000, 0),
	} {
		var got Time
		if err := json.Unmarshal([]byte(in), &got); err != nil || !got.Equal(want) {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", in, got, err, want)
		}
		if out, _ := json.Marshal(got); in[0] != '"' && len(in) < 13 && string(out) != in {
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
	// What it cannot read leaves it zero, never an error: an authentic hook is
	// not refused over its timestamp's shape.
	for _, odd := range []string{`""`, `"abc"`, `-1`, `1e9`, `1.1234567890`, `"1 "`, `true`, `{}`, `[]`} {
		got := Time{time.Unix(5, 0)}
		if err := json.Unmarshal([]byte(odd), &got); err != nil || !got.IsZero() {
			t.Errorf("Unmarshal(%s) = %v, %v; want zero and no error", odd, got, err)
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
