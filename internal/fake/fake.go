package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// IDs is the fakes' default id source: the prefix and a counter shared by
// every prefix, zero-padded ("cus_000001", "in_000002"). It is safe for
// concurrent use, and its count is part of a fake's saved state, so a
// restored fake never hands out an id it already gave.
type IDs struct {
	mu sync.Mutex
	n  int
}

// New returns the next id with prefix.
func (c *IDs) New(prefix string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return fmt.Sprintf("%s%06d", prefix, c.n)
}

// Count is how many ids were handed out.
func (c *IDs) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Restore moves the count forward to n; it never moves it back.
func (c *IDs) Restore(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = max(c.n, n)
}

// Serve starts a fake's server with h: on ln when the user gave one
// (WithListener, so a restarted fake keeps its URL), else on a new random
// loopback port.
func Serve(h http.Handler, ln net.Listener) *httptest.Server {
	if ln == nil {
		return httptest.NewServer(h)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	return srv
}

// HTTPClient returns the client a fake delivers webhooks with: bounded in
// time, following no redirect (as providers do not), and with a transport of
// its own, so one fake's pooled connections never meet another test's
// servers.
func HTTPClient() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: http.DefaultTransport.(*http.Transport).Clone(),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// WriteJSON answers with status and v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Any2xx is the success rule of providers that take any 2xx (Toku, Conekta).
func Any2xx(status int) bool { return status >= 200 && status <= 299 }

// Only200 is the success rule of providers that count only 200 (Fygaro,
// Tpaga).
func Only200(status int) bool { return status == http.StatusOK }

// Send makes one delivery attempt, drains the answer, and reports its
// status; an answer ok refuses is an error.
func Send(hc *http.Client, req *http.Request, ok func(status int) bool) (int, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if !ok(resp.StatusCode) {
		return resp.StatusCode, fmt.Errorf("%s answered %d", req.URL.Redacted(), resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// Retry calls try, one delivery attempt, until it succeeds or max attempts
// ran, waiting 1 s, 2 s, 4 s, … between them through sleep (so tests can
// make the waits instant). It returns how many attempts ran and the last
// one's status and error.
func Retry(ctx context.Context, max int, sleep func(context.Context, time.Duration) error, try func() (int, error)) (attempts, status int, err error) {
	wait := time.Second
	for attempts = 1; ; attempts++ {
		status, err = try()
		if err == nil || attempts >= max || ctx.Err() != nil {
			return attempts, status, err
		}
		if serr := sleep(ctx, wait); serr != nil {
			return attempts, status, serr
		}
		wait *= 2
	}
}
