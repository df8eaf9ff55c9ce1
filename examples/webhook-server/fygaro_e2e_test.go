package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
	"github.com/pagos-go/pagos/webhook"
)

func TestEndToEndFygaro(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	ctx := context.Background()
	addr := freeAddr(t)
	fake := fygarotest.NewServer(t)
	fake.SetHookURL("http://" + addr + "/webhooks/fygaro")
	srv := startServer(t, addr, "FYGARO_KEY_ID="+fake.HookKeyID, "FYGARO_SECRET="+string(fake.HookSecret))

	btn, err := fake.Button()
	if err != nil {
		t.Fatal(err)
	}
	link, err := btn.Link(&fygaro.LinkParams{Amount: fygaro.NewAmount(2500), Currency: "USD", CustomReference: "order-42", ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	pay, err := fake.Pay(ctx, link, nil)
	if err != nil || pay.Delivery == nil || pay.Delivery.StatusCode != 200 {
		t.Fatalf("fygaro delivery: %+v, %v", pay, err)
	}
	if again, err := fake.Resend(ctx, pay.Reference); err != nil || again.StatusCode != 200 {
		t.Fatalf("fygaro duplicate delivery: %+v, %v", again, err)
	}
	if got := srv.received("fygaro"); len(got) != 1 || got[pay.Reference] != 1 {
		t.Fatalf("fygaro hooks received: %v, want %s once", got, pay.Reference)
	}
	logged := false
	for _, l := range srv.lines() {
		if l["msg"] == "event received" && l["provider"] == "fygaro" && l["amount"] == "25.00" && l["custom_reference"] == "order-42" {
			logged = true
		}
	}
	if !logged {
		t.Errorf("no log line with the hook's amount and order: %v", srv.lines())
	}

	body := `{"reference":"FYG-forged","customReference":"order-42","jwt":"a.b.c"}`
	forged, _ := webhook.SignFygaro([]byte(body), "not-the-secret", time.Now())
	for name, h := range map[string]http.Header{
		"forged signature": {webhook.FygaroSignatureHeader: {forged}, webhook.FygaroKeyIDHeader: {fake.HookKeyID}},
		"unsigned":         nil,
	} {
		if code := srv.post(t, "/webhooks/fygaro", h, body); code != http.StatusUnauthorized {
			t.Errorf("%s request answered %d, want 401", name, code)
		}
	}
}

func TestFygaroStartupSettings(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) lookupEnv {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	for _, c := range []struct {
		env  lookupEnv
		want string // the variable the error must name
	}{
		{env("FYGARO_KEY_ID", "fyg_key"), "FYGARO_SECRET"},
		{env("FYGARO_KEY_ID", " "), "FYGARO_KEY_ID"},
		{env("FYGARO_KEY_ID", "fyg_key", "FYGARO_SECRET", " padded "), "FYGARO_SECRET"},
		{env("FYGARO_KEY_ID", "fyg_key", "FYGARO_SECRET", "s", "FYGARO_JWT_ONLY_MAX_AGE", "forever"), "FYGARO_JWT_ONLY_MAX_AGE"},
	} {
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, c.env, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("malformed setting: err = %v, want a message naming %s", err, c.want)
		}
	}
	mux := http.NewServeMux()
	routes, err := mountFygaro(mux, env(), nil, nil)
	if err != nil || len(routes) != 1 || routes[0].reason != "FYGARO_KEY_ID is not set" {
		t.Fatalf("unconfigured: %+v, %v", routes, err)
	}
	routes, err = mountFygaro(mux, env("FYGARO_KEY_ID", "k", "FYGARO_SECRET", "s", "FYGARO_JWT_ONLY_MAX_AGE", "72h"), nil, nil)
	if err != nil || routes[0].reason != "" {
		t.Fatalf("JWT-only route: %+v, %v", routes, err)
	}
}
