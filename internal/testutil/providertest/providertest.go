// Package providertest holds the checks every provider package's tests make
// of its service methods in the same way: nil results with every error,
// parameter errors before sending, dot-segment ids, owned headers, malformed
// credentials and writes that may have reached the provider. It is apart
// from testutil because it needs the root package's error types, and the
// root package's own tests import testutil.
package providertest

import (
	"context"
	"errors"
	"iter"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/testutil"
)

// NilResult reports whether a method's result is nil, with its error.
func NilResult[T any](v *T, err error) (bool, error) { return v == nil, err }

// FirstOf reports whether the first item an All iterator yields is nil, with
// its error.
func FirstOf[T any](seq iter.Seq2[*T, error]) (bool, error) {
	for v, err := range seq {
		return v == nil, err
	}
	return true, errors.New("the iterator yielded nothing")
}

// NilOnError checks, in a parallel subtest named name, that run returns a
// nil result and an error with notFound, whose every answer is a 404 that
// want404 recognises as the provider's typed error; and, when the method
// decodes a body, with garbled, whose every answer is a 2xx body that does
// not decode. run reports whether the result is nil, with the error.
func NilOnError[C any](t *testing.T, name string, run func(context.Context, C) (bool, error), notFound, garbled C, want404 func(error) bool, decodes bool) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		isNil, err := run(t.Context(), notFound)
		if !want404(err) {
			t.Errorf("404 answer: err = %v, want the *Error", err)
		}
		if !isNil {
			t.Errorf("404 answer: result is not nil")
		}
		if !decodes {
			return
		}
		isNil, err = run(t.Context(), garbled)
		if err == nil || !isNil {
			t.Errorf("undecodable 2xx answer: nil result %v, err %v; want a nil result and an error", isNil, err)
		}
	})
}

// BadInputRefused checks, in a parallel subtest named name, that run with c
// returns a nil result and a *pagos.ParamError matching
// pagos.ErrInvalidRequest. Pair it with NoneSent.
func BadInputRefused[C any](t *testing.T, name string, run func(context.Context, C) (bool, error), c C) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		isNil, err := run(t.Context(), c)
		var pe *pagos.ParamError
		if !errors.As(err, &pe) || !errors.Is(err, pagos.ErrInvalidRequest) {
			t.Errorf("err = %v, want a *ParamError", err)
		}
		if !isNil {
			t.Error("result is not nil")
		}
	})
}

// NoneSent checks, when t and its parallel subtests are done, that sent
// counted no request.
func NoneSent(t *testing.T, sent *atomic.Int64) {
	t.Helper()
	t.Cleanup(func() {
		if n := sent.Load(); n != 0 {
			t.Errorf("%d requests were sent for bad input", n)
		}
	})
}

// DotSegmentsRefused checks that call, a method named name that puts id in
// the path, refuses "." and ".." with a *pagos.ParamError naming field and
// matching pagos.ErrInvalidRequest. Pair it with NoneArrived.
func DotSegmentsRefused(t *testing.T, name, field string, call func(id string) error) {
	t.Helper()
	for _, id := range []string{".", ".."} {
		err := call(id)
		var pe *pagos.ParamError
		if !errors.As(err, &pe) || pe.Field != field || !errors.Is(err, pagos.ErrInvalidRequest) {
			t.Errorf("%s(%q): err = %v, want a ParamError naming %s", name, id, err, field)
		}
	}
}

// NoneArrived fails t at once when sent counted a request.
func NoneArrived(t *testing.T, sent *atomic.Int64) {
	t.Helper()
	if n := sent.Load(); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// HeadersRefused checks that call, given each header name, refuses with an
// error naming it (in any case).
func HeadersRefused(t *testing.T, names []string, call func(name string) error) {
	t.Helper()
	for _, name := range names {
		if err := call(name); err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(name)) {
			t.Errorf("WithHeader(%q): err = %v, want a refusal naming it", name, err)
		}
	}
}

// CredentialsRefused checks that newClient refuses each credential, with an
// error that does not echo marker, a part every one of them carries.
func CredentialsRefused(t *testing.T, creds []string, marker string, newClient func(cred string) error) {
	t.Helper()
	for _, cred := range creds {
		err := newClient(cred)
		if err == nil {
			t.Errorf("NewClient(%q) accepted", cred)
			continue
		}
		if strings.Contains(err.Error(), marker) {
			t.Errorf("NewClient(%q): the error echoes the credential: %v", cred, err)
		}
	}
}

// NoLeak fails t at once when text holds any of secrets.
func NoLeak(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Fatalf("a secret leaked: %s", text)
		}
	}
}

// SentOnceOutcomeUnknown checks that a write on srv's reused connection
// reached it exactly once as a POST to path, and came back as
// pagos.ErrOutcomeUnknown naming key.
func SentOnceOutcomeUnknown(t *testing.T, srv *testutil.DropOnReuse, path string, err error, key string) {
	t.Helper()
	if n := srv.Count("POST", path); n != 1 {
		t.Fatalf("the write reached the provider %d times, want exactly 1 (err = %v)", n, err)
	}
	if !errors.Is(err, pagos.ErrOutcomeUnknown) || !strings.Contains(err.Error(), key) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown naming %q", err, key)
	}
}

// CanceledNotSent checks that a call made with a done context failed with
// context.Canceled saying nothing was sent, never an outcome unknown, and
// that sent counted no request.
func CanceledNotSent(t *testing.T, err error, sent *atomic.Int64) {
	t.Helper()
	if !errors.Is(err, context.Canceled) || errors.Is(err, pagos.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("err = %v; want context.Canceled saying nothing was sent", err)
	}
	NoneArrived(t, sent)
}
