package conekta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
	"github.com/pagos-go/pagos/internal/jsonx"
)

// EventsService reads the events Conekta generated and sends them again.
type EventsService service

// EventType names a Conekta event. Unknown types are kept as they arrive.
type EventType string

// Order events.
const (
	EventOrderCreated           EventType = "order.created"
	EventOrderUpdated           EventType = "order.updated"
	EventOrderPaid              EventType = "order.paid"
	EventOrderPendingPayment    EventType = "order.pending_payment"
	EventOrderDeclined          EventType = "order.declined"
	EventOrderCanceled          EventType = "order.canceled"
	EventOrderExpired           EventType = "order.expired"
	EventOrderVoided            EventType = "order.voided"
	EventOrderPreAuthorized     EventType = "order.pre_authorized"
	EventOrderRefunded          EventType = "order.refunded"
	EventOrderPartiallyRefunded EventType = "order.partially_refunded"
	EventOrderChargedBack       EventType = "order.charged_back"
	EventOrderFraudulent        EventType = "order.fraudulent"
	EventOrderUnderFraudReview  EventType = "order.under_fraud_review"
)

// Charge events.
const (
	EventChargeCreated             EventType = "charge.created"
	EventChargePaid                EventType = "charge.paid"
	EventChargeDeclined            EventType = "charge.declined"
	EventChargeCanceled            EventType = "charge.canceled"
	EventChargePendingConfirmation EventType = "charge.pending_confirmation"
	EventChargeExpired             EventType = "charge.expired"
	EventChargeRefunded            EventType = "charge.refunded"
	EventChargePreAuthorized       EventType = "charge.preauthorized"
	EventChargeReversed            EventType = "charge.reversed" // cash only
	EventChargeUnderFraudReview    EventType = "charge.under_fraud_review"
	EventChargeFraudulent          EventType = "charge.fraudulent"
	EventChargeScoreUpdated        EventType = "charge.score_updated"
)

// Synchronous inbound payment requests of recurring cash references: Conekta
// asks the merchant's approval URL and waits up to 2 seconds for the answer.
// Serve them with conektasync.NewHandler (package webhook/conektasync).
const (
	// EventInboundPaymentLookup: a customer at the till asked to pay the
	// reference; answer whether it is payable and the amount range.
	EventInboundPaymentLookup EventType = "inbound_payment.lookup"
	// EventInboundPaymentAttempt: the customer handed over the amount;
	// answer whether to accept it. Settle on charge.paid, not here.
	EventInboundPaymentAttempt EventType = "inbound_payment.payment_attempt"
	// EventInboundPaymentReverse: the till cancelled an accepted attempt.
	EventInboundPaymentReverse EventType = "inbound_payment.reverse"
)

// Other events.
const (
	EventWebhookPing     EventType = "webhook_ping"
	EventCustomerCreated EventType = "customer.created"
)

// Object returns the kind of object the event is about: the part of the
// type before the first dot ("order" for "order.paid").
func (t EventType) Object() string {
	obj, _, _ := strings.Cut(string(t), ".")
	return obj
}

// IsInboundPayment reports whether t is one of the synchronous
// inbound_payment.* requests.
func (t EventType) IsInboundPayment() bool { return t.Object() == "inbound_payment" }

// Event is a Conekta event, from a webhook delivery or the events API. The
// envelope (ID, Type) is decoded strictly; the payload (data.object) is
// decoded lazily by Order, Charge and InboundPayment, so an event whose
// payload has a new shape is still delivered, with Raw.
type Event struct {
	ID            string // a 24-hex-digit id, such as "5b438f82583eb80d50b4652c"
	Type          EventType
	Livemode      bool
	CreatedAt     Time
	WebhookStatus string        // such as "successful", "pending", "not_applicable"
	WebhookLogs   []*WebhookLog // deliveries so far, in answers of the events API
	// Object is data.object as sent; PreviousAttributes is
	// data.previous_attributes (what an update changed).
	Object             json.RawMessage
	PreviousAttributes json.RawMessage
	Raw                json.RawMessage // the whole body as received
}

// WebhookLog is one webhook's delivery record of an event.
type WebhookLog struct {
	ID                     string          `json:"id"`
	URL                    string          `json:"url"`
	FailedAttempts         int             `json:"failed_attempts"`
	LastAttemptedAt        Time            `json:"last_attempted_at"`
	LastHTTPResponseStatus int             `json:"last_http_response_status"`
	ResponseData           json.RawMessage `json:"response_data,omitempty"`
}

// ErrMalformedEvent is returned (wrapped) when a body has no readable id or
// type.
var ErrMalformedEvent = errors.New("conekta: malformed event")

// ParseEvent decodes an event body without verifying it. Use
// webhook.VerifyConekta for deliveries from the network.
func ParseEvent(body []byte) (*Event, error) {
	e := new(Event)
	if err := e.UnmarshalJSON(body); err != nil { // directly: json.Unmarshal would scan the body once more
		if !errors.Is(err, ErrMalformedEvent) {
			err = fmt.Errorf("%w: %v", ErrMalformedEvent, err)
		}
		return nil, err
	}
	return e, nil
}

