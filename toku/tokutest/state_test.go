package tokutest_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/webhook"
)

var stateStart = time.Date(2026, time.October, 12, 15, 0, 0, 0, time.UTC)

// stateOpts are the options of both the fake that saves and the one that
// loads: a fixed clock, instant retries, two attempts per delivery.
func stateOpts() []tokutest.Option {
	return []tokutest.Option{tokutest.WithClock(func() time.Time { return stateStart }),
		tokutest.WithSleep(func(context.Context, time.Duration) error { return nil }), tokutest.WithMaxAttempts(2)}
}

// tokuView is everything a test can read back from the fake, through the
// client where the API has it and through the controls where it does not.
type tokuView struct {
	Customers     []*toku.Customer
	Invoices      []*toku.Invoice
	Endpoints     []*toku.WebhookEndpoint
	Payments      []*toku.Transaction
	Subscriptions []*toku.Subscription
	Redirection   *toku.Redirection
	Deliveries    []tokutest.Delivery
	Now           time.Time
}

func readToku(t *testing.T, srv *tokutest.Server, cusID, redID string) *tokuView {
	t.Helper()
	ctx := t.Context()
	c := srv.Client()
	v := &tokuView{Redirection: srv.Redirection(redID), Deliveries: srv.Deliveries(), Now: srv.Now()}
	cus, err := c.Customers.List(ctx, &toku.ListParams{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	invs, err := c.Invoices.List(ctx, &toku.InvoiceListParams{ListParams: toku.ListParams{PageSize: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	if v.Endpoints, err = c.WebhookEndpoints.List(ctx); err != nil {
		t.Fatal(err)
	}
	pays, err := c.Payments.List(ctx, &toku.PaymentListParams{StartDate: toku.Date{Year: 2026, Month: 1, Day: 1}, EndDate: toku.Date{Year: 2027, Month: 12, Day: 31}, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := c.Subscriptions.List(ctx, cusID, &toku.ListParams{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	v.Customers, v.Invoices, v.Payments, v.Subscriptions = cus.Data, invs.Data, pays.Data, subs.Data
	return v
}

// errText compares errors by their text: a restored delivery's error is
// the saved text.
var errText = cmp.Comparer(func(a, b error) bool { return fmt.Sprint(a) == fmt.Sprint(b) })

// tokuWorld is a fake holding one of every kind of object, with a verified
// receiver subscribed to every event and an endpoint that always fails.
type tokuWorld struct {
	srv       *tokutest.Server
	rc        *receiver
	cus       *toku.Customer
	unpaid    *toku.Invoice
	red       *toku.Redirection
	delivered string // an event delivered to rc
	saved     bytes.Buffer
	failing   *httptest.Server
	clockOf   atomic.Pointer[tokutest.Server] // whose clock the receiver reads
	secret    string
}

func newTokuWorld(t *testing.T) *tokuWorld {
	t.Helper()
	ctx := t.Context()
	w := &tokuWorld{srv: tokutest.NewServer(t, stateOpts()...)}
	c := w.srv.Client()
	w.clockOf.Store(w.srv)
	var ep *toku.WebhookEndpoint
	w.rc = newReceiver(t, func() string { return string(ep.Secret) }, func() []webhook.TokuOption {
		return []webhook.TokuOption{webhook.WithClock(func() time.Time { return w.clockOf.Load().Now() })}
	})
	w.failing = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusInternalServerError) }))
	t.Cleanup(w.failing.Close)
	all := []toku.EventType{toku.EventTransactionSuccess, toku.EventPaymentIntentSucceeded, toku.EventInvoiceUpdated, toku.EventInvoiceCreated,
		toku.EventSubscriptionCreated, toku.EventSubscriptionUpdated, toku.EventSubscriptionDeleted, toku.EventBankAccountVerificationResult}
	var err error
	if ep, err = c.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: w.rc.srv.URL, EnabledEvents: all}); err != nil {
		t.Fatal(err)
	}
	w.secret = string(ep.Secret)
	if _, err = c.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: w.failing.URL, EnabledEvents: []toku.EventType{toku.EventTransactionSuccess}}); err != nil {
		t.Fatal(err)
	}
	if _, err = c.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: "https://shop.example/off", EnabledEvents: all, Status: toku.EndpointDisabled}); err != nil {
		t.Fatal(err)
	}
	if w.cus, err = c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", ExternalID: "user-42", Name: "Ana", Mail: "ana@example.com",
		Metadata: toku.Metadata{"plan": "gold"}}); err != nil {
		t.Fatal(err)
	}
	gone, err := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "22222222-2"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Customers.Delete(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	invoice := func(product string) *toku.Invoice {
		inv, err := c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: w.cus.ID, ProductID: product,
			DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.AmountFromWhole(19990), InvoiceExternalID: "ext-" + product})
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
	paid, unpaid, void := invoice("paid"), invoice("unpaid"), invoice("void")
	w.unpaid = unpaid
	if _, err := c.Invoices.Void(ctx, void.ID); err != nil {
		t.Fatal(err)
	}
	// contract-1 issues October's invoice at once (due on the 20th, ahead);
	// contract-2, with a PAC mandate and due on the 5th, starts in November
	// and is charged when due.
	if _, err := c.Subscriptions.Create(ctx, recurring(w.cus.ID, "contract-1", 20)); err != nil {
		t.Fatal(err)
	}
	p := recurring(w.cus.ID, "contract-2", 5)
	p.PACMandateID = "pac-1"
	if _, err := c.Subscriptions.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Subscriptions.Create(ctx, &toku.SubscriptionParams{Customer: w.cus.ID, ProductID: "one-off", Metadata: toku.Metadata{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	if w.red, err = c.Redirection.Create(ctx, &toku.RedirectionParams{SuccessURL: "https://shop.example/paid", FailureURL: "https://shop.example/failed"}); err != nil {
		t.Fatal(err)
	}
	w.srv.Settle()
	if _, err := w.srv.Advance(ctx, 31*24*time.Hour); err != nil { // to 12 November: contract-2 charged
		t.Fatal(err)
	}
	pay, err := w.srv.PayInvoice(ctx, paid.ID)
	if err != nil {
		t.Fatal(err)
	}
	var failed bool
	for _, d := range pay.Deliveries {
		switch {
		case d.URL == w.rc.srv.URL && d.Err == nil && w.delivered == "":
			w.delivered = d.EventID
		case d.URL == w.failing.URL && d.Err != nil:
			failed = true
		}
	}
	if w.delivered == "" || !failed {
		t.Fatalf("the payment's deliveries %+v lack one delivered and one failed", pay.Deliveries)
	}
	w.srv.Settle()
	if err := w.srv.SaveState(&w.saved); err != nil {
		t.Fatal(err)
	}
	return w
}

// A restarted fake that loads the saved state answers every read as the
// first one did, continues its id sequence, signs with the same secrets,
// resends old events, and its controls act on the restored objects.
func TestStateSurvivesARestart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newTokuWorld(t)
	before := readToku(t, w.srv, w.cus.ID, w.red.ID)
	if len(before.Invoices) != 6 || len(before.Payments) != 2 || len(before.Subscriptions) != 3 || before.Redirection == nil || len(before.Endpoints) != 3 {
		t.Fatalf("the first fake holds %d invoices, %d payments, %d subscriptions, redirection %v, %d endpoints",
			len(before.Invoices), len(before.Payments), len(before.Subscriptions), before.Redirection, len(before.Endpoints))
	}
	saved := w.saved.Bytes()

	// The id the first fake hands out next is the one the restored fake
	// must hand out.
	next, err := w.srv.Client().Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "33333333-3"})
	if err != nil {
		t.Fatal(err)
	}
	w.srv.Close()

	srv := tokutest.NewServer(t, stateOpts()...)
	if err := srv.LoadState(bytes.NewReader(saved)); err != nil {
		t.Fatal(err)
	}
	w.clockOf.Store(srv)
	after := readToku(t, srv, w.cus.ID, w.red.ID)
	if diff := cmp.Diff(before, after, errText); diff != "" {
		t.Fatalf("read back after the restart (-before +after):\n%s", diff)
	}
	if string(after.Endpoints[0].Secret) != w.secret {
		t.Fatal("the endpoint's secret changed")
	}
	again, err := srv.Client().Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "33333333-3"})
	if err != nil || again.ID != next.ID {
		t.Fatalf("the restored fake's next id is %v (%v), want %s", again, err, next.ID)
	}

	// The receiver verifies with the secret it was given before the restart.
	dels, err := srv.Resend(ctx, w.delivered)
	if err != nil || len(dels) != 2 || dels[0].URL != w.rc.srv.URL || dels[0].Err != nil || dels[0].StatusCode != http.StatusOK {
		t.Fatalf("Resend of %s after the restart = %+v, %v; want it verified by the receiver (and failed by the failing endpoint)", w.delivered, dels, err)
	}
	got := len(w.rc.got())
	pay, err := srv.PayInvoice(ctx, w.unpaid.ID)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, d := range pay.Deliveries {
		if d.URL == w.rc.srv.URL {
			if d.Err != nil {
				t.Fatalf("delivery after the restart: %+v", d)
			}
			types = append(types, string(d.EventType))
		}
	}
	if len(types) != 3 || len(w.rc.got()) != got+3 {
		t.Fatalf("after the restart the receiver got %v (%d processed, had %d)", types, len(w.rc.got()), got)
	}

	// A restored subscription answers its own fields after a change.
	oneOff := after.Subscriptions[2]
	upd, err := srv.Client().Subscriptions.Update(ctx, oneOff.ID, &toku.SubscriptionParams{Metadata: toku.Metadata{"k": "changed"}})
	if err != nil {
		t.Fatal(err)
	}
	if upd.Metadata["k"] != "changed" {
		t.Fatalf("update of restored subscription %s answered metadata %v", oneOff.ID, upd.Metadata)
	}
	srv.Settle()

	// Advance continues each subscription from where it was: December's
	// invoices, the mandated one charged.
	b, err := srv.Advance(ctx, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var due []string
	for _, inv := range b.Invoices {
		due = append(due, inv.DueDate.String())
	}
	if diff := cmp.Diff([]string{"2026-12-20", "2026-12-05"}, due); diff != "" || len(b.Paid) != 1 {
		t.Fatalf("Advance after the restart issued (-want +got):\n%s\npaid %d", diff, len(b.Paid))
	}
	for _, d := range b.Deliveries {
		if d.URL == w.rc.srv.URL && d.Err != nil {
			t.Fatalf("delivery of Advance after the restart: %+v", d)
		}
	}
}

