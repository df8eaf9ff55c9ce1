// Command webhook-server serves the webhook handlers of every pagos provider
// from one process, ready to deploy behind TLS.
//
//	TOKU_WEBHOOK_SECRET=whesec_… go run ./examples/webhook-server -addr 127.0.0.1:8080
//
// Each provider is mounted only when its settings are present; the start-up
// log says which routes are live and which are not, and why. A malformed
// setting stops the start with a message saying what to fix. SIGINT or
// SIGTERM shuts the server down gracefully: requests in flight finish, new
// ones are refused, and the process exits 0.
//
// Routes:
//
//	POST /webhooks/toku          Toku events            TOKU_WEBHOOK_SECRET
//	POST /webhooks/fygaro        Fygaro hooks           FYGARO_HOOK_KEY_ID, FYGARO_HOOK_SECRET
//	GET  /healthz                liveness
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "webhook-server:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	addr      string
	logFormat string
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("webhook-server", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return o, fmt.Errorf("-log-format %q: use text or json", o.logFormat)
	}
	return o, nil
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// run starts the server and blocks until ctx ends, then shuts it down.
func run(ctx context.Context, args []string, env lookupEnv, logOut io.Writer) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	log := newLogger(o.logFormat, logOut)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok\n")
	})
	routes, err := mountProviders(mux, env, log)
	if err != nil {
		return err
	}
	live := 0
	for _, rt := range routes {
		if rt.reason == "" {
			live++
			log.Info("route live", "route", rt.pattern)
		} else {
			log.Warn("route not mounted", "route", rt.pattern, "reason", rt.reason)
		}
	}
	if live == 0 {
		log.Warn("no provider is configured: only /healthz is served")
	}

	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second, // above the handlers' 20 s budget for user code
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "addr", l.Addr().String())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
