package tpaga_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/tpaga"
)

// WithTimeout is validated, and a tpaga that never answers ends the call
// with an error saying it timed out.
func TestWithTimeout(t *testing.T) {
	t.Parallel()
	url := testutil.Silent(t)
	for _, bad := range []time.Duration{0, -time.Second, 11 * time.Minute} {
		if _, err := tpaga.NewClient("tok_test", tpaga.WithBaseURL(url), tpaga.WithTimeout(bad)); err == nil || !strings.Contains(err.Error(), "WithTimeout") {
			t.Errorf("WithTimeout(%v): err = %v, want it refused", bad, err)
		}
	}
	c, err := tpaga.NewClient("tok_test", tpaga.WithBaseURL(url), tpaga.WithTimeout(50*time.Millisecond), tpaga.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.ReferenceDetails.Get(t.Context(), "575657589293")
	if got != nil || err == nil || !strings.Contains(strings.ToLower(err.Error()), "timeout") {
		t.Fatalf("got %v, err = %v; want nil and a timeout", got, err)
	}
}
