package conektasync

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/webhook"
)

// Defaults of the handler.
const (
	// DefaultBudget is how long the handler gives a request, verification
	// included, before it answers a decline: Conekta declines a payment
	// that gets no answer within 2 seconds.
	DefaultBudget = 1500 * time.Millisecond
	// DefaultFailureCode is the decline sent when user code errs, panics or
	// runs out of time.
	DefaultFailureCode = conekta.FailureNotAuthorized
	// DefaultRemember is how many answered event ids the handler remembers,
	// to answer a repeat the same way.
	DefaultRemember = 10_000
	// DefaultMaxBodyBytes limits the request body, as webhook's handlers do.
	DefaultMaxBodyBytes = webhook.DefaultMaxBodyBytes
	// conektaLimit is Conekta's own deadline for an answer.
	conektaLimit = 2 * time.Second
)

// Option configures NewHandler. The delivery engine's options (store,
// lease, timeout, busy wait) have no counterpart: this handler answers
// every request within its budget and keeps no store.
type Option struct {
	set func(*config) error
}

// config is what NewHandler is configured with.
type config struct {
	maxBody     int64
	log         *slog.Logger // nil: slog.Default() when logging
	budget      time.Duration
	failureCode conekta.FailureCode
	late        func(LateAnswer)
	remember    int
}

func newConfig(opts []Option) (*config, error) {
	c := &config{maxBody: DefaultMaxBodyBytes, budget: DefaultBudget, failureCode: DefaultFailureCode, remember: DefaultRemember}
	for _, o := range opts {
		if o.set == nil {
			continue // the zero Option sets nothing
		}
		if err := o.set(c); err != nil {
			return nil, fmt.Errorf("conektasync: %w", err)
		}
	}
	return c, nil
}

// logger is the configured logger, or slog.Default() as it is now.
func (c *config) logger() *slog.Logger {
	if c.log != nil {
		return c.log
	}
	return slog.Default()
}

// WithBudget sets how long the handler gives a request from its arrival,
// verification included (default 1.5 s). Past it the handler answers a
// decline, since Conekta declines what gets no answer within 2 s; user
// code's context ends with the budget. It must be under 2 s.
func WithBudget(d time.Duration) Option {
	return Option{func(c *config) error {
		if d <= 0 || d >= conektaLimit {
			return fmt.Errorf("WithBudget: %s must be positive and under Conekta's 2 s limit", d)
		}
		c.budget = d
		return nil
	}}
}

// WithFailureCode sets the decline the handler answers when user code errs,
// panics, gives an invalid answer or runs out of time (default
// conekta.FailureNotAuthorized, "19").
func WithFailureCode(code conekta.FailureCode) Option {
	return Option{func(c *config) error {
		if err := conekta.Decline(code).Check(conekta.EventInboundPaymentLookup); err != nil {
			return fmt.Errorf("WithFailureCode: %w", err)
		}
		c.failureCode = code
		return nil
	}}
}

// LateAnswer reports user code that finished after the handler had
// answered a decline for it: its Answer was never sent. Undo what the code
// recorded for it (a payment attempt it approved was declined at the till).
type LateAnswer struct {
	Event   *conekta.Event
	Answer  conekta.InboundAnswer // what user code returned (zero for a reverse)
	Err     error                 // what user code returned as error, if anything
	Elapsed time.Duration         // from the request's arrival to user code's return
}

// WithLateAnswer sets a function the handler calls, once user code returns,
// for every answer that came too late to be sent. It runs on the request's
// goroutine, after the decline was sent.
func WithLateAnswer(fn func(LateAnswer)) Option {
	return Option{func(c *config) error {
		if fn == nil {
			return errors.New("WithLateAnswer: the function is nil")
		}
		c.late = fn
		return nil
	}}
}

// WithRemember sets how many answered event ids the handler remembers
// (default 10,000), oldest forgotten first. A repeat of a remembered id
// gets the same answer without calling user code again.
func WithRemember(n int) Option {
	return Option{func(c *config) error {
		if n < 1 {
			return fmt.Errorf("WithRemember: %d must be at least 1", n)
		}
		c.remember = n
		return nil
	}}
}

// WithMaxBodyBytes limits the request body (default 1 MiB); larger bodies
// get 413.
func WithMaxBodyBytes(n int64) Option {
	return Option{func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("WithMaxBodyBytes: %d must be positive", n)
		}
		c.maxBody = n
		return nil
	}}
}

// WithLogger sets where the handler logs (default: slog.Default() at the
// time of logging): refused requests at warn, user code that failed,
// panicked, answered invalidly or ran out of its budget at error, repeats
// at debug. Log lines carry the event id and type, never a body, a
// signature or a credential.
func WithLogger(l *slog.Logger) Option {
	return Option{func(c *config) error {
		if l == nil {
			return errors.New("WithLogger: the logger is nil")
		}
		c.log = l
		return nil
	}}
}
