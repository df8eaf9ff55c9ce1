// Package tokutest is an in-process, stateful fake of the Toku API for tests
// and demos: customers, invoices, subscriptions, webhook endpoints and
// payments, validated as Toku does, with controls for what a customer does
// at Toku's portal and for the passing of time.
//
//	srv := tokutest.NewServer(t)                                        // closed when the test ends
//	c := srv.Client()                                                   // a toku.Client pointed at the fake; fails t on a bad key
//	srv.Subscribe(handle, webhook.WithTokuConfirmation(c))              // endpoint, secret, clock and loopback server in one call
//	cus, _ := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1"})
//	inv, _ := c.Invoices.Create(ctx, &toku.InvoiceParams{...})
//	pay, _ := srv.PayInvoice(ctx, inv.ID)                               // signed events have reached handle
//
// Subscribe registers a webhook endpoint through the fake's API for every
// event type the fake sends, and builds webhook.NewTokuHandler with its
// secret and the fake's clock, served on loopback. A payment that no enabled
// endpoint hears of is reported in the test's log, so a missing
// subscription is not silent. Client and Subscribe fail the test
// themselves on a setup error (they panic when the fake was started with a
// nil testing.TB, as a program does).
//
// Events are signed with each endpoint's secret over "t.<event id>", as
// Toku documents (WithSignedBody signs the raw body instead). Deliveries to
// an endpoint that does not answer 2xx are retried with growing waits
// (WithSleep makes them instant); Deliveries reports every attempt, and
// Resend sends an event again to test duplicate handling.
//
// Subscriptions are kept, and recurring ones issue their invoices on the
// fake's clock as Toku's guide describes: on the first of each month, due
// on due_day (at once when created on or before this month's due day).
// Advance moves the clock and sends invoice.created for each invoice
// issued; an invoice of a subscription with a PAC mandate is charged on its
// due date, and PayInvoice pays any other. Deleting a subscription, or
// updating it with is_recurring false, stops its invoices. Give the
// webhook handler the fake's clock (webhook.WithClock(srv.Now)) so it
// accepts what the fake signs after an Advance:
//
//	srv := tokutest.NewServer(t, tokutest.WithClock(func() time.Time { return start }))
//	sub, _ := c.Subscriptions.Create(ctx, &toku.SubscriptionParams{Customer: cus.ID, ProductID: "contract-42",
//		IsRecurring: toku.Bool(true), Amount: toku.AmountFromWhole(19990), DueDay: 5})
//	bill, _ := srv.Advance(ctx, 31*24*time.Hour) // bill.Invoices: the month's invoice
//	pay, _ := srv.PayInvoice(ctx, bill.Invoices[0].ID)
//
// Events that follow an API answer (subscription.*, the first invoice's
// invoice.created, bank_account_verification.result) are sent in the
// background, as Toku sends them after answering; Settle waits for them.
// A bank-account check answers "pending", then sends its result:
// VerificationInvalid for InvalidCLABE, VerificationValid otherwise.
//
// # Keeping state
//
// SaveState writes the fake's objects as JSON (customers, invoices,
// webhook endpoints with their secrets, transactions, sent events,
// deliveries, subscriptions with their billing position, redirections, the
// clock's Advance and the id count) and LoadState restores them into
// another fake, which then answers as the first did, resends its events and
// bills its subscriptions on; `pagos fake -state` keeps a fake this way
// across restarts, serving on the same port (WithListener). Deliveries
// still being attempted are not saved (save after Settle or Close), nor are
// Subscribe's servers or NewServer's options. LoadState refuses, leaving
// the fake as it was, a file that is corrupt or another fake's.
//
// The clock and the id source are injectable (WithClock, WithIDs), so tests
// are deterministic. The fake delivers to loopback URLs, which the real Toku
// would not reach.
package tokutest
