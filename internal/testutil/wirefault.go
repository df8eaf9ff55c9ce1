package testutil

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// Arrival is one request a DropOnReuse server read in full.
type Arrival struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// DropOnReuse is a loopback server that misbehaves the way a network does
// when a keep-alive connection dies after a request was written: it answers
// the first request on each connection with the handler it was given, and
// on a reused connection reads the whole request, then closes the connection
// without answering. Every request it read is recorded, dropped or not.
type DropOnReuse struct {
	URL string

	mu       sync.Mutex
	arrivals []Arrival
}

type connSeqKey struct{}

// NewDropOnReuse starts the server, closed when t ends.
func NewDropOnReuse(t testing.TB, answer http.HandlerFunc) *DropOnReuse {
	t.Helper()
	d := &DropOnReuse{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		d.mu.Lock()
		d.arrivals = append(d.arrivals, Arrival{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
		d.mu.Unlock()
		if r.Context().Value(connSeqKey{}).(*atomic.Int64).Add(1) == 1 {
			answer(w, r)
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	srv.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		return context.WithValue(ctx, connSeqKey{}, new(atomic.Int64))
	}
	srv.Start()
	t.Cleanup(srv.Close)
	d.URL = srv.URL
	return d
}

// Arrivals returns the requests read so far, in order.
func (d *DropOnReuse) Arrivals() []Arrival {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Arrival(nil), d.arrivals...)
}

// Count returns how many requests with method and path were read.
func (d *DropOnReuse) Count(method, path string) int {
	n := 0
	for _, a := range d.Arrivals() {
		if a.Method == method && a.Path == path {
			n++
		}
	}
	return n
}
