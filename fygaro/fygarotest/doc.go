// Package fygarotest is an in-process fake of Fygaro's checkout for one
// payment button, for tests and demos: it opens links as Fygaro would,
// records payments and posts correctly signed hooks to your handler.
//
//	srv := fygarotest.NewServer(t)          // closed when the test ends
//	srv.Subscribe(myHookFunc)               // hook URL, keys, clock and loopback server in one call
//	btn := srv.Button()                     // a fygaro.Button for the fake's button; fails t on a bad credential
//	link, _ := btn.Link(&fygaro.LinkParams{Amount: fygaro.AmountFromCents(2500), Currency: "USD", CustomReference: "order-42"})
//	pay, _ := srv.Pay(ctx, link, nil)       // the hook reaches your handler
//
// Subscribe sets the button's hook URL and builds webhook.NewFygaroHandler
// with the fake's keyring and clock, served on loopback. A payment made
// while the button has no hook URL is reported in the test's log. Button
// and Subscribe fail the test themselves on a setup error (they panic when
// the fake was started with a nil testing.TB, as a program does).
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
// SaveState writes the fake's objects as JSON (the hook URL, whether the
// hook is suspended, the payments with their hook's delivery, the
// deliveries and the reference count) and LoadState restores them into
// another fake, which then resends old payments' hooks and continues the
// reference sequence; `pagos fake -state` keeps a fake this way across
// restarts, serving on the same port (WithListener), so links made before
// still open. A hook still being delivered is not saved, nor are
// Subscribe's servers or NewServer's options (credentials, hook kind, …).
// LoadState refuses, leaving the fake as it was, a file that is corrupt or
// another fake's.
//
// The clock and the reference source are injectable (WithClock, WithIDs), so
// tests are deterministic; by default references count up from "FYG-000001".
// The fake delivers to loopback URLs, which the real Fygaro would refuse.
package fygarotest
