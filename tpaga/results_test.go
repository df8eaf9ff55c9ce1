package tpaga

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// nilResult reports whether a method's result is nil, with its error.
func nilResult[T any](v *T, err error) (bool, error) { return v == nil, err }

// resultCall is one call of a service method, reporting whether its result
// is nil and its error.
type resultCall struct {
	name string
	run  func(ctx context.Context, c *Client, sim *EfectySimulator) (bool, error)
}

var resultsRequester = Requester{FirstNames: "Noa", LastNames: "Tamayo Carreño", DocumentType: DocumentCC, DocumentNumber: "111222333"}

// everyResultCall calls every service method, and the simulator's, with valid
// arguments.
func everyResultCall() []resultCall {
	return []resultCall{
		{"References.Create", func(ctx context.Context, c *Client, _ *EfectySimulator) (bool, error) {
			return nilResult(c.References.Create(ctx, &ReferenceParams{Requester: resultsRequester, Description: "Recarga", Amount: 20000}))
		}},
		{"PermanentReferences.Create", func(ctx context.Context, c *Client, _ *EfectySimulator) (bool, error) {
			return nilResult(c.PermanentReferences.Create(ctx, &PermanentReferenceParams{Reference: "reysantana", Requester: resultsRequester, Description: "Mireya"}))
		}},
		{"PermanentReferences.Enable", func(ctx context.Context, c *Client, _ *EfectySimulator) (bool, error) {
			return nilResult(c.PermanentReferences.Enable(ctx, "TSREYSANTANA"))
		}},
		{"PermanentReferences.Disable", func(ctx context.Context, c *Client, _ *EfectySimulator) (bool, error) {
			return nilResult(c.PermanentReferences.Disable(ctx, "TSREYSANTANA"))
		}},
		{"ReferenceDetails.Get", func(ctx context.Context, c *Client, _ *EfectySimulator) (bool, error) {
			return nilResult(c.ReferenceDetails.Get(ctx, "575657589293"))
		}},
		{"EfectySimulator.Lookup", func(ctx context.Context, _ *Client, sim *EfectySimulator) (bool, error) {
			return nilResult(sim.Lookup(ctx, "575657589293"))
		}},
		{"EfectySimulator.Pay", func(ctx context.Context, _ *Client, sim *EfectySimulator) (bool, error) {
			return nilResult(sim.Pay(ctx, &EfectyPaymentParams{Reference: "575657589293", Amount: 20000}))
		}},
	}
}

// answeringAll returns a client and a simulator whose every request gets
// status and body, and a count of the requests that arrived.
func answeringAll(t *testing.T, status int, body string) (*Client, *EfectySimulator, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		respond(w, status, body)
	}))
	t.Cleanup(srv.Close)
	opts := []Option{WithBaseURL(srv.URL), withNoWait(), WithMaxRetries(0)}
	c, err := NewClient(testToken, opts...)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewEfectySimulator(EfectyStagingAPIKey, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, sim, &n
}

// Every method returns a nil result with every error: an error answer (the
// typed *Error) and a 2xx answer that does not decode.
func TestEveryMethodReturnsNilOnError(t *testing.T) {
	t.Parallel()
	nc, nsim, _ := answeringAll(t, 404, `{"detail":"No encontrado."}`)
	gc, gsim, _ := answeringAll(t, 200, `{"reference": 7, "deposit_intents": {`)
	for _, m := range everyResultCall() {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			isNil, err := m.run(t.Context(), nc, nsim)
			var te *Error
			if !errors.As(err, &te) || te.StatusCode != 404 {
				t.Errorf("404 answer: err = %v, want the *Error", err)
			}
			if !isNil {
				t.Errorf("404 answer: result is not nil")
			}
			isNil, err = m.run(t.Context(), gc, gsim)
			if err == nil || !isNil {
				t.Errorf("undecodable 2xx answer: nil result %v, err %v; want a nil result and an error", isNil, err)
			}
		})
	}
}

// Bad input is refused with a nil result and a *ParamError before anything
// is sent.
func TestBadInputReturnsNilAndParamError(t *testing.T) {
	t.Parallel()
	c, sim, sent := answeringAll(t, 200, `{}`)
	bad := []resultCall{
		{"References.Create", func(ctx context.Context, c *Client, _ *EfectySimulator) (bool, error) {
			return nilResult(c.References.Create(ctx, &ReferenceParams{Requester: resultsRequester}))
		}},
		{"PermanentReferences.Create", func(ctx context.Context, c *Client, _ *EfectySimulator) (bool, error) {
			return nilResult(c.PermanentReferences.Create(ctx, &PermanentReferenceParams{Reference: "short", Requester: resultsRequester, Description: "d"}))
		}},
		{"PermanentReferences.Enable", func(ctx context.Context, c *Client, _ *EfectySimulator) (bool, error) {
			return nilResult(c.PermanentReferences.Enable(ctx, ""))
		}},
		{"PermanentReferences.Disable", func(ctx context.Context, c *Client, _ *EfectySimulator) (bool, error) {
			return nilResult(c.PermanentReferences.Disable(ctx, "a/b"))
		}},
		{"ReferenceDetails.Get", func(ctx context.Context, c *Client, _ *EfectySimulator) (bool, error) {
			return nilResult(c.ReferenceDetails.Get(ctx, ""))
		}},
		{"EfectySimulator.Lookup", func(ctx context.Context, _ *Client, sim *EfectySimulator) (bool, error) {
			return nilResult(sim.Lookup(ctx, ""))
		}},
		{"EfectySimulator.Pay", func(ctx context.Context, _ *Client, sim *EfectySimulator) (bool, error) {
			return nilResult(sim.Pay(ctx, &EfectyPaymentParams{Reference: "575657589293"}))
		}},
	}
	for _, m := range bad {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			isNil, err := m.run(t.Context(), c, sim)
			var pe *ParamError
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalidRequest) {
				t.Errorf("err = %v, want a *ParamError", err)
			}
			if !isNil {
				t.Error("result is not nil")
			}
		})
	}
	t.Cleanup(func() {
		if n := sent.Load(); n != 0 {
			t.Errorf("%d requests were sent for bad input", n)
		}
	})
}
