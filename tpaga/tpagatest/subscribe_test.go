package tpagatest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
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

func payNewReference(t *testing.T, srv *tpagatest.Server) *tpaga.Reference {
	t.Helper()
	ref, err := srv.Client().References.Create(t.Context(), &tpaga.ReferenceParams{Requester: noa, Description: "d", Amount: 20000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.EfectySimulator().Pay(t.Context(), &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 20000, EfectyOrderID: "77"}); err != nil {
		t.Fatal(err)
	}
	return ref
}

// Subscribe sets the notification URL with the agreed Authorization: the
// deposit's notification reaches the handler, which accepts it.
func TestSubscribeWiresAVerifiedHandler(t *testing.T) {
	srv := tpagatest.NewServer(t)
	got := make(chan *tpaga.Notification, 1)
	sub := srv.Subscribe(func(_ context.Context, n *tpaga.Notification) error { got <- n; return nil })
	if sub.Authorization != tpagatest.NotifyAuthorization || sub.Handler == nil {
		t.Fatalf("subscription = %+v", sub)
	}
	ref := payNewReference(t, srv)
	d := srv.Deliveries()
	if len(d) != 1 || d[0].URL != sub.URL || d[0].StatusCode != 200 {
		t.Fatalf("deliveries = %+v, want one 200 at %s", d, sub.URL)
	}
	if n := <-got; n.Reference != ref.Reference || n.EfectyOrderID != "77" {
		t.Fatalf("notification = %+v, want %s order 77", n, ref.Reference)
	}
}

// A deposit no handler hears of is reported in the test's log; with a
// subscriber it is not.
func TestPaymentWithoutSubscriberWarns(t *testing.T) {
	tb := &logTB{TB: t}
	payNewReference(t, tpagatest.NewServer(tb))
	if logs := tb.all(); !strings.Contains(logs, "no notification URL is set") {
		t.Fatalf("logs = %q, want the warning", logs)
	}

	tb = &logTB{TB: t}
	srv := tpagatest.NewServer(tb)
	srv.Subscribe(func(context.Context, *tpaga.Notification) error { return nil })
	payNewReference(t, srv)
	if logs := tb.all(); logs != "" {
		t.Fatalf("logs = %q, want none", logs)
	}
}
