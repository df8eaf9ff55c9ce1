package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/internal/wait"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/webhook/internal/inbound"
)

// delivery is what a provider adapter extracts from an authenticated request.
type delivery struct {
	key string                          // the provider's dedupe key for the event
	run func(ctx context.Context) error // user code (and any confirmation)
}

// acceptFunc authenticates a request body and decodes its envelope.
type acceptFunc func(body []byte, h http.Header) (*delivery, error)

// engine is the handler machinery all four providers share: POST only, body
// limit, authentication, envelope decoding, dedupe, and user code under a
// timeout whose success alone acknowledges the delivery.
type engine struct {
	*engineConfig
	accept acceptFunc
	// The replays' way in (replay.go): the delivery the live accept func
	// builds from a provider's event, so a replay has the live dedupe key
	// and user call. nil where the provider has no listing API.
	tokuEvent    func(*toku.Event) *delivery
	conektaEvent func(*conekta.Event) *delivery
	tpagaDeposit func(*tpaga.Notification) *delivery
}

const storeTimeout = 5 * time.Second

// ServeHTTP handles one delivery: see NewTokuHandler and its siblings.
func (e *engine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := e.readPost(w, r)
	if !ok {
		return
	}
	d, err := e.accept(body, r.Header)
	if err != nil {
		e.refuse(r, w, inbound.Unaccepted(err, ErrMalformedPayload))
		return
	}
	status, reason := e.process(r.Context(), d)
	if status == http.StatusOK {
		w.WriteHeader(http.StatusOK)
		return
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(e.busyWait/time.Second))))
	}
	http.Error(w, reason, status)
}

// process runs an authenticated delivery through the dedupe store and user
// code, returning the status to answer.
func (e *engine) process(reqCtx context.Context, d *delivery) (int, string) {
	key := e.key(d)
	base := context.WithoutCancel(reqCtx)
	out, err := e.settle(reqCtx, d)
	switch out {
	case outStoreFailed:
		e.logEvent(base, slog.LevelError, "webhook: dedupe store failed; answering 503 so the provider retries", key, slog.String("error", err.Error()))
		return http.StatusServiceUnavailable, "dedupe store unavailable"
	case outDone:
		e.logEvent(base, slog.LevelDebug, "webhook: duplicate of a processed event acknowledged", key)
		return http.StatusOK, ""
	case outBusy:
		e.logEvent(base, slog.LevelInfo, "webhook: event still in progress in another delivery; answering 503", key)
		return http.StatusServiceUnavailable, "event in progress"
	case outTimedOut:
		e.logEvent(base, slog.LevelError, "webhook: handler timed out; answering 500", key, slog.String("error", err.Error()))
		return http.StatusInternalServerError, "processing failed"
	case outFailed:
		return http.StatusInternalServerError, "processing failed"
	}
	return http.StatusOK, ""
}

// outcome is what settle did with a delivery.
type outcome int

const (
	outSucceeded   outcome = iota // user code ran and returned nil
	outDone                       // processed before: user code not run
	outBusy                       // another delivery holds it: user code not run
	outStoreFailed                // the claim failed: user code not run
	outFailed                     // user code returned an error or panicked
	outTimedOut                   // user code outlived the timeout; it settles the claim when it returns
)

// key is d's dedupe key in this handler's namespace.
func (e *engine) key(d *delivery) Key {
	return Key{Namespace: e.namespace, Provider: e.provider, Event: d.key}
}

// settle claims d's key and, when acquired, runs user code under the
// timeout and records its outcome: the one path of live deliveries and
// replays alike, so that of the two only one ever runs user code.
func (e *engine) settle(reqCtx context.Context, d *delivery) (outcome, error) {
	key := e.key(d)
	// User code and the store calls that settle it outlive a provider
	// hanging up, so a delivery is never cut in half.
	base := context.WithoutCancel(reqCtx)
	claim, err := e.claim(reqCtx, base, key)
	if err != nil {
		return outStoreFailed, err
	}
	switch claim.Status {
	case Done:
		return outDone, nil
	case Busy:
		return outBusy, nil
	}

	leaseEnd := time.Now().Add(e.lease)
	ctx, cancel := context.WithTimeout(base, e.timeout)
	done := make(chan error, 1)
	go func() { done <- callSafely(ctx, d.run) }()
	select {
	case err = <-done:
		cancel()
		e.finish(base, claim, leaseEnd, err)
	case <-ctx.Done():
		// Answer now so the provider retries; the claim is settled when user
		// code returns, so a retry meanwhile waits (Busy) rather than
		// running it twice.
		go func() {
			err := <-done
			cancel()
			e.finish(base, claim, leaseEnd, err)
		}()
		return outTimedOut, fmt.Errorf("user code did not finish within %s", e.timeout)
	}
	if err != nil {
		return outFailed, err
	}
	return outSucceeded, nil
}

// exclusive runs fn under a claim of a second key of this handler, for a
// delivery whose event a replay knows by another key than the live one
// (Toku's transaction): Done means the replay processed it, so fn is
// skipped and the delivery acknowledged; Busy fails the delivery so the
// provider retries once the holder settled it.
func (e *engine) exclusive(ctx context.Context, event string, fn func(context.Context) error) error {
	key := Key{Namespace: e.namespace, Provider: e.provider, Event: event}
	base := context.WithoutCancel(ctx)
	c, err := e.claim(ctx, base, key)
	if err != nil {
		return fmt.Errorf("webhook: dedupe store: %w", err)
	}
	switch c.Status {
	case Done:
		e.logEvent(base, slog.LevelDebug, "webhook: payment processed before, by a replay or another event; acknowledged", key)
		return nil
	case Busy:
		return errors.New("webhook: the payment is being processed by another delivery or a replay; the provider will retry")
	}
	leaseEnd := time.Now().Add(e.lease)
	err = callSafely(ctx, fn)
	e.finish(base, c, leaseEnd, err)
	return err
}

