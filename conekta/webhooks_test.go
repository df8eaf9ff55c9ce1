package conekta

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
)

func TestWebhooks(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	const hook = `{"id":"6307a5f4b0d4a1000145d3b0","description":"","livemode":false,"active":true,"object":"webhook","status":"listening",
		"subscribed_events":["order.paid","charge.paid"],"url":"https://example.com/webhooks/conekta"}`
	mux.HandleFunc("/webhooks", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			wire(t, r, "POST", "", `{"url":"https://example.com/webhooks/conekta","subscribed_events":["order.paid","charge.paid"]}`)
			respond(w, 200, hook)
			return
		}
		wire(t, r, "GET", "", "")
		respond(w, 200, `{"object":"list","has_more":false,"data":[`+hook+`]}`)
	})
	mux.HandleFunc("/webhooks/6307a5f4b0d4a1000145d3b0", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "PUT":
			wire(t, r, "PUT", "", `{"active":false}`)
			respond(w, 200, strings.Replace(hook, `"active":true`, `"active":false`, 1))
		case "DELETE":
			wire(t, r, "DELETE", "", "")
			respond(w, 200, hook)
		default:
			wire(t, r, "GET", "", "")
			respond(w, 200, hook)
		}
	})
	mux.HandleFunc("/webhooks/6307a5f4b0d4a1000145d3b0/test", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", "")
		respond(w, 200, hook)
	})
	ctx := t.Context()
	wh, err := c.Webhooks.Create(ctx, &WebhookParams{URL: "https://example.com/webhooks/conekta", SubscribedEvents: []EventType{EventOrderPaid, EventChargePaid}})
	if err != nil || wh.Status != "listening" || !wh.Active || len(wh.SubscribedEvents) != 2 {
		t.Fatalf("Create = %+v, %v", wh, err)
	}
	if l, err := c.Webhooks.List(ctx, nil); err != nil || len(l.Data) != 1 {
		t.Fatalf("List = %+v, %v", l, err)
	}
	if g, err := c.Webhooks.Get(ctx, wh.ID); err != nil || g.URL != wh.URL {
		t.Fatalf("Get = %+v, %v", g, err)
	}
	if u, err := c.Webhooks.Update(ctx, wh.ID, &WebhookUpdateParams{Active: Bool(false)}); err != nil || u.Active {
		t.Fatalf("Update = %+v, %v", u, err)
	}
	if _, err := c.Webhooks.Test(ctx, wh.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Webhooks.Delete(ctx, wh.ID); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*WebhookParams{nil, {}, {URL: "example.com/hook"}} {
		if _, err := c.Webhooks.Create(ctx, p); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Create(%+v) err = %v", p, err)
		}
	}
	if _, err := c.Webhooks.Update(ctx, wh.ID, &WebhookUpdateParams{}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty Update: %v", err)
	}
}

func TestWebhookKeysAndPublicKeys(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	pemText, err := MarshalPublicKey(&testutil.RSAKey().PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	key := func(id string, active bool) string {
		return fmt.Sprintf(`{"id":%q,"active":%t,"created_at":1700000000,"livemode":false,"object":"webhook_key","public_key":%q}`, id, active, pemText)
	}
	mux.HandleFunc("/webhook_keys", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			wire(t, r, "POST", "", `{"active":true}`)
			respond(w, 200, key("wk_1", true))
			return
		}
		wire(t, r, "GET", "", "")
		respond(w, 200, `{"object":"list","has_more":false,"data":[`+key("wk_1", true)+`,`+key("wk_0", false)+`]}`)
	})
	mux.HandleFunc("/webhook_keys/wk_0", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "PUT":
			wire(t, r, "PUT", "", `{"active":false}`)
			respond(w, 200, key("wk_0", false))
		case "DELETE":
			wire(t, r, "DELETE", "", "")
			respond(w, 200, `{"id":"wk_0","deleted":true,"active":false}`)
		default:
			respond(w, 200, key("wk_0", false))
		}
	})
	ctx := t.Context()
	k, err := c.WebhookKeys.Create(ctx, true)
	if err != nil || !k.Active || k.CreatedAt.Unix() != 1700000000 {
		t.Fatalf("Create = %+v, %v", k, err)
	}
	pub, err := k.RSAPublicKey()
	if err != nil || !pub.Equal(&testutil.RSAKey().PublicKey) {
		t.Fatalf("RSAPublicKey: %v", err)
	}
	var keys []*WebhookKey
	for k, err := range c.WebhookKeys.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	active, err := ActivePublicKeys(keys)
	if err != nil || len(active) != 1 {
		t.Fatalf("ActivePublicKeys = %d keys, %v; want the one active", len(active), err)
	}
	if _, err := ActivePublicKeys(keys[1:]); err == nil {
		t.Error("no active key accepted")
	}
	if g, err := c.WebhookKeys.Get(ctx, "wk_0"); err != nil || g.Active {
		t.Fatalf("Get = %+v, %v", g, err)
	}
	if u, err := c.WebhookKeys.Update(ctx, "wk_0", false); err != nil || u.Active {
		t.Fatalf("Update = %+v, %v", u, err)
	}
	if d, err := c.WebhookKeys.Delete(ctx, "wk_0"); err != nil || !d.Deleted {
		t.Fatalf("Delete = %+v, %v", d, err)
	}
	for _, bad := range []string{"", "not pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", strings.Replace(pemText, "MII", "XII", 1)} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("ParsePublicKey accepted %q", bad)
		}
	}
}

