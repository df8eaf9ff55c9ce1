package fygarotest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/webhook"
)

var t0 = time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)

// receiver is a hook URL served by webhook.NewFygaroHandler, recording the
// hooks its user code processed.
type receiver struct {
	mu    sync.Mutex
	hooks []*fygaro.Hook
	fail  atomic.Int32 // answer 500 this many more times
	srv   *httptest.Server
}

func newReceiver(t *testing.T, fake *fygarotest.Server, opts ...webhook.FygaroOption) *receiver {
	t.Helper()
	rc := &receiver{}
	h, err := webhook.NewFygaroHandler(fake.HookKeys(), func(ctx context.Context, h *fygaro.Hook) error {
		if rc.fail.Load() > 0 {
			rc.fail.Add(-1)
			return errors.New("temporarily failing")
		}
		rc.mu.Lock()
		rc.hooks = append(rc.hooks, h)
		rc.mu.Unlock()
		return nil
	}, append([]webhook.FygaroOption{webhook.WithClock(func() time.Time { return t0 })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	rc.srv = httptest.NewServer(h)
	t.Cleanup(rc.srv.Close)
	fake.SetHookURL(rc.srv.URL + "/webhooks/fygaro")
	return rc
}

func (rc *receiver) got() []*fygaro.Hook {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]*fygaro.Hook(nil), rc.hooks...)
}

func newFake(t *testing.T, opts ...fygarotest.Option) *fygarotest.Server {
	return fygarotest.NewServer(t, append([]fygarotest.Option{fygarotest.WithClock(func() time.Time { return t0 })}, opts...)...)
}

func link(t *testing.T, fake *fygarotest.Server, p *fygaro.LinkParams) string {
	t.Helper()
	btn := fake.Button(fygaro.WithClock(func() time.Time { return t0 }))
	l, err := btn.Link(p)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func order42() *fygaro.LinkParams {
	return &fygaro.LinkParams{Amount: fygaro.AmountFromCents(2500), Currency: "USD", CustomReference: "order-42",
		ExpiresAt: t0.Add(time.Hour), Client: fygaro.ClientData{Name: "Luis Mora", Email: "luis@example.com"}}
}

func TestPayDeliversASignedHookProcessedOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	fake := newFake(t)
	rc := newReceiver(t, fake)
	pay, err := fake.Pay(ctx, link(t, fake, order42()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if pay.Reference != "FYG-000001" || !pay.Dynamic || pay.CustomReference != "order-42" || pay.Client.Name != "Luis Mora" || !pay.CreatedAt.Equal(t0) {
		t.Fatalf("payment %+v", pay)
	}
	if d := pay.Delivery; d == nil || d.Attempts != 1 || d.StatusCode != 200 || d.Err != nil || d.Suspended {
		t.Fatalf("delivery %+v", pay.Delivery)
	}
	got := rc.got()
	if len(got) != 1 {
		t.Fatalf("handler processed %d hooks, want 1", len(got))
	}
	h := got[0]
	if h.Reference != pay.Reference || h.CustomReference != "order-42" || h.Signed != fygaro.SignedBody || h.KeyID != fygarotest.DefaultHookKeyID {
		t.Fatalf("hook %s %s signed %v by %q", h.Reference, h.CustomReference, h.Signed, h.KeyID)
	}
	c, err := h.Claims()
	if err != nil {
		t.Fatal(err)
	}
	want := &fygaro.Claims{CustomReference: "order-42", Reference: pay.Reference, Currency: "USD", Amount: fygaro.AmountFromCents(2500),
		CreatedAt: fygaro.Time{Time: t0}, ClientData: fygaro.ClientData{Name: "Luis Mora", Email: "luis@example.com"}}
	if diff := cmp.Diff(want, c, cmp.Comparer(func(a, b fygaro.Amount) bool { return a.String() == b.String() })); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}

	// The duplicate is acknowledged with 200 and not processed again.
	again, err := fake.Resend(ctx, pay.Reference)
	if err != nil || again.StatusCode != 200 || again.Attempts != 1 {
		t.Fatalf("Resend = %+v, %v", again, err)
	}
	if n := len(rc.got()); n != 1 {
		t.Fatalf("after the duplicate the handler processed %d hooks, want 1", n)
	}
	if ps, ds := fake.Payments(), fake.Deliveries(); len(ps) != 1 || ps[0].Reference != pay.Reference || len(ds) != 2 {
		t.Fatalf("Payments %+v, Deliveries %+v", ps, ds)
	}
	if _, err := fake.Resend(ctx, "FYG-404"); err == nil {
		t.Fatal("Resend of an unknown payment succeeded")
	}
}

// TestHookOnTheWire checks the delivery byte by byte, as Fygaro sends it.
func TestHookOnTheWire(t *testing.T) {
	t.Parallel()
	type capture struct {
		header http.Header
		body   []byte
	}
	for _, tc := range []struct {
		kind   fygarotest.HookKind
		body   string // golden, the jwt replaced by "JWT"
		claims string
		signed bool
	}{
		{fygarotest.HookSigned, `{"reference":"FYG-000001","customReference":"order-42","createdAt":1795532400,"jwt":"JWT"}`,
			`{"customReference":"order-42","reference":"FYG-000001","currency":"USD","amount":"25.00","createdAt":1795532400,"clientData":{"name":"Luis Mora","email":"luis@example.com"}}`, true},
		{fygarotest.HookJWTOnly, `{"reference":"FYG-000001","customReference":"order-42","createdAt":1795532400,"jwt":"JWT"}`,
			`{"customReference":"order-42","reference":"FYG-000001","currency":"USD","amount":"25.00","createdAt":1795532400,"clientData":{"name":"Luis Mora","email":"luis@example.com"}}`, false},
		{fygarotest.HookLegacy, `{"customReference":"order-42","transactionReference":"FYG-000001","createdAt":1795532400,"jwt":"JWT"}`,
			`{"customReference":"order-42","transactionReference":"FYG-000001","currency":"USD","amount":"25.00","createdAt":1795532400,"clientData":{"name":"Luis Mora","email":"luis@example.com"}}`, false},
	} {
		got := make(chan capture, 1)
		hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			select {
			case got <- capture{r.Header.Clone(), b}:
			default: // a retried delivery: the first capture is the one checked
			}
		}))
		fake := newFake(t, fygarotest.WithHookKind(tc.kind), fygarotest.WithHookURL(hooks.URL))
		if _, err := fake.Pay(t.Context(), link(t, fake, order42()), nil); err != nil {
			t.Fatal(err)
		}
		hooks.Close()
		c := <-got
		var body struct{ JWT string }
		_ = json.Unmarshal(c.body, &body)
		if want := strings.Replace(tc.body, "JWT", body.JWT, 1); string(c.body) != want {
			t.Errorf("kind %d body\n got %s\nwant %s", tc.kind, c.body, want)
		}
		parts := strings.Split(body.JWT, ".")
		header, _ := base64.RawURLEncoding.DecodeString(parts[0])
		claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
		testutil.JSONEqual(t, header, `{"alg":"HS256","typ":"JWT","kid":"fyg_test_hook_key"}`)
		if string(claims) != tc.claims {
			t.Errorf("kind %d claims\n got %s\nwant %s", tc.kind, claims, tc.claims)
		}
		if _, err := jwt.Parse(body.JWT, func(*jwt.Token) (any, error) { return []byte(fygarotest.DefaultHookSecret), nil }); err != nil {
			t.Errorf("kind %d: the jwt does not verify with the hook secret: %v", tc.kind, err)
		}
		wantSig := ""
		if tc.signed {
			wantSig, _ = webhook.SignFygaro(c.body, fygarotest.DefaultHookSecret, t0)
		}
		if c.header.Get(webhook.FygaroSignatureHeader) != wantSig || (c.header.Get(webhook.FygaroKeyIDHeader) != "") != tc.signed {
			t.Errorf("kind %d headers: %v", tc.kind, c.header)
		}
		if ct := c.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
	}
}

