// Package tpagatest is an in-process, stateful fake of Tpaga's cash-in API
// and its staging Efecty simulator, for tests and demos: single-use and
// permanent references, enabling and disabling, reference details with
// deposit intents, and deposit notifications posted to your handler.
//
//	srv := tpagatest.NewServer(t) // closed when the test ends
//	srv.Subscribe(handle)         // notification URL, Authorization and loopback server in one call
//	c := srv.Client()             // a tpaga.Client pointed at the fake; fails t on a bad token
//	sim := srv.EfectySimulator()  // the kiosk
//	ref, _ := c.References.Create(ctx, &tpaga.ReferenceParams{...})
//	_, _ = sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 20000})
//	// the notification has reached handle when Pay returns
//
// Subscribe sets the notification URL with NotifyAuthorization and builds
// webhook.NewTpagaHandler for that value, served on loopback (WithNotify and
// SetNotify set a URL of your own). A deposit made while no notification URL
// is set is reported in the test's log. Client, EfectySimulator and
// Subscribe fail the test themselves on a setup error (they panic when the
// fake was started with a nil testing.TB, as a program does).
//
// # What it checks, as Tpaga does
//
// The cash-in endpoints take "Authorization: Basic <Token>" and the
// simulator takes "x-api-key: <EfectyAPIKey>"; anything else gets 401.
// Requests missing required fields, with a document type other than CC or
// CE, or a permanent reference that is not 10 letters and digits get 400,
// each field's problem worded as Django REST framework words it ("This
// field is required." for a missing document type). A single-use reference
// requires the depositor's names; a permanent one requires only the
// document type and number and the description, as Tpaga's swagger says.
// A single-use create repeated with the same idempotency_token returns the
// reference it made. Creating an existing permanent reference enables it
// again; only permanent references can be enabled or disabled.
//
// Paying through the simulator (amount as a string of pesos, camelCase
// fields) refuses an unknown reference (404), a disabled permanent
// reference, a single-use reference already paid, and an amount other than
// a reference's fixed one (400). A payment repeated with the same
// efectyOrderId is answered again without a second deposit.
//
// # Notifications
//
// A payment records a deposit intent, visible in the reference's details,
// and posts the notification to the URL set with Subscribe, WithNotify or
// SetNotify, with the
// agreed Authorization value, before Pay returns. Only a 200 counts, as for
// Tpaga; anything else is retried with waits of 1 s, 2 s, 4 s, … up to
// WithMaxAttempts (default 5). WithSleep makes the waits instant.
// Deliveries reports every notification; Resend posts one again to test
// duplicate handling. For a permanent reference the notification's
// idempotency_token is null, since what Tpaga sends is undocumented.
//
// # Keeping state
//
// SaveState writes the fake's objects as JSON (the notification URL and
// Authorization value, single-use and permanent references with their
// enabled flag and deposit intents, the idempotency tokens, the deliveries
// and the id count) and LoadState restores them into another fake, which
// then answers as the first did, resends old notifications and takes new
// deposits; `pagos fake -state` keeps a fake this way across restarts,
// serving on the same port (WithListener). A notification still being
// attempted is not saved, nor are Subscribe's servers or NewServer's
// options. LoadState refuses, leaving the fake as it was, a file that is
// corrupt or another fake's.
//
// # Determinism
//
// The clock and the id source are injectable (WithClock, WithIDs); by
// default ids count up ("575600000001", "TSPR00000002", "di_000000003").
// The fake delivers to loopback URLs, which the real Tpaga would not reach.
//
// Tpaga does not publish its error bodies, nor the fields of deposit
// intents and simulator answers; the fake's are its own, in Django REST
// framework's shapes: {"detail": "…"} and {"field": ["…"]}.
package tpagatest
