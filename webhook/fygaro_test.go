package webhook

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/toku"
)

const (
	fyKeyID     = "fyg_hook_key_new"
	fySecret    = "fyg_hook_secret_NEVER_LOGGED"
	fyOldKeyID  = "fyg_hook_key_old"
	fyOldSecret = "fyg_hook_secret_old"
)

var (
	fyNow  = time.Unix(1_700_000_000, 0)
	fyKeys = FygaroKeys{fyKeyID: fySecret, fyOldKeyID: fyOldSecret}
)

// The claims and body of a gen-C hook for one payment.
const fyClaims = `{"customReference":"order-42","reference":"FYG-000123","currency":"USD","amount":"25.00","createdAt":1699999990,` +
	`"clientData":{"name":"Ana Pérez","email":"ana@example.com","phone":"+50688887777"}}`

func fyToken(t testing.TB, claims, kid, secret string) string {
	t.Helper()
	tok, err := fygaro.SignJWT([]byte(claims), kid, secret)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// fyBody is a hook body with the given envelope and token.
func fyBody(ref, custom, createdAt, token string) []byte {
	return []byte(`{"reference":"` + ref + `","customReference":"` + custom + `","createdAt":` + createdAt + `,"jwt":"` + token + `"}`)
}

// rawJWT builds a token with any header, signed with method m (nil: an
// empty signature), for algorithms SignJWT never produces.
func rawJWT(t testing.TB, header, claims string, m jwt.SigningMethod, key any) string {
	t.Helper()
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(claims))
	if m == nil {
		return input + "."
	}
	sig, err := m.Sign(input, key)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + enc.EncodeToString(sig)
}

func fyHeaders(t testing.TB, body []byte, keyID, secret string, at time.Time) http.Header {
	t.Helper()
	sig, err := SignFygaro(body, secret, at)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set(FygaroSignatureHeader, sig)
	if keyID != "" {
		h.Set(FygaroKeyIDHeader, keyID)
	}
	return h
}

func TestFygaroSignatureWorkedExample(t *testing.T) {
	t.Parallel()
	// Research §3.2: secret test-secret, t=1700000000.
	const want = "1a4a0b4671fe7435153c3a719bea4cad95e2f1bf917d614ebf414d4a46866ada"
	body := []byte(`{"reference":"FYG-123","customReference":"001","createdAt":1700000000,"jwt":"x"}`)
	if got := hex.EncodeToString(signHMAC([]byte("test-secret"), "1700000000", body)); got != want {
		t.Fatalf("HMAC = %s, want %s", got, want)
	}
	if h, _ := SignFygaro(body, "test-secret", fyNow); h != "t=1700000000,v1="+want {
		t.Fatalf("SignFygaro = %s", h)
	}
	s, _ := newSettings(provFygaro, false, []Option{WithClock(func() time.Time { return fyNow })})
	v, err := newFygaroVerifier("test", s, FygaroKeys{"key": "test-secret"})
	if err != nil {
		t.Fatal(err)
	}
	if id, err := v.checkSignature(body, "t=1700000000,v1="+want, "key"); err != nil || id != "key" {
		t.Fatalf("checkSignature = %q, %v", id, err)
	}
}

func TestFygaroJWTWorkedExample(t *testing.T) {
	t.Parallel()
	// Research §3.1: the dynamic-link token of kid Your-Key, secret Your-Fygaro-Secret.
	const token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IllvdXItS2V5In0.eyJhbW91bnQiOiIxMDAuMDEiLCJjdXJyZW5jeSI6IlVTRCIsImN1c3RvbV9yZWZlcmVuY2UiOiIwMDEifQ.418_-9d0fygMfTnGv0V6ECAlIMcGZodIVTJQfb51AaY"
	s, _ := newSettings(provFygaro, false, nil)
	v, err := newFygaroVerifier("test", s, FygaroKeys{"Your-Key": "Your-Fygaro-Secret"})
	if err != nil {
		t.Fatal(err)
	}
	c, kid, err := v.parseJWT(token, "")
	if err != nil || kid != "Your-Key" || c.CustomReference != "" || c.ExpiresAt != nil {
		t.Fatalf("parseJWT = %+v, %v, kid %q", c, err, kid)
	}
	tampered := token[:len(token)-2] + "AA"
	if tampered == token {
		tampered = token[:len(token)-2] + "BA"
	}
	if _, _, err := v.parseJWT(tampered, ""); !errors.Is(err, ErrSignatureMismatch) {
		t.Fatalf("tampered signature: %v", err)
	}
}

