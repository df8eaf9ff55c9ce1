// Package conektatest is an in-process, stateful fake of the Conekta API for
// tests and demos: customers and payment sources, card tokens, orders and
// charges, plans and subscriptions billed on the fake's clock, the balance,
// transactions, transfers and payout orders, events, webhooks and webhook
// keys, validated as Conekta does, with a till control for what a customer
// does at an OXXO.
//
//	srv := conektatest.NewServer(t, conektatest.WithSigningKey(key)) // closed when the test ends
//	c := srv.Client()                                                // a *conekta.Client pointed at the fake; fails t on a bad key
//	srv.Subscribe(handle)                                            // webhook, keys and loopback server in one call
//	cus, _ := c.Customers.Create(ctx, &conekta.CustomerParams{..., PaymentSources: []*conekta.PaymentSourceParams{
//		conekta.CardSourceParams(conektatest.TokenVisa)}})
//	ord, _ := c.Orders.Create(ctx, &conekta.OrderParams{..., Charges: []*conekta.ChargeParams{conekta.ChargeDefault()}})
//	srv.Settle(ctx)                                                  // order.paid has reached your handler
//
// Subscribe registers a webhook through the fake's API and builds
// webhook.NewConektaHandler with the fake's public keys, served on
// loopback. A payment (charge.paid, order.paid) that no active webhook hears
// of is reported in the test's log. Client and Subscribe fail the test
// themselves on a setup error (they panic when the fake was started with a
// nil testing.TB, as a program does).
//
// # Cards
//
// TokenVisa pays; TokenDeclined and TokenInsufficientFunds are declined:
// the order create answers 402 (conekta.ErrDeclined) and order.declined is
// sent. Tokens.Create makes tokens from card numbers (CardVisa,
// CardDeclined, CardInsufficientFunds). A token is used once. Card orders are
// paid at once (order.paid, charge.paid) unless pre-authorized; cash orders
// stay pending_payment until paid at the till. A SPEI charge
// (payment_method type "spei", conekta.MethodSPEI) answers a
// bank_transfer_payment with the CLABE and bank to transfer to, and stays
// pending_payment.
//
// # Agreement with Conekta's OpenAPI file
//
// The fake's own tests (in conekta/conektatest/spectest, a module of its own
// so the validator's dependencies stay out of yours) check every request it
// accepts and every answer it gives against Conekta's official OpenAPI file
// (2.3.0), so it answers
// what Conekta sends, optional fields included (a customer's corporate,
// custom_reference and metadata, nested lists' page URLs, a charge's
// reference_id and refunds, each refund's reason), and refuses what the
// file forbids: a customer without a phone ("" is a phone), a line item
// name under 3 characters. Where the file is wrong, or the fake differs on
// purpose (it accepts loopback webhook URLs), the tests name the exception.
//
// # Recurring cash at the till
//
// A customer's recurring cash reference (cash_recurrent, or oxxo_recurrent
// with API 2.0.0) is paid with PayAtTill, which does what Conekta does: it
// sends inbound_payment.lookup to the merchant's approval URL, then, if the
// amount is within the approved range, inbound_payment.payment_attempt; an
// answer that is late (2 s, WithSyncLimit), not a 200, or not an approval
// declines the payment. Once both approve it records a paid order and sends
// charge.paid and order.paid. The approval URL is a panel setting at Conekta,
// not an API, so the fake has its own control: SetApprovalURL, whose
// user:password, if any, is sent as Basic authentication. POST /payment_test
// sends one inbound_payment request, as the sandbox's simulator does.
// SyncCalls reports every such request.
//
// # Payment links and order lines
//
// Payment links (POST /checkouts) are kept with their order template.
// PayCheckout does what a customer paying one on Conekta's page causes: it
// creates an order from the template and charges it (a test token pays at
// once; a cash charge gives a reference PayAtTill then pays), sending the
// order's events. A link counts its paid orders and is "Finished" once it
// took all it may (one payment, or PaymentsLimitCount for a recurrent
// link); "Finished" and "Cancelled" are the fake's words, the spec shows
// only "Issued". Until an order has a charge, its products, discounts,
// shipping costs and taxes can change, and its amount follows; afterwards
// the fake answers 428, as Conekta does to an order update. Cancelling a
// refund (DELETE /orders/{id}/refunds/{refund_id}) restores what it took.
//
// # Webhooks
//
// Events are signed as Conekta signs them: the Digest header is the base64
// RSA PKCS #1 v1.5 SHA-256 signature of the body, with the newest active
// webhook key. The fake serves its key's public half from /webhook_keys
// (PublicKeys returns it parsed); POST /webhook_keys makes a new RSA-2048
// key that signs from then on, for rotation tests. Deliveries run in the
// background after the API answers, as Conekta's do, retried with doubling
// waits until a 2xx or the attempts run out (WithMaxAttempts, WithSleep);
// Settle waits for them, Deliveries reports them and Resend sends an event
// again. Unlike Conekta, which refuses localhost webhook URLs, the fake
// delivers to loopback, so a handler on httptest receives them.
//
// # Subscriptions, balance and payouts
//
// Plans and subscriptions bill on the fake's clock: a subscription charges
// its card at once (or when its trial ends), then Advance moves the clock
// and charges every period that fell due, each as a paid order (with
// order.paid and charge.paid) and subscription.paid. A declined card
// (TokenDeclined) leaves it past_due with subscription.payment_failed; it
// is tried again every plan's retry_delay_hours and canceled after
// max_retries more failures. Pause, Resume, Retry, Cancel and the customer
// portal work as Conekta's do. Now reports the fake's clock.
//
// The balance and the transactions are the orders' paid charges: each is a
// capture, pending until SettlementDelay has passed on the fake's clock,
// then available. Transfer does what Conekta's payout schedule does (sends
// the available balance to the bank as a transfer); a payout order takes
// its amount from the available balance (402 when it is short), a cancel
// gives it back, and CollectPayout closes it as a customer collecting the
// cash would. Balance reports the result.
// # Account resources and the request log
//
// The antifraud whitelist and blacklist, API keys, companies with their
// documents, and customers' shipping contacts and fiscal entities are kept
// as Conekta keeps them (a customer's first shipping contact and fiscal
// entity become its defaults). A private key made with POST /api_keys
// authenticates requests until it is deactivated or deleted. Every
// authenticated request is logged for GET /logs, newest first, with card
// numbers, CVCs, tokens, keys and document contents filtered out; an error
// answer's log_id is the id of its log. The current company is the fake's
// own account, "conektatest_company".
//
// # Keeping state
//
// SaveState writes every object the fake holds as JSON (customers and
// their payment sources, tokens, orders, cash references, events with
// their webhook logs, webhooks, the webhook keys with their private
// halves, the approval URL, deliveries and till calls, plans,
// subscriptions and their billing position, Advance's clock offset,
// payouts, transfers, account resources, the request log, payment links
// and the id counter); LoadState puts them back in a new fake, which then
// answers, signs and bills as the old one would have, and refuses a file
// that is corrupt or another fake's, keeping what it held. Deliveries
// still being attempted are not saved: call Settle first. WithListener
// serves on a given listener, so a restarted fake keeps its URL. This is
// what `pagos fake -state FILE` uses.
//
// # Determinism
//
// Ids are a prefix and one counter shared by all objects ("cus_000002",
// "ord_000004", …) unless WithIDs sets another source; WithClock sets
// created_at and paid_at.
// WithSigningKey avoids generating an RSA key per fake. Lists are in
// creation order, paged by id like Conekta's.
package conektatest
