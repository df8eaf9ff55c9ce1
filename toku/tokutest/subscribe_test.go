package tokutest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/webhook"
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

func payNewInvoice(t *testing.T, srv *tokutest.Server) (*toku.Invoice, *tokutest.Payment) {
	t.Helper()
	ctx := t.Context()
	c := srv.Client()
	cus, err := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "plan",
		DueDate: toku.Date{Year: 2026, Month: 11, Day: 5}, Amount: toku.AmountFromWhole(19990)})
	if err != nil {
		t.Fatal(err)
	}
	pay, err := srv.PayInvoice(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	return inv, pay
}

// Subscribe registers the endpoint through the fake's API and builds the
// handler with its secret and clock: a fake whose clock is far from the
// real one still gets its confirmed payment through.
func TestSubscribeWiresAVerifiedHandler(t *testing.T) {
	start := time.Date(2026, time.October, 12, 9, 0, 0, 0, time.UTC)
	srv := tokutest.NewServer(t, tokutest.WithClock(func() time.Time { return start }))
	var mu sync.Mutex
	var got []*toku.Event
	sub := srv.Subscribe(func(_ context.Context, e *toku.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, e)
		return nil
	}, webhook.WithTokuConfirmation(srv.Client()))
	if sub.Endpoint == nil || sub.Endpoint.URL != sub.URL || sub.Endpoint.Secret == "" || sub.Handler == nil {
		t.Fatalf("subscription = %+v", sub)
	}
	inv, pay := payNewInvoice(t, srv)
	if len(pay.Deliveries) != 3 {
		t.Fatalf("deliveries = %+v, want 3", pay.Deliveries)
	}
	for _, d := range pay.Deliveries {
		if d.URL != sub.URL || d.StatusCode != 200 || d.Attempts != 1 {
			t.Errorf("delivery %+v, want 200 at %s on the first attempt", d, sub.URL)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	var tx *toku.Event
	for _, e := range got {
		if e.Type == toku.EventTransactionSuccess {
			tx = e
		}
	}
	if tx == nil || !tx.Authenticated() {
		t.Fatalf("transaction.success not received confirmed; got %d events", len(got))
	}
	tr, err := tx.Transaction()
	if err != nil || tr.ID != pay.TransactionID || !tr.Amount.Equal(inv.Amount) {
		t.Fatalf("transaction = %+v, %v; want %s for %s", tr, err, pay.TransactionID, inv.Amount)
	}
}

// A payment no endpoint hears of is reported in the test's log; with a
// subscriber it is not.
func TestPaymentWithoutSubscriberWarns(t *testing.T) {
	tb := &logTB{TB: t}
	payNewInvoice(t, tokutest.NewServer(tb))
	if logs := tb.all(); !strings.Contains(logs, "no enabled webhook endpoint is subscribed") {
		t.Fatalf("logs = %q, want the warning", logs)
	}

	tb = &logTB{TB: t}
	srv := tokutest.NewServer(tb)
	srv.Subscribe(func(context.Context, *toku.Event) error { return nil })
	payNewInvoice(t, srv)
	if logs := tb.all(); logs != "" {
		t.Fatalf("logs = %q, want none", logs)
	}
}

// fatalTB records a Fatalf instead of ending the test.
type fatalTB struct {
	logTB
	fatal string
}

func (f *fatalTB) Fatalf(format string, args ...any) { f.fatal = fmt.Sprintf(format, args...) }

// Client fails the test itself on a setup error, as httptest users expect,
// without echoing the key.
func TestClientFailsTheTestOnSetupError(t *testing.T) {
	tb := &fatalTB{logTB: logTB{TB: t}}
	srv := tokutest.NewServer(tb, tokutest.WithAPIKey("tk bad key"))
	if c := srv.Client(); c != nil || !strings.HasPrefix(tb.fatal, "tokutest: Client: ") || strings.Contains(tb.fatal, "tk bad key") {
		t.Fatalf("client %v, fatal %q", c, tb.fatal)
	}
}
