package httpcore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/textproto"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/wait"
)

// Provider describes what differs between providers on the wire.
type Provider struct {
	// Name is the provider's package name, used in errors, logs and the
	// User-Agent ("toku").
	Name string
	// PathPrefix is joined between the base URL and every request path
	// ("/api/cashin/v1/public" for Tpaga); usually empty.
	PathPrefix string
	// Header is sent on every request: authentication, Accept and the like.
	Header http.Header
	// Protected lists header names a caller may not set per call with
	// WithHeader, because they carry credentials.
	Protected []string
	// Secrets are the client's own credentials (API key, token, account
	// key). Every error and log line the pipeline produces is scrubbed of
	// them, provider messages that echo them included.
	Secrets []string
	// SecretHeaders lists per-call header names whose values are credentials
	// too (Toku's x-account-key), scrubbed like Secrets.
	SecretHeaders []string
	// IdempotencyHeader is the header WithIdempotencyKey sends, or "" when
	// the provider defines none.
	IdempotencyHeader string
	// DecodeError turns a non-2xx response into the provider's *Error. It
	// must not fail: an unreadable body still yields an *Error with the raw
	// body kept.
	DecodeError func(status int, header http.Header, body []byte) error
}

// Client is the one HTTP pipeline every provider client sends through.
type Client struct {
	p         Provider
	timeout   time.Duration // per attempt, as copyClient set it
	base      string        // scheme://host/path without trailing slash, plus the prefix
	rc        *retryablehttp.Client
	log       *slog.Logger
	maxBody   int64
	waitMin   time.Duration
	waitMax   time.Duration
	sleep     func(context.Context, time.Duration) error
	jitter    func(int64) int64
	protected map[string]bool
	header    http.Header // sent on every request, User-Agent and Accept included
	jsonType  []string    // the Content-Type value of JSON bodies
	secrets   [][]byte    // every form of every credential, scrubbed from errors
	secretHdr map[string]bool
}

// New builds the pipeline from a provider description and validated settings.
func New(p Provider, s Settings) (*Client, error) {
	if s.BaseURL == nil {
		return nil, fmt.Errorf("%s: no base URL: pass WithBaseURL", p.Name)
	}
	if s.RetryWaitMin <= 0 || s.RetryWaitMax < s.RetryWaitMin {
		return nil, fmt.Errorf("%s: retry waits must satisfy 0 < min <= max", p.Name)
	}
	hc, timeout := copyClient(s.HTTPClient, s.Timeout)
	c := &Client{
		p:         p,
		timeout:   timeout,
		base:      s.BaseURL.String() + p.PathPrefix,
		log:       s.Logger,
		maxBody:   s.MaxResponseBytes,
		waitMin:   s.RetryWaitMin,
		waitMax:   s.RetryWaitMax,
		sleep:     s.Sleep,
		jitter:    s.Jitter,
		protected: map[string]bool{},
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.sleep == nil {
		c.sleep = wait.For
	}
	if c.jitter == nil {
		c.jitter = randInt63n
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxResponseBytes
	}
	for _, h := range p.Protected {
		c.protected[textproto.CanonicalMIMEHeaderKey(h)] = true
	}
	for _, sec := range p.Secrets {
		c.secrets = append(c.secrets, secretForms(sec)...)
	}
	c.secretHdr = map[string]bool{}
	for _, h := range p.SecretHeaders {
		c.secretHdr[textproto.CanonicalMIMEHeaderKey(h)] = true
	}
	ua := "pagos-go/" + Version + " (" + p.Name + "; " + runtime.Version() + ")"
	if s.UserAgentSuffix != "" {
		ua += " " + s.UserAgentSuffix
	}
	c.jsonType = []string{"application/json"}
	c.header = http.Header{"User-Agent": {ua}, "Accept": c.jsonType}
	for k, v := range p.Header {
		c.header[textproto.CanonicalMIMEHeaderKey(k)] = append([]string(nil), v...)
	}
	c.rc = &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // ours logs, redacted; retryablehttp's would print URLs
		RetryWaitMin: s.RetryWaitMin,
		RetryWaitMax: s.RetryWaitMax,
		RetryMax:     s.MaxRetries,
		CheckRetry:   c.checkRetry,
		// The wait is computed in checkRetry and taken in prepareRetry through
		// c.sleep, so it is injectable and ends the moment ctx does.
		Backoff:        func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		PrepareRetry:   c.prepareRetry,
		RequestLogHook: c.beforeAttempt,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
	}
	return c, nil
}