// claim claims key, waiting up to busyWait while another delivery holds it;
// reqCtx ending (the provider gave up) ends the wait.
func (e *engine) claim(reqCtx, base context.Context, key Key) (Claim, error) {
	deadline := time.Now().Add(e.busyWait)
	pause := 10 * time.Millisecond
	for {
		sctx, cancel := e.storeCtx(base)
		c, err := e.store.Claim(sctx, key, e.lease)
		cancel()
		if err != nil || c.Status != Busy {
			return c, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return c, nil
		}
		if err := wait.For(reqCtx, min(pause, left)); err != nil {
			return c, nil
		}
		pause = min(2*pause, 250*time.Millisecond)
	}
}

// localStore is implemented by stores that do no I/O (MemoryStore): their
// calls need no deadline.
type localStore interface{ local() }

// storeCtx bounds one store call.
func (e *engine) storeCtx(base context.Context) (context.Context, context.CancelFunc) {
	if _, ok := e.store.(localStore); ok {
		return base, func() {}
	}
	return context.WithTimeout(base, storeTimeout)
}

// finish records user code's outcome in the store.
func (e *engine) finish(base context.Context, c Claim, leaseEnd time.Time, err error) {
	if err == nil {
		if !e.complete(base, c, false) {
			// User code succeeded and the delivery is acknowledged, so
			// keep trying to record it until the claim's lease ends:
			// after that a redelivery would run it again.
			go e.completeUntil(base, c, leaseEnd)
		}
		return
	}
	e.logEvent(base, slog.LevelError, "webhook: user code failed; answering 500 so the provider retries", c.Key,
		slog.String("error", err.Error()), slog.Int("attempt", c.Attempt))
	sctx, cancel := e.storeCtx(base)
	defer cancel()
	if serr := e.store.Release(sctx, c, err); serr != nil {
		e.logEvent(base, slog.LevelError, "webhook: could not release the claim; it lapses at its lease's end", c.Key, slog.String("error", serr.Error()))
	}
}

// complete marks c done; it reports false when a later attempt may succeed.
func (e *engine) complete(base context.Context, c Claim, last bool) bool {
	sctx, cancel := e.storeCtx(base)
	err := e.store.Complete(sctx, c)
	cancel()
	switch {
	case err == nil:
		e.logEvent(base, slog.LevelDebug, "webhook: event processed", c.Key, slog.Int("attempt", c.Attempt))
		return true
	case errors.Is(err, ErrNotOwner):
		e.logEvent(base, slog.LevelError, "webhook: the claim's lease ran out before the event was marked done; a redelivery may run it again", c.Key)
		return true
	case last:
		e.logEvent(base, slog.LevelError, "webhook: could not mark the event done before its lease ended; a redelivery may run it again", c.Key, slog.String("error", err.Error()))
		return true
	}
	e.logEvent(base, slog.LevelWarn, "webhook: could not mark the event done; retrying", c.Key, slog.String("error", err.Error()))
	return false
}

// completeUntil retries complete with growing pauses until the lease ends.
func (e *engine) completeUntil(base context.Context, c Claim, leaseEnd time.Time) {
	for pause := 100 * time.Millisecond; ; pause = min(2*pause, 2*time.Second) {
		last := time.Now().Add(pause).After(leaseEnd)
		if last {
			pause = max(time.Until(leaseEnd)-time.Second, 0)
		}
		_ = wait.For(base, pause)
		if e.complete(base, c, last) {
			return
		}
	}
}

// logEvent logs about one event, building its attributes only when the
// level is enabled.
func (e *engine) logEvent(ctx context.Context, level slog.Level, msg string, key Key, attrs ...slog.Attr) {
	log := e.logger()
	if !log.Enabled(ctx, level) {
		return
	}
	all := make([]slog.Attr, 0, len(attrs)+2)
	all = append(all, slog.String("provider", key.Provider), slog.String("event", key.Event))
	log.LogAttrs(ctx, level, msg, append(all, attrs...)...)
}

// PanicError is what a handler reports when user code panicked.
type PanicError struct {
	Value any
	Stack []byte
}

// Error gives the panic value.
func (p *PanicError) Error() string { return fmt.Sprintf("user code panicked: %v", p.Value) }

// callSafely runs fn, turning a panic into an error.
func callSafely(ctx context.Context, fn func(context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return fn(ctx)
}

// readPost reads the body of a POST within the body limit. Otherwise it
// answers 405, 413 or 400 itself, logs the refusal, and ok is false.
func (s *engineConfig) readPost(w http.ResponseWriter, r *http.Request) (body []byte, ok bool) {
	body, no := inbound.ReadPost(w, r, s.maxBody)
	if no != nil {
		s.refuse(r, w, no)
		return nil, false
	}
	return body, true
}

// refuse answers a refusal and logs why at warn. Verification errors name
// what failed, never a secret, a signature or the body.
func (s *engineConfig) refuse(r *http.Request, w http.ResponseWriter, no *inbound.Refusal) {
	s.logger().LogAttrs(r.Context(), slog.LevelWarn, "webhook: delivery refused", slog.String("provider", s.provider),
		slog.Int("status", no.Status), slog.String("reason", no.Err.Error()))
	http.Error(w, no.Reason, no.Status)
}
