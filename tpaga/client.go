package tpaga

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// Tpaga's two environments. NewClient has no default: pass one of them with
// WithBaseURL, so that nothing reaches production by accident.
const (
	// StagingURL is Tpaga's test environment, where the Efecty simulator
	// pays references.
	StagingURL = "https://staging.apiv2.tpaga.co"
	// ProductionURL is Tpaga's live environment: deposits there are real cash.
	ProductionURL = "https://production.apiv2.tpaga.co"
)

// pathPrefix is where the cash-in API lives on either host.
const pathPrefix = "/api/cashin/v1/public"

// Client talks to Tpaga's cash-in (deposit) API. Create one with NewClient
// and share it: it is safe for concurrent use.
type Client struct {
	core *httpcore.Client

	// References creates single-use deposit references.
	References *ReferencesService
	// PermanentReferences creates, enables and disables a user's lifelong
	// deposit reference.
	PermanentReferences *PermanentReferencesService
	// ReferenceDetails tells whether a reference is enabled and lists its
	// deposit intents.
	ReferenceDetails *ReferenceDetailsService
}

type service struct{ client *Client }

type config struct {
	httpcore.Settings
}

// Option configures a Client in NewClient, or an EfectySimulator in
// NewEfectySimulator.
type Option func(*config) error

// WithBaseURL chooses the host: StagingURL, ProductionURL, or a tpagatest
// fake. It must be https, or http on a loopback host. Give the host only;
// pagos adds the API's path (/api/cashin/v1/public, or /api/efecty for the
// simulator).
func WithBaseURL(rawURL string) Option {
	return func(c *config) error { return c.SetBaseURL(rawURL) }
}

// WithHTTPClient sends requests through hc (for proxies, custom transports or
// timeouts). hc is copied, not modified; a zero Timeout becomes 30 s per attempt
// (see WithTimeout).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.SetHTTPClient(hc) }
}

// WithLogger logs each request at debug level: method, path, status,
// attempts and timing, never headers, bodies or query strings.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { return c.SetLogger(l) }
}

// WithMaxRetries sets how many times a retryable request is repeated
// (default 3; 0 disables retries).
func WithMaxRetries(n int) Option {
	return func(c *config) error { return c.SetMaxRetries(n) }
}

// WithTimeout sets how long one attempt waits for Tpaga's response
// (default 30 s; more than 0 and at most 10 minutes). Each retry gets the
// full time again, and ctx still bounds the whole call. It replaces the
// Timeout of a client given to WithHTTPClient.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error { return c.SetTimeout(d) }
}

// WithUserAgent appends your application's name and version to the
// User-Agent, such as "myshop/1.2".
func WithUserAgent(app string) Option {
	return func(c *config) error { return c.SetUserAgent(app) }
}

// RequestOption is a per-call setting, passed last to any service method.
type RequestOption = pagos.RequestOption

// WithHeader sets an extra header on one call. It refuses credential headers
// (Authorization, x-api-key), the headers net/http owns (Host,
// Content-Length, Transfer-Encoding) and Content-Type.
func WithHeader(name, value string) RequestOption { return httpcore.WithHeader(name, value) }

const (
	headerAuthorization = "Authorization"
	headerAPIKey        = "X-Api-Key"
)

// newConfig applies opts over the defaults; defaultURL may be "".
func newConfig(defaultURL string, opts []Option) (config, error) {
	cfg := config{Settings: httpcore.NewSettings(defaultURL)}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return cfg, errors.New("tpaga: " + err.Error())
		}
	}
	if cfg.BaseURL != nil && strings.HasPrefix(cfg.BaseURL.Path, "/api/") {
		return cfg, errors.New("tpaga: WithBaseURL: give the host only, such as tpaga.StagingURL; pagos adds the /api/… path")
	}
	return cfg, nil
}

// checkCredential refuses an empty credential, or one with whitespace,
// control characters or non-ASCII bytes (Tpaga documents no format beyond
// that). The message never repeats the value.
func checkCredential(where, what, v string) error {
	if err := check.Credential(what, v); err != nil {
		return errors.New("tpaga: " + where + ": " + err.Error() + "; copy it exactly as Tpaga issued it")
	}
	return nil
}

// NewClient returns a client for the cash-in API authenticated with token,
// the credential Tpaga's operations team issued. It is sent as
// "Authorization: Basic <token>", exactly as issued: pagos does not encode it.
//
// There is no default host: pass WithBaseURL(StagingURL) while integrating
// and WithBaseURL(ProductionURL) for real deposits.
func NewClient(token string, opts ...Option) (*Client, error) {
	if scheme, _, ok := strings.Cut(token, " "); ok && strings.EqualFold(scheme, "basic") {
		return nil, errors.New("tpaga: NewClient: pass the token without the \"Basic \" scheme; pagos adds it")
	}
	if err := checkCredential("NewClient", "token", token); err != nil {
		return nil, err
	}
	cfg, err := newConfig("", opts)
	if err != nil {
		return nil, err
	}
	if cfg.BaseURL == nil {
		return nil, errors.New("tpaga: NewClient: choose Tpaga's environment with tpaga.WithBaseURL(tpaga.StagingURL) while integrating, or tpaga.WithBaseURL(tpaga.ProductionURL) for real deposits")
	}
	core, err := httpcore.New(httpcore.Provider{
		Name:        "tpaga",
		PathPrefix:  pathPrefix,
		Header:      http.Header{headerAuthorization: {"Basic " + token}},
		Protected:   []string{headerAuthorization},
		Secrets:     []string{token},
		DecodeError: decodeError,
	}, cfg.Settings)
	if err != nil {
		return nil, err
	}
	c := &Client{core: core}
	c.References = &ReferencesService{client: c}
	c.PermanentReferences = &PermanentReferencesService{client: c}
	c.ReferenceDetails = &ReferenceDetailsService{client: c}
	return c, nil
}

// do sends one request through the shared pipeline.
func (c *Client) do(ctx context.Context, r *httpcore.Request, out any, opts []RequestOption) error {
	return c.core.Do(ctx, r, out, opts...)
}
