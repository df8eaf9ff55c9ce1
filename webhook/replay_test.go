package webhook_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
	"github.com/pagos-go/pagos/webhook"
)

const tpagaAgreed = "Basic 1234567890"

// quiet keeps the handlers' expected errors out of the test output.
func quiet() webhook.HandlerOption { return webhook.WithLogger(slog.New(slog.DiscardHandler)) }

// ledger is user code that records what it processed, keyed by deposit.
type ledger struct {
	mu   sync.Mutex
	runs map[string]int // reference/order id -> times user code succeeded
	fail atomic.Bool    // while set, user code fails
	// hold, when set, makes user code signal entered and wait for release.
	hold            atomic.Bool
	entered, resume chan struct{}
}

func newLedger() *ledger {
	return &ledger{runs: map[string]int{}, entered: make(chan struct{}, 1), resume: make(chan struct{})}
}

func (l *ledger) record(key string) error {
	if l.hold.Load() {
		l.entered <- struct{}{}
		<-l.resume
	}
	if l.fail.Load() {
		return errors.New("ledger temporarily down")
	}
	l.mu.Lock()
	l.runs[key]++
	l.mu.Unlock()
	return nil
}

func (l *ledger) count(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.runs[key]
}

func (l *ledger) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.runs {
		n += c
	}
	return n
}

// tpagaWorld is a Tpaga fake notifying a receiver that can be down.
type tpagaWorld struct {
	srv     *tpagatest.Server
	client  *tpaga.Client
	sim     *tpaga.EfectySimulator
	handler http.Handler
	down    atomic.Bool // the receiver answers 502, as a proxy with no backend
	ledger  *ledger
}

func newTpagaWorld(t *testing.T, opts ...webhook.TpagaOption) *tpagaWorld {
	t.Helper()
	w := &tpagaWorld{ledger: newLedger()}
	h, err := webhook.NewTpagaHandler(tpagaAgreed, func(_ context.Context, n *tpaga.Notification) error {
		return w.ledger.record(n.Reference + "/" + n.EfectyOrderID)
	}, append([]webhook.TpagaOption{quiet()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	w.handler = h
	front := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if w.down.Load() {
			http.Error(rw, "bad gateway", http.StatusBadGateway)
			return
		}
		h.ServeHTTP(rw, r)
	}))
	t.Cleanup(front.Close)
	w.srv = tpagatest.NewServer(t, tpagatest.WithNotify(front.URL, tpagaAgreed), tpagatest.WithMaxAttempts(2),
		tpagatest.WithSleep(func(context.Context, time.Duration) error { return nil }))
	if w.client, err = tpaga.NewClient(w.srv.Token, tpaga.WithBaseURL(w.srv.URL)); err != nil {
		t.Fatal(err)
	}
	if w.sim, err = tpaga.NewEfectySimulator(w.srv.EfectyAPIKey, tpaga.WithBaseURL(w.srv.URL)); err != nil {
		t.Fatal(err)
	}
	return w
}

// deposit creates a single-use reference and pays it with orderID.
func (w *tpagaWorld) deposit(t *testing.T, orderID string) string {
	t.Helper()
	ctx := t.Context()
	ref, err := w.client.References.Create(ctx, &tpaga.ReferenceParams{Requester: tpaga.Requester{FirstNames: "Noa", LastNames: "Tamayo",
		DocumentType: tpaga.DocumentCC, DocumentNumber: "111222333", PhoneNumber: "+573000000000"}, Description: "Recarga", Amount: 20000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 20000, EfectyOrderID: orderID}); err != nil {
		t.Fatal(err)
	}
	return ref.Reference
}

func wantSummary(t *testing.T, s *webhook.ReplaySummary, listed, done, inProgress, replayed, failed int) {
	t.Helper()
	if s.Listed != listed || s.AlreadyDone != done || s.InProgress != inProgress || s.Replayed != replayed || len(s.Failed) != failed {
		t.Fatalf("summary = %+v; want listed %d, already done %d, in progress %d, replayed %d, failed %d", s, listed, done, inProgress, replayed, failed)
	}
}

