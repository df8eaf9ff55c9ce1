package conekta

import (
	"context"
	"iter"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// WebhooksService registers the URLs Conekta posts events to.
//
// The synchronous approval URL of recurring cash ("Usar para Oxxo Pay
// Recurrente") is a setting of Conekta's panel, not of this API.
type WebhooksService service

// Webhook is a registered event destination.
type Webhook struct {
	ID               string      `json:"id"`
	Object           string      `json:"object,omitempty"` // "webhook"
	URL              string      `json:"url"`
	Description      string      `json:"description,omitempty"`
	Livemode         bool        `json:"livemode"`
	Active           bool        `json:"active"`
	Status           string      `json:"status,omitempty"` // such as "listening"
	SubscribedEvents []EventType `json:"subscribed_events,omitempty"`
	Deleted          bool        `json:"deleted,omitempty"`
}

// WebhookParams register a webhook.
type WebhookParams struct {
	// URL receives the events by POST. Conekta refuses localhost and
	// 127.0.0.1 (the conektatest fake does not).
	URL string `json:"url"`
	// SubscribedEvents lists the events to send; empty means Conekta's default set.
	SubscribedEvents []EventType `json:"subscribed_events,omitempty"`
}

// WebhookUpdateParams change a webhook; only the fields set are sent.
type WebhookUpdateParams struct {
	URL              string      `json:"url,omitempty"`
	SubscribedEvents []EventType `json:"subscribed_events,omitempty"`
	Active           *bool       `json:"active,omitempty"`
}

func webhookPath(id string) string { return "/webhooks/" + url.PathEscape(id) }

// Create registers a webhook (POST /webhooks). Verify its deliveries with
// webhook.NewConektaHandler and the public keys of WebhookKeys.
//
// Conekta API: createWebhook.
func (s *WebhooksService) Create(ctx context.Context, p *WebhookParams, opts ...RequestOption) (*Webhook, error) {
	if p == nil || p.URL == "" {
		return nil, check.Invalid(provider, "WebhookParams.URL", "is required: the https URL your webhook handler listens on")
	}
	if err := checkURL("WebhookParams.URL", p.URL); err != nil {
		return nil, err
	}
	return call[Webhook](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/webhooks", Body: p}, opts)
}

// Get fetches a webhook (GET /webhooks/{id}).
//
// Conekta API: getWebhook.
func (s *WebhooksService) Get(ctx context.Context, id string, opts ...RequestOption) (*Webhook, error) {
	if err := check.ID(provider, "webhook", id); err != nil {
		return nil, err
	}
	return call[Webhook](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: webhookPath(id)}, opts)
}

// List fetches one page of webhooks (GET /webhooks).
//
// Conekta API: getWebhooks.
func (s *WebhooksService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*Webhook], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/webhooks", Query: q}, opts, func(w *Webhook) string { return w.ID })
}

// All iterates over every webhook.
//
// Conekta API: getWebhooks.
func (s *WebhooksService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*Webhook, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Webhook], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}

// Update changes a webhook (PUT /webhooks/{id}).
//
// Conekta API: updateWebhook.
func (s *WebhooksService) Update(ctx context.Context, id string, p *WebhookUpdateParams, opts ...RequestOption) (*Webhook, error) {
	if err := check.ID(provider, "webhook", id); err != nil {
		return nil, err
	}
	if p == nil || sendsNothing(p) {
		return nil, check.Invalid(provider, "WebhookUpdateParams", "sets no field; there is nothing to update")
	}
	if p.URL != "" {
		if err := checkURL("WebhookUpdateParams.URL", p.URL); err != nil {
			return nil, err
		}
	}
	return call[Webhook](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: webhookPath(id), Body: p}, opts)
}

// Delete removes a webhook (DELETE /webhooks/{id}).
//
// Conekta API: deleteWebhook.
func (s *WebhooksService) Delete(ctx context.Context, id string, opts ...RequestOption) (*Webhook, error) {
	if err := check.ID(provider, "webhook", id); err != nil {
		return nil, err
	}
	return call[Webhook](ctx, s.client, &httpcore.Request{Method: http.MethodDelete, Path: webhookPath(id)}, opts)
}

// Test asks Conekta to send a test event to the webhook (POST
// /webhooks/{id}/test).
//
// Conekta API: testWebhook.
func (s *WebhooksService) Test(ctx context.Context, id string, opts ...RequestOption) (*Webhook, error) {
	if err := check.ID(provider, "webhook", id); err != nil {
		return nil, err
	}
	return call[Webhook](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: webhookPath(id) + "/test"}, opts)
}
