package toku

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pagos-go/pagos/internal/jsonx"
)

// EventType names a Toku event. Unknown types are kept as they arrive.
type EventType string

// Current event types (Toku's "Listado de eventos").
const (
	EventCustomerCreated                      EventType = "customer.created"
	EventCustomerUpdated                      EventType = "customer.updated"
	EventCustomerDeleted                      EventType = "customer.deleted"
	EventSubscriptionCreated                  EventType = "subscription.created"
	EventSubscriptionUpdated                  EventType = "subscription.updated"
	EventSubscriptionDeleted                  EventType = "subscription.deleted"
	EventInvoiceCreated                       EventType = "invoice.created"
	EventInvoiceUpdated                       EventType = "invoice.updated"
	EventInvoiceVoided                        EventType = "invoice.voided"
	EventInvoiceRefund                        EventType = "invoice.refund"
	EventPaymentMethodAttachedProducts        EventType = "payment_method.attached_products"
	EventPaymentMethodStatusUpdate            EventType = "payment_method.status_update"
	EventPaymentMethodInscriptionIntentFailed EventType = "payment_method_inscription_intent.failed"
	EventBankAccountVerificationResult        EventType = "bank_account_verification.result" // Mexico
	EventTransactionSuccess                   EventType = "transaction.success"
	EventTransactionStatusUpdate              EventType = "transaction.status_update"
	EventTransactionFailed                    EventType = "transaction.failed"
	EventTransactionRefund                    EventType = "transaction.refund"
	EventTransactionBulkSuccess               EventType = "transaction.bulk_success"
	EventTransactionBulkFailed                EventType = "transaction.bulk_failed"
	EventPaymentSucceeded                     EventType = "payment.succeeded" // manual payments only
	EventPayoutDone                           EventType = "payout.done"       // Chile
	EventPayoutMXDone                         EventType = "payout_mx.done"
	EventPayoutBRDone                         EventType = "payout_br.done"
	EventCheckoutSessionExpired               EventType = "checkout_session.expired"
	EventOperationReceiptCreated              EventType = "operation_receipt.created"
	EventActivationCreated                    EventType = "activation.created" // CLP 1,000 transfer activation
)

// Legacy event types (the older webhook list); Toku marks the PaymentIntent
// events obsolete but may still send them to endpoints subscribed to them.
const (
	EventInteractionIncoming                EventType = "interaction.incoming"
	EventInteractionOutgoing                EventType = "interaction.outgoing"
	EventPaymentMethodAttached              EventType = "payment_method.attached"
	EventPayoutMXSuccess                    EventType = "payout_mx.success"
	EventPaymentIntentSucceeded             EventType = "payment_intent.succeeded"
	EventPaymentIntentPaymentFailed         EventType = "payment_intent.payment_failed"
	EventPaymentIntentSucceededBatch        EventType = "payment_intent.succeeded_batch"
	EventPaymentIntentPaymentSucceededBatch EventType = "payment_intent.payment_succeeded_batch" // the spelling of the older docs
	EventPaymentIntentPaymentFailedBatch    EventType = "payment_intent.payment_failed_batch"
	EventPaymentIntentPaymentPendingBatch   EventType = "payment_intent.payment_pending_batch"
)

// Object returns the name of the payload object the event carries: the part
// of the type before the first dot ("payment_intent" for
// "payment_intent.succeeded").
func (t EventType) Object() string {
	obj, _, _ := strings.Cut(string(t), ".")
	return obj
}

// Signed says what part of a delivery its Toku-Signature covered.
type Signed int

const (
	// SignedNone: the event was parsed, not verified.
	SignedNone Signed = iota
	// SignedEventID: the signature covers the timestamp and the event id, as
	// Toku's docs describe. Nothing else in the body is authenticated, the
	// event type included: anyone who saw one signed delivery could resend
	// its id and timestamp with another body while the timestamp is fresh.
	// Act on money only once Event.Authenticated says so
	// (Client.ConfirmEvent, or webhook.WithTokuConfirmation in the handler,
	// confirms payments through the API, field by field).
	SignedEventID
	// SignedBody: the signature covers the timestamp and the raw body, so the
	// whole payload is authenticated.
	SignedBody
)

// String names what was signed: "event id", "body" or "none".
func (s Signed) String() string {
	switch s {
	case SignedEventID:
		return "event id"
	case SignedBody:
		return "body"
	}
	return "none"
}

