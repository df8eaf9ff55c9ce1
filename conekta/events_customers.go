package conekta

import (
	"fmt"
	"strings"
)

// Customer and webhook events, as in the default subscribed_events of a
// webhook Conekta creates (Conekta's guide "Probar localmente los Webhooks
// con Ngrok"). EventCustomerCreated is declared with the order events.
const (
	EventCustomerUpdated EventType = "customer.updated"
	EventCustomerDeleted EventType = "customer.deleted"
	// EventCustomerCardBlocked: a customer's saved card was blocked (its
	// payment_source_status changed); its payload is the payment source.
	EventCustomerCardBlocked EventType = "customer.payment_source.card.blocked"

	EventWebhookCreated EventType = "webhook.created"
	EventWebhookUpdated EventType = "webhook.updated"
	EventWebhookDeleted EventType = "webhook.deleted"
)

// Customer returns the customer of a customer.created, customer.updated or
// customer.deleted event.
func (e *Event) Customer() (*Customer, error) {
	switch e.Type {
	case EventCustomerCreated, EventCustomerUpdated, EventCustomerDeleted:
		return decodeObject[Customer](e)
	}
	return nil, fmt.Errorf("conekta: event %s is %s, not a customer event", e.ID, e.Type)
}

// PaymentSource returns the payment source of a customer.payment_source.*
// event, such as EventCustomerCardBlocked.
func (e *Event) PaymentSource() (*PaymentSource, error) {
	if !strings.HasPrefix(string(e.Type), "customer.payment_source.") {
		return nil, fmt.Errorf("conekta: event %s is %s, not a customer.payment_source event", e.ID, e.Type)
	}
	return decodeObject[PaymentSource](e)
}

// Webhook returns the webhook of a webhook.* event.
func (e *Event) Webhook() (*Webhook, error) {
	if e.Type.Object() != "webhook" {
		return nil, fmt.Errorf("conekta: event %s is %s, not a webhook event", e.ID, e.Type)
	}
	return decodeObject[Webhook](e)
}

// decodeObject decodes data.object into a new T, and returns nil with the
// error when it cannot.
func decodeObject[T any](e *Event) (*T, error) {
	v := new(T)
	if err := e.Decode(v); err != nil {
		return nil, err
	}
	return v, nil
}
