package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"time"
)

// flow is one provider's walk-through.
type flow struct {
	name string
	run  func(ctx context.Context, p *printer) error
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart failed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, env func(string) string) error {
	flows := []flow{
		{"Toku", func(ctx context.Context, p *printer) error { return tokuFlow(ctx, p, env) }},
		{"Toku subscription", tokuSubscriptionFlow},
		{"Conekta card", func(ctx context.Context, p *printer) error { return conektaCardFlow(ctx, p, env) }},
		{"Conekta OXXO cash", func(ctx context.Context, p *printer) error { return conektaCashFlow(ctx, p, env) }},
		{"Conekta payment link", func(ctx context.Context, p *printer) error { return conektaLinkFlow(ctx, p, env) }},
		{"Conekta card subscription", func(ctx context.Context, p *printer) error { return conektaSubscriptionFlow(ctx, p, env) }},
		{"Fygaro", func(ctx context.Context, p *printer) error { return fygaroFlow(ctx, p, env) }},
		{"Tpaga", func(ctx context.Context, p *printer) error { return tpagaFlow(ctx, p, env) }},
	}
	for _, f := range flows {
		p := &printer{w: out}
		fmt.Fprintf(out, "\n== %s ==\n", f.name)
		ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		err := f.run(ctx, p)
		cancel()
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	fmt.Fprintln(out, "\nall flows passed")
	return nil
}

// printer numbers the steps a person follows.
type printer struct {
	w io.Writer
	n int
}

func (p *printer) step(format string, args ...any) {
	p.n++
	fmt.Fprintf(p.w, "%2d. %s\n", p.n, fmt.Sprintf(format, args...))
}

func (p *printer) note(format string, args ...any) {
	fmt.Fprintf(p.w, "    %s\n", fmt.Sprintf(format, args...))
}

// hookServer is a loopback HTTP server whose handler is installed later,
// once the webhook secret is known (it comes back when the endpoint is
// registered, after the URL is needed).
type hookServer struct {
	URL string
	h   atomic.Pointer[http.Handler]
	srv *http.Server
}

func startHookServer() (*hookServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &hookServer{URL: "http://" + l.Addr().String()}
	hs.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := hs.h.Load(); h != nil {
			(*h).ServeHTTP(w, r)
			return
		}
		http.Error(w, "not ready", http.StatusServiceUnavailable)
	})}
	go func() { _ = hs.srv.Serve(l) }()
	return hs, nil
}

func (hs *hookServer) mount(h http.Handler) { hs.h.Store(&h) }

func (hs *hookServer) Close() { _ = hs.srv.Close() }

// await waits for a value from ch or fails after a while.
func await[T any](ctx context.Context, ch <-chan T, what string) (T, error) {
	var zero T
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(10 * time.Second):
		return zero, fmt.Errorf("timed out waiting for %s", what)
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}