func TestOpenRefusesLinksAsFygaroWould(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	sign := func(claims, kid, secret string) string {
		tok, err := fygaro.SignJWT([]byte(claims), kid, secret)
		if err != nil {
			t.Fatal(err)
		}
		return fake.ButtonURL + "?jwt=" + tok
	}
	otherButton := func(key, secret string) string {
		b, err := fygaro.NewButton(fake.ButtonURL, key, secret, fygaro.WithClock(func() time.Time { return t0 }))
		if err != nil {
			t.Fatal(err)
		}
		l, _ := b.Link(order42())
		return l
	}
	hs512 := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{"amount": "25.00"})
		tok.Header["kid"] = fygarotest.DefaultAPIKey
		s, _ := tok.SignedString([]byte(fygarotest.DefaultAPISecret))
		return fake.ButtonURL + "?jwt=" + s
	}
	later := order42()
	later.NotBefore = t0.Add(30 * time.Minute)
	expiring := order42()
	expiring.ExpiresAt = t0.Add(time.Second)
	expired := link(t, fake, expiring)
	clockLater := fygarotest.NewServer(t, fygarotest.WithClock(func() time.Time { return t0.Add(2 * time.Second) }))

	for _, tc := range []struct {
		name, link, reason string
		srv                *fygarotest.Server
	}{
		{"signed with another secret", otherButton(fygarotest.DefaultAPIKey, "not-the-secret"), "signature does not match", fake},
		{"another account's kid", otherButton("fyg_other_key", fygarotest.DefaultAPISecret), "kid \"fyg_other_key\"", fake},
		{"not yet valid", link(t, fake, later), "not valid yet", fake},
		{"expired", strings.Replace(expired, fake.URL, clockLater.URL, 1), "expired", clockLater},
		{"HS512", hs512(), "signing method HS512 is invalid", fake},
		{"amount as a number", sign(`{"amount":25,"currency":"USD"}`, fygarotest.DefaultAPIKey, fygarotest.DefaultAPISecret), "amount", fake},
		{"amount with three decimals", sign(`{"amount":"25.001"}`, fygarotest.DefaultAPIKey, fygarotest.DefaultAPISecret), "at most two places", fake},
		{"negative amount", sign(`{"amount":"-5.00"}`, fygarotest.DefaultAPIKey, fygarotest.DefaultAPISecret), "positive", fake},
		{"no amount", sign(`{"currency":"USD"}`, fygarotest.DefaultAPIKey, fygarotest.DefaultAPISecret), "no amount", fake},
		{"bad currency", sign(`{"amount":"1.00","currency":"usd"}`, fygarotest.DefaultAPIKey, fygarotest.DefaultAPISecret), "ISO 4217", fake},
		{"garbage jwt", fake.ButtonURL + "?jwt=abc", "malformed", fake},
		{"plain link, three decimals", fake.ButtonURL + "?amount=1.005", "at most two places", fake},
		{"plain link without amount", fake.ButtonURL + "?client_reference=x", "no amount", fake},
		{"another button", strings.Replace(fake.ButtonURL, fygarotest.ButtonID, "00000000-0000-4000-8000-000000000000", 1) + "?amount=1", "not for the fake's button", fake},
		{"another host", "https://www.fygaro.com/es/pb/" + fygarotest.ButtonID + "/?amount=1", "not for the fake's button", fake},
	} {
		co, err := tc.srv.Open(tc.link)
		if !errors.Is(err, fygarotest.ErrLinkRefused) || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: Open = %+v, %v; want a refusal saying %q", tc.name, co, err, tc.reason)
		}
	}
	if len(fake.Payments()) != 0 {
		t.Fatal("a refused link was paid")
	}
}

