package tpaga

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/internal/testutil"
)

// amountRecorder is a Tpaga stand-in that keeps every request body it receives.
type amountRecorder struct{ testutil.BodyRecorder }

func (rec *amountRecorder) clients(t *testing.T) (*Client, *EfectySimulator) {
	t.Helper()
	opts := []Option{WithBaseURL(rec.Serve(t, `{"reference":"575657589293","agreement":"110784"}`)), withNoWait(), WithMaxRetries(0)}
	return testutil.Must(NewClient(testToken, opts...))(t), testutil.Must(NewEfectySimulator(EfectyStagingAPIKey, opts...))(t)
}

func (rec *amountRecorder) sent() []string { return rec.Sent() }

// amountCall sends one amount through one method.
type amountCall struct {
	name, field string
	run         func(ctx context.Context, c *Client, sim *EfectySimulator, amount int64) error
}

func amountCalls() []amountCall {
	return []amountCall{
		{"References.Create", "ReferenceParams.Amount", func(ctx context.Context, c *Client, _ *EfectySimulator, a int64) error {
			_, err := c.References.Create(ctx, &ReferenceParams{Requester: resultsRequester, Description: "Recarga", Amount: a})
			return err
		}},
		{"EfectySimulator.Pay", "EfectyPaymentParams.Amount", func(ctx context.Context, _ *Client, sim *EfectySimulator, a int64) error {
			_, err := sim.Pay(ctx, &EfectyPaymentParams{Reference: "575657589293", Amount: a})
			return err
		}},
	}
}

// Amounts outside 1..MaxAmount are refused before sending, naming the field.
func TestAmountsOutsideTheRangeAreRefused(t *testing.T) {
	t.Parallel()
	var rec amountRecorder
	c, sim := rec.clients(t)
	for _, m := range amountCalls() {
		for _, a := range []int64{-1, MaxAmount + 1, math.MaxInt64} {
			err := m.run(t.Context(), c, sim, a)
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Field != m.field {
				t.Errorf("%s with %d: err = %v, want a ParamError naming %s", m.name, a, err, m.field)
			}
		}
	}
	if got := rec.sent(); len(got) != 0 {
		t.Errorf("refused amounts were sent: %q", got)
	}
}

// 1 and MaxAmount still go out as written.
func TestAmountsAtTheEdgesAreSent(t *testing.T) {
	t.Parallel()
	var rec amountRecorder
	c, sim := rec.clients(t)
	edges := []int64{1, MaxAmount}
	for _, m := range amountCalls() {
		for _, a := range edges {
			if err := m.run(t.Context(), c, sim, a); err != nil {
				t.Errorf("%s with %d: %v", m.name, a, err)
			}
		}
	}
	got := rec.sent()
	if len(got) != 2*len(edges) {
		t.Fatalf("sent %d requests, want %d: %q", len(got), 2*len(edges), got)
	}
	for i, body := range got {
		want := strconv.FormatInt(edges[i%len(edges)], 10)
		if !strings.Contains(body, `"amount":`+want) && !strings.Contains(body, `"amount":"`+want+`"`) {
			t.Errorf("body %s does not carry %s", body, want)
		}
	}
}
