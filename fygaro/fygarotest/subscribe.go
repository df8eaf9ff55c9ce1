package fygarotest

import (
	"net/http"

	"github.com/pagos-go/pagos/internal/fake"
	"github.com/pagos-go/pagos/webhook"
)

// Subscription is a verified webhook handler wired to the fake by
// Subscribe: set as the button's hook URL, served on loopback, and
// receiving what the fake sends.
type Subscription struct {
	// URL is where the fake delivers: Handler, served on loopback.
	URL string
	// Handler is the handler webhook.NewFygaroHandler built, for tests that
	// also call it directly.
	Handler http.Handler
	// Keys is the keyring Handler verifies with (HookKeys).
	Keys webhook.FygaroKeys
}

// Subscribe wires fn to the fake in one call, as a user's test needs it: it
// reserves a loopback URL, sets it as the button's hook URL (SetHookURL;
// Fygaro has no API for it, its dashboard sets it), builds
// webhook.NewFygaroHandler with the fake's hook keyring (HookKeys) and
// clock (webhook.WithClock, so the fake's signatures are never too old),
// plus webhook.WithFygaroJWTOnly(webhook.DefaultFygaroMaxAge) when the fake
// sends hooks without a signature header (WithHookKind), then opts, and
// serves it. Payments from then on reach fn.
//
// The server stops when the fake closes. A setup failure fails the test
// (call Subscribe on the test's goroutine).
func (s *Server) Subscribe(fn webhook.FygaroHandlerFunc, opts ...webhook.FygaroOption) *Subscription {
	if s.tb != nil {
		s.tb.Helper()
	}
	hook := fake.NewHook("/webhooks/fygaro")
	s.hooks.Add(hook)
	all := []webhook.FygaroOption{webhook.WithClock(s.now)}
	if s.kind != HookSigned {
		all = append(all, webhook.WithFygaroJWTOnly(webhook.DefaultFygaroMaxAge))
	}
	keys := s.HookKeys()
	h, err := webhook.NewFygaroHandler(keys, fn, append(all, opts...)...)
	if err != nil {
		fake.Fail(s.tb, "fygarotest: Subscribe: %v", err)
		return nil
	}
	hook.Start(h)
	s.SetHookURL(hook.URL)
	return &Subscription{URL: hook.URL, Handler: h, Keys: keys}
}
