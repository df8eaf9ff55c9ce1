// Package toku is a client for the Toku collections API (Chile and Mexico):
// customers, invoices, webhook endpoints, signed events and daily
// reconciliation.
//
// # Usage
//
//	c, err := toku.NewClient(apiKey) // from your secret store
//	cus, err := c.Customers.Create(ctx, &toku.CustomerParams{
//		GovernmentID: "11111111-1", Mail: "ana@example.com", Name: "Ana",
//	})
//	inv, err := c.Invoices.Create(ctx, &toku.InvoiceParams{
//		Customer: cus.ID, ProductID: "contract-42",
//		DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.AmountFromWhole(19990),
//	})
//	for inv, err := range c.Invoices.All(ctx, &toku.InvoiceListParams{CustomerID: cus.ID}) { ... }
//
// Every service method takes a context first and per-call options last,
// and returns a nil result whenever it returns an error.
// Parameters are validated before anything is sent; a refusal is a
// *ParamError naming the field to fix, matching ErrInvalidRequest.
//
// # Authentication
//
// Toku authenticates with the x-api-key header; the key identifies your
// organization (sandbox and production keys share one host). A Cuenta de
// Cobro other than the default is chosen with x-account-key: per client with
// WithDefaultAccountKey, or per call with WithAccountKey. Neither key ever
// reaches a log line or an error message (even one Toku echoes), and
// WithHeader cannot set them. NewClient refuses a key with whitespace,
// control characters or non-ASCII bytes, without repeating it.
//
// # Money
//
// Amounts are Amount, an exact decimal in the currency's major unit (pesos),
// never a float: Toku sends 1000, 100.0 and "10000.0000" for the same kind
// of field, and all decode exactly. Build them with AmountFromWhole (whole
// pesos: AmountFromWhole(19990) is 19990 pesos), AmountFromCents (hundredths)
// or ParseAmount; Add and Sub are exact.
//
// An invoice amount Toku cannot take is refused before sending, with a
// *ParamError naming InvoiceParams.Amount: any decimals in CLP (Toku's
// default currency), more than two in MXN, more than four in any other or
// unstated currency, and more than 15 significant digits, the most a float
// (Toku's documented type) holds exactly; that last bound is pagos's own.
//
// # Errors
//
// An error answer from Toku is an *Error with the HTTP status, Toku's code
// ("TK…"), message and, for a 422, field details. Match the category with
// errors.Is against ErrUnauthorized, ErrForbidden, ErrNotFound,
// ErrInvalidRequest, ErrRateLimited or ErrServer, and read the details with
// errors.As:
//
//	var te *toku.Error
//	if errors.As(err, &te) && te.StatusCode == 422 { ... te.Details ... }
//
// The sentinels are the root package pagos's, shared by every provider:
// errors.Is(err, toku.ErrNotFound) is the same test as errors.Is(err,
// pagos.ErrNotFound) or errors.Is(err, conekta.ErrNotFound). ParamError and
// OutcomeUnknownError are pagos's types too.
//
// # Retries and idempotency
//
// GET, PUT and DELETE are retried on network errors, 408, 429 and 5xx, with
// capped exponential backoff and Retry-After honoured. Toku documents no
// idempotency key, so a create (POST) is retried only when Toku provably did
// not act on it: a 429, or a failure before any connection existed. When a
// create fails after it may have reached Toku, the error matches
// ErrOutcomeUnknown; look the object up before creating it again, so a retry
// never creates a second customer or invoice.
//
// Each attempt waits at most 30 s for the response; WithTimeout changes
// that, and a retry gets the full time again.
//
// # Pagination
//
// List returns one page (Page.Items, Page.NextCursor); All returns an
// iter.Seq2 over every item, fetching pages as the loop needs them. Toku
// does not publish the name of the cursor parameter; pagos sends "cursor".
//
// # Webhooks
//
// Register an endpoint with WebhookEndpoints.Create and store its Secret.
// Serve deliveries with webhook.NewTokuHandler, which verifies the
// Toku-Signature, processes each event once and acknowledges only after your
// code succeeded. Events decode into *Event: ID, Type, AccountID and Raw are
// read strictly; the payload is read on demand by PaymentIntent, Payment,
// Transaction, Invoice, Customer, Subscription and PaymentMethod.
//
// Toku documents its signature as covering the timestamp and event id only:
// such an event's payload is not authenticated (Event.Signed ==
// SignedEventID). Client.ConfirmEvent confirms payment_intent.succeeded,
// payment.succeeded and transaction.success through the API: it fetches the
// invoice and finds the transaction in the payments list, and compares every
// field you may act on (amount, currency, invoice, customer, transaction or
// intent id, status) with the API's. Any difference gives ErrNotConfirmed
// and leaves the event unauthenticated: refuse it, as
// webhook.WithTokuConfirmation does (your code does not run), since a
// captured id-only signature can be replayed with a forged body. On success
// Event.Authenticated() is true and the API's own objects are in
// ConfirmedInvoices and ConfirmedTransaction.
//
// # Reconciliation
//
// Deliveries can be missed; Toku recommends checking each day's payments.
// Payments.Reconcile lists a date range (one extra day on each side, since
// Toku's day boundary is not documented) and returns the transactions your
// records lack.
//
// # Testing
//
// Package tokutest is a stateful, in-process fake of this API that sends
// correctly signed events: point a client at it with WithBaseURL.
package toku