func TestReplayTpagaFindsADroppedDeliveryAndRunsItOnce(t *testing.T) {
	t.Parallel()
	w := newTpagaWorld(t)
	delivered := w.deposit(t, "111")
	w.down.Store(true)
	dropped := w.deposit(t, "222")
	if d := w.srv.Deliveries(); len(d) != 2 || d[1].Err == nil || d[1].StatusCode != http.StatusBadGateway {
		t.Fatalf("deliveries %+v; want the second one lost", d)
	}
	w.down.Store(false)

	s, err := webhook.ReplayTpaga(t.Context(), w.handler, w.client, []string{delivered, dropped})
	if err != nil {
		t.Fatal(err)
	}
	wantSummary(t, s, 2, 1, 0, 1, 0)
	if s.Provider != "tpaga" || s.Namespace != "tpaga" {
		t.Fatalf("summary names %q/%q", s.Provider, s.Namespace)
	}
	if w.ledger.count(delivered+"/111") != 1 || w.ledger.count(dropped+"/222") != 1 || w.ledger.total() != 2 {
		t.Fatalf("user code ran %v; want each deposit once", w.ledger.runs)
	}

	// A second round, and the provider's own late redelivery, run nothing.
	s, err = webhook.ReplayTpaga(t.Context(), w.handler, w.client, []string{delivered, dropped})
	if err != nil {
		t.Fatal(err)
	}
	wantSummary(t, s, 2, 2, 0, 0, 0)
	if d, err := w.srv.Resend(t.Context(), "222"); err != nil || d.StatusCode != http.StatusOK {
		t.Fatalf("redelivery after the replay: %+v, %v", d, err)
	}
	if w.ledger.total() != 2 {
		t.Fatalf("user code ran %v after a second round and a redelivery", w.ledger.runs)
	}
}

func TestReplayTpagaRetriesWhatUserCodeFailedUntilTheProviderGaveUp(t *testing.T) {
	t.Parallel()
	w := newTpagaWorld(t)
	w.ledger.fail.Store(true)
	ref := w.deposit(t, "333")
	if d := w.srv.Deliveries(); len(d) != 1 || d[0].Attempts != 2 || d[0].StatusCode != http.StatusInternalServerError {
		t.Fatalf("deliveries %+v; want two attempts answered 500", d)
	}

	// Still failing: reported, and left for the next round.
	s, err := webhook.ReplayTpaga(t.Context(), w.handler, w.client, []string{ref})
	if err != nil {
		t.Fatal(err)
	}
	wantSummary(t, s, 1, 0, 0, 0, 1)
	if f := s.Failed[0]; !strings.Contains(f.Err.Error(), "ledger temporarily down") || !strings.Contains(f.Event, "333") {
		t.Fatalf("failure %+v", f)
	}

	w.ledger.fail.Store(false)
	s, err = webhook.ReplayTpaga(t.Context(), w.handler, w.client, []string{ref})
	if err != nil {
		t.Fatal(err)
	}
	wantSummary(t, s, 1, 0, 0, 1, 0)
	if w.ledger.count(ref+"/333") != 1 || w.ledger.total() != 1 {
		t.Fatalf("user code ran %v; want the deposit once", w.ledger.runs)
	}
}

func TestReplayAndALiveRedeliveryRacingRunUserCodeOnce(t *testing.T) {
	t.Parallel()
	w := newTpagaWorld(t, webhook.WithBusyWait(0))
	w.down.Store(true)
	ref := w.deposit(t, "444")
	w.down.Store(false)

	// The replay takes the deposit and holds it in user code...
	w.ledger.hold.Store(true)
	type result struct {
		s   *webhook.ReplaySummary
		err error
	}
	replayed := make(chan result, 1)
	go func() {
		s, err := webhook.ReplayTpaga(context.Background(), w.handler, w.client, []string{ref})
		replayed <- result{s, err}
	}()
	<-w.ledger.entered
	w.ledger.hold.Store(false)

	// ...while Tpaga redelivers it: the live delivery finds it in progress
	// and is told to come back, never running user code beside the replay.
	d, err := w.srv.Resend(t.Context(), "444")
	if err != nil || d.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("redelivery during the replay: %+v, %v; want 503", d, err)
	}
	close(w.ledger.resume)
	r := <-replayed
	if r.err != nil {
		t.Fatal(r.err)
	}
	wantSummary(t, r.s, 1, 0, 0, 1, 0)

	// Tpaga's next try is acknowledged without running user code again.
	if d, err := w.srv.Resend(t.Context(), "444"); err != nil || d.StatusCode != http.StatusOK {
		t.Fatalf("redelivery after the replay: %+v, %v", d, err)
	}
	if w.ledger.count(ref+"/444") != 1 || w.ledger.total() != 1 {
		t.Fatalf("user code ran %v; want the deposit once", w.ledger.runs)
	}
}