// Event is a Toku webhook delivery. The envelope (id and type) is decoded
// strictly; id_account takes whatever text it can (a number keeps its
// digits); the payload is decoded lazily by the typed accessors, so an event
// whose payload has a new shape is still delivered, with Raw.
type Event struct {
	// ID is the event id ("evt_…", "whe_…", "wheve_…"), as text even when
	// Toku sends a number.
	ID        string
	Type      EventType
	AccountID string          // id_account: the Cuenta de Cobro, when sent as a string or number
	Raw       json.RawMessage // the whole body as received

	// Signed is set by webhook verification: what the signature covered.
	// When it is SignedEventID the accessors read an unauthenticated payload.
	Signed Signed
	// Confirmed is set by Client.ConfirmEvent (and so by
	// webhook.WithTokuConfirmation) when the payment the event reports was
	// found at Toku through the API with every field the payload gives equal
	// to the API's.
	Confirmed bool
	// ConfirmedInvoices holds the invoices fetched from the API when the
	// event was confirmed; trust them over the payload.
	ConfirmedInvoices []*Invoice
	// ConfirmedTransaction holds the transaction found in Toku's payments
	// list when the event was confirmed.
	ConfirmedTransaction *Transaction
	// Replayed is set on an event webhook.ReplayToku rebuilt from the API
	// for a payment whose delivery was missed: its ID is then the
	// transaction id, since Toku's API gives no event ids.
	Replayed bool
}

// Authenticated reports whether the whole event can be trusted: its body was
// signed (SignedBody), or the API confirmed it (Confirmed). When it is false
// only the event id is authenticated, and the type and payload may have been
// rewritten by whoever replays a signed delivery.
func (e *Event) Authenticated() bool { return e.Signed == SignedBody || e.Confirmed }

// ErrMalformedEvent is returned (wrapped) when a body has no readable id or
// event_type.
var ErrMalformedEvent = errors.New("toku: malformed event")

// ParseEvent decodes an event body without verifying it. Use
// webhook.VerifyToku for deliveries from the network.
func ParseEvent(body []byte) (*Event, error) {
	e := new(Event)
	if err := json.Unmarshal(body, e); err != nil {
		if !errors.Is(err, ErrMalformedEvent) {
			err = fmt.Errorf("%w: %v", ErrMalformedEvent, err)
		}
		return nil, err
	}
	return e, nil
}

