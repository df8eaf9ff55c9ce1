// Package conekta is a client for the Conekta API (Mexico): customers and
// their saved cards and cash references, orders and charges, subscription
// plans and subscriptions, the balance, transactions, transfers and payout
// orders, events, webhooks and their signing keys, card tokens, and the
// sandbox's recurring cash simulator.
//
// # Usage
//
//	c, err := conekta.NewClient(privateKey) // "key_…", from your secret store
//	cus, err := c.Customers.Create(ctx, &conekta.CustomerParams{
//		Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555",
//		PaymentSources: []*conekta.PaymentSourceParams{conekta.CardSourceParams(tokenID)},
//	})
//	ord, err := c.Orders.Create(ctx, &conekta.OrderParams{
//		Currency:     "MXN",
//		CustomerInfo: &conekta.CustomerInfo{CustomerID: cus.ID},
//		LineItems:    []*conekta.LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 1}},
//		Charges:      []*conekta.ChargeParams{conekta.ChargeDefault()}, // the customer's default card
//	})
//	for o, err := range c.Orders.All(ctx, &conekta.OrderListParams{PaymentStatus: conekta.OrderPaid}) { ... }
//
// Every service method takes a context first and per-call options last,
// and returns a nil result whenever it returns an error.
// Parameters are validated before anything is sent; a refusal is a
// *ParamError naming the field to fix, matching ErrInvalidRequest.
//
// # Authentication and versions
//
// The private key is sent as a Bearer token; it never reaches a log line or
// an error message (even a Conekta message that echoes it), and WithHeader
// cannot set Authorization. NewClient refuses a key that does not start with
// "key_" or has whitespace, control characters or non-ASCII bytes. Live and test mode
// share one host: the key decides. The API version travels in the Accept
// header (application/vnd.conekta-v2.3.0+json by default); WithAPIVersion
// selects another, such as APIVersion200 of Conekta's older guides.
// WithLanguage sets Accept-Language, the language of error messages.
//
// The versions differ where it matters here: 2.3.0 requires a customer's
// phone and names a recurring cash reference "cash_recurrent"; 2.0.0 names
// it "oxxo_recurrent". Client.RecurringCashSource picks the right one, and
// both decode.
//
// # Money
//
// Amounts are int64 centavos (MXN minor units) everywhere: 20015 is
// $200.15. No amount goes through a binary fraction.
//
// Amounts Conekta cannot take are refused before sending, with a
// *ParamError naming the field: a line item's UnitPrice outside 0 to
// 2,147,483,647 and a Quantity below 1 (Conekta's int32 fields, checked on
// Update too); a negative charge amount; a refund below 1 centavo; and any
// charge, capture, refund or test amount above MaxAmount (2^53−1), a bound
// of pagos's own: Conekta documents no maximum, and no JSON reader that
// reads numbers as float64 reads a larger integer exactly.
//
// # Errors
//
// An error answer from Conekta is an *Error with the HTTP status, Conekta's
// type, log id and details (code, param, message, debug message). Match the
// category with errors.Is against ErrUnauthorized, ErrForbidden,
// ErrNotFound, ErrInvalidRequest (422 and 428), ErrRateLimited, ErrServer,
// or ErrDeclined (402 processing_error, such as a declined card), and read
// the details with errors.As:
//
//	var ce *conekta.Error
//	if errors.As(err, &ce) { log.Print(ce.LogID, ce.Details) }
//
// The sentinels are the root package pagos's, shared by every provider:
// errors.Is(err, conekta.ErrNotFound) is the same test as errors.Is(err,
// pagos.ErrNotFound) or errors.Is(err, toku.ErrNotFound). ParamError and
// OutcomeUnknownError are pagos's types too.
//
// # Retries and idempotency
//
// GET, PUT and DELETE are retried on network errors, 408, 429 and 5xx, with
// capped exponential backoff and Retry-After honoured. A create (POST) is
// retried only when Conekta provably did not act on it: a 429, or a failure
// before the request could be written. When a create fails after it may have
// reached Conekta, the error matches ErrOutcomeUnknown and nothing is sent
// again, so a retry never creates a second customer or order: look the
// object up (each create's doc says how) before creating it again.
//
// Each attempt waits at most 30 s for the response; WithTimeout changes
// that, and a retry gets the full time again.
//
// Conekta's OpenAPI repository defines an Idempotency-Key header, but no
// operation or document confirms it is honoured. WithIdempotencyKey sends
// it; pagos still never repeats a write on its strength.
//
// # Pagination
//
// List returns one page (List.Data, List.HasMore, and List.NextCursor: the
// last item's id, to pass as ListParams.Next); All returns an iter.Seq2
// over every item, asking for the page after the last item's id while
// Conekta says has_more. pagos never follows the next_page_url Conekta
// sends. Limit is 1 to 250.
//
// # Webhooks
//
// Conekta signs deliveries with a webhook key: create one with
// WebhookKeys.Create and verify the Digest header with the public keys of
// the active ones (ActivePublicKeys) through webhook.NewConektaHandler,
// which processes each event once. Events decode into *Event: ID and Type
// are read strictly; the payload is read on demand by Order, Charge and
// InboundPayment, and Raw keeps the body.
//
// Recurring cash references are paid at a till with Conekta asking your
// approval URL synchronously (inbound_payment.lookup, then
// .payment_attempt), with 2 seconds to answer; conektasync.NewHandler
// answers them with InboundAnswer values (ApproveLookup, ApprovePayment,
// Decline with a FailureCode). The approval URL is set in Conekta's panel,
// not through this API. Settle on the charge.paid event that follows.
//
// # Subscriptions and money
//
// Plans say what a subscription charges and how often (IntervalMonth,
// Frequency 1: monthly); Subscriptions.Create charges the customer's card
// for the first period (after the trial, if any) and Conekta charges each
// following one, sending subscription.paid, or subscription.payment_failed
// with the subscription past_due. Event.Subscription, Event.Plan and
// Event.PayoutOrder decode those events. Update, Pause, Resume, Retry and
// Cancel change a subscription; since a change may charge the card, none is
// repeated after it may have reached Conekta (ErrOutcomeUnknown): Get the
// subscription first. CustomerPortals.Create gives the subscriber a page of
// their own.
//
// Balance.Get, Transactions and Transfers read where the money is; a
// PayoutOrders.Create pays a customer from the available balance and, like
// every money-moving write, is never repeated after it may have landed.
// Every result type keeps Conekta's body in Raw.
// # Account, antifraud and customer records
//
// Whitelist and Blacklist add and remove antifraud rules (an email, phone
// or card source that Conekta always lets through or always declines).
// APIKeys creates, rotates and deletes API keys: the key itself comes once,
// in Create's AuthenticationToken, a pagos.Secret that prints as
// "[redacted]". Companies reads the current company (Current) and, for a
// holding company, creates child companies and uploads their onboarding
// documents (the file goes base64-encoded in JSON, as Conekta's file says).
// Logs reads Conekta's record of each API request: Logs.Get(ce.LogID)
// shows what Conekta received for an *Error. ShippingContacts and
// FiscalEntities keep a customer's shipping addresses and tax identities.
//
// # Payment links and order lines
//
// Checkouts.Create makes a payment link: a page at Conekta where a customer
// pays an order made from a template (CheckoutOrderTemplate). Each payment
// creates an order and sends order.paid as any order does; put your own
// reference in the template's Metadata to match it. Until an order is paid,
// LineItems, DiscountLines, ShippingLines and TaxLines change its products,
// discounts, shipping costs and taxes, and Charges.Create adds a charge;
// Charges.List reads the charges of every order.
//
// # Testing
//
// Package conektatest is a stateful, in-process fake of this API that signs
// its webhooks, pays cash references at a simulated OXXO till and payment
// links at a simulated checkout page (PayCheckout): point a client at it
// with WithBaseURL. PaymentTests.Create drives the real
// sandbox's simulator.
package conekta
