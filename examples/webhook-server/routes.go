package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/webhook"
)

// lookupEnv is os.LookupEnv, injectable for tests.
type lookupEnv func(string) (string, bool)

// route reports one provider route: live, or not mounted and why.
type route struct {
	pattern string
	reason  string // why it is not mounted; "" when live
	// provider and handler are set on the live route of each provider
	// whose missed deliveries can be replayed (see reconcile.go).
	provider string
	handler  http.Handler
}

// setting reads a variable: missing is fine (the provider is not mounted),
// present but blank is a mistake that stops the start.
func setting(env lookupEnv, name string) (string, bool, error) {
	v, ok := env(name)
	if !ok {
		return "", false, nil
	}
	if strings.TrimSpace(v) == "" {
		return "", false, fmt.Errorf("%s is set but empty: set it to the value from the provider, or unset it", name)
	}
	return v, true, nil
}

// mountProviders mounts every configured provider on mux; common options
// (logger, shared store, bundled by webhook.HandlerOptions) go to every
// handler.
func mountProviders(mux *http.ServeMux, env lookupEnv, log *slog.Logger, common webhook.HandlerOption) ([]route, error) {
	var routes []route
	for _, mount := range []func(*http.ServeMux, lookupEnv, *slog.Logger, webhook.HandlerOption) ([]route, error){
		mountToku,
		mountConekta,
		mountFygaro,
		mountTpaga,
	} {
		rs, err := mount(mux, env, log, common)
		if err != nil {
			return nil, err
		}
		routes = append(routes, rs...)
	}
	return routes, nil
}

func mountToku(mux *http.ServeMux, env lookupEnv, log *slog.Logger, common webhook.HandlerOption) ([]route, error) {
	const pattern = "POST /webhooks/toku"
	secret, ok, err := setting(env, "TOKU_WEBHOOK_SECRET")
	if err != nil || !ok {
		return []route{{pattern: pattern, reason: "TOKU_WEBHOOK_SECRET is not set"}}, err
	}
	h, err := webhook.NewTokuHandler(secret, func(ctx context.Context, e *toku.Event) error {
		// Without the body signed or an API confirmation only the event id
		// is authenticated: a real server acts on money only when
		// e.Authenticated() (webhook.WithTokuConfirmation with a client).
		attrs := []any{"provider", "toku", "event", e.ID, "type", string(e.Type), "signed_over", e.Signed.String(), "authenticated", e.Authenticated()}
		if e.Type == toku.EventTransactionSuccess {
			if tr, err := e.Transaction(); err == nil {
				attrs = append(attrs, "transaction", tr.ID, "amount", tr.Amount.String(), "currency", tr.Currency)
			}
		}
		log.Info("event received", attrs...)
		return nil // a real server records the event durably before returning nil
	}, common)
	if err != nil {
		return nil, fmt.Errorf("TOKU_WEBHOOK_SECRET: %w", err)
	}
	mux.Handle(pattern, h)
	return []route{{pattern: pattern, provider: "toku", handler: h}}, nil
}
