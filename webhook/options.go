package webhook

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/pagos-go/pagos/toku"
)

// Defaults of handlers and verifiers.
const (
	DefaultTolerance    = 5 * time.Minute  // signed timestamps, both directions
	DefaultMaxBodyBytes = 1 << 20          // 1 MiB
	DefaultTimeout      = 20 * time.Second // user code per delivery
	DefaultBusyWait     = 5 * time.Second  // a duplicate waits this long for the first delivery
)

// Options are typed by the constructors they apply to, so that one that
// does not apply does not compile: each constructor takes its own family's
// interface, whose unexported method only the options meant for it have.
//
//	family               constructor          satisfied by
//	TokuOption           NewTokuHandler       HandlerOption, TimestampOption, WithTokuConfirmation
//	TokuVerifyOption     VerifyToku           TimestampOption
//	ConektaOption        NewConektaHandler    HandlerOption
//	FygaroOption         NewFygaroHandler     HandlerOption, TimestampOption, WithFygaroJWTOnly
//	FygaroVerifyOption   VerifyFygaro         TimestampOption, WithFygaroJWTOnly
//	TpagaOption          NewTpagaHandler      HandlerOption, WithTpagaHeader, WithTpagaPreviousAuthorization
//	TpagaVerifyOption    VerifyTpaga          WithTpagaPreviousAuthorization
//
// A verify family's interface includes its handler family's, so what a
// VerifyFygaro accepts NewFygaroHandler accepts too. VerifyConekta takes no
// options. The Conekta sync responder has its own Option type in package
// webhook/conektasync.

// TokuOption configures NewTokuHandler.
type TokuOption interface{ applyToku(*tokuConfig) error }

// TokuVerifyOption configures VerifyToku, and NewTokuHandler alike.
type TokuVerifyOption interface {
	TokuOption
	applyTokuVerify(*clock) error
}

// ConektaOption configures NewConektaHandler.
type ConektaOption interface{ applyConekta(*engineConfig) error }

// FygaroOption configures NewFygaroHandler.
type FygaroOption interface{ applyFygaro(*fygaroConfig) error }

// FygaroVerifyOption configures VerifyFygaro, and NewFygaroHandler alike.
type FygaroVerifyOption interface {
	FygaroOption
	applyFygaroVerify(*fygaroVerifyConfig) error
}

// TpagaOption configures NewTpagaHandler.
type TpagaOption interface{ applyTpaga(*tpagaConfig) error }

// TpagaVerifyOption configures VerifyTpaga, and NewTpagaHandler alike.
type TpagaVerifyOption interface {
	TpagaOption
	applyTpagaVerify(*tpagaVerifyConfig) error
}

// engineConfig is what every handler is configured with: the delivery
// engine's settings.
type engineConfig struct {
	provider  string
	namespace string
	store     Store
	maxBody   int64
	timeout   time.Duration
	lease     time.Duration
	busyWait  time.Duration
	log       *slog.Logger // nil: slog.Default() when logging
}

// clock is what Toku and Fygaro, which sign timestamps, check them with.
type clock struct {
	now       func() time.Time
	tolerance time.Duration
}

// tokuConfig configures NewTokuHandler.
type tokuConfig struct {
	engineConfig
	clock
	confirm *toku.Client
}

// fygaroVerifyConfig configures VerifyFygaro and the handler's verifier.
type fygaroVerifyConfig struct {
	clock
	jwtOnly bool          // accept hooks without Fygaro-Signature
	maxAge  time.Duration // of JWT-only hooks
}

// fygaroConfig configures NewFygaroHandler.
type fygaroConfig struct {
	engineConfig
	fygaroVerifyConfig
}

// tpagaVerifyConfig configures VerifyTpaga and the handler's comparison.
type tpagaVerifyConfig struct {
	previous [][sha256.Size]byte // digests of values still accepted during a change
}

// tpagaConfig configures NewTpagaHandler.
type tpagaConfig struct {
	engineConfig
	tpagaVerifyConfig
	header string // where the agreed value arrives; "" means Authorization
}

func newEngineConfig(provider string) engineConfig {
	return engineConfig{provider: provider, namespace: provider, maxBody: DefaultMaxBodyBytes, timeout: DefaultTimeout, busyWait: DefaultBusyWait}
}

func newClock() clock { return clock{now: time.Now, tolerance: DefaultTolerance} }

