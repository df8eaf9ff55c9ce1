package conektatest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/internal/testutil"
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

func payCardOrder(t *testing.T, srv *conektatest.Server) *conekta.Order {
	t.Helper()
	ord, err := srv.Client().Orders.Create(t.Context(), &conekta.OrderParams{
		Currency:     "MXN",
		CustomerInfo: &conekta.CustomerInfo{Name: "Ana", Email: "ana@example.com", Phone: "+5215555555555"},
		LineItems:    []*conekta.LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 1}},
		Charges:      []*conekta.ChargeParams{conekta.ChargeToken(conektatest.TokenVisa)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Settle(t.Context()); err != nil {
		t.Fatal(err)
	}
	return ord
}

// Subscribe registers the webhook through the fake's API and verifies with
// the fake's keys: the paid order's events reach the handler.
func TestSubscribeWiresAVerifiedHandler(t *testing.T) {
	srv := conektatest.NewServer(t, conektatest.WithSigningKey(testutil.RSAKey()))
	var mu sync.Mutex
	got := map[conekta.EventType]string{}
	sub := srv.Subscribe(func(_ context.Context, e *conekta.Event) error {
		o, err := e.Order()
		if err != nil {
			return nil // charge.* events carry a charge
		}
		mu.Lock()
		defer mu.Unlock()
		got[e.Type] = o.ID
		return nil
	})
	if sub.Webhook == nil || sub.Webhook.URL != sub.URL || sub.Handler == nil {
		t.Fatalf("subscription = %+v", sub)
	}
	ord := payCardOrder(t, srv)
	mu.Lock()
	paid := got[conekta.EventOrderPaid]
	mu.Unlock()
	if paid != ord.ID {
		t.Fatalf("order.paid for %q, want %s; got %v", paid, ord.ID, got)
	}
	for _, d := range srv.Deliveries() {
		if d.URL != sub.URL || d.StatusCode != 200 {
			t.Errorf("delivery %+v, want 200 at %s", d, sub.URL)
		}
	}
}

// A payment no webhook hears of is reported in the test's log; with a
// subscriber it is not.
func TestPaymentWithoutSubscriberWarns(t *testing.T) {
	tb := &logTB{TB: t}
	payCardOrder(t, conektatest.NewServer(tb, conektatest.WithSigningKey(testutil.RSAKey())))
	if logs := tb.all(); !strings.Contains(logs, "no active webhook is subscribed") {
		t.Fatalf("logs = %q, want the warning", logs)
	}

	tb = &logTB{TB: t}
	srv := conektatest.NewServer(tb, conektatest.WithSigningKey(testutil.RSAKey()))
	srv.Subscribe(func(context.Context, *conekta.Event) error { return nil })
	payCardOrder(t, srv)
	if logs := tb.all(); logs != "" {
		t.Fatalf("logs = %q, want none", logs)
	}
}
