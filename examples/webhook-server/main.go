package main

import (
	"context"
	"database/sql"
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

	_ "github.com/jackc/pgx/v5/stdlib" // the example's PostgreSQL driver; pgstore takes any *sql.DB

	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/pgstore"
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
	dedupeDSN string
	// reconcileEvery is how often missed deliveries are replayed; 0: never.
	reconcileEvery time.Duration
}

func parseFlags(args []string, env lookupEnv) (options, error) {
	var o options
	dsn, _ := env("PAGOS_DEDUPE_DSN")
	fs := flag.NewFlagSet("webhook-server", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&o.dedupeDSN, "dedupe-dsn", dsn, "PostgreSQL URL of the dedupe store shared by replicas (default $PAGOS_DEDUPE_DSN; empty: in memory, per process)")
	every, _ := env("PAGOS_RECONCILE_EVERY")
	var everyFlag string
	fs.StringVar(&everyFlag, "reconcile-every", every, "how often to replay missed deliveries of each provider whose API key is set, such as 1h (default $PAGOS_RECONCILE_EVERY; empty: never)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if everyFlag != "" {
		d, err := time.ParseDuration(everyFlag)
		if err != nil || d <= 0 {
			return o, fmt.Errorf("-reconcile-every (or PAGOS_RECONCILE_EVERY) %q: give a positive duration such as 1h", everyFlag)
		}
		o.reconcileEvery = d
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
	o, err := parseFlags(args, env)
	if err != nil {
		return err
	}
	log := newLogger(o.logFormat, logOut)

	common := []webhook.HandlerOption{webhook.WithLogger(log)}
	if o.dedupeDSN != "" {
		store, closeDB, err := openStore(ctx, o.dedupeDSN)
		if err != nil {
			return err
		}
		defer closeDB()
		common = append(common, webhook.WithStore(store))
		log.Info("dedupe store", "kind", "postgresql", "table", pgstore.DefaultTable, "shared", true)
	} else {
		log.Info("dedupe store", "kind", "memory", "shared", false,
			"note", "per process: run one replica, or set -dedupe-dsn to share a PostgreSQL store")
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok\n")
	})
	routes, err := mountProviders(mux, env, log, webhook.HandlerOptions(common...))
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
	var recs []reconciler
	if o.reconcileEvery > 0 {
		if recs, err = reconcilers(routes, env, log); err != nil {
			return err
		}
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
	rctx, stopReconcile := context.WithCancel(ctx)
	reconciled := make(chan struct{})
	go func() {
		defer close(reconciled)
		if len(recs) > 0 {
			log.Info("reconciling", "every", o.reconcileEvery.String(), "providers", len(recs))
			reconcileLoop(rctx, recs, o.reconcileEvery, log)
		}
	}()
	defer func() {
		stopReconcile()
		<-reconciled
	}()

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

// openStore connects to PostgreSQL and creates the dedupe table if missing.
// The DSN holds a password, so no message repeats it.
func openStore(ctx context.Context, dsn string) (*pgstore.Store, func(), error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, errors.New("-dedupe-dsn: not a PostgreSQL URL such as postgres://user:password@host:5432/db")
	}
	db.SetMaxOpenConns(20)
	store, err := pgstore.New(db, pgstore.Config{})
	if err == nil {
		mctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = store.Migrate(mctx)
		cancel()
	}
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("-dedupe-dsn: preparing the dedupe store: %w", err)
	}
	return store, func() { db.Close() }, nil
}
