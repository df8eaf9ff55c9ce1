package fygaro

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pagos-go/pagos/internal/testutil"
)

// The worked example of research §3.1: kid "Your-Key", secret
// "Your-Fygaro-Secret", claims {"amount":"100.01","currency":"USD","custom_reference":"001"}.
const (
	vecKey    = "Your-Key"
	vecSecret = "Your-Fygaro-Secret"
	vecToken  = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IllvdXItS2V5In0.eyJhbW91bnQiOiIxMDAuMDEiLCJjdXJyZW5jeSI6IlVTRCIsImN1c3RvbV9yZWZlcmVuY2UiOiIwMDEifQ.418_-9d0fygMfTnGv0V6ECAlIMcGZodIVTJQfb51AaY"
	vecButton = "https://www.fygaro.com/es/pb/3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60/"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func newTestButton(t *testing.T) *Button {
	t.Helper()
	b, err := NewButton(vecButton, vecKey, vecSecret, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jwtParts splits a link's token into its decoded header and claims.
func jwtParts(t *testing.T, link string) (header, claims []byte, token string) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	token = u.Query().Get("jwt")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts", token, len(parts))
	}
	header, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	claims, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	if err1 != nil || err2 != nil {
		t.Fatalf("token segments are not base64url: %v, %v", err1, err2)
	}
	return header, claims, token
}

func TestSignJWTWorkedExample(t *testing.T) {
	t.Parallel()
	got, err := SignJWT([]byte(`{"amount":"100.01","currency":"USD","custom_reference":"001"}`), vecKey, vecSecret)
	if err != nil {
		t.Fatal(err)
	}
	if got != vecToken {
		t.Fatalf("token\n got %s\nwant %s", got, vecToken)
	}
	// And golang-jwt, as Fygaro's side would, accepts it with the secret only.
	tok, err := jwt.Parse(got, func(*jwt.Token) (any, error) { return []byte(vecSecret), nil }, jwt.WithValidMethods([]string{"HS256"}))
	if err != nil || tok.Header["kid"] != vecKey {
		t.Fatalf("golang-jwt parse: %v, header %v", err, tok.Header)
	}
}

func TestLinkWorkedExample(t *testing.T) {
	t.Parallel()
	link, err := newTestButton(t).Link(&LinkParams{Amount: AmountFromCents(10001), Currency: "USD", CustomReference: "001"})
	if err != nil {
		t.Fatal(err)
	}
	if want := vecButton + "?jwt=" + vecToken; link != want {
		t.Fatalf("link\n got %s\nwant %s", link, want)
	}
}

func TestLinkAllClaims(t *testing.T) {
	t.Parallel()
	link, err := newTestButton(t).Link(&LinkParams{
		Amount: mustAmount("1250.5"), Currency: "CRC", CustomReference: "order-42",
		ExpiresAt: testNow.Add(2 * time.Hour), NotBefore: testNow.Add(-time.Minute),
		TaxAmount: AmountFromCents(14386),
		Client:    ClientData{Name: "Ana Pérez", Email: "ana@example.com", Phone: "+50688887777"},
		Lang:      LangEnglish,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, "https://www.fygaro.com/en/pb/3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60/?jwt=") {
		t.Fatalf("link %s is not the English button URL with a jwt", link)
	}
	header, claims, _ := jwtParts(t, link)
	testutil.JSONEqual(t, header, `{"alg":"HS256","typ":"JWT","kid":"Your-Key"}`)
	testutil.JSONEqual(t, claims, `{"amount":"1250.50","currency":"CRC","custom_reference":"order-42",
		"exp":1795528800,"nbf":1795521540,"tax_amount":"143.86",
		"clientData":{"name":"Ana Pérez","email":"ana@example.com","phone":"+50688887777"}}`)
}

func TestLinkRefusesBadParams(t *testing.T) {
	t.Parallel()
	b := newTestButton(t)
	ok := func() LinkParams {
		return LinkParams{Amount: AmountFromCents(2500), Currency: "USD", CustomReference: "order-1"}
	}
	three, trailing := mustAmount("10.001"), mustAmount("10.010")
	cases := []struct {
		name  string
		edit  func(*LinkParams)
		field string // "" when the params are fine
	}{
		{"valid", func(*LinkParams) {}, ""},
		{"two places written with three", func(p *LinkParams) { p.Amount = trailing }, ""},
		{"no amount", func(p *LinkParams) { p.Amount = Amount{} }, "LinkParams.Amount"},
		{"negative amount", func(p *LinkParams) { p.Amount = AmountFromCents(-100) }, "LinkParams.Amount"},
		{"three decimal places", func(p *LinkParams) { p.Amount = three }, "LinkParams.Amount"},
		{"no currency", func(p *LinkParams) { p.Currency = "" }, "LinkParams.Currency"},
		{"lower-case currency", func(p *LinkParams) { p.Currency = "usd" }, "LinkParams.Currency"},
		{"currency name", func(p *LinkParams) { p.Currency = "Dollar" }, "LinkParams.Currency"},
		{"no reference", func(p *LinkParams) { p.CustomReference = " " }, "LinkParams.CustomReference"},
		{"reference with newline", func(p *LinkParams) { p.CustomReference = "a\nb" }, "LinkParams.CustomReference"},
		{"expired", func(p *LinkParams) { p.ExpiresAt = testNow.Add(-time.Second) }, "LinkParams.ExpiresAt"},
		{"never valid", func(p *LinkParams) { p.ExpiresAt = testNow.Add(time.Hour); p.NotBefore = testNow.Add(time.Hour) }, "LinkParams.NotBefore"},
		{"negative tax", func(p *LinkParams) { p.TaxAmount = AmountFromCents(-1) }, "LinkParams.TaxAmount"},
		{"tax with three places", func(p *LinkParams) { p.TaxAmount = three }, "LinkParams.TaxAmount"},
		{"bad email", func(p *LinkParams) { p.Client.Email = "ana.example.com" }, "LinkParams.Client.Email"},
		{"name with tab", func(p *LinkParams) { p.Client.Name = "Ana\tP" }, "LinkParams.Client.Name"},
		{"bad language", func(p *LinkParams) { p.Lang = "pt" }, "LinkParams.Lang"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := ok()
			tc.edit(&p)
			before := p
			link, err := b.Link(&p)
			if p != before {
				t.Fatal("Link modified the caller's params")
			}
			if tc.field == "" {
				if err != nil || link == "" {
					t.Fatalf("Link = %q, %v", link, err)
				}
				return
			}
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Field != tc.field || !errors.Is(err, ErrInvalidRequest) {
				t.Fatalf("err = %v, want a *ParamError for %s", err, tc.field)
			}
			if strings.Contains(err.Error(), vecSecret) {
				t.Fatalf("the secret reached an error: %v", err)
			}
		})
	}
	if _, err := b.Link(nil); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("nil params: %v", err)
	}
}