func TestReplayLeavesALiveDeliveryInProgressAlone(t *testing.T) {
	t.Parallel()
	w := newTpagaWorld(t, webhook.WithBusyWait(0))
	w.down.Store(true)
	ref := w.deposit(t, "555")
	w.down.Store(false)

	// A live redelivery holds the deposit in user code...
	w.ledger.hold.Store(true)
	live := make(chan int, 1)
	go func() {
		d, _ := w.srv.Resend(context.Background(), "555")
		live <- d.StatusCode
	}()
	<-w.ledger.entered
	w.ledger.hold.Store(false)

	// ...so the replay leaves it to that delivery.
	s, err := webhook.ReplayTpaga(t.Context(), w.handler, w.client, []string{ref})
	if err != nil {
		t.Fatal(err)
	}
	wantSummary(t, s, 1, 0, 1, 0, 0)
	close(w.ledger.resume)
	if code := <-live; code != http.StatusOK {
		t.Fatalf("live delivery answered %d", code)
	}
	if w.ledger.total() != 1 {
		t.Fatalf("user code ran %v; want the deposit once", w.ledger.runs)
	}
}

func TestReplayRefusesAHandlerOfAnotherProvider(t *testing.T) {
	t.Parallel()
	w := newTpagaWorld(t)
	if s, err := webhook.ReplayConekta(t.Context(), w.handler, nil, webhook.ConektaReplayParams{Since: time.Now()}); err == nil || s != nil {
		t.Fatalf("ReplayConekta with a Tpaga handler = %+v, %v", s, err)
	}
	if s, err := webhook.ReplayTpaga(t.Context(), http.NotFoundHandler(), w.client, nil); err == nil || s != nil {
		t.Fatalf("ReplayTpaga with a foreign handler = %+v, %v", s, err)
	}
}

// conektaWorld is a Conekta fake with no webhook registered (every event's
// delivery was lost) behind a proxy that can fail one listing page.
type conektaWorld struct {
	srv      *conektatest.Server
	client   *conekta.Client
	handler  http.Handler
	store    *webhook.MemoryStore
	ledger   *ledger
	failAt   atomic.Int32 // fail the events page with this ordinal (1-based) once; 0: none
	pages    atomic.Int32
	customer string
}

func newConektaWorld(t *testing.T) *conektaWorld {
	t.Helper()
	w := &conektaWorld{ledger: newLedger(), store: webhook.NewMemoryStore(webhook.MemoryStoreConfig{})}
	w.srv = conektatest.NewServer(t)
	h, err := webhook.NewConektaHandler(w.srv.PublicKeys(), func(_ context.Context, e *conekta.Event) error {
		return w.ledger.record(e.ID)
	}, webhook.WithStore(w.store), quiet())
	if err != nil {
		t.Fatal(err)
	}
	w.handler = h
	proxy := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/events" {
			if n := w.pages.Add(1); n == w.failAt.Load() {
				w.failAt.Store(0)
				http.Error(rw, `{"object":"error","type":"bad_request","details":[{"message":"page lost","code":"conekta.errors.request.bad"}]}`, http.StatusBadRequest)
				return
			}
		}
		target := w.srv.URL + r.URL.RequestURI()
		req, err := http.NewRequestWithContext(r.Context(), r.Method, target, r.Body)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			rw.Header()[k] = v
		}
		rw.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(rw, resp.Body)
	}))
	t.Cleanup(proxy.Close)
	if w.client, err = conekta.NewClient(conektatest.DefaultAPIKey, conekta.WithBaseURL(proxy.URL), conekta.WithMaxRetries(0)); err != nil {
		t.Fatal(err)
	}
	return w
}

// order creates a paid card order, which makes three events.
func (w *conektaWorld) order(t *testing.T) {
	t.Helper()
	ctx := t.Context()
	if w.customer == "" {
		cus, err := w.client.Customers.Create(ctx, &conekta.CustomerParams{Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555",
			PaymentSources: []*conekta.PaymentSourceParams{conekta.CardSourceParams(conektatest.TokenVisa)}})
		if err != nil {
			t.Fatal(err)
		}
		w.customer = cus.ID
	}
	if _, err := w.client.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{CustomerID: w.customer},
		LineItems: []*conekta.LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 1}}, Charges: []*conekta.ChargeParams{conekta.ChargeDefault()}}); err != nil {
		t.Fatal(err)
	}
}

