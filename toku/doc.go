// Package toku is a client for the Toku collections API (Chile and Mexico):
// customers, invoices, subscriptions, webhook endpoints, signed events,
// daily reconciliation, portal redirection and Mexican bank-account checks.
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
// # Subscriptions
//
// Most Toku merchants collect through subscriptions: a customer subscribed
// to one of your products (ProductID, your contract or plan number, unique
// across your company). A recurring subscription has Toku issue an invoice
// every month by itself: generated on the first of each month and due on
// DueDay. Created on 12 October with DueDay 13, the first invoice is issued
// at once, due 13 October; with DueDay 11, the first is issued on 1
// November, due 11 November.
//
//	sub, err := c.Subscriptions.Create(ctx, &toku.SubscriptionParams{
//		Customer: cus.ID, ProductID: "contract-42",
//		IsRecurring: toku.Bool(true), Amount: toku.AmountFromWhole(19990), // pesos
//		DueDay: 5, CurrencyCode: "CLP", // CLP, CLF, MXN or BRL
//	})
//	for s, err := range c.Subscriptions.All(ctx, cus.ID, nil) { ... } // a customer's subscriptions
//	for inv, err := range c.Invoices.AllByCustomer(ctx, cus.ID, nil) { ... } // its invoices, inv.Subscription == sub.ID
//	_, err = c.Subscriptions.Update(ctx, sub.ID, &toku.SubscriptionParams{IsRecurring: toku.Bool(false)}) // stop the invoices
//	err = c.Subscriptions.Delete(ctx, sub.ID) // or remove it
//
// Amount, DueDay and CurrencyCode apply only to recurring subscriptions:
// pagos refuses them before sending unless IsRecurring is true in the same
// call. Subscribe your endpoint to EventInvoiceCreated to hear of each
// month's invoice and to EventTransactionSuccess to hear it was paid;
// subscription.* events (SubscriptionEventTypes) report the subscription's
// own changes, read with Event.Subscription.
//
// A Subscriptions.Create that ends in ErrOutcomeUnknown may have created
// the subscription: ProductID is unique across your company, so list the
// customer's subscriptions and look for it before creating it again.
//
// # Your own ids, redirection and bank accounts
//
// Customers.GetByExternalID finds a customer by the id you gave it, which is
// also how to recover from a Customers.Create that ended in
// ErrOutcomeUnknown. Invoices.ListByCustomer and AllByCustomer list a
// customer's invoices. Redirection.Create and Update set where Toku's
// payment portal sends the customer after paying. In Mexico,
// BankAccounts.Verify asks Toku to check that a CLABE belongs to an RFC
// (CheckCLABE validates the CLABE's 18 digits and check digit first); the
// answer arrives as EventBankAccountVerificationResult, read with
// Event.BankAccountVerification.
//
// # Unconfirmed
//
// Toku publishes no OpenAPI file and leaves parts of these endpoints out of
// its reference. pagos follows what it found and names each guess here, so
// a difference from the real API is quick to trace:
//
//   - POST /subscriptions, GET and DELETE /subscriptions/{id} and
//     GET /subscriptions/customer/{id} come from third-party clients; only
//     PUT /subscriptions/{id} and the subscription object are documented.
//     currency_code in a subscription response, and whether the customer
//     listing is paged, are assumptions; a bare array is read as one page.
//   - A recurring create without amount or due_day is refused by pagos, not
//     by Toku (whose reference marks both optional); a missing currency is
//     assumed to mean CLP, as for invoices.
//   - What Toku does with a DueDay past the end of a short month, or with
//     a subscription created on its due day, is not documented (the
//     tokutest fake uses the month's last day, and issues at once); that
//     Toku sends invoice.created for the invoices it issues by itself is an
//     inference.
//   - GET /customers/external/{external_id} is pagos's guess at a path
//     Toku lists but does not show; the answer may be an object or a list,
//     and both are read.
//   - GET /invoices/customer/{id}, POST and PUT /redirection (the "red_…" id
//     in the PUT body) and POST /bank-account-verification (account_number,
//     customer_identifier) come from third-party clients.
//   - The bank-account answer and the bank_account_verification.result
//     payload are not published: the object key bank_account_verification
//     and the fields id, status and result are assumptions; Raw keeps all.
//   - The cursor parameter of every list is sent as "cursor" (see
//     Pagination).
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
// List returns one page (List.Data, List.HasMore, List.NextCursor); All returns an
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
// Transaction, Invoice, Customer, Subscription, PaymentMethod and
// BankAccountVerification.
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
// correctly signed events: point a client at it with WithBaseURL. It keeps
// subscriptions and issues their monthly invoices as its clock moves
// (Server.Advance).
package toku
