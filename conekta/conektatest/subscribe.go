package conektatest

import (
	"context"
	"net/http"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/webhook"
)

// Subscription is a verified webhook handler wired to the fake by
// Subscribe: registered, served on loopback, and receiving what the fake
// sends.
type Subscription struct {
	// URL is where the fake delivers: Handler, served on loopback.
	URL string
	// Handler is the handler webhook.NewConektaHandler built, for tests
	// that also call it directly.
	Handler http.Handler
	// Webhook is the webhook registered through the fake's API, subscribed
	// to Conekta's default set of events.
	Webhook *conekta.Webhook
}

// Subscribe wires fn to the fake in one call, as a user's test needs it: it
// reserves a loopback URL, registers it through the fake's API
// (Webhooks.Create; the real Conekta refuses loopback URLs), builds
// webhook.NewConektaHandler with the public keys of the fake's active
// webhook keys (PublicKeys; Conekta signs no timestamp, so no clock is
// needed), then opts, and serves it. Events the fake sends from then on
// reach fn.
//
// The server stops when the fake closes. A setup failure fails the test
// (call Subscribe on the test's goroutine). The synchronous approval URL
// of cash payments is separate: see SetApprovalURL.
func (s *Server) Subscribe(fn webhook.ConektaHandlerFunc, opts ...webhook.ConektaOption) *Subscription {
	if s.tb != nil {
		s.tb.Helper()
	}
	hook := fake.NewHook("/webhooks/conekta")
	s.hooks.Add(hook)
	h, err := webhook.NewConektaHandler(s.PublicKeys(), fn, opts...)
	if err != nil {
		fake.Fail(s.tb, "conektatest: Subscribe: %v", err)
		return nil
	}
	wh, err := s.Client().Webhooks.Create(context.Background(), &conekta.WebhookParams{URL: hook.URL})
	if err != nil {
		fake.Fail(s.tb, "conektatest: Subscribe: registering %s: %v", hook.URL, err)
		return nil
	}
	hook.Start(h)
	return &Subscription{URL: hook.URL, Handler: h, Webhook: wh}
}
