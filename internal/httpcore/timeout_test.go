package httpcore

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pagos-go/pagos/internal/testutil"
)

// A provider that never answers ends the attempt at the configured timeout,
// with our transport and with a caller's client whose own Timeout the
// setting replaces; the error says it timed out and names the limit, even
// when net/http reports its own deadline as a bare "context deadline
// exceeded".
func TestTimeoutEndsASilentAttempt(t *testing.T) {
	t.Parallel()
	url := testutil.Silent(t)
	for name, mod := range map[string]func(*Settings){
		"own transport": func(s *Settings) { s.Timeout, s.MaxRetries = 50*time.Millisecond, 0 },
		"caller's client": func(s *Settings) {
			s.HTTPClient, s.Timeout, s.MaxRetries = &http.Client{Timeout: time.Hour}, 50*time.Millisecond, 0
		},
	} {
		c, _ := newClient(t, url, mod)
		err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/customers/1"}, nil)
		if err == nil || !strings.Contains(err.Error(), "timeout: no response within 50ms") {
			t.Errorf("%s: err = %v, want a timeout naming the limit", name, err)
		}
	}
}

func TestSetTimeoutValidates(t *testing.T) {
	t.Parallel()
	s := NewSettings("")
	for _, bad := range []time.Duration{0, -time.Second, MaxTimeout + 1} {
		if err := s.SetTimeout(bad); err == nil || !strings.Contains(err.Error(), "WithTimeout") {
			t.Errorf("SetTimeout(%v) = %v, want an error naming WithTimeout", bad, err)
		}
	}
	if err := s.SetTimeout(5 * time.Second); err != nil || s.Timeout != 5*time.Second {
		t.Fatalf("SetTimeout(5s) = %v, Timeout = %v", err, s.Timeout)
	}
}
