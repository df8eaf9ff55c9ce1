package toku

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// WebhookEndpointsService registers the URLs Toku posts events to.
type WebhookEndpointsService service

// EndpointStatus says whether Toku delivers events to an endpoint.
type EndpointStatus string

// Endpoint statuses.
const (
	EndpointEnabled  EndpointStatus = "enabled"
	EndpointDisabled EndpointStatus = "disabled"
)

// WebhookEndpoint is a registered event destination ("whe_…").
type WebhookEndpoint struct {
	ID            string         `json:"id"`
	URL           string         `json:"url"`
	EnabledEvents []EventType    `json:"enabled_events"`
	Status        EndpointStatus `json:"status"`
	// Secret ("whesec_…") verifies the Toku-Signature of deliveries: store
	// it, then pass string(Secret) to webhook.NewTokuHandler. It prints and
	// encodes redacted. Toku may return it only when the endpoint is created.
	Secret Secret `json:"secret,omitempty"`
}

// UnmarshalJSON reads the endpoint, keeping the secret's real value.
func (w *WebhookEndpoint) UnmarshalJSON(b []byte) error {
	type plain WebhookEndpoint
	var v struct {
		plain
		Secret string `json:"secret"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*w = WebhookEndpoint(v.plain)
	w.Secret = Secret(v.Secret)
	return nil
}

// WebhookEndpointParams are the fields of an endpoint create or update.
type WebhookEndpointParams struct {
	// URL receives the events by POST; https in production.
	URL string `json:"url,omitempty"`
	// EnabledEvents lists the event types to deliver; required on create.
	EnabledEvents []EventType `json:"enabled_events,omitempty"`
	// Status is EndpointEnabled or EndpointDisabled. On create, empty means
	// EndpointEnabled.
	Status EndpointStatus `json:"status,omitempty"`
}

func (p *WebhookEndpointParams) check(create bool) error {
	if p == nil {
		return check.Invalid("toku", "WebhookEndpointParams", "is nil")
	}
	if create {
		if p.URL == "" {
			return check.Invalid("toku", "WebhookEndpointParams.URL", "is required: the https URL your webhook handler listens on")
		}
		if len(p.EnabledEvents) == 0 {
			return check.Invalid("toku", "WebhookEndpointParams.EnabledEvents", "is empty; list the event types to receive, such as toku.EventTransactionSuccess")
		}
	} else if sendsNothing(p) {
		return check.Invalid("toku", "WebhookEndpointParams", "sets no field; there is nothing to update")
	}
	if p.URL != "" {
		if u, err := url.Parse(p.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return check.Invalid("toku", "WebhookEndpointParams.URL", "must be an absolute https URL such as https://example.com/webhooks/toku")
		}
	}
	for i, e := range p.EnabledEvents {
		if e == "" {
			return check.Invalid("toku", "WebhookEndpointParams.EnabledEvents", "entry %d is empty", i)
		}
	}
	if p.Status != "" && p.Status != EndpointEnabled && p.Status != EndpointDisabled {
		return check.Invalid("toku", "WebhookEndpointParams.Status", "is %q; use toku.EndpointEnabled or toku.EndpointDisabled", p.Status)
	}
	return nil
}

// Create registers an endpoint (POST /webhook_endpoints). The answer carries
// the endpoint's signing Secret: store it.
func (s *WebhookEndpointsService) Create(ctx context.Context, p *WebhookEndpointParams, opts ...RequestOption) (*WebhookEndpoint, error) {
	if err := p.check(true); err != nil {
		return nil, err
	}
	body := *p
	if body.Status == "" {
		body.Status = EndpointEnabled
	}
	return call[WebhookEndpoint](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/webhook_endpoints", Body: &body}, opts)
}

// Get fetches an endpoint (GET /webhook_endpoints/{id}).
func (s *WebhookEndpointsService) Get(ctx context.Context, id string, opts ...RequestOption) (*WebhookEndpoint, error) {
	if err := check.ID("toku", "webhook endpoint", id); err != nil {
		return nil, err
	}
	return call[WebhookEndpoint](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/webhook_endpoints/" + url.PathEscape(id)}, opts)
}

// List fetches the organization's endpoints (GET /webhook_endpoints).
func (s *WebhookEndpointsService) List(ctx context.Context, opts ...RequestOption) ([]*WebhookEndpoint, error) {
	var page List[*WebhookEndpoint]
	if err := s.client.do(ctx, &httpcore.Request{Method: http.MethodGet, Path: "/webhook_endpoints"}, &page, opts); err != nil {
		return nil, err
	}
	return page.Data, nil
}

// Update changes an endpoint's events, URL or status (PUT
// /webhook_endpoints/{id}); set Status to EndpointDisabled to stop deliveries.
func (s *WebhookEndpointsService) Update(ctx context.Context, id string, p *WebhookEndpointParams, opts ...RequestOption) (*WebhookEndpoint, error) {
	if err := check.ID("toku", "webhook endpoint", id); err != nil {
		return nil, err
	}
	if err := p.check(false); err != nil {
		return nil, err
	}
	return call[WebhookEndpoint](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: "/webhook_endpoints/" + url.PathEscape(id), Body: p}, opts)
}

// TestParams asks Toku to send a sample event.
type TestParams struct {
	EventType EventType `json:"event_type"` // required
	URL       string    `json:"url"`        // required: where to send it
}

// TestResult is Toku's answer to a test delivery; its shape is not
// published, so it is kept raw.
type TestResult struct {
	Raw json.RawMessage
}

// Test asks Toku to send a sample event of p.EventType to p.URL (POST
// /dummy_webhook), to check that your endpoint verifies and processes it.
func (s *WebhookEndpointsService) Test(ctx context.Context, p *TestParams, opts ...RequestOption) (*TestResult, error) {
	if p == nil || p.EventType == "" {
		return nil, check.Invalid("toku", "TestParams.EventType", "is required, such as toku.EventTransactionSuccess")
	}
	if u, err := url.Parse(p.URL); err != nil || u.Host == "" {
		return nil, check.Invalid("toku", "TestParams.URL", "must be the absolute URL of your webhook endpoint")
	}
	raw, err := call[json.RawMessage](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/dummy_webhook", Body: p}, opts)
	if err != nil {
		return nil, err
	}
	return &TestResult{Raw: *raw}, nil
}
