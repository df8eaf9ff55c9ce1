package conekta_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/internal/testutil"
)

// WithTimeout is validated, and a conekta that never answers ends the call
// with an error saying it timed out.
func TestWithTimeout(t *testing.T) {
	t.Parallel()
	url := testutil.Silent(t)
	for _, bad := range []time.Duration{0, -time.Second, 11 * time.Minute} {
		if _, err := conekta.NewClient("key_test", conekta.WithBaseURL(url), conekta.WithTimeout(bad)); err == nil || !strings.Contains(err.Error(), "WithTimeout") {
			t.Errorf("WithTimeout(%v): err = %v, want it refused", bad, err)
		}
	}
	c, err := conekta.NewClient("key_test", conekta.WithBaseURL(url), conekta.WithTimeout(50*time.Millisecond), conekta.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Customers.Get(t.Context(), "cus_1")
	if got != nil || err == nil || !strings.Contains(strings.ToLower(err.Error()), "timeout") {
		t.Fatalf("got %v, err = %v; want nil and a timeout", got, err)
	}
}
