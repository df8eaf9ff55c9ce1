package conekta

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
)

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