func TestVerifyFygaroTable(t *testing.T) {
	t.Parallel()
	token := fyToken(t, fyClaims, fyKeyID, fySecret)
	body := fyBody("FYG-000123", "order-42", "1699999990", token)
	signed := fyHeaders(t, body, fyKeyID, fySecret, fyNow)
	sigOf := func(h http.Header) string { return h.Get(FygaroSignatureHeader) }
	v1Of := func(h http.Header) string { s := sigOf(h); return s[strings.Index(s, "v1="):] }
	with := func(sig, keyID string) http.Header {
		h := http.Header{}
		if sig != "" {
			h.Set(FygaroSignatureHeader, sig)
		}
		if keyID != "" {
			h.Set(FygaroKeyIDHeader, keyID)
		}
		return h
	}
	// sign makes a correctly signed delivery of claims, for the JWT cases.
	sign := func(claims, custom, created string) ([]byte, http.Header) {
		b := fyBody("FYG-000123", custom, created, fyToken(t, claims, fyKeyID, fySecret))
		return b, fyHeaders(t, b, fyKeyID, fySecret, fyNow)
	}
	signedToken := func(token string) ([]byte, http.Header) {
		b := fyBody("FYG-000123", "order-42", "1699999990", token)
		return b, fyHeaders(t, b, fyKeyID, fySecret, fyNow)
	}
	claimsWith := func(extra string) string { return strings.TrimSuffix(fyClaims, "}") + "," + extra + "}" }
	genA := []byte(`{"customReference":"order-42","transactionReference":"FYG-000123","createdAt":1699999990,"jwt":"` +
		fyToken(t, strings.Replace(fyClaims, `"reference"`, `"transactionReference"`, 1), fyKeyID, fySecret) + `"}`)
	oldToken := fyToken(t, fyClaims, fyOldKeyID, fyOldSecret)
	oldBody := fyBody("FYG-000123", "order-42", "1699999990", oldToken)
	noKidBody, noKidHeader := signedToken(rawJWT(t, `{"alg":"HS256","typ":"JWT"}`, fyClaims, jwt.SigningMethodHS256, []byte(fySecret)))

	type tc struct {
		name   string
		body   []byte
		header http.Header
		at     time.Time
		want   error
		key    string // the KeyID a valid hook reports
	}
	cases := []tc{
		{"valid", body, signed, fyNow, nil, fyKeyID},
		{"valid generation A body", genA, fyHeaders(t, genA, fyKeyID, fySecret, fyNow), fyNow, nil, fyKeyID},
		{"rotated: second v1 matches", body, with("t=1700000000,"+v1Of(fyHeaders(t, body, fyKeyID, "other-secret", fyNow))+","+v1Of(signed), fyKeyID), fyNow, nil, fyKeyID},
		{"rotated: the old credential", oldBody, fyHeaders(t, oldBody, fyOldKeyID, fyOldSecret, fyNow), fyNow, nil, fyOldKeyID},
		{"no Fygaro-Key-ID: any keyring secret", body, with(sigOf(signed), ""), fyNow, nil, fyKeyID},
		{"jwt without kid: any keyring secret", noKidBody, noKidHeader, fyNow, nil, fyKeyID},
		{"Fygaro-Key-ID names another key", body, with(sigOf(signed), fyOldKeyID), fyNow, ErrSignatureMismatch, ""},
		{"Fygaro-Key-ID unknown", body, with(sigOf(signed), "fyg_unknown"), fyNow, ErrSignatureMismatch, ""},
		{"tampered body", []byte(strings.Replace(string(body), "order-42", "order-43", 1)), signed, fyNow, ErrSignatureMismatch, ""},
		{"wrong secret", body, fyHeaders(t, body, fyKeyID, "whsec_wrong", fyNow), fyNow, ErrSignatureMismatch, ""},
		{"too old", body, signed, fyNow.Add(5*time.Minute + time.Second), ErrTooOld, ""},
		{"at the tolerance edge", body, signed, fyNow.Add(5 * time.Minute), nil, fyKeyID},
		{"too new", body, signed, fyNow.Add(-5*time.Minute - time.Second), ErrTooNew, ""},
		{"missing header", body, http.Header{}, fyNow, ErrNoSignature, ""},
		{"no v1", body, with("t=1700000000", fyKeyID), fyNow, ErrInvalidHeader, ""},
		{"no t", body, with(v1Of(signed), fyKeyID), fyNow, ErrInvalidHeader, ""},
		{"two t", body, with("t=1700000000,"+sigOf(signed), fyKeyID), fyNow, ErrInvalidHeader, ""},
		{"short v1", body, with("t=1700000000,v1=abcd", fyKeyID), fyNow, ErrInvalidHeader, ""},
		{"non-hex v1", body, with("t=1700000000,v1="+strings.Repeat("z", 64), fyKeyID), fyNow, ErrInvalidHeader, ""},
		{"signed t", body, with("t=-1700000000,"+v1Of(signed), fyKeyID), fyNow, ErrInvalidHeader, ""},
		{"Toku's s= instead of v1=", body, with(strings.Replace(sigOf(signed), "v1=", "s=", 1), fyKeyID), fyNow, ErrInvalidHeader, ""},
		{"authentic body without jwt", []byte(`{"reference":"FYG-1"}`), fyHeaders(t, []byte(`{"reference":"FYG-1"}`), fyKeyID, fySecret, fyNow), fyNow, ErrMalformedPayload, ""},
		{"authentic body not JSON", []byte(`nope`), fyHeaders(t, []byte(`nope`), fyKeyID, fySecret, fyNow), fyNow, ErrMalformedPayload, ""},
	}
	// The JWT inside a correctly signed body.
	jwtCases := []struct {
		name   string
		make   func() ([]byte, http.Header)
		want   error
		keyRep string
	}{
		{"jwt HS512", func() ([]byte, http.Header) {
			return signedToken(rawJWT(t, `{"alg":"HS512","typ":"JWT","kid":"`+fyKeyID+`"}`, fyClaims, jwt.SigningMethodHS512, []byte(fySecret)))
		}, nil, fyKeyID},
		{"jwt alg none", func() ([]byte, http.Header) {
			return signedToken(rawJWT(t, `{"alg":"none","typ":"JWT"}`, fyClaims, nil, nil))
		}, ErrSignatureMismatch, ""},
		{"jwt alg RS256", func() ([]byte, http.Header) {
			return signedToken(rawJWT(t, `{"alg":"RS256","typ":"JWT","kid":"`+fyKeyID+`"}`, fyClaims, jwt.SigningMethodHS256, []byte(fySecret)))
		}, ErrSignatureMismatch, ""},
		{"jwt signed with another secret", func() ([]byte, http.Header) { return signedToken(fyToken(t, fyClaims, fyKeyID, "not-in-the-keyring")) }, ErrSignatureMismatch, ""},
		{"jwt not a token", func() ([]byte, http.Header) { return signedToken("x") }, ErrSignatureMismatch, ""},
		{"jwt expired", func() ([]byte, http.Header) {
			return sign(claimsWith(`"exp":1699999000`), "order-42", "1699999990")
		}, ErrTooOld, ""},
		{"jwt exp within the leeway", func() ([]byte, http.Header) {
			return sign(claimsWith(`"exp":1699999900`), "order-42", "1699999990")
		}, nil, fyKeyID},
		{"jwt not yet valid", func() ([]byte, http.Header) {
			return sign(claimsWith(`"nbf":1700001000`), "order-42", "1699999990")
		}, ErrTooNew, ""},
		{"jwt issued in the future", func() ([]byte, http.Header) {
			return sign(claimsWith(`"iat":1700001000`), "order-42", "1699999990")
		}, ErrTooNew, ""},
		{"customReference differs", func() ([]byte, http.Header) { return sign(fyClaims, "order-666", "1699999990") }, ErrSignatureMismatch, ""},
		{"reference differs", func() ([]byte, http.Header) {
			return sign(strings.Replace(fyClaims, "FYG-000123", "FYG-000999", 1), "order-42", "1699999990")
		}, ErrSignatureMismatch, ""},
		{"createdAt differs", func() ([]byte, http.Header) { return sign(fyClaims, "order-42", "1600000000") }, ErrSignatureMismatch, ""},
		{"claims without reference", func() ([]byte, http.Header) {
			return sign(strings.Replace(fyClaims, `"reference":"FYG-000123",`, "", 1), "order-42", "1699999990")
		}, ErrMalformedPayload, ""},
	}
	for _, jc := range jwtCases {
		b, h := jc.make()
		cases = append(cases, tc{jc.name, b, h, fyNow, jc.want, jc.keyRep})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			hook, err := VerifyFygaro(c.body, c.header, fyKeys, WithClock(func() time.Time { return c.at }))
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if err != nil {
				if strings.Contains(err.Error(), fySecret) || strings.Contains(err.Error(), fyOldSecret) {
					t.Fatalf("a secret reached the error: %v", err)
				}
				return
			}
			if hook.Signed != fygaro.SignedBody || hook.Reference != "FYG-000123" || hook.CustomReference != "order-42" || hook.KeyID != c.key {
				t.Fatalf("hook %+v", hook)
			}
			claims, err := hook.Claims()
			if err != nil || claims.Reference != "FYG-000123" || claims.Amount.String() != "25.00" || claims.Currency != "USD" || claims.ClientData.Email != "ana@example.com" {
				t.Fatalf("claims %+v, %v", claims, err)
			}
		})
	}
}

