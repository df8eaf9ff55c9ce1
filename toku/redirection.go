package toku

import (
	"context"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// RedirectionService sets where Toku's payment portal sends a customer after
// paying: one URL for success and one for failure.
//
// Unconfirmed: the paths (POST and PUT /redirection, the id in the PUT
// body) and the "red_…" id come from a third-party client; Toku documents
// no way to read the configuration back.
type RedirectionService service

// Redirection is the portal's return configuration ("red_…").
type Redirection struct {
	ID         string `json:"id"`
	SuccessURL string `json:"success_url"`
	FailureURL string `json:"failure_url"`
}

// RedirectionParams are the two return URLs; both are required.
type RedirectionParams struct {
	// SuccessURL receives the customer after a successful payment.
	SuccessURL string `json:"success_url"`
	// FailureURL receives the customer after a failed or abandoned one.
	FailureURL string `json:"failure_url"`
}

func (p *RedirectionParams) check() error {
	if p == nil {
		return check.Invalid("toku", "RedirectionParams", "is nil")
	}
	for _, f := range []struct{ name, v string }{{"SuccessURL", p.SuccessURL}, {"FailureURL", p.FailureURL}} {
		u, err := url.Parse(f.v)
		if f.v == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return check.Invalid("toku", "RedirectionParams."+f.name, "must be an absolute http(s) URL, such as https://shop.example/paid")
		}
	}
	return nil
}

// Create sets the return URLs (POST /redirection). Keep the returned ID:
// later changes go through Update.
//
// A create that fails after it may have reached Toku is not repeated
// (ErrOutcomeUnknown). Since Toku offers no way to read the configuration
// back, ask Toku's support for the id, or create it again knowing a second
// configuration may exist (Toku does not say which one then applies).
func (s *RedirectionService) Create(ctx context.Context, p *RedirectionParams, opts ...RequestOption) (*Redirection, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	return call[Redirection](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/redirection", Body: p}, opts)
}

// Update changes the return URLs of the configuration id (PUT /redirection,
// with the id in the body). It is retried like a read: repeating it sets the
// same URLs again.
func (s *RedirectionService) Update(ctx context.Context, id string, p *RedirectionParams, opts ...RequestOption) (*Redirection, error) {
	if err := check.ID("toku", "redirection", id); err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	body := struct {
		*RedirectionParams
		ID string `json:"id"`
	}{p, id}
	return call[Redirection](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: "/redirection", Body: body}, opts)
}
