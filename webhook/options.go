package webhook

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
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

// Option configures a handler constructor or a Verify function. An option
// that does not apply to the provider, or to verification alone, is refused
// with an error rather than ignored.
type Option func(*settings) error

// settings is the union of what any handler or verifier can be configured with.
type settings struct {
	provider  string
	handler   bool // false for Verify… functions
	namespace string
	store     Store
	maxBody   int64
	timeout   time.Duration
	lease     time.Duration
	busyWait  time.Duration
	log       *slog.Logger
	now       func() time.Time
	tolerance time.Duration

	tokuConfirm *toku.Client
	conekta     conektaSettings
	fygaro      fygaroSettings
	tpaga       tpagaSettings
}

const (
	provToku    = "toku"
	provConekta = "conekta"
	provFygaro  = "fygaro"
	provTpaga   = "tpaga"
)

func newSettings(provider string, handler bool, opts []Option) (*settings, error) {
	s := &settings{
		provider:  provider,
		handler:   handler,
		namespace: provider,
		maxBody:   DefaultMaxBodyBytes,
		timeout:   DefaultTimeout,
		busyWait:  DefaultBusyWait,
		now:       time.Now,
		tolerance: DefaultTolerance,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			return nil, fmt.Errorf("webhook: %w", err)
		}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if !handler {
		return s, nil
	}
	if s.lease == 0 {
		s.lease = s.timeout + 10*time.Second
	}
	if s.lease <= s.timeout {
		return nil, fmt.Errorf("webhook: lease %s must be longer than the handler timeout %s, or a slow delivery's claim could pass to a duplicate while it still runs", s.lease, s.timeout)
	}
	if s.store == nil {
		s.store = NewMemoryStore(MemoryStoreConfig{Logger: s.log})
	}
	return s, nil
}

// only refuses an option outside the providers it applies to.
func (s *settings) only(option string, providers ...string) error {
	if !slices.Contains(providers, s.provider) {
		return fmt.Errorf("%s does not apply to %s (it applies to %s)", option, s.provider, strings.Join(providers, ", "))
	}
	return nil
}

// handlerOnly refuses an option given to a Verify function.
func (s *settings) handlerOnly(option string) error {
	if !s.handler {
		return fmt.Errorf("%s applies to handlers, not to verification alone", option)
	}
	return nil
}

// WithStore sets the dedupe store (default: a MemoryStore per handler).
// Share one store between replicas (webhook/pgstore) to process an event
// once across them.
func WithStore(st Store) Option {
	return func(s *settings) error {
		if err := s.handlerOnly("WithStore"); err != nil {
			return err
		}
		if st == nil {
			return errors.New("WithStore: the store is nil")
		}
		s.store = st
		return nil
	}
}

// WithNamespace sets the namespace of dedupe keys (default: the provider
// name), so two services sharing one store never swallow each other's events.
func WithNamespace(ns string) Option {
	return func(s *settings) error {
		if err := s.handlerOnly("WithNamespace"); err != nil {
			return err
		}
		if strings.TrimSpace(ns) == "" {
			return errors.New("WithNamespace: the namespace is empty")
		}
		s.namespace = ns
		return nil
	}
}

// WithMaxBodyBytes limits the request body (default 1 MiB); larger bodies
// get 413.
func WithMaxBodyBytes(n int64) Option {
	return func(s *settings) error {
		if err := s.handlerOnly("WithMaxBodyBytes"); err != nil {
			return err
		}
		if n <= 0 {
			return fmt.Errorf("WithMaxBodyBytes: %d must be positive", n)
		}
		s.maxBody = n
		return nil
	}
}

// WithTimeout bounds user code per delivery (default 20 s). Past it the
// handler answers 500 so the provider retries; user code's context ends.
func WithTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if err := s.handlerOnly("WithTimeout"); err != nil {
			return err
		}
		if d <= 0 {
			return fmt.Errorf("WithTimeout: %s must be positive", d)
		}
		s.timeout = d
		return nil
	}
}

// WithLease sets how long a delivery holds its claim on an event (default:
// the timeout plus 10 s). It must exceed the timeout. The lease is not
// renewed: user code that ignores its context's end and runs past the lease
// may run a second time, concurrently, if a duplicate arrives then. Honour
// ctx in user code.
func WithLease(d time.Duration) Option {
	return func(s *settings) error {
		if err := s.handlerOnly("WithLease"); err != nil {
			return err
		}
		if d <= 0 {
			return fmt.Errorf("WithLease: %s must be positive", d)
		}
		s.lease = d
		return nil
	}
}

// WithBusyWait sets how long a duplicate delivery waits for the first one to
// finish (default 5 s) before answering 503 with Retry-After. A duplicate is
// never acknowledged before the first delivery succeeded.
func WithBusyWait(d time.Duration) Option {
	return func(s *settings) error {
		if err := s.handlerOnly("WithBusyWait"); err != nil {
			return err
		}
		if d < 0 {
			return fmt.Errorf("WithBusyWait: %s must not be negative", d)
		}
		s.busyWait = d
		return nil
	}
}

// WithLogger logs refused deliveries (warn), user code failures (error) and
// outcomes (debug). Log lines carry the provider, event key and status, never
// a body, signature or secret.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return errors.New("WithLogger: the logger is nil")
		}
		s.log = l
		return nil
	}
}

// WithClock sets the clock used for timestamp checks (default time.Now).
// Toku and Fygaro sign timestamps; Conekta and Tpaga do not.
func WithClock(now func() time.Time) Option {
	return func(s *settings) error {
		if err := s.only("WithClock", provToku, provFygaro); err != nil {
			return err
		}
		if now == nil {
			return errors.New("WithClock: the clock is nil")
		}
		s.now = now
		return nil
	}
}

// WithTolerance sets how far a signed timestamp may be from now, in either
// direction (default 5 minutes). Toku and Fygaro sign timestamps.
func WithTolerance(d time.Duration) Option {
	return func(s *settings) error {
		if err := s.only("WithTolerance", provToku, provFygaro); err != nil {
			return err
		}
		if d <= 0 {
			return fmt.Errorf("WithTolerance: %s must be positive", d)
		}
		s.tolerance = d
		return nil
	}
}
