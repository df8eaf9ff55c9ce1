package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/webhook"
)

// mountFygaro serves Fygaro hooks, verified with the hook credential
// (FYGARO_KEY_ID, FYGARO_SECRET). FYGARO_JWT_ONLY_MAX_AGE (such as
// 72h) also accepts hooks without Fygaro-Signature, as Fygaro's older guide
// describes them.
func mountFygaro(mux *http.ServeMux, env lookupEnv, log *slog.Logger, common webhook.HandlerOption) ([]route, error) {
	const pattern = "POST /webhooks/fygaro"
	keyID, ok, err := setting(env, "FYGARO_KEY_ID")
	if err != nil || !ok {
		return []route{{pattern: pattern, reason: "FYGARO_KEY_ID is not set"}}, err
	}
	secret, ok, err := setting(env, "FYGARO_SECRET")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("FYGARO_KEY_ID is set but FYGARO_SECRET is not: set both to the hook credential from Fygaro")
	}
	opts := []webhook.FygaroOption{common}
	if age, ok, err := setting(env, "FYGARO_JWT_ONLY_MAX_AGE"); err != nil {
		return nil, err
	} else if ok {
		d, err := time.ParseDuration(age)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("FYGARO_JWT_ONLY_MAX_AGE is %q: give a positive duration such as 72h", age)
		}
		opts = append(opts, webhook.WithFygaroJWTOnly(d))
	}
	h, err := webhook.NewFygaroHandler(webhook.FygaroKeys{keyID: secret}, func(ctx context.Context, hook *fygaro.Hook) error {
		attrs := []any{"provider", "fygaro", "event", hook.Reference, "custom_reference", hook.CustomReference, "signed_over", hook.Signed.String()}
		if c, err := hook.Claims(); err == nil {
			attrs = append(attrs, "amount", c.Amount.String(), "currency", c.Currency)
		}
		log.Info("event received", attrs...)
		return nil // a real server records the payment durably before returning nil
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("FYGARO_SECRET: %w", err)
	}
	mux.Handle(pattern, h)
	return []route{{pattern: pattern, reason: ""}}, nil
}