func TestParseButtonURL(t *testing.T) {
	t.Parallel()
	const id = "3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60"
	good := []struct{ raw, want string }{
		{"https://www.fygaro.com/es/pb/" + id + "/", "https://www.fygaro.com/es/pb/" + id + "/"},
		{" https://WWW.Fygaro.com/en/pb/" + strings.ToUpper(id) + "\n", "https://www.fygaro.com/en/pb/" + id + "/"},
		{"http://127.0.0.1:8080/es/pb/" + id + "/", "http://127.0.0.1:8080/es/pb/" + id + "/"},
		{"http://localhost:1/en/pb/" + id, "http://localhost:1/en/pb/" + id + "/"},
	}
	for _, g := range good {
		u, err := ParseButtonURL(g.raw)
		if err != nil || u.String() != g.want || u.ID() != id {
			t.Errorf("ParseButtonURL(%q) = %q, %v; want %q", g.raw, u, err, g.want)
		}
	}
	bad := []string{
		"",
		"www.fygaro.com/es/pb/" + id + "/",
		"http://www.fygaro.com/es/pb/" + id + "/",
		"https://fygaro.example.com/es/pb/" + id + "/",
		"https://www.fygaro.com.evil.example/es/pb/" + id + "/",
		"https://user:pw@www.fygaro.com/es/pb/" + id + "/",
		"https://www.fygaro.com/es/pb/" + id + "/?amount=10",
		"https://www.fygaro.com/es/pb/" + id + "/?",
		"https://www.fygaro.com/es/pb/" + id + "/#x",
		"https://www.fygaro.com/pt/pb/" + id + "/",
		"https://www.fygaro.com/es/link/" + id + "/",
		"https://www.fygaro.com/es/pb/not-a-uuid/",
		"https://www.fygaro.com/es/pb/" + id + "/extra/",
		"https://www.fygaro.com/es/pb/" + strings.ReplaceAll(id, "-", "x") + "/",
		"ftp://127.0.0.1/es/pb/" + id + "/",
	}
	for _, raw := range bad {
		if u, err := ParseButtonURL(raw); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("ParseButtonURL(%q) = %q, %v; want a refusal", raw, u, err)
		}
	}
	if _, err := (ButtonURL{}).PrefilledLink(nil); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("the zero ButtonURL made a link: %v", err)
	}
}