// configure applies opts, skipping nil ones, through apply.
func configure[O any](opts []O, apply func(O) error) error {
	for _, o := range opts {
		if any(o) == nil {
			continue
		}
		if err := apply(o); err != nil {
			return fmt.Errorf("webhook: %w", err)
		}
	}
	return nil
}

// finish fills in the defaults that depend on other settings and checks
// what only the settings together can tell.
func (c *engineConfig) finish() error {
	if c.lease == 0 {
		c.lease = c.timeout + 10*time.Second
	}
	if c.lease <= c.timeout {
		return fmt.Errorf("webhook: lease %s must be longer than the handler timeout %s, or a slow delivery's claim could pass to a duplicate while it still runs", c.lease, c.timeout)
	}
	if c.store == nil {
		c.store = NewMemoryStore(MemoryStoreConfig{Logger: c.logger()})
	}
	return nil
}

// logger is the configured logger, or slog.Default() as it is now, so a
// handler built before slog.SetDefault still logs where the program says.
func (c *engineConfig) logger() *slog.Logger {
	if c.log != nil {
		return c.log
	}
	return slog.Default()
}

// HandlerOption configures the delivery engine every handler shares:
// WithStore, WithNamespace, WithMaxBodyBytes, WithTimeout, WithLease,
// WithBusyWait, WithLogger, and HandlerOptions to bundle them. It satisfies TokuOption, ConektaOption,
// FygaroOption and TpagaOption, and no verify family: verification alone
// has no store, timeout or logger.
type HandlerOption struct {
	set func(*engineConfig) error
}

func (o HandlerOption) apply(c *engineConfig) error {
	if o.set == nil {
		return errors.New("a zero HandlerOption; make one with WithStore, WithTimeout…")
	}
	return o.set(c)
}

func (o HandlerOption) applyToku(c *tokuConfig) error      { return o.apply(&c.engineConfig) }
func (o HandlerOption) applyConekta(c *engineConfig) error { return o.apply(c) }
func (o HandlerOption) applyFygaro(c *fygaroConfig) error  { return o.apply(&c.engineConfig) }
func (o HandlerOption) applyTpaga(c *tpagaConfig) error    { return o.apply(&c.engineConfig) }

// TimestampOption configures the check of signed timestamps: WithClock,
// WithTolerance. Toku and Fygaro sign timestamps, Conekta and Tpaga do not,
// so it satisfies TokuOption, TokuVerifyOption, FygaroOption and
// FygaroVerifyOption only.
type TimestampOption struct {
	set func(*clock) error
}

func (o TimestampOption) apply(c *clock) error {
	if o.set == nil {
		return errors.New("a zero TimestampOption; make one with WithClock or WithTolerance")
	}
	return o.set(c)
}

func (o TimestampOption) applyToku(c *tokuConfig) error                 { return o.apply(&c.clock) }
func (o TimestampOption) applyTokuVerify(c *clock) error                { return o.apply(c) }
func (o TimestampOption) applyFygaro(c *fygaroConfig) error             { return o.apply(&c.clock) }
func (o TimestampOption) applyFygaroVerify(c *fygaroVerifyConfig) error { return o.apply(&c.clock) }

// tokuOption is an option of NewTokuHandler alone.
type tokuOption func(*tokuConfig) error

func (o tokuOption) applyToku(c *tokuConfig) error { return o(c) }

// fygaroVerifyOption is a Fygaro option that verification uses too.
type fygaroVerifyOption func(*fygaroVerifyConfig) error

func (o fygaroVerifyOption) applyFygaro(c *fygaroConfig) error { return o(&c.fygaroVerifyConfig) }
func (o fygaroVerifyOption) applyFygaroVerify(c *fygaroVerifyConfig) error {
	return o(c)
}

// tpagaOption is an option of NewTpagaHandler alone.
type tpagaOption func(*tpagaConfig) error

func (o tpagaOption) applyTpaga(c *tpagaConfig) error { return o(c) }

// tpagaVerifyOption is a Tpaga option that verification uses too.
type tpagaVerifyOption func(*tpagaVerifyConfig) error

func (o tpagaVerifyOption) applyTpaga(c *tpagaConfig) error { return o(&c.tpagaVerifyConfig) }
func (o tpagaVerifyOption) applyTpagaVerify(c *tpagaVerifyConfig) error {
	return o(c)
}

