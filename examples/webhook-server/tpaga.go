package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/webhook"
)

// mountTpaga serves Tpaga's deposit notifications. TPAGA_NOTIFY_AUTHORIZATION
// is the whole Authorization value agreed with Tpaga, such as "Basic …";
// Tpaga signs nothing, so that value and TLS are what authenticate it.
func mountTpaga(mux *http.ServeMux, env lookupEnv, log *slog.Logger, common webhook.HandlerOption) ([]route, error) {
	const pattern = "POST /webhooks/tpaga"
	auth, ok, err := setting(env, "TPAGA_NOTIFY_AUTHORIZATION")
	if err != nil || !ok {
		return []route{{pattern: pattern, reason: "TPAGA_NOTIFY_AUTHORIZATION is not set"}}, err
	}
	h, err := webhook.NewTpagaHandler(auth, func(ctx context.Context, n *tpaga.Notification) error {
		amount, err := n.Amount()
		if err != nil {
			return err // 500: Tpaga retries; a real server could keep n.Raw for a person instead
		}
		log.Info("event received", "provider", "tpaga", "event", n.Reference+"/"+n.EfectyOrderID,
			"reference", n.Reference, "efecty_order_id", n.EfectyOrderID, "amount_cop", amount)
		return nil // a real server credits the deposit durably before returning nil
	}, common)
	if err != nil {
		return nil, fmt.Errorf("TPAGA_NOTIFY_AUTHORIZATION: %w", err)
	}
	mux.Handle(pattern, h)
	return []route{{pattern: pattern, provider: "tpaga", handler: h}}, nil
}
