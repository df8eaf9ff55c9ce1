package conekta

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// DefaultBaseURL is Conekta's API host. Live and test mode share it; the
// private key ("key_…") decides which one a request runs in.
const DefaultBaseURL = "https://api.conekta.io"

// API versions pagos knows. Conekta picks the version from the Accept header
// (application/vnd.conekta-v<version>+json).
const (
	// APIVersion230 is the current version, described by Conekta's OpenAPI
	// 2.3.0 and the default.
	APIVersion230 = "2.3.0"
	// APIVersion210 is the version of Conekta's current tutorials.
	APIVersion210 = "2.1.0"
	// APIVersion200 is the version of the older guides: recurring cash
	// references are "oxxo_recurrent" and a customer's phone is optional.
	APIVersion200 = "2.0.0"
)

// Client talks to the Conekta API. Create one with NewClient and share it: it
// is safe for concurrent use.
type Client struct {
	core    *httpcore.Client
	version string

	// Customers creates and manages the people you charge.
	Customers *CustomersService
	// PaymentSources manages a customer's saved cards and cash references.
	PaymentSources *PaymentSourcesService
	// Orders creates, charges, captures and refunds orders.
	Orders *OrdersService
	// Events reads and re-sends webhook events.
	Events *EventsService
	// Webhooks registers the URLs Conekta posts events to.
	Webhooks *WebhooksService
	// WebhookKeys manages the RSA keys Conekta signs webhooks with.
	WebhookKeys *WebhookKeysService
	// Tokens tokenizes card data (sandbox and server-side flows).
	Tokens *TokensService
	// Charges lists charges, adds them to unpaid orders and sets their reference.
	Charges *ChargesService
	// LineItems, DiscountLines, ShippingLines and TaxLines change the
	// products, discounts, shipping costs and taxes of an unpaid order.
	LineItems     *LineItemsService
	DiscountLines *DiscountLinesService
	ShippingLines *ShippingLinesService
	TaxLines      *TaxLinesService
	// Checkouts creates and manages payment links.
	Checkouts *CheckoutsService
	// PaymentTests fires the sandbox's inbound_payment.* requests (/payment_test).
	PaymentTests *PaymentTestsService
	// Plans manages subscription plans.
	Plans *PlansService
	// Subscriptions subscribes customers to plans and manages their billing.
	Subscriptions *SubscriptionsService
	// CustomerPortals creates a subscription's self-service page.
	CustomerPortals *CustomerPortalsService
	// Balance reads the account's balance.
	Balance *BalanceService
	// Transactions reads the account's ledger.
	Transactions *TransactionsService
	// Transfers reads the transfers from the balance to the bank.
	Transfers *TransfersService
	// PayoutOrders pays money out of the balance to customers.
	PayoutOrders *PayoutOrdersService
	// Whitelist and Blacklist manage the antifraud lists.
	Whitelist *WhitelistService
	Blacklist *BlacklistService
	// APIKeys manages the account's API keys.
	APIKeys *APIKeysService
	// Companies reads the account's company and manages child companies.
	Companies *CompaniesService
	// Logs reads Conekta's log of the account's API requests.
	Logs *LogsService
	// ShippingContacts manages a customer's shipping addresses.
	ShippingContacts *ShippingContactsService
	// FiscalEntities manages a customer's tax identities.
	FiscalEntities *FiscalEntitiesService
}

type service struct{ client *Client }

type config struct {
	httpcore.Settings
	version  string
	language string
}

// Option configures a Client in NewClient.
type Option func(*config) error

// WithBaseURL points the client at another host, such as a conektatest fake.
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

// WithTimeout sets how long one attempt waits for Conekta's response
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

// WithAPIVersion selects the API version sent in the Accept header (default
// APIVersion230). APIVersion200 is the version of Conekta's older guides.
func WithAPIVersion(v string) Option {
	return func(c *config) error {
		if _, ok := parseVersion(v); !ok {
			return fmt.Errorf("WithAPIVersion(%q): give a version such as %q or %q", v, APIVersion230, APIVersion200)
		}
		c.version = v
		return nil
	}
}

// WithLanguage sets Accept-Language, the language of Conekta's error
// messages: "es" (Conekta's default) or "en".
func WithLanguage(lang string) Option {
	return func(c *config) error {
		if lang != "es" && lang != "en" {
			return fmt.Errorf("WithLanguage(%q): Conekta speaks \"es\" or \"en\"", lang)
		}
		c.language = lang
		return nil
	}
}

// RequestOption is a per-call setting, passed last to any service method.
type RequestOption = pagos.RequestOption

// WithHeader sets an extra header on one call, such as X-Child-Company-Id
// for a holding company. It refuses credential headers (Authorization), the
// headers net/http owns (Host, Content-Length, Transfer-Encoding) and
// Content-Type.
func WithHeader(name, value string) RequestOption { return httpcore.WithHeader(name, value) }