// stateFile returns the saved file with edit applied to its "state" object.
func TestLoadStateRefusesWhatIsNotItsState(t *testing.T) {
	t.Parallel()
	w := newTokuWorld(t)
	saved := w.saved.Bytes()
	before := readToku(t, w.srv, w.cus.ID, w.red.ID)
	for _, tc := range []struct{ name, file, want string }{
		{"empty", "", "empty"},
		{"truncated", string(saved[:len(saved)/2]), "not a fake's state"},
		{"another fake's", strings.Replace(string(saved), `"fake": "toku"`, `"fake": "tpaga"`, 1), `"tpaga" fake`},
		{"another version", strings.Replace(string(saved), `"version": 1`, `"version": 2`, 1), "version 2"},
		{"an unknown field", testutil.EditState(t, saved, func(st map[string]any) { st["plans"] = []any{} }), "unknown field"},
		{"an unknown field in an endpoint", testutil.EditState(t, saved, func(st map[string]any) {
			st["webhook_endpoints"].([]any)[0].(map[string]any)["signing_key"] = "x"
		}), "unknown field"},
		{"a duplicate id", testutil.EditState(t, saved, func(st map[string]any) {
			st["customers"] = append(st["customers"].([]any), st["customers"].([]any)[0])
		}), "appears twice"},
		{"a recurring subscription without due day", testutil.EditState(t, saved, func(st map[string]any) {
			st["subscriptions"].([]any)[0].(map[string]any)["subscription"].(map[string]any)["due_day"] = nil
		}), "due day"},
		{"a null invoice", testutil.EditState(t, saved, func(st map[string]any) { st["invoices"] = []any{nil} }), "null"},
	} {
		err := w.srv.LoadState(strings.NewReader(tc.file))
		if err == nil || !strings.HasPrefix(err.Error(), "tokutest: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: LoadState = %v, want an error about %q", tc.name, err, tc.want)
		}
		if diff := cmp.Diff(before, readToku(t, w.srv, w.cus.ID, w.red.ID), errText); diff != "" {
			t.Fatalf("%s: the refused file changed the fake (-before +after):\n%s", tc.name, diff)
		}
	}
}