func TestPrefilledLink(t *testing.T) {
	t.Parallel()
	u, err := ParseButtonURL(vecButton)
	if err != nil {
		t.Fatal(err)
	}
	link, err := u.PrefilledLink(&PrefillParams{Amount: AmountFromCents(1000), ClientNote: "Pedido 42 & envío", ClientReference: "order-42", Lang: LangEnglish})
	if err != nil {
		t.Fatal(err)
	}
	want := "https://www.fygaro.com/en/pb/3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60/?amount=10.00&client_note=Pedido+42+%26+env%C3%ADo&client_reference=order-42"
	if link != want {
		t.Fatalf("link\n got %s\nwant %s", link, want)
	}
	if bare, err := u.PrefilledLink(nil); err != nil || bare != vecButton {
		t.Fatalf("nil params: %q, %v", bare, err)
	}
	// A Button makes plain links too, needing no Pro plan.
	if l, err := newTestButton(t).PrefilledLink(&PrefillParams{ClientReference: "r"}); err != nil || l != vecButton+"?client_reference=r" {
		t.Fatalf("Button.PrefilledLink = %q, %v", l, err)
	}
	for _, p := range []*PrefillParams{
		{Amount: AmountFromCents(-5)},
		{Amount: mustAmount("1.005")},
		{ClientNote: "line\nbreak"},
		{ClientReference: "\x00"},
		{Lang: "fr"},
	} {
		if _, err := u.PrefilledLink(p); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("PrefilledLink(%+v) err = %v, want a refusal", p, err)
		}
	}
}

func TestNewButtonRefusesBadCredentialsAndNeverPrintsTheSecret(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ key, secret string }{
		{"", vecSecret}, {" k", vecSecret}, {"k\n", vecSecret}, {vecKey, ""}, {vecKey, vecSecret + "\n"}, {vecKey, " " + vecSecret},
	} {
		if _, err := NewButton(vecButton, c.key, c.secret); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("NewButton(key %q, secret %q) err = %v", c.key, c.secret, err)
		}
	}
	if _, err := NewButton(vecButton, vecKey, vecSecret, WithClock(nil)); err == nil {
		t.Error("nil clock accepted")
	}
	b := newTestButton(t)
	var logs testutil.LogBuffer
	logs.Logger().Info("button", "b", b, "secret", Secret(vecSecret))
	for _, s := range []string{fmt.Sprint(b), fmt.Sprintf("%+v", b), fmt.Sprintf("%#v", b), fmt.Sprintf("%x", b), logs.String(),
		fmt.Sprintf("%v %+v %#v", Secret(vecSecret), Secret(vecSecret), Secret(vecSecret))} {
		if strings.Contains(s, vecSecret) || strings.Contains(s, fmt.Sprintf("%x", vecSecret)) {
			t.Errorf("the secret was printed: %s", s)
		}
	}
	if !strings.Contains(fmt.Sprint(b), vecKey) || b.APIKey() != vecKey || b.Lang() != LangSpanish {
		t.Errorf("the Button's description lacks its key: %v", b)
	}
	if j, _ := Secret(vecSecret).MarshalJSON(); string(j) != `"[redacted]"` || Secret("").String() != "" {
		t.Errorf("Secret JSON %s", j)
	}
}

// mustAmount is ParseAmount for the constants these tests write.
func mustAmount(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}