// copyClient copies the caller's client (never changing it), refuses
// redirects, and sets the per-attempt timeout: timeout when it is set, else
// the caller's own Timeout, else DefaultTimeout. It returns the copy and the
// timeout in force.
func copyClient(user *http.Client, timeout time.Duration) (*http.Client, time.Duration) {
	var hc http.Client
	if user != nil {
		hc = *user
		if timeout > 0 {
			hc.Timeout = timeout
		} else if hc.Timeout == 0 {
			hc.Timeout = DefaultTimeout
		}
		timeout = hc.Timeout
	} else {
		// Our own transport bounds each phase of an attempt: connecting
		// (30 s), the TLS handshake (10 s) and waiting for the response
		// (the timeout). That costs one timer per attempt, where an
		// http.Client.Timeout costs a deadline context and its plumbing.
		if timeout <= 0 {
			timeout = DefaultTimeout
		}
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = timeout
		hc.Transport = t
	}
	// The guard keeps writes from being replayed by the transport and
	// refuses attempts that cannot be sent (see guard).
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = guard{next: next}
	// net/http forwards x-api-key and friends across hosts on a redirect;
	// no provider API needs one, so none is followed.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc, timeout
}

// Request is one logical API call.
type Request struct {
	Method string
	Path   string     // escaped path after the base URL, starting with "/"
	Query  url.Values // may be nil
	Body   any        // JSON-encoded when non-nil
	// Repeatable marks a POST or PATCH that the provider makes safe to repeat
	// (Tpaga's single-use reference with its idempotency_token), so it is
	// retried like a GET. When its retries run out after it may have reached
	// the provider, the error is still an *OutcomeUnknownError carrying Sent:
	// the caller repeats it with the same token rather than a new one.
	Repeatable bool
	// Unrepeatable marks a PUT or DELETE that the provider does not make safe
	// to repeat (a Conekta order update that adds a charge): it is retried
	// and reported like a POST.
	Unrepeatable bool
	// Sent describes the identifier that makes this write recognisable at the
	// provider, reported in an *OutcomeUnknownError ("idempotency_token=…").
	Sent string
}

// WithHeader sets an extra request header on one call. It refuses a name
// that is not an HTTP token, a value with control characters, the headers
// net/http or the pipeline own (Host, Content-Length, Transfer-Encoding,
// hop-by-hop headers, Content-Type) and every credential header
// (Authorization, X-Api-Key, X-Account-Key, Cookie, Proxy-Authorization).
func WithHeader(name, value string) pagos.RequestOption {
	return func(o *pagos.CallOptions) error {
		if !validHeaderName(name) || !validHeaderValue(value) {
			return fmt.Errorf("WithHeader(%q): give a valid header name and a value without control characters", name)
		}
		canon := textproto.CanonicalMIMEHeaderKey(name)
		if why := refusedHeader(canon); why != "" {
			return fmt.Errorf("WithHeader cannot set %s: %s", canon, why)
		}
		o.SetHeader(canon, value)
		return nil
	}
}

// WithIdempotencyKey sends key in the provider's idempotency header on one
// call. pagos still never retries the write on its strength, since no
// provider has confirmed honouring the header.
func WithIdempotencyKey(key string) pagos.RequestOption {
	return func(o *pagos.CallOptions) error {
		if key == "" || len(key) > 255 || !validHeaderValue(key) || strings.TrimSpace(key) != key {
			return errors.New("WithIdempotencyKey: give a non-empty key of at most 255 characters without control characters or surrounding spaces, such as your order id")
		}
		o.IdempotencyKey = key
		return nil
	}
}

// attemptState travels in the request context so that the retry hooks of
// go-retryablehttp, which see only a context or a request, can reach it.
type attemptState struct {
	method     string
	repeatable bool
	attempt    int
	wait       time.Duration
	// unrepeatable makes a PUT or DELETE a write (Request.Unrepeatable).
	unrepeatable bool
	// mayHaveActed is set once any attempt may have taken effect (note).
	mayHaveActed bool

	body    []byte
	readers int          // bodyReader calls so far
	inline  bytes.Reader // serves the length probe and the first attempt
}

// bodyReader gives go-retryablehttp the identical body for every attempt.
// Its first call only measures the length and its second starts attempt 1,
// so both reuse the inline reader; later attempts get a reader of their own,
// since the transport may still hold the previous one. A *bytes.Reader lets
// net/http write headers and body in one flush.
func (st *attemptState) bodyReader() (io.Reader, error) {
	st.readers++
	if st.readers <= 2 {
		st.inline.Reset(st.body)
		return &st.inline, nil
	}
	return bytes.NewReader(st.body), nil
}

type stateKey struct{}

func stateOf(ctx context.Context) *attemptState {
	st, _ := ctx.Value(stateKey{}).(*attemptState)
	return st
}