func TestWithListenerServesOnIt(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := tokutest.NewServer(t, tokutest.WithListener(ln))
	if want := "http://" + ln.Addr().String(); srv.URL != want {
		t.Fatalf("URL = %s, want %s", srv.URL, want)
	}
	if _, err := srv.Client().Customers.Create(t.Context(), &toku.CustomerParams{GovernmentID: "11111111-1"}); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Fatal("the listener is still open after Close")
	}
}

// stateFields are the fields of the fake's state structs, each either kept
// by SaveState or named with the reason it is not. A field added to the
// fake without a decision here fails TestStateCoversEveryField.
var stateFields = map[string]string{
	"Server.URL":                    "the listener's address: WithListener keeps it",
	"Server.APIKey":                 "an option",
	"Server.srv":                    "the running server",
	"Server.ln":                     "an option",
	"Server.now":                    "an option (the Advance offset is kept)",
	"Server.ids":                    "kept: its count",
	"Server.newID":                  "an option",
	"Server.sleep":                  "an option",
	"Server.signed":                 "an option",
	"Server.maxAttempts":            "an option",
	"Server.hc":                     "the delivery client",
	"Server.tb":                     "the test",
	"Server.hooks":                  "Subscribe's in-process servers",
	"Server.mu":                     "the lock",
	"Server.customers":              "kept",
	"Server.customerIDs":            "kept: the order of customers",
	"Server.invoices":               "kept",
	"Server.invoiceIDs":             "kept: the order of invoices",
	"Server.endpoints":              "kept",
	"Server.endpointIDs":            "kept: the order of endpoints",
	"Server.transactions":           "kept",
	"Server.events":                 "kept",
	"Server.deliveries":             "kept",
	"Server.ext":                    "kept: below",
	"ext.subs":                      "kept",
	"ext.subIDs":                    "kept: the order of subscriptions",
	"ext.redirection":               "kept",
	"ext.offset":                    "kept",
	"ext.bg":                        "deliveries in flight: SaveState after Settle",
	"ext.bgCtx":                     "deliveries in flight",
	"ext.bgStop":                    "deliveries in flight",
	"endpoint.WebhookEndpoint":      "kept: below",
	"WebhookEndpoint.ID":            "kept",
	"WebhookEndpoint.URL":           "kept",
	"WebhookEndpoint.EnabledEvents": "kept",
	"WebhookEndpoint.Status":        "kept",
	"WebhookEndpoint.Secret":        "never set: the fake keeps endpoint.secret",
	"endpoint.secret":               "kept",
	"transaction.id":                "kept",
	"transaction.intentID":          "kept",
	"transaction.invoiceID":         "kept",
	"transaction.at":                "kept",
	"transaction.body":              "kept",
	"sentEvent.body":                "kept",
	"sentEvent.endpointIDs":         "kept",
	"subState.sub":                  "kept",
	"subState.next":                 "kept",
	"month.year":                    "kept",
	"month.mon":                     "kept",
	"Delivery.EventID":              "kept",
	"Delivery.EventType":            "kept",
	"Delivery.EndpointID":           "kept",
	"Delivery.URL":                  "kept",
	"Delivery.Attempts":             "kept",
	"Delivery.StatusCode":           "kept",
	"Delivery.Err":                  "kept: its text",
}

