// Command shop is a small HTTP service that takes money through Toku,
// Conekta, Fygaro and Tpaga: POST /invoices, /oxxo, /links and /efecty
// create what a customer pays with, and /webhooks/… receive the payments.
// shop_test.go runs it all against the providers' fakes, wired as the
// README recommends.
//
//	TOKU_API_KEY=… TOKU_WEBHOOK_SECRET=… CONEKTA_API_KEY=key_… \
//	FYGARO_BUTTON_URL=… FYGARO_API_KEY=… FYGARO_API_SECRET=… FYGARO_HOOK_KEY_ID=… FYGARO_HOOK_SECRET=… \
//	TPAGA_TOKEN=… TPAGA_NOTIFY_AUTHORIZATION=… go run ./examples/shop
package main

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/webhook"
)

func main() {
	h, err := newServer(context.Background(), os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("localhost:8080", h))
}

// newServer builds the shop from the environment: its API and the four
// webhook handlers, each with the secret or keys its provider issued.
func newServer(ctx context.Context, env func(string) string) (http.Handler, error) {
	s := &Shop{}
	var err error
	if s.Toku, err = toku.NewClient(env("TOKU_API_KEY")); err != nil {
		return nil, err
	}
	if s.Conekta, err = conekta.NewClient(env("CONEKTA_API_KEY")); err != nil {
		return nil, err
	}
	if s.Fygaro, err = fygaro.NewButton(env("FYGARO_BUTTON_URL"), env("FYGARO_API_KEY"), env("FYGARO_API_SECRET")); err != nil {
		return nil, err
	}
	if s.Tpaga, err = tpaga.NewClient(env("TPAGA_TOKEN")); err != nil {
		return nil, err
	}
	keys, err := s.Conekta.WebhookKeys.List(ctx, nil)
	if err != nil {
		return nil, err
	}
	pub, err := conekta.ActivePublicKeys(keys.Data)
	if err != nil {
		return nil, err
	}
	mux := s.Routes()
	for path, build := range map[string]func() (http.Handler, error){
		"/webhooks/toku": func() (http.Handler, error) {
			return webhook.NewTokuHandler(env("TOKU_WEBHOOK_SECRET"), s.OnToku, webhook.WithTokuConfirmation(s.Toku))
		},
		"/webhooks/conekta": func() (http.Handler, error) { return webhook.NewConektaHandler(pub, s.OnConekta) },
		"/webhooks/fygaro": func() (http.Handler, error) {
			return webhook.NewFygaroHandler(webhook.FygaroKeys{env("FYGARO_HOOK_KEY_ID"): env("FYGARO_HOOK_SECRET")}, s.OnFygaro)
		},
		"/webhooks/tpaga": func() (http.Handler, error) {
			return webhook.NewTpagaHandler(env("TPAGA_NOTIFY_AUTHORIZATION"), s.OnTpaga)
		},
	} {
		h, err := build()
		if err != nil {
			return nil, err
		}
		mux.Handle("POST "+path, h)
	}
	return mux, nil
}
