package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"
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
	*settings
	accept acceptFunc
}

const storeTimeout = 5 * time.Second

func (e *engine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := e.readPost(w, r)
	if !ok {
		return
	}
	d, err := e.accept(body, r.Header)
	if err != nil {
		e.refuseUnaccepted(r, w, err)
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
	key := Key{Namespace: e.namespace, Provider: e.provider, Event: d.key}
	log := e.log.With(slog.String("provider", e.provider), slog.String("event", d.key))
	claim, err := e.claim(reqCtx, key)
	if err != nil {
		log.LogAttrs(reqCtx, slog.LevelError, "webhook: dedupe store failed; answering 503 so the provider retries", slog.String("error", err.Error()))
		return http.StatusServiceUnavailable, "dedupe store unavailable"
	}
	switch claim.Status {
	case Done:
		log.LogAttrs(reqCtx, slog.LevelDebug, "webhook: duplicate of a processed event acknowledged")
		return http.StatusOK, ""
	case Busy:
		log.LogAttrs(reqCtx, slog.LevelInfo, "webhook: event still in progress in another delivery; answering 503")
		return http.StatusServiceUnavailable, "event in progress"
	}

	// User code must not be cut short by the provider hanging up.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(reqCtx), e.timeout)
	done := make(chan error, 1)
	go func() { done <- callSafely(ctx, d.run) }()
	select {
	case err = <-done:
		cancel()
		e.finish(reqCtx, log, claim, err)
	case <-ctx.Done():
		// Answer now so the provider retries; the claim is settled when user
		// code returns, so a retry meanwhile waits (Busy) rather than
		// running it twice.
		go func() {
			err := <-done
			cancel()
			e.finish(reqCtx, log, claim, err)
		}()
		err = fmt.Errorf("user code did not finish within %s", e.timeout)
		log.LogAttrs(reqCtx, slog.LevelError, "webhook: handler timed out; answering 500", slog.String("error", err.Error()))
	}
	if err != nil {
		return http.StatusInternalServerError, "processing failed"
	}
	return http.StatusOK, ""
}

// claim claims key, waiting up to busyWait while another delivery holds it.
func (e *engine) claim(ctx context.Context, key Key) (Claim, error) {
	deadline := time.Now().Add(e.busyWait)
	pause := 10 * time.Millisecond
	for {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
		c, err := e.store.Claim(sctx, key, e.lease)
		cancel()
		if err != nil || c.Status != Busy {
			return c, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return c, nil
		}
		t := time.NewTimer(min(pause, left))
		select {
		case <-ctx.Done(): // the provider gave up on this delivery
			t.Stop()
			return c, nil
		case <-t.C:
		}
		pause = min(2*pause, 250*time.Millisecond)
	}
}

// finish records user code's outcome in the store.
func (e *engine) finish(reqCtx context.Context, log *slog.Logger, c Claim, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(reqCtx), storeTimeout)
	defer cancel()
	if err == nil {
		if serr := e.store.Complete(ctx, c); serr != nil {
			// User code succeeded and is acknowledged; the claim lapses at
			// its lease's end, after which a replay would run again.
			log.LogAttrs(ctx, slog.LevelError, "webhook: could not mark the event done", slog.String("error", serr.Error()))
			return
		}
		log.LogAttrs(ctx, slog.LevelDebug, "webhook: event processed", slog.Int("attempt", c.Attempt))
		return
	}
	log.LogAttrs(ctx, slog.LevelError, "webhook: user code failed; answering 500 so the provider retries",
		slog.String("error", err.Error()), slog.Int("attempt", c.Attempt))
	if serr := e.store.Release(ctx, c, err); serr != nil {
		log.LogAttrs(ctx, slog.LevelError, "webhook: could not release the claim; it lapses at its lease's end", slog.String("error", serr.Error()))
	}
}

// PanicError is what a handler reports when user code panicked.
type PanicError struct {
	Value any
	Stack []byte
}

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
// answers 405, 413 or 400 itself and ok is false.
func (s *settings) readPost(w http.ResponseWriter, r *http.Request) (body []byte, ok bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.refuse(r, w, http.StatusRequestEntityTooLarge, "body too large", err)
		} else {
			s.refuse(r, w, http.StatusBadRequest, "unreadable body", err)
		}
		return nil, false
	}
	return body, true
}

// refuseUnaccepted answers a delivery that failed authentication (401) or
// whose authentic envelope cannot be read (400).
func (s *settings) refuseUnaccepted(r *http.Request, w http.ResponseWriter, err error) {
	if errors.Is(err, ErrMalformedPayload) {
		s.refuse(r, w, http.StatusBadRequest, "malformed payload", err)
	} else {
		s.refuse(r, w, http.StatusUnauthorized, "unauthorized", err)
	}
}

func (s *settings) refuse(r *http.Request, w http.ResponseWriter, status int, reason string, err error) {
	s.log.LogAttrs(r.Context(), slog.LevelWarn, "webhook: delivery refused", slog.String("provider", s.provider),
		slog.Int("status", status), slog.String("reason", err.Error()))
	http.Error(w, reason, status)
}