// WithIdempotencyKey sends key as Conekta's Idempotency-Key header on one
// call. Conekta's OpenAPI repository defines the header but no operation or
// document confirms it is honoured, so pagos still never repeats a create
// that may have reached Conekta: the key only helps if Conekta honours it
// when you retry yourself after looking the object up.
func WithIdempotencyKey(key string) RequestOption { return httpcore.WithIdempotencyKey(key) }

const headerIdempotency = "Idempotency-Key"

// NewClient returns a client authenticated with privateKey ("key_…", from
// Conekta's panel), sent as a Bearer token. Keep it out of source control.
//
// A key that is empty, has whitespace, control characters or non-ASCII
// bytes, or does not start with "key_" (public keys and other providers'
// keys do not) is refused; the error never repeats the key.
func NewClient(privateKey string, opts ...Option) (*Client, error) {
	if err := check.Credential("private key", privateKey); err != nil {
		return nil, errors.New("conekta: NewClient: " + err.Error() + "; pass the \"key_…\" private key from Conekta's panel")
	}
	if !strings.HasPrefix(privateKey, "key_") || len(privateKey) == len("key_") {
		return nil, errors.New("conekta: NewClient: the private key does not have Conekta's shape: private keys start with \"key_\"; copy it from Conekta's panel (Developers, API keys)")
	}
	cfg := config{Settings: httpcore.NewSettings(DefaultBaseURL), version: APIVersion230}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, errors.New("conekta: " + err.Error())
		}
	}
	h := http.Header{
		"Authorization": {"Bearer " + privateKey},
		"Accept":        {"application/vnd.conekta-v" + cfg.version + "+json"},
	}
	if cfg.language != "" {
		h.Set("Accept-Language", cfg.language)
	}
	core, err := httpcore.New(httpcore.Provider{
		Name:              "conekta",
		Header:            h,
		Protected:         []string{"Authorization"},
		Secrets:           []string{privateKey},
		IdempotencyHeader: headerIdempotency,
		DecodeError:       decodeError,
	}, cfg.Settings)
	if err != nil {
		return nil, err
	}
	c := &Client{core: core, version: cfg.version}
	c.Customers = &CustomersService{client: c}
	c.PaymentSources = &PaymentSourcesService{client: c}
	c.Orders = &OrdersService{client: c}
	c.Events = &EventsService{client: c}
	c.Webhooks = &WebhooksService{client: c}
	c.WebhookKeys = &WebhookKeysService{client: c}
	c.Tokens = &TokensService{client: c}
	c.PaymentTests = &PaymentTestsService{client: c}
	c.Plans = &PlansService{client: c}
	c.Subscriptions = &SubscriptionsService{client: c}
	c.CustomerPortals = &CustomerPortalsService{client: c}
	c.Balance = &BalanceService{client: c}
	c.Transactions = &TransactionsService{client: c}
	c.Transfers = &TransfersService{client: c}
	c.PayoutOrders = &PayoutOrdersService{client: c}
	c.Whitelist = &WhitelistService{client: c}
	c.Blacklist = &BlacklistService{client: c}
	c.APIKeys = &APIKeysService{client: c}
	c.Companies = &CompaniesService{client: c}
	c.Logs = &LogsService{client: c}
	c.ShippingContacts = &ShippingContactsService{client: c}
	c.FiscalEntities = &FiscalEntitiesService{client: c}
	c.Charges = &ChargesService{client: c}
	c.LineItems = &LineItemsService{client: c}
	c.DiscountLines = &DiscountLinesService{client: c}
	c.ShippingLines = &ShippingLinesService{client: c}
	c.TaxLines = &TaxLinesService{client: c}
	c.Checkouts = &CheckoutsService{client: c}
	return c, nil
}

// APIVersion returns the API version the client sends.
func (c *Client) APIVersion() string { return c.version }

// RecurringCashType returns the payment source type of a recurring cash
// reference in the client's API version: SourceOxxoRecurrent for 2.0.0,
// SourceCashRecurrent from 2.1.0 on.
func (c *Client) RecurringCashType() PaymentSourceType {
	if v, _ := parseVersion(c.version); versionBefore(v, [3]int{2, 1, 0}) {
		return SourceOxxoRecurrent
	}
	return SourceCashRecurrent
}

// RecurringCashSource returns the params of a recurring cash reference (the
// number a customer pays at OXXO as often as they like), with the type the
// client's API version expects. Use it in CustomerParams.PaymentSources or
// with PaymentSources.Create.
func (c *Client) RecurringCashSource() *PaymentSourceParams {
	return &PaymentSourceParams{Type: c.RecurringCashType()}
}

// phoneRequired reports whether customer creates need a phone: 2.3.0's
// schema requires it, the older guides create customers without one.
func (c *Client) phoneRequired() bool {
	v, _ := parseVersion(c.version)
	return !versionBefore(v, [3]int{2, 3, 0})
}

func versionBefore(v, w [3]int) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}

func parseVersion(v string) ([3]int, bool) {
	var out [3]int
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 3 {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

// do sends one request through the shared pipeline.
func (c *Client) do(ctx context.Context, r *httpcore.Request, out any, opts []RequestOption) error {
	return c.core.Do(ctx, r, out, opts...)
}