func TestTokensNeverShowTheCard(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/tokens", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"card":{"number":"4242424242424242","name":"Ana","exp_month":"12","exp_year":"30","cvc":"123"}}`)
		respond(w, 200, `{"id":"tok_2q6cyio5sDqCyvYh7","livemode":false,"object":"token","used":false}`)
	})
	card := &TokenCard{Number: "4242424242424242", Name: "Ana", ExpMonth: "12", ExpYear: "30", CVC: "123"}
	tok, err := c.Tokens.Create(t.Context(), card)
	if err != nil || tok.ID != "tok_2q6cyio5sDqCyvYh7" || tok.Used {
		t.Fatalf("Create = %+v, %v", tok, err)
	}
	// Printed, logged through slog's JSON and text handlers (alone or
	// nested), or JSON-encoded: never the number or CVC.
	var logs testutil.LogBuffer
	logs.Logger().Info("tokenizing", "card", card, "request", struct{ Card *TokenCard }{card})
	slog.New(slog.NewTextHandler(&logs, nil)).Info("tokenizing", "card", card)
	js, _ := json.Marshal(map[string]any{"card": card})
	for _, s := range []string{fmt.Sprint(card), fmt.Sprintf("%v %+v %#v %s", *card, *card, *card, card), logs.String(), string(js)} {
		if strings.Contains(s, "4242424242424242") || strings.Contains(s, `"123"`) || strings.Contains(s, "cvc") {
			t.Fatalf("card data printed: %s", s)
		}
	}
	if !strings.Contains(logs.String(), "card ending 4242") {
		t.Fatalf("the masked card is not in the log, so the check proves nothing: %s", logs.String())
	}
	bad := *card
	bad.ExpYear = "2030"
	if _, err := c.Tokens.Create(t.Context(), &bad); !errors.Is(err, ErrInvalidRequest) || strings.Contains(err.Error(), "4242") {
		t.Fatalf("bad card: %v", err)
	}
}

func TestPaymentTests(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var bodies []string
	mux.HandleFunc("/payment_test", func(w http.ResponseWriter, r *http.Request) {
		if len(bodies) == 0 {
			wire(t, r, "POST", "", `{"event_type":"inbound_payment.payment_attempt","reference":"99000000001273","amount":"10000"}`)
		} else {
			wire(t, r, "POST", "", `{"event_type":"inbound_payment.lookup","reference":"99000000001273"}`)
		}
		bodies = append(bodies, "x")
		respond(w, 200, `{"ok":true}`)
	})
	ctx := t.Context()
	res, err := c.PaymentTests.Create(ctx, &PaymentTestParams{EventType: EventInboundPaymentAttempt, Reference: "99000000001273", Amount: 10000})
	if err != nil || string(res.Raw) != `{"ok":true}` {
		t.Fatalf("Create = %s, %v", res.Raw, err)
	}
	if _, err := c.PaymentTests.Create(ctx, &PaymentTestParams{EventType: EventInboundPaymentLookup, Reference: "99000000001273"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*PaymentTestParams{nil, {EventType: EventOrderPaid, Reference: "1"}, {EventType: EventInboundPaymentLookup},
		{EventType: EventInboundPaymentAttempt, Reference: "1"}} {
		if _, err := c.PaymentTests.Create(ctx, p); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Create(%+v) err = %v", p, err)
		}
	}
}

// FuzzParsePublicKey: keys come from configuration and from the
// webhook_keys API; a bad one is an error, never a panic.
func FuzzParsePublicKey(f *testing.F) {
	der, _ := x509.MarshalPKIXPublicKey(&testutil.RSAKey().PublicKey)
	f.Add(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
	f.Add(string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&testutil.RSAKey().PublicKey)})))
	f.Add("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
	f.Add("not pem")
	f.Fuzz(func(t *testing.T, text string) {
		k, err := ParsePublicKey(text)
		if err == nil && (k == nil || k.N.BitLen() < 2048) {
			t.Fatalf("accepted a key it should refuse: %v", k)
		}
	})
}