func TestOpenShowsTheCheckout(t *testing.T) {
	t.Parallel()
	fake := newFake(t)
	p := order42()
	p.TaxAmount = fygaro.AmountFromCents(288)
	p.Lang = fygaro.LangEnglish
	co, err := fake.Open(link(t, fake, p))
	if err != nil {
		t.Fatal(err)
	}
	want := &fygarotest.Checkout{Dynamic: true, Amount: fygaro.AmountFromCents(2500), Currency: "USD", CustomReference: "order-42",
		TaxAmount: fygaro.AmountFromCents(288), Client: p.Client, Lang: fygaro.LangEnglish, ExpiresAt: t0.Add(time.Hour)}
	if diff := cmp.Diff(want, co, cmp.Comparer(func(a, b fygaro.Amount) bool { return a.String() == b.String() })); diff != "" {
		t.Errorf("checkout (-want +got):\n%s", diff)
	}
	bu, _ := fygaro.ParseButtonURL(fake.ButtonURL)
	plain, _ := bu.PrefilledLink(&fygaro.PrefillParams{Amount: fygaro.AmountFromCents(1000), ClientNote: "gift", ClientReference: "r-1"})
	co, err = fake.Open(plain)
	if err != nil || co.Dynamic || co.Amount.String() != "10.00" || co.Currency != fygarotest.DefaultCurrency || co.CustomReference != "r-1" || co.ClientNote != "gift" {
		t.Fatalf("plain checkout %+v, %v", co, err)
	}
}