func TestReplayConektaListingFailingMidPageRunsNothingAndTheNextRoundCompletes(t *testing.T) {
	t.Parallel()
	w := newConektaWorld(t)
	since := time.Now().Add(-time.Minute)
	w.order(t)
	w.order(t)
	var ids []string
	for ev, err := range w.client.Events.All(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID)
	}
	if len(ids) != 6 {
		t.Fatalf("the fake holds %d events, want 6", len(ids))
	}

	w.pages.Store(0)
	w.failAt.Store(2)
	p := webhook.ConektaReplayParams{Since: since, PageSize: 2}
	s, err := webhook.ReplayConekta(t.Context(), w.handler, w.client, p)
	if err == nil || s != nil || !errors.Is(err, conekta.ErrInvalidRequest) {
		t.Fatalf("replay with a page lost = %+v, %v; want the listing's error", s, err)
	}
	if w.ledger.total() != 0 {
		t.Fatalf("user code ran %v although the listing failed", w.ledger.runs)
	}
	for _, id := range ids {
		st, err := w.store.State(t.Context(), webhook.Key{Namespace: "conekta", Provider: "conekta", Event: id})
		if err != nil || st != webhook.Unclaimed {
			t.Fatalf("event %s after the failed round: %v, %v; want unclaimed", id, st, err)
		}
	}

	s, err = webhook.ReplayConekta(t.Context(), w.handler, w.client, p)
	if err != nil {
		t.Fatal(err)
	}
	wantSummary(t, s, 6, 0, 0, 6, 0)
	for _, id := range ids {
		if w.ledger.count(id) != 1 {
			t.Fatalf("user code ran %v; want every event once", w.ledger.runs)
		}
	}
	s, err = webhook.ReplayConekta(t.Context(), w.handler, w.client, p)
	if err != nil {
		t.Fatal(err)
	}
	wantSummary(t, s, 6, 6, 0, 0, 0)
	if s.StoreReads != 6 {
		t.Fatalf("a round of processed events made %d store calls, want one read each", s.StoreReads)
	}

	// Outside the window, nothing is listed.
	s, err = webhook.ReplayConekta(t.Context(), w.handler, w.client, webhook.ConektaReplayParams{Since: since.Add(-time.Hour), Until: since})
	if err != nil {
		t.Fatal(err)
	}
	wantSummary(t, s, 0, 0, 0, 0, 0)
}

// tokuWorld is a Toku fake signing bodies, delivering transaction.success
// to a receiver that can be down.
type tokuWorld struct {
	srv     *tokutest.Server
	client  *toku.Client
	handler atomic.Pointer[http.Handler]
	down    atomic.Bool
	ledger  *ledger
	events  chan *toku.Event // what user code was given, when it succeeded
	invoice string
}

func newTokuWorld(t *testing.T) *tokuWorld {
	t.Helper()
	ctx := t.Context()
	w := &tokuWorld{ledger: newLedger(), events: make(chan *toku.Event, 16)}
	front := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h := w.handler.Load()
		if w.down.Load() || h == nil {
			http.Error(rw, "bad gateway", http.StatusBadGateway)
			return
		}
		(*h).ServeHTTP(rw, r)
	}))
	t.Cleanup(front.Close)
	w.srv = tokutest.NewServer(t, tokutest.WithSignedBody(), tokutest.WithMaxAttempts(1),
		tokutest.WithSleep(func(context.Context, time.Duration) error { return nil }))
	var err error
	if w.client, err = toku.NewClient(w.srv.APIKey, toku.WithBaseURL(w.srv.URL)); err != nil {
		t.Fatal(err)
	}
	ep, err := w.client.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: front.URL,
		EnabledEvents: []toku.EventType{toku.EventTransactionSuccess}, Status: toku.EndpointEnabled})
	if err != nil {
		t.Fatal(err)
	}
	h, err := webhook.NewTokuHandler(string(ep.Secret), func(_ context.Context, ev *toku.Event) error {
		tr, err := ev.Transaction()
		if err != nil {
			return err
		}
		if err := w.ledger.record(tr.ID); err != nil {
			return err
		}
		w.events <- ev
		return nil
	}, quiet(), webhook.WithBusyWait(0))
	if err != nil {
		t.Fatal(err)
	}
	w.handler.Store(&h)
	cus, err := w.client.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Name: "Noa"})
	if err != nil {
		t.Fatal(err)
	}
	amount, _ := toku.ParseAmount("15000")
	inv, err := w.client.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "plan", DueDate: toku.DateOf(time.Now()), Amount: amount})
	if err != nil {
		t.Fatal(err)
	}
	w.invoice = inv.ID
	return w
}