func TestVerifyFygaroJWTOnly(t *testing.T) {
	t.Parallel()
	jwtOnly := WithFygaroJWTOnly(DefaultFygaroMaxAge)
	created := fyNow.Add(-time.Hour)
	claimsAt := func(at string) string { return strings.ReplaceAll(fyClaims, "1699999990", at) }
	deliver := func(claims, bodyCreated string) []byte {
		return fyBody("FYG-000123", "order-42", bodyCreated, fyToken(t, claims, fyKeyID, fySecret))
	}
	at := func(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

	ok := deliver(claimsAt(at(created)), at(created))
	cases := []struct {
		name   string
		body   []byte
		header http.Header
		opts   []Option
		want   error
		signed fygaro.Signed
	}{
		{"JWT-only hook accepted", ok, http.Header{}, []Option{jwtOnly}, nil, fygaro.SignedJWT},
		{"JWT-only hook refused by default", ok, http.Header{}, nil, ErrNoSignature, 0},
		{"a present signature is still verified", ok, http.Header{FygaroSignatureHeader: {"t=1700000000,v1=" + strings.Repeat("0", 64)}}, []Option{jwtOnly}, ErrSignatureMismatch, 0},
		{"a valid signature is recorded", ok, fyHeaders(t, ok, fyKeyID, fySecret, fyNow), []Option{jwtOnly}, nil, fygaro.SignedBody},
		{"older than the max age", deliver(claimsAt(at(fyNow.Add(-73*time.Hour))), at(fyNow.Add(-73*time.Hour))), http.Header{}, []Option{jwtOnly}, ErrTooOld, 0},
		{"within a shorter max age", ok, http.Header{}, []Option{WithFygaroJWTOnly(2 * time.Hour)}, nil, fygaro.SignedJWT},
		{"past a shorter max age", ok, http.Header{}, []Option{WithFygaroJWTOnly(30 * time.Minute)}, ErrTooOld, 0},
		{"created in the future", deliver(claimsAt(at(fyNow.Add(10*time.Minute))), at(fyNow.Add(10*time.Minute))), http.Header{}, []Option{jwtOnly}, ErrTooNew, 0},
		{"age from iat when createdAt is absent", fyBody("FYG-000123", "order-42", "null", fyToken(t,
			strings.Replace(fyClaims, `"createdAt":1699999990,`, `"iat":`+at(created)+`,`, 1), fyKeyID, fySecret)), http.Header{}, []Option{jwtOnly}, nil, fygaro.SignedJWT},
		{"no createdAt nor iat", fyBody("FYG-000123", "order-42", "null", fyToken(t,
			strings.Replace(fyClaims, `"createdAt":1699999990,`, "", 1), fyKeyID, fySecret)), http.Header{}, []Option{jwtOnly}, ErrMalformedPayload, 0},
		{"the body's createdAt is not what the jwt signed", deliver(claimsAt(at(created)), at(fyNow)), http.Header{}, []Option{jwtOnly}, ErrSignatureMismatch, 0},
		{"unreadable body", []byte(`{"reference":`), http.Header{}, []Option{jwtOnly}, ErrNoSignature, 0},
		{"forged jwt", fyBody("FYG-000123", "order-42", at(created), fyToken(t, claimsAt(at(created)), fyKeyID, "forger")), http.Header{}, []Option{jwtOnly}, ErrSignatureMismatch, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			hook, err := VerifyFygaro(c.body, c.header, fyKeys, append([]Option{WithClock(func() time.Time { return fyNow })}, c.opts...)...)
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if err == nil && (hook.Signed != c.signed || hook.KeyID != fyKeyID) {
				t.Fatalf("hook signed %v by %q, want %v by %q", hook.Signed, hook.KeyID, c.signed, fyKeyID)
			}
		})
	}
}

