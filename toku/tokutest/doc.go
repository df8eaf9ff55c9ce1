// Package tokutest is an in-process, stateful fake of the Toku API for tests
// and demos: customers, invoices, webhook endpoints and payments, validated
// as Toku does, with controls for what a customer does at Toku's portal.
//
//	srv := tokutest.NewServer(t)          // closed when the test ends
//	c, _ := srv.Client()                  // a toku.Client pointed at the fake
//	cus, _ := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1"})
//	inv, _ := c.Invoices.Create(ctx, &toku.InvoiceParams{...})
//	ep, _ := c.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: hookURL, EnabledEvents: ...})
//	pay, _ := srv.PayInvoice(ctx, inv.ID) // signed events reach your handler
//
// Events are signed with each endpoint's secret over "t.<event id>", as
// Toku documents (WithSignedBody signs the raw body instead). Deliveries to
// an endpoint that does not answer 2xx are retried with growing waits
// (WithSleep makes them instant); Deliveries reports every attempt, and
// Resend sends an event again to test duplicate handling.
//
// The clock and the id source are injectable (WithClock, WithIDs), so tests
// are deterministic. The fake delivers to loopback URLs, which the real Toku
// would not reach.
package tokutest
