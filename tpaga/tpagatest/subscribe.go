package tpagatest

import (
	"net/http"

	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/webhook"
)

// NotifyAuthorization is the Authorization value Subscribe agrees with the
// fake, as a merchant agrees one with Tpaga.
const NotifyAuthorization = "Basic dHBhZ2F0ZXN0Om5vdGlmeQ=="

// Subscription is a verified webhook handler wired to the fake by
// Subscribe: set as the notification URL, served on loopback, and
// receiving what the fake sends.
type Subscription struct {
	// URL is where the fake delivers: Handler, served on loopback.
	URL string
	// Handler is the handler webhook.NewTpagaHandler built, for tests that
	// also call it directly.
	Handler http.Handler
	// Authorization is the value Handler requires (NotifyAuthorization).
	Authorization string
}

// Subscribe wires fn to the fake in one call, as a user's test needs it: it
// reserves a loopback URL, sets it as the notification URL with
// NotifyAuthorization (SetNotify; Tpaga has no API for it, the URL is
// agreed with Tpaga), builds webhook.NewTpagaHandler with that value, then
// opts, and serves it. Deposits from then on reach fn. Tpaga signs nothing
// and sends no timestamp, so no clock is needed.
//
// The server stops when the fake closes. A setup failure fails the test
// (call Subscribe on the test's goroutine).
func (s *Server) Subscribe(fn webhook.TpagaHandlerFunc, opts ...webhook.TpagaOption) *Subscription {
	if s.tb != nil {
		s.tb.Helper()
	}
	hook := fake.NewHook("/webhooks/tpaga")
	s.hooks.Add(hook)
	h, err := webhook.NewTpagaHandler(NotifyAuthorization, fn, opts...)
	if err != nil {
		fake.Fail(s.tb, "tpagatest: Subscribe: %v", err)
		return nil
	}
	hook.Start(h)
	s.SetNotify(hook.URL, NotifyAuthorization)
	return &Subscription{URL: hook.URL, Handler: h, Authorization: NotifyAuthorization}
}
