package tokutest

import (
	"context"
	"net/http"

	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/webhook"
)

// Subscription is a verified webhook handler wired to the fake by
// Subscribe: registered, served on loopback, and receiving what the fake
// sends.
type Subscription struct {
	// URL is where the fake delivers: Handler, served on loopback.
	URL string
	// Handler is the handler webhook.NewTokuHandler built, for tests that
	// also call it directly.
	Handler http.Handler
	// Endpoint is the webhook endpoint registered through the fake's API;
	// string(Endpoint.Secret) is the secret Handler verifies with.
	Endpoint *toku.WebhookEndpoint
}

// sentEvents are the event types Subscribe enables: every type the fake sends.
func sentEvents() []toku.EventType {
	return []toku.EventType{
		toku.EventTransactionSuccess, toku.EventPaymentIntentSucceeded, toku.EventInvoiceUpdated,
		toku.EventInvoiceCreated, toku.EventSubscriptionCreated, toku.EventSubscriptionUpdated,
		toku.EventSubscriptionDeleted, toku.EventBankAccountVerificationResult,
	}
}

// Subscribe wires fn to the fake in one call, as a user's test needs it: it
// reserves a loopback URL, registers it as a webhook endpoint through the
// fake's API (WebhookEndpoints.Create, every event type the fake sends),
// builds webhook.NewTokuHandler with the endpoint's secret and the fake's
// clock (webhook.WithClock(s.Now), so the fake's signatures are never too
// old), then opts, and serves it. Events the fake sends from then on reach
// fn. Pass webhook.WithTokuConfirmation(s.Client()) to confirm payments
// through the fake's API, as production code should.
//
// The server stops when the fake closes. A setup failure fails the test
// (call Subscribe on the test's goroutine).
func (s *Server) Subscribe(fn webhook.TokuHandlerFunc, opts ...webhook.TokuOption) *Subscription {
	if s.tb != nil {
		s.tb.Helper()
	}
	hook := fake.NewHook("/webhooks/toku")
	s.hooks.Add(hook)
	ep, err := s.Client().WebhookEndpoints.Create(context.Background(), &toku.WebhookEndpointParams{
		URL: hook.URL, EnabledEvents: sentEvents(), Status: toku.EndpointEnabled,
	})
	if err != nil {
		fake.Fail(s.tb, "tokutest: Subscribe: registering %s: %v", hook.URL, err)
		return nil
	}
	h, err := webhook.NewTokuHandler(string(ep.Secret), fn, append([]webhook.TokuOption{webhook.WithClock(s.Now)}, opts...)...)
	if err != nil {
		fake.Fail(s.tb, "tokutest: Subscribe: %v", err)
		return nil
	}
	hook.Start(h)
	return &Subscription{URL: hook.URL, Handler: h, Endpoint: ep}
}