// TestStateCoversEveryField walks the fake's own struct types from Server
// (through pointers, slices, maps and embedded structs) and fails on a
// field stateFields does not decide on, or on a decision for a field that
// no longer exists.
func TestStateCoversEveryField(t *testing.T) {
	t.Parallel()
	testutil.FieldsDecided(t, reflect.TypeOf(tokutest.Server{}), stateFields)
}

func FuzzLoadState(f *testing.F) {
	srv := tokutest.NewServer(f, stateOpts()...)
	c := srv.Client()
	ctx := context.Background()
	cus, err := c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1"})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := c.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "p", DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.AmountFromWhole(10)}); err != nil {
		f.Fatal(err)
	}
	if _, err := c.Subscriptions.Create(ctx, recurring(cus.ID, "contract-1", 20)); err != nil {
		f.Fatal(err)
	}
	if _, err := c.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: "https://shop.example/off", EnabledEvents: []toku.EventType{toku.EventInvoiceCreated}, Status: toku.EndpointDisabled}); err != nil {
		f.Fatal(err)
	}
	if _, err := srv.Advance(ctx, 40*24*time.Hour); err != nil {
		f.Fatal(err)
	}
	testutil.FuzzState(f, srv, "toku", func() { _, _ = c.Customers.List(ctx, nil) })
}