// HandlerOptions bundles several handler options into one, so a program
// serving several providers can build its shared settings (logger, store)
// once and give them to each provider's handler, whose option types differ:
//
//	shared := webhook.HandlerOptions(webhook.WithLogger(log), webhook.WithStore(store))
//	toku, err := webhook.NewTokuHandler(secret, onToku, shared, webhook.WithTokuConfirmation(c))
//	tpaga, err := webhook.NewTpagaHandler(auth, onTpaga, shared)
//
// They apply in order, as if given one by one.
func HandlerOptions(opts ...HandlerOption) HandlerOption {
	opts = append([]HandlerOption(nil), opts...)
	return HandlerOption{func(c *engineConfig) error {
		for _, o := range opts {
			if err := o.apply(c); err != nil {
				return err
			}
		}
		return nil
	}}
}

// WithStore sets the dedupe store (default: a MemoryStore per handler).
// Share one store between replicas (webhook/pgstore) to process an event
// once across them.
func WithStore(st Store) HandlerOption {
	return HandlerOption{func(c *engineConfig) error {
		if st == nil {
			return errors.New("WithStore: the store is nil")
		}
		c.store = st
		return nil
	}}
}

// WithNamespace sets the namespace of dedupe keys (default: the provider
// name), so two services sharing one store never swallow each other's events.
func WithNamespace(ns string) HandlerOption {
	return HandlerOption{func(c *engineConfig) error {
		if strings.TrimSpace(ns) == "" {
			return errors.New("WithNamespace: the namespace is empty")
		}
		c.namespace = ns
		return nil
	}}
}

// WithMaxBodyBytes limits the request body (default 1 MiB); larger bodies
// get 413.
func WithMaxBodyBytes(n int64) HandlerOption {
	return HandlerOption{func(c *engineConfig) error {
		if n <= 0 {
			return fmt.Errorf("WithMaxBodyBytes: %d must be positive", n)
		}
		c.maxBody = n
		return nil
	}}
}

// WithTimeout bounds user code per delivery (default 20 s). Past it the
// handler answers 500 so the provider retries; user code's context ends.
func WithTimeout(d time.Duration) HandlerOption {
	return HandlerOption{func(c *engineConfig) error {
		if d <= 0 {
			return fmt.Errorf("WithTimeout: %s must be positive", d)
		}
		c.timeout = d
		return nil
	}}
}

// WithLease sets how long a delivery holds its claim on an event (default:
// the timeout plus 10 s). It must exceed the timeout. The lease is not
// renewed: user code that ignores its context's end and runs past the lease
// may run a second time, concurrently, if a duplicate arrives then. Honour
// ctx in user code.
func WithLease(d time.Duration) HandlerOption {
	return HandlerOption{func(c *engineConfig) error {
		if d <= 0 {
			return fmt.Errorf("WithLease: %s must be positive", d)
		}
		c.lease = d
		return nil
	}}
}

// WithBusyWait sets how long a duplicate delivery waits for the first one to
// finish (default 5 s) before answering 503 with Retry-After. A duplicate is
// never acknowledged before the first delivery succeeded.
func WithBusyWait(d time.Duration) HandlerOption {
	return HandlerOption{func(c *engineConfig) error {
		if d < 0 {
			return fmt.Errorf("WithBusyWait: %s must not be negative", d)
		}
		c.busyWait = d
		return nil
	}}
}

// WithLogger sets where a handler logs (default: slog.Default() at the time
// of logging): refused deliveries (405, 413, 401, 400) at warn, user code
// that failed, panicked or timed out at error, outcomes at debug. Log lines
// carry the provider, event key, status and reason, never a body, a
// signature or a secret.
func WithLogger(l *slog.Logger) HandlerOption {
	return HandlerOption{func(c *engineConfig) error {
		if l == nil {
			return errors.New("WithLogger: the logger is nil")
		}
		c.log = l
		return nil
	}}
}

// WithClock sets the clock used for timestamp checks (default time.Now).
// Toku and Fygaro sign timestamps; Conekta and Tpaga do not.
func WithClock(now func() time.Time) TimestampOption {
	return TimestampOption{func(c *clock) error {
		if now == nil {
			return errors.New("WithClock: the clock is nil")
		}
		c.now = now
		return nil
	}}
}

// WithTolerance sets how far a signed timestamp may be from now, in either
// direction (default 5 minutes). Toku and Fygaro sign timestamps.
func WithTolerance(d time.Duration) TimestampOption {
	return TimestampOption{func(c *clock) error {
		if d <= 0 {
			return fmt.Errorf("WithTolerance: %s must be positive", d)
		}
		c.tolerance = d
		return nil
	}}
}