// UnmarshalJSON decodes the envelope (id and event_type) strictly and keeps
// the whole body; nothing else in the body can make it fail.
func (e *Event) UnmarshalJSON(b []byte) error {
	var env struct {
		ID        json.RawMessage `json:"id"`
		EventType *string         `json:"event_type"`
		AccountID json.RawMessage `json:"id_account"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedEvent, err)
	}
	id, err := jsonx.IDText(env.ID)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedEvent, err)
	}
	if env.EventType == nil || *env.EventType == "" {
		return fmt.Errorf("%w: no event_type", ErrMalformedEvent)
	}
	*e = Event{ID: id, Type: EventType(*env.EventType), Raw: append(json.RawMessage(nil), b...)}
	// id_account is informative, not part of the envelope: a number keeps
	// its text, any other shape leaves it empty (Raw still holds it), so an
	// authentic event is never refused for it.
	var account Text
	if len(env.AccountID) > 0 && account.UnmarshalJSON(env.AccountID) == nil {
		e.AccountID = string(account)
	}
	return nil
}

// MarshalJSON writes the body as received.
func (e *Event) MarshalJSON() ([]byte, error) {
	if len(e.Raw) == 0 {
		return []byte("null"), nil
	}
	return e.Raw, nil
}

// Decode decodes the top-level field key of the body into v: for example
// e.Decode("product_ids", &ids). It reports whether the field is present.
func (e *Event) Decode(key string, v any) (bool, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(e.Raw, &top); err != nil {
		return false, err
	}
	raw, ok := top[key]
	if !ok || string(raw) == "null" {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("toku: event %s: decoding %q: %w", e.ID, key, err)
	}
	return true, nil
}

// object decodes a required payload object for a typed accessor.
func object[T any](e *Event, key string) (*T, error) {
	v := new(T)
	ok, err := e.Decode(key, v)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("toku: event %s (%s) carries no %q object", e.ID, e.Type, key)
	}
	return v, nil
}

// The typed accessors below decode the payload on demand. Unless
// e.Authenticated() is true, what they return is not authenticated (see
// SignedEventID).

// PaymentIntent returns the payment_intent object of payment_intent.* events.
func (e *Event) PaymentIntent() (*PaymentIntent, error) {
	return object[PaymentIntent](e, "payment_intent")
}

// Payment returns the payment object of payment.succeeded.
func (e *Event) Payment() (*Payment, error) { return object[Payment](e, "payment") }

// Transaction returns the transaction of transaction.* events, with the
// customer, payment intents and instrument that travel beside it.
func (e *Event) Transaction() (*Transaction, error) {
	t := new(Transaction)
	if err := json.Unmarshal(e.Raw, t); err != nil {
		return nil, fmt.Errorf("toku: event %s: decoding transaction: %w", e.ID, err)
	}
	if t.ID == "" {
		return nil, fmt.Errorf("toku: event %s (%s) carries no transaction", e.ID, e.Type)
	}
	return t, nil
}

// Invoice returns the invoice object of invoice.* events.
func (e *Event) Invoice() (*Invoice, error) { return object[Invoice](e, "invoice") }

// Customer returns the customer object of customer.* events, or the customer
// that travels beside the payload of payment method and transaction events.
func (e *Event) Customer() (*Customer, error) { return object[Customer](e, "customer") }

// Subscription returns the subscription object of subscription.* events.
func (e *Event) Subscription() (*Subscription, error) { return object[Subscription](e, "subscription") }

// PaymentMethod returns the payment_method object of payment_method.* events.
func (e *Event) PaymentMethod() (*PaymentMethod, error) {
	return object[PaymentMethod](e, "payment_method")
}

// PaymentIntent is a (deprecated) Toku payment intent ("pi_…"): one attempt
// to pay one invoice. Event payloads and transaction objects name a few
// fields differently; both decode here.
type PaymentIntent struct {
	ID                 string `json:"id"`
	Invoice            string `json:"invoice"`  // "in_…"; "id_invoice" in transactions
	Customer           string `json:"customer"` // "cus_…"
	AccountID          string `json:"id_account"`
	Subscription       string `json:"id_subscription"`
	InvoiceExternalID  string `json:"invoice_external_id"`
	ProductID          string `json:"product_id"`
	Gateway            string `json:"gateway"` // such as "toku_pac", "khipu_transfer"
	Amount             Amount `json:"amount"`  // major units; Toku sends it as a string
	Currency           string `json:"currency"`
	PaymentMethod      string `json:"payment_method"` // "pm_…"
	TransactionDate    *Time  `json:"transaction_date"`
	CardDetail         string `json:"card_detail"` // last digits only
	BuyOrder           string `json:"buy_order"`
	ChildBuyOrder      string `json:"child_buy_order"`
	AuthorizationCode  Text   `json:"authorization_code"`
	PaymentTypeCode    string `json:"payment_type_code"`
	TokuResponseCode   Text   `json:"toku_response_code"` // "SU0000" on success
	ResponseCode       Text   `json:"response_code"`
	InstallmentsNumber int    `json:"installments_number"`
	MCOrderID          string `json:"mc_order_id"`
	Status             string `json:"status"` // such as "AUTHORIZED"
	Type               string `json:"type"`
}

// UnmarshalJSON accepts the payload and the transaction-object spellings.
func (p *PaymentIntent) UnmarshalJSON(b []byte) error {
	type plain PaymentIntent
	var v struct {
		plain
		IDInvoice string `json:"id_invoice"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = PaymentIntent(v.plain)
	if p.Invoice == "" {
		p.Invoice = v.IDInvoice
	}
	return nil
}

// Payment is the object of payment.succeeded: a payment made manually
// through Toku ("pay_…").
type Payment struct {
	ID            string `json:"id"`
	Invoice       string `json:"invoice"`
	Customer      string `json:"customer"`
	AccountID     string `json:"id_account"`
	ProductID     string `json:"product_id"`
	DueDate       Date   `json:"due_date"`
	PaymentAmount Amount `json:"payment_amount"` // major units; sent as a string
	PaymentDate   Date   `json:"payment_date"`
	Gateway       string `json:"gateway"`
	PaymentIntent string `json:"payment_intent"`
	BuyOrder      string `json:"buy_order"`
	Receipt       string `json:"receipt"`
}

// PaymentMethod is a customer's enrolled payment method ("pm_…").
type PaymentMethod struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"` // "card", "bank_account", "pix", …
	Status     string          `json:"status"`
	ExternalID string          `json:"external_id"`
	CreatedAt  *Time           `json:"created_at"`
	Card       *Card           `json:"card"`
	Metadata   json.RawMessage `json:"payment_method_metadata"`
}

// Card is what Toku shares about an enrolled or charged card: never the full
// number.
type Card struct {
	Bin                string `json:"bin"`
	CardType           string `json:"card_type"`
	CardBrand          string `json:"card_brand"`
	LastDigits         string `json:"last_digits"`
	ExpirationMonth    string `json:"expiration_month"`
	ExpirationYear     string `json:"expiration_year"`
	CardHolder         string `json:"card_holder"`
	BankName           string `json:"bank_name"`
	InstitutionCountry string `json:"institution_country"`
	Country            string `json:"country"`
	ThreeDSecure       bool   `json:"three_d_secure"`
}
