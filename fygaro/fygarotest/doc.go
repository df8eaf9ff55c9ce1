// Package fygarotest is an in-process fake of Fygaro's checkout for one
// payment button, for tests and demos: it opens links as Fygaro would,
// records payments and posts correctly signed hooks to your handler.
//
//	srv := fygarotest.NewServer(t)          // closed when the test ends
//	h, _ := webhook.NewFygaroHandler(srv.HookKeys(), myHookFunc)
//	hooks := httptest.NewServer(h)
//	srv.SetHookURL(hooks.URL)
//	btn, _ := srv.Button()                  // a fygaro.Button for the fake's button
//	link, _ := btn.Link(&fygaro.LinkParams{Amount: fygaro.AmountFromCents(2500), Currency: "USD", CustomReference: "order-42"})
//	pay, _ := srv.Pay(ctx, link, nil)       // the hook reaches your handler
//
// Opening a link (Open, or Pay) checks it as Fygaro's checkout page would: a
// dynamic link must be HS256 with the fake's API key as kid, signed with its
// API secret, inside its nbf and exp, with an amount string of at most two
// decimals; a refusal matches ErrLinkRefused and says why. Plain
// pre-filled links open too.
//
// The hook is signed with the hook credential (HookKeys): the body's JWT, and
// by default the Fygaro-Signature and Fygaro-Key-ID headers (WithHookKind
// sends the older JWT-only generations). Only HTTP 200 counts as delivered;
// anything else is retried up to 4 attempts with growing waits (WithSleep
// makes them instant), after which the hook is suspended (HookSuspended,
// ResumeHook). Deliveries reports every delivery, and Resend sends a
// payment's hook again to test duplicate handling.
//
// The fake also serves its checkout page over HTTP, for tests that follow a
// redirect to the link as a browser would: GET on a link answers the
// Checkout as JSON (400 with {"error": …} when refused), and POST on it with
// the form fields name, email and phone pays it, answering {"reference": …}.
//
// The clock and the reference source are injectable (WithClock, WithIDs), so
// tests are deterministic; by default references count up from "FYG-000001".
// The fake delivers to loopback URLs, which the real Fygaro would refuse.
package fygarotest