// Do sends r and decodes a 2xx JSON body into out (which may be nil). Any
// other outcome is an error: the provider's *Error for a non-2xx answer,
// wrapped in *OutcomeUnknownError when a write may have taken effect.
func (c *Client) Do(ctx context.Context, r *Request, out any, opts ...pagos.RequestOption) error {
	if err := ctx.Err(); err != nil {
		// Nothing was sent: a plain error, never an outcome unknown.
		return fmt.Errorf("%s: %s %s: not sent: %w", c.p.Name, r.Method, r.Path, err)
	}
	if err := checkPath(c.p.Name, r.Path); err != nil {
		return err
	}
	var call pagos.CallOptions // filled only when there are options, so it stays off the heap otherwise
	if len(opts) > 0 {
		co := new(pagos.CallOptions)
		for _, o := range opts {
			if o == nil {
				continue
			}
			if err := o(co); err != nil {
				return fmt.Errorf("%s: %w", c.p.Name, err)
			}
		}
		call = *co
	}
	// CallOptions is public, so a RequestOption written by hand could set
	// any header: every one is checked again as WithHeader checks it, except
	// the provider's own secret headers (Toku's x-account-key).
	for name, vs := range call.Header {
		canon := textproto.CanonicalMIMEHeaderKey(name)
		if c.protected[canon] {
			return fmt.Errorf("%s: WithHeader cannot set %s: it carries credentials; configure them on the client", c.p.Name, canon)
		}
		if !validHeaderName(name) || name != canon || len(vs) != 1 || !validHeaderValue(vs[0]) {
			return fmt.Errorf("%s: header %q: give one valid value under its canonical name, as WithHeader does", c.p.Name, name)
		}
		if why := refusedHeader(canon); why != "" && !c.secretHdr[canon] {
			return fmt.Errorf("%s: WithHeader cannot set %s: %s", c.p.Name, canon, why)
		}
	}
	secrets := c.secrets
	for name, vs := range call.Header {
		if c.secretHdr[name] {
			secrets = append(secrets[:len(secrets):len(secrets)], secretForms(vs[0])...)
		}
	}
	if call.IdempotencyKey != "" && c.p.IdempotencyHeader == "" {
		return fmt.Errorf("%s: WithIdempotencyKey: this provider defines no idempotency header", c.p.Name)
	}

	var body []byte
	if r.Body != nil {
		var err error
		if body, err = json.Marshal(r.Body); err != nil {
			return fmt.Errorf("%s: encoding %s %s request: %w", c.p.Name, r.Method, r.Path, err)
		}
	}
	target := c.base + r.Path
	if len(r.Query) > 0 {
		target += "?" + r.Query.Encode()
	}

	st := &attemptState{method: r.Method, repeatable: r.Repeatable, unrepeatable: r.Unrepeatable, body: body}
	ctx = context.WithValue(ctx, stateKey{}, st)
	var rawBody any
	if body != nil {
		rawBody = retryablehttp.ReaderFunc(st.bodyReader)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, target, rawBody)
	if err != nil {
		return fmt.Errorf("%s: building %s %s: %w", c.p.Name, r.Method, r.Path, err)
	}
	// Header value slices are built once per client and shared: net/http
	// only reads them.
	h := req.Header
	for k, v := range c.header {
		h[k] = v
	}
	if body != nil {
		h["Content-Type"] = c.jsonType
	}
	for k, v := range call.Header {
		h[k] = v
	}
	sent := r.Sent
	if call.IdempotencyKey != "" {
		h.Set(c.p.IdempotencyHeader, call.IdempotencyKey)
		if sent == "" {
			sent = c.p.IdempotencyHeader + "=" + call.IdempotencyKey
		}
	}
	for _, name := range [...]string{"Idempotency-Key", "X-Idempotency-Key"} {
		if v := call.Header.Get(name); v != "" && sent == "" {
			sent = name + "=" + v // set with WithHeader: still what identifies the write
		}
	}

	start := time.Now()
	resp, err := c.rc.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		if c.log.Enabled(ctx, slog.LevelDebug) {
			c.log.LogAttrs(ctx, slog.LevelDebug, "pagos request failed", slog.String("provider", c.p.Name),
				slog.String("method", r.Method), slog.String("path", r.Path), slog.Int("attempts", st.attempt),
				slog.Duration("elapsed", time.Since(start)), slog.String("error", scrubString(redactErr(err), secrets)))
		}
		return c.transportError(ctx, r, st, sent, scrubErr(err, secrets))
	}
	defer resp.Body.Close()
	data, readErr := readCapped(resp.Body, resp.ContentLength, c.maxBody)
	if c.log.Enabled(ctx, slog.LevelDebug) {
		c.log.LogAttrs(ctx, slog.LevelDebug, "pagos request", slog.String("provider", c.p.Name),
			slog.String("method", r.Method), slog.String("path", r.Path), slog.Int("status", resp.StatusCode),
			slog.Int("attempts", st.attempt), slog.Duration("elapsed", time.Since(start)))
	}
	if readErr != nil {
		return c.maybeUnknown(r, st, sent, fmt.Errorf("%s: %s %s: reading response: %w", c.p.Name, r.Method, r.Path, scrubErr(readErr, secrets)))
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		// Error text and the raw body kept in provider errors never carry
		// the client's credentials, even when the provider echoes them.
		data = scrubBytes(data, secrets)
	}

	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if out == nil || len(bytes.TrimSpace(data)) == 0 {
			return nil
		}
		if err := json.Unmarshal(data, out); err != nil {
			// A write answered 2xx took effect, so a repeat could duplicate
			// it even though the answer cannot be read.
			return c.maybeUnknown(r, st, sent, fmt.Errorf("%s: %s %s: decoding the %d response: %w", c.p.Name, r.Method, r.Path, resp.StatusCode, err))
		}
		return nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return c.maybeUnknown(r, st, sent, fmt.Errorf("%s: %s %s: the provider answered %d with a redirect to %s; pagos follows no redirects, since they would carry your credentials: check the base URL",
			c.p.Name, r.Method, r.Path, resp.StatusCode, scrubString(redactURL(resp.Header.Get("Location")), secrets)))
	}
	return c.maybeUnknown(r, st, sent, c.p.DecodeError(resp.StatusCode, scrubHeader(resp.Header, secrets), data))
}