// UnmarshalJSON decodes the envelope strictly and keeps the whole body.
func (e *Event) UnmarshalJSON(b []byte) error {
	// data is read in the same pass; only a data that is not an object
	// takes a second, lenient one.
	type envelope struct {
		ID            json.RawMessage `json:"id"` // a string; a number is kept as its text
		Type          *string         `json:"type"`
		Livemode      json.RawMessage `json:"livemode"`
		CreatedAt     json.RawMessage `json:"created_at"`
		WebhookStatus json.RawMessage `json:"webhook_status"`
		WebhookLogs   json.RawMessage `json:"webhook_logs"`
	}
	var env struct {
		envelope
		Data *struct {
			Object   json.RawMessage `json:"object"`
			Previous json.RawMessage `json:"previous_attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		env.Data = nil
		if err := json.Unmarshal(b, &env.envelope); err != nil {
			return fmt.Errorf("%w: %v", ErrMalformedEvent, err)
		}
	}
	id, err := jsonx.IDText(env.ID)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedEvent, err)
	}
	if env.Type == nil || *env.Type == "" {
		return fmt.Errorf("%w: no type", ErrMalformedEvent)
	}
	*e = Event{ID: id, Type: EventType(*env.Type), Raw: append(json.RawMessage(nil), b...)}
	// The rest is informative: a shape pagos does not expect leaves it empty
	// rather than refusing an authentic event.
	_ = json.Unmarshal(env.Livemode, &e.Livemode)
	if len(env.CreatedAt) > 0 {
		_ = e.CreatedAt.UnmarshalJSON(env.CreatedAt)
	}
	if len(env.WebhookStatus) > 0 {
		_ = json.Unmarshal(env.WebhookStatus, &e.WebhookStatus)
	}
	if len(env.WebhookLogs) > 2 { // not [] or null
		_ = json.Unmarshal(env.WebhookLogs, &e.WebhookLogs)
	}
	if env.Data != nil {
		e.Object, e.PreviousAttributes = env.Data.Object, env.Data.Previous
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

// Decode decodes data.object into v, for payloads without an accessor.
func (e *Event) Decode(v any) error {
	if o := bytes.TrimSpace(e.Object); len(o) == 0 || string(o) == "null" {
		return fmt.Errorf("conekta: event %s (%s) carries no data.object", e.ID, e.Type)
	}
	if err := json.Unmarshal(e.Object, v); err != nil {
		return fmt.Errorf("conekta: event %s (%s): decoding data.object: %w", e.ID, e.Type, err)
	}
	return nil
}

func decodeAs[T any](e *Event, object string) (*T, error) {
	if e.Type.Object() != object {
		return nil, fmt.Errorf("conekta: event %s is %s, not an %s event", e.ID, e.Type, object)
	}
	return decodeObject[T](e)
}

// Order returns the order of an order.* event.
func (e *Event) Order() (*Order, error) { return decodeAs[Order](e, "order") }

// Charge returns the charge of a charge.* event.
func (e *Event) Charge() (*Charge, error) { return decodeAs[Charge](e, "charge") }

// InboundPayment returns the payment of an inbound_payment.* request.
func (e *Event) InboundPayment() (*InboundPayment, error) {
	return decodeAs[InboundPayment](e, "inbound_payment")
}

// Get fetches an event (GET /events/{id}): use it to confirm a delivery
// against the API.
//
// Conekta API: getEvent.
func (s *EventsService) Get(ctx context.Context, id string, opts ...RequestOption) (*Event, error) {
	if err := check.ID(provider, "event", id); err != nil {
		return nil, err
	}
	return call[Event](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/events/" + url.PathEscape(id)}, opts)
}

// List fetches one page of events, newest first (GET /events).
//
// Conekta API: getEvents.
func (s *EventsService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*Event], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/events", Query: q}, opts, func(e *Event) string { return e.ID })
}

// All iterates over every event.
//
// Conekta API: getEvents.
func (s *EventsService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*Event, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Event], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}

// Resend sends an event again to the given webhooks (POST
// /events/{id}/resend) and returns the delivery record.
//
// Conekta API: resendEvent.
func (s *EventsService) Resend(ctx context.Context, id string, webhookIDs []string, opts ...RequestOption) (*WebhookLog, error) {
	if err := check.ID(provider, "event", id); err != nil {
		return nil, err
	}
	if len(webhookIDs) == 0 {
		return nil, check.Invalid(provider, "webhookIDs", "is empty; name the webhooks to send the event to")
	}
	body := map[string][]string{"webhooks_ids": webhookIDs}
	return call[WebhookLog](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/events/" + url.PathEscape(id) + "/resend", Body: body}, opts)
}
