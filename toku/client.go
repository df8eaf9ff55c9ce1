package toku

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// DefaultBaseURL is Toku's API host. Toku tells sandbox from production by
// the API key, not by the host.
const DefaultBaseURL = "https://api.trytoku.com"

// Client talks to the Toku API. Create one with NewClient and share it: it is
// safe for concurrent use.
type Client struct {
	core *httpcore.Client

	// Customers creates and manages the people you collect from.
	Customers *CustomersService
	// Invoices creates and manages the debts attached to customers.
	Invoices *InvoicesService
	// WebhookEndpoints registers the URLs Toku posts events to.
	WebhookEndpoints *WebhookEndpointsService
	// Payments lists what Toku collected, for daily reconciliation.
	Payments *PaymentsService
	// Subscriptions enrols customers in your products and, for recurring
	// ones, has Toku issue their invoices every month.
	Subscriptions *SubscriptionsService
	// Redirection sets where Toku's payment portal returns the customer.
	Redirection *RedirectionService
	// BankAccounts verifies Mexican bank accounts (CLABE) against an RFC.
	BankAccounts *BankAccountsService
}

type service struct{ client *Client }

type config struct {
	httpcore.Settings
	accountKey string
}

// Option configures a Client in NewClient.
type Option func(*config) error

// WithBaseURL points the client at another host, such as a tokutest fake.
// It must be https, or http on a loopback host.
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

// WithTimeout sets how long one attempt waits for Toku's response
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

// WithDefaultAccountKey sends key as x-account-key on every request, selecting
// a Cuenta de Cobro other than the organization's default. WithAccountKey
// overrides it for one call.
func WithDefaultAccountKey(key string) Option {
	return func(c *config) error {
		if err := check.Credential("account key", key); err != nil {
			return errors.New("WithDefaultAccountKey: " + err.Error())
		}
		c.accountKey = key
		return nil
	}
}

// RequestOption is a per-call setting, passed last to any service method.
type RequestOption = pagos.RequestOption

// WithAccountKey sends key as x-account-key on one call, selecting the Cuenta
// de Cobro the call applies to.
func WithAccountKey(key string) RequestOption {
	return func(o *pagos.CallOptions) error {
		if err := check.Credential("account key", key); err != nil {
			return errors.New("WithAccountKey: " + err.Error())
		}
		o.SetHeader(headerAccountKey, key)
		return nil
	}
}

// WithHeader sets an extra header on one call. It refuses credential headers
// (x-api-key, x-account-key: use WithAccountKey), the headers net/http owns
// (Host, Content-Length, Transfer-Encoding) and Content-Type.
func WithHeader(name, value string) RequestOption { return httpcore.WithHeader(name, value) }

const (
	headerAPIKey     = "X-Api-Key"
	headerAccountKey = "X-Account-Key"
)

// NewClient returns a client authenticated with apiKey (sent as x-api-key).
// The API key identifies your organization; keep it out of source control.
// A key that is empty or has whitespace, control characters or non-ASCII
// bytes is refused (Toku documents no key format beyond that); the error
// never repeats the key.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if err := check.Credential("API key", apiKey); err != nil {
		return nil, errors.New("toku: NewClient: " + err.Error() + "; pass the key from Toku's web app")
	}
	cfg := config{Settings: httpcore.NewSettings(DefaultBaseURL)}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, errors.New("toku: " + err.Error())
		}
	}
	h := http.Header{headerAPIKey: {apiKey}}
	if cfg.accountKey != "" {
		h.Set(headerAccountKey, cfg.accountKey)
	}
	core, err := httpcore.New(httpcore.Provider{
		Name:          "toku",
		Header:        h,
		Protected:     []string{headerAPIKey},
		Secrets:       []string{apiKey, cfg.accountKey},
		SecretHeaders: []string{headerAccountKey},
		DecodeError:   decodeError,
	}, cfg.Settings)
	if err != nil {
		return nil, err
	}
	c := &Client{core: core}
	c.Customers = &CustomersService{client: c}
	c.Invoices = &InvoicesService{client: c}
	c.WebhookEndpoints = &WebhookEndpointsService{client: c}
	c.Payments = &PaymentsService{client: c}
	c.Subscriptions = &SubscriptionsService{client: c}
	c.Redirection = &RedirectionService{client: c}
	c.BankAccounts = &BankAccountsService{client: c}
	return c, nil
}

// do sends one request through the shared pipeline.
func (c *Client) do(ctx context.Context, r *httpcore.Request, out any, opts []RequestOption) error {
	return c.core.Do(ctx, r, out, opts...)
}
