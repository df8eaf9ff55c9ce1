package tpaga

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/internal/testutil/providertest"
)

// nilResult reports whether a method's result is nil, with its error.
func nilResult[T any](v *T, err error) (bool, error) { return providertest.NilResult(v, err) }

// resultCall is one call of a service method, reporting whether its result
// is nil and its error.
type resultCall struct {
	name string
	run  func(ctx context.Context, c *Client, sim *EfectySimulator) (bool, error)
}

// clients are the ends a resultCall may use.
type clients struct {
	c   *Client
	sim *EfectySimulator
}

// runOn calls m on cs.
func (m resultCall) runOn(ctx context.Context, cs clients) (bool, error) {
	return m.run(ctx, cs.c, cs.sim)
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
	url, n := testutil.Counting(t, status, body)
	opts := []Option{WithBaseURL(url), withNoWait(), WithMaxRetries(0)}
	return testutil.Must(NewClient(testToken, opts...))(t), testutil.Must(NewEfectySimulator(EfectyStagingAPIKey, opts...))(t), n
}

// Every method returns a nil result with every error: an error answer (the
// typed *Error) and a 2xx answer that does not decode.
func TestEveryMethodReturnsNilOnError(t *testing.T) {
	t.Parallel()
	nc, nsim, _ := answeringAll(t, 404, `{"detail":"No encontrado."}`)
	gc, gsim, _ := answeringAll(t, 200, `{"reference": 7, "deposit_intents": {`)
	is404 := func(err error) bool {
		var te *Error
		return errors.As(err, &te) && te.StatusCode == 404
	}
	for _, m := range everyResultCall() {
		providertest.NilOnError(t, m.name, m.runOn, clients{nc, nsim}, clients{gc, gsim}, is404, true)
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
		providertest.BadInputRefused(t, m.name, m.runOn, clients{c, sim})
	}
	providertest.NoneSent(t, sent)
}