func TestFygaroConstructorsRefuseBadKeysAndOptions(t *testing.T) {
	t.Parallel()
	fn := func(context.Context, *fygaro.Hook) error { return nil }
	for name, keys := range map[string]FygaroKeys{
		"nil keyring":          nil,
		"empty keyring":        {},
		"empty key id":         {"": fySecret},
		"key id with space":    {" k": fySecret},
		"empty secret":         {fyKeyID: ""},
		"secret with newline":  {fyKeyID: fySecret + "\n"},
		"one good, one broken": {fyKeyID: fySecret, fyOldKeyID: ""},
	} {
		if _, err := NewFygaroHandler(keys, fn); err == nil {
			t.Errorf("%s: handler constructed", name)
		}
		if _, err := VerifyFygaro([]byte(`{}`), http.Header{}, keys); err == nil || errors.Is(err, ErrNoSignature) {
			t.Errorf("%s: VerifyFygaro err = %v, want a keyring error", name, err)
		}
	}
	if _, err := NewFygaroHandler(fyKeys, nil); err == nil {
		t.Error("nil handler func accepted")
	}
	for name, opt := range map[string]Option{
		"zero max age":        WithFygaroJWTOnly(0),
		"toku confirmation":   WithTokuConfirmation(nil),
		"negative tolerance":  WithTolerance(-time.Second),
		"lease below timeout": WithLease(time.Second),
		"nil clock":           WithClock(nil),
	} {
		if _, err := NewFygaroHandler(fyKeys, fn, opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := NewTokuHandler("whesec_x", func(context.Context, *toku.Event) error { return nil }, WithFygaroJWTOnly(time.Hour)); err == nil || !strings.Contains(err.Error(), "does not apply to toku") {
		t.Errorf("WithFygaroJWTOnly on Toku: %v", err)
	}
	if _, err := VerifyFygaro(nil, http.Header{}, fyKeys, WithStore(NewMemoryStore(MemoryStoreConfig{}))); err == nil || !strings.Contains(err.Error(), "handlers") {
		t.Errorf("WithStore on VerifyFygaro: %v", err)
	}
}

// fygaroHarness posts deliveries to a Fygaro handler.
type fygaroHarness struct {
	t testing.TB
	h http.Handler
}

func newFygaroHarness(t testing.TB, fn FygaroHandlerFunc, opts ...Option) *fygaroHarness {
	t.Helper()
	h, err := NewFygaroHandler(fyKeys, fn, append([]Option{WithClock(func() time.Time { return fyNow })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &fygaroHarness{t: t, h: h}
}

func (fh *fygaroHarness) send(method string, body []byte, h http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/webhooks/fygaro", strings.NewReader(string(body)))
	for k, v := range h {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	fh.h.ServeHTTP(w, r)
	return w
}

// post sends body correctly signed at the harness's time.
func (fh *fygaroHarness) post(body []byte) *httptest.ResponseRecorder {
	return fh.send(http.MethodPost, body, fyHeaders(fh.t, body, fyKeyID, fySecret, fyNow))
}

func TestFygaroHandlerAnswers200AndProcessesEachReferenceOnce(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var fail atomic.Bool
	fail.Store(true)
	fh := newFygaroHarness(t, func(ctx context.Context, h *fygaro.Hook) error {
		calls.Add(1)
		c, err := h.Claims()
		if err != nil {
			return err
		}
		if c.Reference != h.Reference || c.Amount.String() != "25.00" || h.Signed != fygaro.SignedBody {
			t.Errorf("unexpected hook %s (%v), claims %+v", h.Reference, h.Signed, c)
		}
		if fail.Load() {
			return errors.New("database down")
		}
		return nil
	})
	body := fyBody("FYG-000123", "order-42", "1699999990", fyToken(t, fyClaims, fyKeyID, fySecret))
	if w := fh.post(body); w.Code != http.StatusInternalServerError {
		t.Fatalf("failing user code answered %d, want 500 so Fygaro retries", w.Code)
	}
	fail.Store(false)
	w := fh.post(body)
	if w.Code != http.StatusOK {
		t.Fatalf("retry answered %d, want exactly 200", w.Code)
	}
	// The same payment in the oldest body shape, freshly signed: a duplicate.
	genA := []byte(`{"customReference":"order-42","transactionReference":"FYG-000123","createdAt":1699999990,"jwt":"` +
		fyToken(t, strings.Replace(fyClaims, `"reference"`, `"transactionReference"`, 1), fyKeyID, fySecret) + `"}`)
	if w := fh.post(genA); w.Code != http.StatusOK {
		t.Fatalf("duplicate answered %d, want exactly 200", w.Code)
	}
	if calls.Load() != 2 {
		t.Fatalf("user code ran %d times, want 2 (the failure and the retry, not the duplicate)", calls.Load())
	}
	// Another payment is processed.
	other := fyBody("FYG-000124", "order-43", "1699999990",
		fyToken(t, strings.NewReplacer("FYG-000123", "FYG-000124", "order-42", "order-43").Replace(fyClaims), fyKeyID, fySecret))
	if w := fh.post(other); w.Code != http.StatusOK || calls.Load() != 3 {
		t.Fatalf("second payment: %d with %d calls", w.Code, calls.Load())
	}
}

func TestFygaroHandlerRefusals(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var logs testutil.LogBuffer
	fh := newFygaroHarness(t, func(context.Context, *fygaro.Hook) error { calls.Add(1); return nil }, WithLogger(logs.Logger()))
	token := fyToken(t, fyClaims, fyKeyID, fySecret)
	body := fyBody("FYG-000123", "order-42", "1699999990", token)
	good := fyHeaders(t, body, fyKeyID, fySecret, fyNow)
	if w := fh.send(http.MethodGet, body, good); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", w.Code)
	}
	if w := fh.send(http.MethodPost, body, http.Header{}); w.Code != http.StatusUnauthorized {
		t.Errorf("without Fygaro-Signature: %d, want 401 unless WithFygaroJWTOnly", w.Code)
	}
	forged := fyHeaders(t, body, fyKeyID, "forger", fyNow)
	if w := fh.send(http.MethodPost, body, forged); w.Code != http.StatusUnauthorized {
		t.Errorf("forged signature: %d", w.Code)
	}
	badJWT := fyBody("FYG-000123", "order-42", "1699999990", fyToken(t, fyClaims, fyKeyID, "forger"))
	if w := fh.post(badJWT); w.Code != http.StatusUnauthorized {
		t.Errorf("forged jwt in a signed body: %d", w.Code)
	}
	noJWT := []byte(`{"reference":"FYG-000123","customReference":"order-42"}`)
	if w := fh.post(noJWT); w.Code != http.StatusBadRequest {
		t.Errorf("authentic body without jwt: %d", w.Code)
	}
	if calls.Load() != 0 {
		t.Fatalf("user code ran %d times for refused deliveries", calls.Load())
	}
	out := logs.String()
	if !strings.Contains(out, "delivery refused") {
		t.Fatalf("refusals not logged: %s", out)
	}
	for _, secret := range []string{fySecret, fyOldSecret, good.Get(FygaroSignatureHeader)[16:], token} {
		if strings.Contains(out, secret) {
			t.Fatalf("%q reached the log: %s", secret, out)
		}
	}

	// With JWT-only hooks accepted, the unsigned delivery is processed.
	jo := newFygaroHarness(t, func(_ context.Context, h *fygaro.Hook) error {
		if h.Signed != fygaro.SignedJWT {
			t.Errorf("Signed = %v, want jwt", h.Signed)
		}
		calls.Add(1)
		return nil
	}, WithFygaroJWTOnly(DefaultFygaroMaxAge))
	if w := jo.send(http.MethodPost, body, http.Header{}); w.Code != http.StatusOK || calls.Load() != 1 {
		t.Fatalf("JWT-only delivery: %d with %d calls", w.Code, calls.Load())
	}
}

// FuzzVerifyFygaro: bodies and both headers come from the network.
func FuzzVerifyFygaro(f *testing.F) {
	token := fyToken(f, fyClaims, fyKeyID, fySecret)
	body := fyBody("FYG-000123", "order-42", "1699999990", token)
	h := fyHeaders(f, body, fyKeyID, fySecret, fyNow)
	f.Add(body, h.Get(FygaroSignatureHeader), fyKeyID, false)
	f.Add(body, "", "", true)
	f.Add([]byte(`{"reference":"r","jwt":"a.b.c"}`), "t=1700000000,v1=00", "k", false)
	f.Add([]byte(`{}`), ",,=,t=,v1=", "", true)
	f.Fuzz(func(t *testing.T, b []byte, sig, keyID string, jwtOnly bool) {
		hdr := http.Header{}
		hdr.Set(FygaroSignatureHeader, sig)
		hdr.Set(FygaroKeyIDHeader, keyID)
		opts := []Option{WithClock(func() time.Time { return fyNow })}
		if jwtOnly {
			opts = append(opts, WithFygaroJWTOnly(DefaultFygaroMaxAge))
		}
		hook, err := VerifyFygaro(b, hdr, fyKeys, opts...)
		if err == nil && (hook == nil || hook.Reference == "" || hook.Signed == fygaro.SignedNone) {
			t.Fatalf("accepted without a verified hook: %+v", hook)
		}
	})
}

// Algorithms outside HMAC are refused by name, before any key is tried: the
// parser's allow-list, not a key-type accident, is what stops them.
func TestFygaroJWTAllowsOnlyHMAC(t *testing.T) {
	t.Parallel()
	s, _ := newSettings(provFygaro, false, []Option{WithClock(func() time.Time { return fyNow })})
	v, err := newFygaroVerifier("test", s, fyKeys)
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range []string{"none", "RS256", "ES256", "PS256", "EdDSA"} {
		tok := rawJWT(t, `{"alg":"`+alg+`","typ":"JWT","kid":"`+fyKeyID+`"}`, fyClaims, jwt.SigningMethodHS256, []byte(fySecret))
		if _, _, err := v.parseJWT(tok, ""); !errors.Is(err, ErrSignatureMismatch) || !strings.Contains(err.Error(), "signing method "+alg+" is invalid") {
			t.Errorf("alg %s: err = %v, want it refused by the allow-list", alg, err)
		}
	}
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodHS256, jwt.SigningMethodHS384, jwt.SigningMethodHS512} {
		tok := rawJWT(t, `{"alg":"`+m.Alg()+`","typ":"JWT"}`, fyClaims, m, []byte(fyOldSecret))
		if _, _, err := v.parseJWT(tok, ""); err != nil {
			t.Errorf("%s: %v", m.Alg(), err)
		}
	}
}

// An authentic hook in a shape the guide does not describe (numeric
// references, createdAt in milliseconds) is processed, not refused: its
// dedupe key can be read, and Fygaro would otherwise retry it until it
// suspends the hook.
func TestFygaroHandlerAcceptsOddButAuthenticShapes(t *testing.T) {
	t.Parallel()
	var got *fygaro.Hook
	fh := newFygaroHarness(t, func(_ context.Context, h *fygaro.Hook) error { got = h; return nil })
	claims := `{"customReference":42,"reference":123456,"currency":"USD","amount":"25.00","createdAt":1699999990000}`
	body := []byte(`{"reference":123456,"customReference":42,"createdAt":1699999990000,"jwt":"` + fyToken(t, claims, fyKeyID, fySecret) + `"}`)
	if w := fh.post(body); w.Code != http.StatusOK {
		t.Fatalf("answered %d %s", w.Code, w.Body)
	}
	if got == nil || got.Reference != "123456" || got.CustomReference != "42" || !got.CreatedAt.Equal(time.UnixMilli(1699999990000)) {
		t.Fatalf("hook %+v", got)
	}
}
