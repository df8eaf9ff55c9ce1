package fake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Hook is a loopback server for a webhook handler that can only be built
// once its URL is registered (the registration returns the secret the
// handler needs): NewHook reserves the address, Start serves the handler.
type Hook struct {
	// URL is where the fake delivers: the reserved address and path.
	URL string
	srv *httptest.Server
}

// NewHook reserves a loopback address; path is appended to its URL.
func NewHook(path string) *Hook {
	srv := httptest.NewUnstartedServer(nil)
	return &Hook{URL: "http://" + srv.Listener.Addr().String() + path, srv: srv}
}

// Start serves h at the reserved address.
func (k *Hook) Start(h http.Handler) {
	k.srv.Config.Handler = h
	k.srv.Start()
}

// Close stops the server, started or not.
func (k *Hook) Close() { k.srv.Close() }

// Hooks are the servers a fake closes when it closes.
type Hooks struct {
	mu    sync.Mutex
	hooks []*Hook
}

// Add keeps k for CloseAll.
func (hs *Hooks) Add(k *Hook) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	hs.hooks = append(hs.hooks, k)
}

// CloseAll closes every hook added so far.
func (hs *Hooks) CloseAll() {
	hs.mu.Lock()
	hooks := hs.hooks
	hs.hooks = nil
	hs.mu.Unlock()
	for _, k := range hooks {
		k.Close()
	}
}

// Fail ends the test with a setup error of a fake's helper, as httptest
// does: tb.Fatal, or a panic when the fake was started without a test (tb
// nil), since a program has no test to fail. Call it on the test goroutine.
func Fail(tb testing.TB, format string, args ...any) {
	if tb == nil {
		panic(fmt.Sprintf(format, args...))
	}
	tb.Helper()
	tb.Fatalf(format, args...)
}

// Warn reports a likely misconfiguration through the test's log; nothing
// when the fake was started without a test.
func Warn(tb testing.TB, format string, args ...any) {
	if tb != nil {
		tb.Helper()
		tb.Logf(format, args...)
	}
}