func (w *tokuWorld) replay(t *testing.T) *webhook.ReplaySummary {
	t.Helper()
	today := toku.DateOf(time.Now().UTC())
	s, err := webhook.ReplayToku(t.Context(), *w.handler.Load(), w.client, webhook.TokuReplayParams{From: today, To: today})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestReplayTokuRebuildsAMissedPaymentAndRunsItOnce(t *testing.T) {
	t.Parallel()
	w := newTokuWorld(t)
	w.down.Store(true)
	pay, err := w.srv.PayInvoice(t.Context(), w.invoice)
	if err != nil {
		t.Fatal(err)
	}
	if len(pay.Deliveries) != 1 || pay.Deliveries[0].Err == nil {
		t.Fatalf("deliveries %+v; want the one lost", pay.Deliveries)
	}
	w.down.Store(false)

	wantSummary(t, w.replay(t), 1, 0, 0, 1, 0)
	ev := <-w.events
	tr, err := ev.Transaction()
	if err != nil || tr.ID != pay.TransactionID || ev.Type != toku.EventTransactionSuccess || !ev.Replayed || !ev.Authenticated() ||
		ev.ID != pay.TransactionID || ev.ConfirmedTransaction == nil || ev.ConfirmedTransaction.ID != pay.TransactionID ||
		len(ev.ConfirmedInvoices) != 1 || ev.ConfirmedInvoices[0].ID != w.invoice || !ev.ConfirmedInvoices[0].IsPaid {
		t.Fatalf("replayed event %+v (transaction %+v, %v)", ev, tr, err)
	}

	// Toku's late redelivery of the live event is acknowledged without
	// running user code again, and so is a second round.
	again, err := w.srv.Resend(t.Context(), pay.Deliveries[0].EventID)
	if err != nil || len(again) != 1 || again[0].StatusCode != http.StatusOK {
		t.Fatalf("redelivery after the replay: %+v, %v", again, err)
	}
	wantSummary(t, w.replay(t), 1, 1, 0, 0, 0)
	if w.ledger.count(pay.TransactionID) != 1 || w.ledger.total() != 1 {
		t.Fatalf("user code ran %v; want the payment once", w.ledger.runs)
	}
}

func TestReplayTokuSkipsAPaymentDeliveredLive(t *testing.T) {
	t.Parallel()
	w := newTokuWorld(t)
	pay, err := w.srv.PayInvoice(t.Context(), w.invoice)
	if err != nil {
		t.Fatal(err)
	}
	if len(pay.Deliveries) != 1 || pay.Deliveries[0].StatusCode != http.StatusOK {
		t.Fatalf("deliveries %+v", pay.Deliveries)
	}
	wantSummary(t, w.replay(t), 1, 1, 0, 0, 0)
	if w.ledger.count(pay.TransactionID) != 1 || w.ledger.total() != 1 {
		t.Fatalf("user code ran %v; want the payment once", w.ledger.runs)
	}
}

func TestReplayTokuAndALiveRedeliveryRacingRunUserCodeOnce(t *testing.T) {
	t.Parallel()
	w := newTokuWorld(t)
	w.down.Store(true)
	pay, err := w.srv.PayInvoice(t.Context(), w.invoice)
	if err != nil {
		t.Fatal(err)
	}
	w.down.Store(false)

	w.ledger.hold.Store(true)
	done := make(chan *webhook.ReplaySummary, 1)
	h := *w.handler.Load()
	go func() {
		today := toku.DateOf(time.Now().UTC())
		s, _ := webhook.ReplayToku(context.Background(), h, w.client, webhook.TokuReplayParams{From: today, To: today})
		done <- s
	}()
	<-w.ledger.entered
	w.ledger.hold.Store(false)

	// The live event has its own id, but holds the payment's key too: it
	// finds the replay processing the payment and fails, so Toku retries.
	live, err := w.srv.Resend(t.Context(), pay.Deliveries[0].EventID)
	if err != nil || len(live) != 1 || live[0].StatusCode != http.StatusInternalServerError {
		t.Fatalf("redelivery during the replay: %+v, %v; want 500", live, err)
	}
	close(w.ledger.resume)
	s := <-done
	if s == nil {
		t.Fatal("the replay failed")
	}
	wantSummary(t, s, 1, 0, 0, 1, 0)
	live, err = w.srv.Resend(t.Context(), pay.Deliveries[0].EventID)
	if err != nil || len(live) != 1 || live[0].StatusCode != http.StatusOK {
		t.Fatalf("redelivery after the replay: %+v, %v; want 200", live, err)
	}
	if w.ledger.count(pay.TransactionID) != 1 || w.ledger.total() != 1 {
		t.Fatalf("user code ran %v; want the payment once", w.ledger.runs)
	}
}