func TestHookRetriesThenSuspends(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var waits []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return nil
	}
	fake := newFake(t, fygarotest.WithSleep(sleep))
	rc := newReceiver(t, fake)
	ctx := t.Context()

	rc.fail.Store(2)
	pay, err := fake.Pay(ctx, link(t, fake, order42()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := pay.Delivery; d.Attempts != 3 || d.StatusCode != 200 || d.Err != nil || d.Suspended {
		t.Fatalf("delivery %+v, want success on attempt 3", d)
	}
	if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second}, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}

	rc.fail.Store(10)
	pay, _ = fake.Pay(ctx, link(t, fake, order42()), nil)
	if d := pay.Delivery; d.Attempts != fygarotest.MaxAttempts || d.StatusCode != 500 || d.Err == nil || !d.Suspended || !fake.HookSuspended() {
		t.Fatalf("delivery %+v, want suspension after %d attempts", d, fygarotest.MaxAttempts)
	}
	rc.fail.Store(0)
	pay, _ = fake.Pay(ctx, link(t, fake, order42()), nil)
	if d := pay.Delivery; d.Attempts != 0 || !d.Suspended || !errors.Is(d.Err, fygarotest.ErrHookSuspended) {
		t.Fatalf("delivery while suspended %+v", d)
	}
	fake.ResumeHook()
	if d, err := fake.Resend(ctx, pay.Reference); err != nil || d.StatusCode != 200 || fake.HookSuspended() {
		t.Fatalf("after ResumeHook: %+v, %v", d, err)
	}
	if n := len(rc.got()); n != 2 {
		t.Fatalf("processed %d hooks, want 2 (the retried one and the resumed one)", n)
	}
	if n := len(fake.Deliveries()); n != 4 {
		t.Fatalf("Deliveries() has %d, want 4", n)
	}
}

func TestOlderHookKindsNeedJWTOnlyHandlers(t *testing.T) {
	t.Parallel()
	nosleep := fygarotest.WithSleep(func(context.Context, time.Duration) error { return nil })
	for _, kind := range []fygarotest.HookKind{fygarotest.HookJWTOnly, fygarotest.HookLegacy} {
		strict := newFake(t, fygarotest.WithHookKind(kind), nosleep)
		newReceiver(t, strict)
		pay, _ := strict.Pay(t.Context(), link(t, strict, order42()), nil)
		if d := pay.Delivery; d.StatusCode != 401 || !d.Suspended {
			t.Errorf("kind %d to a default handler: %+v, want 401 until suspended", kind, d)
		}

		lenient := newFake(t, fygarotest.WithHookKind(kind))
		rc := newReceiver(t, lenient, webhook.WithFygaroJWTOnly(webhook.DefaultFygaroMaxAge))
		pay, _ = lenient.Pay(t.Context(), link(t, lenient, order42()), nil)
		got := rc.got()
		if d := pay.Delivery; d.StatusCode != 200 || len(got) != 1 || got[0].Signed != fygaro.SignedJWT || got[0].Reference != pay.Reference {
			t.Errorf("kind %d to a JWT-only handler: %+v, hooks %+v", kind, d, got)
		}
	}
}

func TestCheckoutOverHTTP(t *testing.T) {
	t.Parallel()
	fake := newFake(t, fygarotest.WithIDs(func(prefix string) string { return prefix + "HTTP" }))
	rc := newReceiver(t, fake)
	l := link(t, fake, order42())

	resp, err := http.Get(l)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET link: %d %s", resp.StatusCode, b)
	}
	testutil.JSONEqual(t, b, `{"dynamic":true,"amount":25.00,"currency":"USD","customReference":"order-42",
		"clientData":{"name":"Luis Mora","email":"luis@example.com"},"lang":"es","expiresAt":"2026-11-24T16:00:00Z"}`)

	resp, err = http.PostForm(l, url.Values{"name": {"Eva Solís"}, "email": {"eva@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST link: %d %s", resp.StatusCode, b)
	}
	testutil.JSONEqual(t, b, `{"reference":"FYG-HTTP"}`)
	got := rc.got()
	if len(got) != 1 || got[0].Reference != "FYG-HTTP" {
		t.Fatalf("hooks %+v", got)
	}
	if c, _ := got[0].Claims(); c.ClientData.Name != "Eva Solís" {
		t.Fatalf("the payer's form did not reach the hook: %+v", c)
	}

	resp, err = http.Get(strings.Replace(l, "jwt=", "jwt=x", 1))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "link refused") {
		t.Fatalf("GET a tampered link: %d %s", resp.StatusCode, b)
	}
}