// transportError shapes a failure with no usable response.
func (c *Client) transportError(ctx context.Context, r *Request, st *attemptState, sent string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = ctxErr
	} else {
		// *url.Error prints the whole URL, query string included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
			// net/http may report its own deadline as a bare "context
			// deadline exceeded": say which limit ran out.
			if ue.Timeout() {
				err = fmt.Errorf("timeout: no response within %v (WithTimeout sets it): %w", c.timeout, err)
			}
		}
	}
	var ns *notSentError
	if errors.As(err, &ns) && !st.mayHaveActed {
		return fmt.Errorf("%s: %s %s: not sent: %w", c.p.Name, r.Method, r.Path, err)
	}
	return c.maybeUnknown(r, st, sent, fmt.Errorf("%s: %s %s: %w", c.p.Name, r.Method, r.Path, err))
}

// maybeUnknown wraps err in an *OutcomeUnknownError when the request is a
// write and any of its attempts may have taken effect.
func (c *Client) maybeUnknown(r *Request, st *attemptState, sent string, err error) error {
	if st.write() && st.mayHaveActed {
		return &pagos.OutcomeUnknownError{Provider: c.p.Name, Method: r.Method, Path: r.Path, Sent: sent, Err: err}
	}
	return err
}

// write reports whether the request may change something at the provider
// that a repeat could duplicate (POST, PATCH, or an Unrepeatable PUT or
// DELETE), so that a failure after it may have arrived leaves its outcome
// unknown.
func (st *attemptState) write() bool {
	switch st.method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	case http.MethodPut, http.MethodDelete:
		return st.unrepeatable
	}
	return true
}

// note records what one attempt's outcome says about the provider having
// acted. Only a request that was never written, a 429, or another 4xx
// refusal proves it did not; anything else may have taken effect. The mark
// is sticky: a later attempt's refusal does not undo an earlier maybe.
func (st *attemptState) note(resp *http.Response, err error) {
	switch {
	case err != nil:
		if !unsent(err) {
			st.mayHaveActed = true
		}
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500 || resp.StatusCode < 400:
		st.mayHaveActed = true
	}
}

// idempotent reports whether repeating the request cannot duplicate anything.
func (st *attemptState) idempotent() bool { return !st.write() || st.repeatable }

// beforeAttempt runs before every attempt (go-retryablehttp's RequestLogHook).
func (c *Client) beforeAttempt(_ retryablehttp.Logger, req *http.Request, i int) {
	if st := stateOf(req.Context()); st != nil {
		st.attempt = i + 1
	}
}

// readCapped reads a body of at most limit bytes and fails beyond that.
// size is the announced Content-Length, or -1.
func readCapped(r io.Reader, size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, &pagos.ResponseTooLargeError{Limit: limit}
	}
	capacity := int64(512)
	if size >= 0 {
		capacity = size + 1 // room to see EOF without growing
	}
	buf := make([]byte, 0, capacity)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, &pagos.ResponseTooLargeError{Limit: limit}
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// redactErr renders an error for a log line without URLs.
func redactErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
