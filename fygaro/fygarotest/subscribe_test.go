package fygarotest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
)

// logTB records what a fake logs, for the warning tests.
type logTB struct {
	testing.TB
	mu   sync.Mutex
	logs []string
}

func (l *logTB) Helper() {}

func (l *logTB) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.logs = append(l.logs, fmt.Sprintf(format, args...))
}

func (l *logTB) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.logs, "\n")
}

func payLink(t *testing.T, srv *fygarotest.Server) *fygarotest.Payment {
	t.Helper()
	link, err := srv.Button().Link(&fygaro.LinkParams{Amount: fygaro.AmountFromCents(2500), Currency: "USD", CustomReference: "order-42"})
	if err != nil {
		t.Fatal(err)
	}
	pay, err := srv.Pay(t.Context(), link, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pay
}

// Subscribe sets the hook URL and verifies with the fake's keys and clock:
// hooks of every generation, signed at a time far from the real one, reach
// the handler.
func TestSubscribeWiresAVerifiedHandler(t *testing.T) {
	at := time.Date(2026, time.March, 3, 12, 0, 0, 0, time.UTC)
	for _, kind := range []fygarotest.HookKind{fygarotest.HookSigned, fygarotest.HookJWTOnly, fygarotest.HookLegacy} {
		srv := fygarotest.NewServer(t, fygarotest.WithClock(func() time.Time { return at }), fygarotest.WithHookKind(kind))
		got := make(chan string, 1)
		sub := srv.Subscribe(func(_ context.Context, h *fygaro.Hook) error {
			c, err := h.Claims()
			if err != nil {
				return err
			}
			got <- c.CustomReference
			return nil
		})
		pay := payLink(t, srv)
		if d := pay.Delivery; d == nil || d.URL != sub.URL || d.StatusCode != 200 {
			t.Fatalf("kind %d: delivery = %+v, want 200 at %s", kind, d, sub.URL)
		}
		if ref := <-got; ref != "order-42" {
			t.Fatalf("kind %d: customReference %q", kind, ref)
		}
	}
}

// A payment no hook hears of is reported in the test's log; with a
// subscriber it is not.
func TestPaymentWithoutSubscriberWarns(t *testing.T) {
	tb := &logTB{TB: t}
	payLink(t, fygarotest.NewServer(tb))
	if logs := tb.all(); !strings.Contains(logs, "no hook URL") {
		t.Fatalf("logs = %q, want the warning", logs)
	}

	tb = &logTB{TB: t}
	srv := fygarotest.NewServer(tb)
	srv.Subscribe(func(context.Context, *fygaro.Hook) error { return nil })
	payLink(t, srv)
	if logs := tb.all(); logs != "" {
		t.Fatalf("logs = %q, want none", logs)
	}
}
