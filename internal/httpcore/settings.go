package httpcore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Version is the pagos release, sent in every User-Agent.
const Version = "0.1.0"

// Defaults for Settings.
const (
	DefaultTimeout          = 30 * time.Second // waiting for a response, per attempt
	MaxTimeout              = 10 * time.Minute // the most SetTimeout accepts
	DefaultMaxRetries       = 3
	DefaultRetryWaitMin     = 500 * time.Millisecond
	DefaultRetryWaitMax     = 20 * time.Second // also caps Retry-After
	DefaultMaxResponseBytes = 4 << 20
)

// Settings is what every provider client is configured with. Provider
// packages embed it in their own configuration and expose the setters as
// options (toku.WithBaseURL calls SetBaseURL).
type Settings struct {
	BaseURL          *url.URL
	HTTPClient       *http.Client // nil: a fresh client with its own transport
	Logger           *slog.Logger // nil: discard
	UserAgentSuffix  string
	Timeout          time.Duration // per attempt; 0: DefaultTimeout, or the WithHTTPClient client's own
	MaxRetries       int
	RetryWaitMin     time.Duration
	RetryWaitMax     time.Duration
	MaxResponseBytes int64

	// Sleep waits between attempts; it must return ctx.Err() as soon as ctx
	// ends. Tests replace it to observe waits without taking time.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, n). Tests replace it for determinism.
	Jitter func(n int64) int64
}

// NewSettings returns Settings with the defaults and base URL raw, which the
// provider package supplies as its documented default.
func NewSettings(rawBaseURL string) Settings {
	s := Settings{
		MaxRetries:       DefaultMaxRetries,
		RetryWaitMin:     DefaultRetryWaitMin,
		RetryWaitMax:     DefaultRetryWaitMax,
		MaxResponseBytes: DefaultMaxResponseBytes,
	}
	if rawBaseURL != "" {
		if err := s.SetBaseURL(rawBaseURL); err != nil {
			panic("httpcore: bad default base URL: " + err.Error()) // a constant in our own code
		}
	}
	return s
}

// SetBaseURL validates and sets the API base URL. It must be https, or http
// on a loopback host (fakes and local tests), with no credentials, query or
// fragment.
func (s *Settings) SetBaseURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("base URL %q must be an absolute http(s) URL such as https://api.example.com", redactURL(raw))
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("base URL %q must use https; plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost)", redactURL(raw))
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("base URL %q must not carry credentials, a query string or a fragment", redactURL(raw))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	s.BaseURL = u
	return nil
}

// SetHTTPClient sets the *http.Client requests go through. It is copied, never
// changed: pagos sets its own redirect policy and default timeout on the copy.
func (s *Settings) SetHTTPClient(hc *http.Client) error {
	if hc == nil {
		return errors.New("WithHTTPClient: the *http.Client is nil")
	}
	s.HTTPClient = hc
	return nil
}

// SetLogger sets the logger; nil is refused (omit the option to stay quiet).
func (s *Settings) SetLogger(l *slog.Logger) error {
	if l == nil {
		return errors.New("WithLogger: the *slog.Logger is nil; omit the option to disable logging")
	}
	s.Logger = l
	return nil
}

// SetMaxRetries sets how many times a retryable request is repeated (0..10).
func (s *Settings) SetMaxRetries(n int) error {
	if n < 0 || n > 10 {
		return fmt.Errorf("WithMaxRetries: %d is out of range; use 0 (no retries) to 10", n)
	}
	s.MaxRetries = n
	return nil
}

// SetTimeout sets how long one attempt waits for the provider's response
// (default 30 s); each retry gets the full time again, and ctx still bounds
// the whole call. It must be above 0 and at most MaxTimeout. It replaces the
// Timeout of a client given to WithHTTPClient, whose own Timeout is kept
// otherwise. A request that times out is an error saying so: retried like
// any transport error for reads, and an outcome unknown for writes that
// may have reached the provider.
func (s *Settings) SetTimeout(d time.Duration) error {
	if d <= 0 || d > MaxTimeout {
		return fmt.Errorf("WithTimeout: %v is out of range; give a duration above 0 and at most %v, such as 10*time.Second", d, MaxTimeout)
	}
	s.Timeout = d
	return nil
}

// SetUserAgent appends an application name and version to the User-Agent.
func (s *Settings) SetUserAgent(app string) error {
	app = strings.TrimSpace(app)
	if app == "" || strings.ContainsAny(app, "\r\n") {
		return errors.New("WithUserAgent: give a non-empty single-line value such as \"myshop/1.2\"")
	}
	s.UserAgentSuffix = app
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactURL drops credentials and the query string, which may carry secrets.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return u.String()
}
