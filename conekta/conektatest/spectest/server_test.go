package spectest

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/conektasync"
)

func newFake(t *testing.T, opts ...conektatest.Option) (*conektatest.Server, *conekta.Client) {
	t.Helper()
	srv := conektatest.NewServer(t, append([]conektatest.Option{conektatest.WithSigningKey(testutil.RSAKey())}, opts...)...)
	c := srv.Client(conekta.WithHTTPClient(&http.Client{Transport: newSpecTransport(t)}))
	return srv, c
}

// receiver is an async webhook endpoint recording what its handler processed.
type receiver struct {
	mu     sync.Mutex
	events []*conekta.Event
	fail   atomic.Int32 // answer 500 this many more times
	srv    *httptest.Server
}

func newReceiver(t *testing.T, keys []*rsa.PublicKey) *receiver {
	t.Helper()
	rc := &receiver{}
	h, err := webhook.NewConektaHandler(keys, func(ctx context.Context, e *conekta.Event) error {
		if rc.fail.Load() > 0 {
			rc.fail.Add(-1)
			return errors.New("temporarily failing")
		}
		rc.mu.Lock()
		rc.events = append(rc.events, e)
		rc.mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rc.srv = httptest.NewServer(h)
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) types() []conekta.EventType {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []conekta.EventType
	for _, e := range rc.events {
		out = append(out, e.Type)
	}
	return out
}

func (rc *receiver) find(t conekta.EventType) *conekta.Event {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, e := range rc.events {
		if e.Type == t {
			return e
		}
	}
	return nil
}

func subscribe(t *testing.T, c *conekta.Client, url string, events ...conekta.EventType) *conekta.Webhook {
	t.Helper()
	wh, err := c.Webhooks.Create(t.Context(), &conekta.WebhookParams{URL: url, SubscribedEvents: events})
	if err != nil {
		t.Fatal(err)
	}
	return wh
}

func cardCustomer(t *testing.T, c *conekta.Client, token string) *conekta.Customer {
	t.Helper()
	cus, err := c.Customers.Create(t.Context(), &conekta.CustomerParams{Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555",
		PaymentSources: []*conekta.PaymentSourceParams{conekta.CardSourceParams(token)}})
	if err != nil {
		t.Fatal(err)
	}
	return cus
}

func order(customerID string, charges ...*conekta.ChargeParams) *conekta.OrderParams {
	return &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{CustomerID: customerID},
		LineItems: []*conekta.LineItem{{Name: "Vasija de Cerámica", UnitPrice: 20015, Quantity: 1}}, Charges: charges}
}

func TestOnDemandCardOrderIsPaidAndSignedEventsArriveOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t)
	rc := newReceiver(t, srv.PublicKeys())
	subscribe(t, c, rc.srv.URL, conekta.EventOrderPaid, conekta.EventChargePaid)

	cus := cardCustomer(t, c, conektatest.TokenVisa)
	src := cus.PaymentSources.Data[0]
	if cus.DefaultPaymentSourceID != src.ID || src.Card == nil || src.Card.Last4 != "4242" {
		t.Fatalf("customer %+v, source %+v", cus, src)
	}
	o, err := c.Orders.Create(ctx, order(cus.ID, conekta.ChargeDefault()))
	if err != nil {
		t.Fatal(err)
	}
	ch := o.Charges.Data[0]
	if o.PaymentStatus != conekta.OrderPaid || o.Amount != 20015 || ch.Status != conekta.ChargePaid || ch.PaymentMethod.Card.Last4 != "4242" || ch.Fee <= 0 {
		t.Fatalf("order %+v, charge %+v", o, ch)
	}
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]conekta.EventType{conekta.EventChargePaid, conekta.EventOrderPaid}, rc.types()); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	paid, err := rc.find(conekta.EventOrderPaid).Order()
	if err != nil || paid.ID != o.ID || paid.Amount != 20015 {
		t.Fatalf("order.paid carries %+v, %v", paid, err)
	}
	// A duplicate is acknowledged, not processed again.
	again, err := srv.Resend(ctx, rc.find(conekta.EventOrderPaid).ID)
	if err != nil || len(again) != 1 || again[0].StatusCode != 200 {
		t.Fatalf("Resend = %+v, %v", again, err)
	}
	if n := len(rc.types()); n != 2 {
		t.Fatalf("handler processed %d events after the duplicate, want 2", n)
	}
	for _, d := range srv.Deliveries() {
		if d.Err != nil || d.Attempts != 1 {
			t.Errorf("delivery %+v", d)
		}
	}
}

func TestDeclinedCards(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t)
	rc := newReceiver(t, srv.PublicKeys())
	subscribe(t, c, rc.srv.URL, conekta.EventOrderDeclined)
	for _, tok := range []string{conektatest.TokenDeclined, conektatest.TokenInsufficientFunds} {
		cus := cardCustomer(t, c, tok)
		_, err := c.Orders.Create(ctx, order(cus.ID, conekta.ChargeDefault()))
		var ce *conekta.Error
		if !errors.Is(err, conekta.ErrDeclined) || !errors.As(err, &ce) || ce.Type != "processing_error" || ce.LogID == "" {
			t.Fatalf("%s: err = %v", tok, err)
		}
	}
	// A token is used once.
	if _, err := c.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{Name: "Ana", Email: "a@b.mx", Phone: "+52"},
		LineItems: []*conekta.LineItem{{Name: "Taza", UnitPrice: 1, Quantity: 1}}, Charges: []*conekta.ChargeParams{conekta.ChargeToken(conektatest.TokenVisa)}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{Name: "Ana", Email: "a@b.mx", Phone: "+52"},
		LineItems: []*conekta.LineItem{{Name: "Taza", UnitPrice: 1, Quantity: 1}}, Charges: []*conekta.ChargeParams{conekta.ChargeToken(conektatest.TokenVisa)}})
	var ce *conekta.Error
	if !errors.As(err, &ce) || ce.Details[0].Code != "conekta.errors.processing.tokenization.used" {
		t.Fatalf("reused token: %v", err)
	}
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rc.types(); len(got) != 2 {
		t.Fatalf("events %v, want two order.declined", got)
	}
	o, err := rc.find(conekta.EventOrderDeclined).Order()
	if err != nil || o.PaymentStatus != conekta.OrderDeclined || o.Charges.Data[0].FailureCode != "card_declined" {
		t.Fatalf("declined order %+v, %v", o, err)
	}
}

// merchant is a conektasync.Responder over a set of payable references.
type merchant struct {
	mu       sync.Mutex
	min, max int64
	blocked  bool
	delay    time.Duration
	attempts []int64
}

func (m *merchant) Lookup(ctx context.Context, _ *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.blocked {
		return conekta.Decline(conekta.FailureUserBlocked), nil
	}
	return conekta.ApproveLookup(m.min, m.max), nil
}

func (m *merchant) PaymentAttempt(ctx context.Context, _ *conekta.Event, p *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	m.mu.Lock()
	d := m.delay
	m.attempts = append(m.attempts, p.Amount)
	m.mu.Unlock()
	select {
	case <-time.After(d):
	case <-ctx.Done():
		return conekta.InboundAnswer{}, ctx.Err()
	}
	return conekta.ApprovePayment(), nil
}

func (m *merchant) Reverse(context.Context, *conekta.Event, *conekta.InboundPayment) error {
	return nil
}

// approvalServer serves a sync handler at a URL with Basic credentials.
func approvalServer(t *testing.T, srv *conektatest.Server, m conektaResponder, opts ...conektasync.Option) {
	t.Helper()
	h, err := conektasync.NewHandler(conektasync.Auth{Keys: srv.PublicKeys(), Username: "conekta", Password: "approval-s3cret"}, m, opts...)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	if err := srv.SetApprovalURL(strings.Replace(hs.URL, "http://", "http://conekta:approval-s3cret@", 1) + "/conekta/approval"); err != nil {
		t.Fatal(err)
	}
}

type conektaResponder = conektasync.Responder

func recurringCustomer(t *testing.T, c *conekta.Client) (*conekta.Customer, string) {
	t.Helper()
	cus, err := c.Customers.Create(t.Context(), &conekta.CustomerParams{Name: "Fulanito", Email: "fulanito@example.com", Phone: "+5218181818181",
		PaymentSources: []*conekta.PaymentSourceParams{c.RecurringCashSource()}})
	if err != nil {
		t.Fatal(err)
	}
	src := cus.PaymentSources.Data[0]
	if src.Type != c.RecurringCashType() || src.Cash == nil || src.Cash.Reference == "" || src.Cash.BarcodeURL == "" {
		t.Fatalf("recurring source %+v", src)
	}
	return cus, string(src.Cash.Reference)
}

func TestRecurringCashAtTheTill(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t)
	rc := newReceiver(t, srv.PublicKeys())
	subscribe(t, c, rc.srv.URL, conekta.EventChargePaid)
	m := &merchant{min: 5000, max: 1000000}
	approvalServer(t, srv, m)
	cus, ref := recurringCustomer(t, c)

	tp, err := srv.PayAtTill(ctx, ref, 110700)
	if err != nil {
		t.Fatal(err)
	}
	if !tp.Paid || !tp.Lookup.Approved() || !tp.Attempt.Approved() || tp.Lookup.Answer.MaxAmount != 1000000 || tp.FailureCode != "" {
		t.Fatalf("till payment %+v / %+v / %+v", tp, tp.Lookup, tp.Attempt)
	}
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	ev := rc.find(conekta.EventChargePaid)
	if ev == nil {
		t.Fatalf("no charge.paid; got %v", rc.types())
	}
	ch, err := ev.Charge()
	if err != nil || ch.ID != tp.ChargeID || ch.Amount != 110700 || ch.CustomerID != cus.ID || ch.PaymentMethod.Cash.StoreName != "OXXO" ||
		string(ch.PaymentMethod.Cash.Reference) != ref {
		t.Fatalf("charge.paid %+v / %+v, %v", ch, ch.PaymentMethod, err)
	}
	o, err := c.Orders.Get(ctx, tp.OrderID)
	if err != nil || o.PaymentStatus != conekta.OrderPaid || o.Amount != 110700 {
		t.Fatalf("order %+v, %v", o, err)
	}
	calls := srv.SyncCalls()
	if len(calls) != 2 || calls[0].Type != conekta.EventInboundPaymentLookup || calls[1].Amount != 110700 {
		t.Fatalf("sync calls %+v", calls)
	}

	// Outside the approved range the till refuses without an attempt.
	tp, err = srv.PayAtTill(ctx, ref, 100)
	if err != nil || tp.Paid || tp.Attempt != nil || tp.FailureCode != conekta.FailureAmountOutOfRange {
		t.Fatalf("out of range: %+v, %v", tp, err)
	}
	// The merchant's own decline reaches the till.
	m.mu.Lock()
	m.blocked = true
	m.mu.Unlock()
	tp, err = srv.PayAtTill(ctx, ref, 10000)
	if err != nil || tp.Paid || tp.FailureCode != conekta.FailureUserBlocked {
		t.Fatalf("blocked: %+v, %v", tp, err)
	}
	if _, err := srv.PayAtTill(ctx, "no-such-reference", 100); err == nil {
		t.Fatal("unknown reference paid")
	}
}

// An approval URL that answers after Conekta's limit declines the payment.
// No wall-clock bound is asserted: the late URL never answers before the
// test ends, and the SDK's handler is given a limit it cannot miss.
func TestTillHonoursTheSyncLimit(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t, conektatest.WithSyncLimit(50*time.Millisecond))
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		io.WriteString(w, `{"payable":true,"min_amount":1,"max_amount":100000}`)
	}))
	t.Cleanup(func() { close(release); slow.Close() })
	if err := srv.SetApprovalURL(slow.URL); err != nil {
		t.Fatal(err)
	}
	_, ref := recurringCustomer(t, c)
	tp, err := srv.PayAtTill(ctx, ref, 5000)
	if err != nil || tp.Paid || tp.Lookup.Err == nil || !strings.Contains(tp.Lookup.Err.Error(), "no answer within") || tp.Attempt != nil || tp.FailureCode != "" {
		t.Fatalf("late lookup: %+v / %+v, %v", tp, tp.Lookup, err)
	}
}

// The SDK's sync handler answers within its own budget instead: a decline
// with its code, which Conekta receives in time. The till's limit is an
// hour, so how long the handler takes on a loaded machine cannot matter.
func TestSyncHandlerDeclinesWithinItsBudget(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t, conektatest.WithSyncLimit(time.Hour))
	m := &merchant{min: 1, max: 100000, delay: time.Hour}
	approvalServer(t, srv, m, conektasync.WithBudget(30*time.Millisecond))
	_, ref := recurringCustomer(t, c)
	tp, err := srv.PayAtTill(ctx, ref, 5000)
	if err != nil || tp.Paid || tp.Attempt == nil || tp.Attempt.Err != nil || tp.Attempt.StatusCode != http.StatusOK ||
		tp.FailureCode != conektasync.DefaultFailureCode {
		t.Fatalf("slow attempt: %+v / %+v, %v", tp, tp.Attempt, err)
	}
}

func TestPaymentTestEndpoint(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t)
	m := &merchant{min: 1000, max: 2000}
	approvalServer(t, srv, m)
	_, ref := recurringCustomer(t, c)
	res, err := c.PaymentTests.Create(ctx, &conekta.PaymentTestParams{EventType: conekta.EventInboundPaymentLookup, Reference: ref})
	if err != nil || !strings.Contains(string(res.Raw), `"answer":{"payable":true,"min_amount":1000,"max_amount":2000}`) {
		t.Fatalf("lookup test = %s, %v", res.Raw, err)
	}
	if _, err := c.PaymentTests.Create(ctx, &conekta.PaymentTestParams{EventType: conekta.EventInboundPaymentAttempt, Reference: ref, Amount: 1500}); err != nil {
		t.Fatal(err)
	}
	res, err = c.PaymentTests.Create(ctx, &conekta.PaymentTestParams{EventType: conekta.EventInboundPaymentReverse, Reference: ref})
	if err != nil || !strings.Contains(string(res.Raw), `"status_code":200`) {
		t.Fatalf("reverse test = %s, %v", res.Raw, err)
	}
	if len(m.attempts) != 1 || m.attempts[0] != 1500 {
		t.Fatalf("attempts %v", m.attempts)
	}
	if _, err := c.PaymentTests.Create(ctx, &conekta.PaymentTestParams{EventType: conekta.EventInboundPaymentLookup, Reference: "0000"}); !errors.Is(err, conekta.ErrNotFound) {
		t.Fatalf("unknown reference: %v", err)
	}
}

func TestAPIVersion200UsesOxxoRecurrent(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	c := srv.Client(conekta.WithAPIVersion(conekta.APIVersion200))
	// The 2.0.0 guide creates customers without a phone.
	cus, err := c.Customers.Create(t.Context(), &conekta.CustomerParams{Name: "Fulanito", Email: "f@example.com",
		PaymentSources: []*conekta.PaymentSourceParams{c.RecurringCashSource()}})
	if err != nil {
		t.Fatal(err)
	}
	if src := cus.PaymentSources.Data[0]; src.Type != conekta.SourceOxxoRecurrent || src.Cash.Provider != "Oxxo" {
		t.Fatalf("source %+v", src)
	}
}

func TestFakeValidatesLikeConekta(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t)
	bad, _ := conekta.NewClient("key_wrong", conekta.WithBaseURL(srv.URL))
	if _, err := bad.Customers.List(ctx, nil); !errors.Is(err, conekta.ErrUnauthorized) {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := c.Orders.Get(ctx, "ord_nope"); !errors.Is(err, conekta.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	checked := &http.Client{Transport: newSpecTransport(t)}
	raw := func(method, path, accept, body string) (int, string) {
		req, _ := http.NewRequestWithContext(ctx, method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := checked.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const v23 = "application/vnd.conekta-v2.3.0+json"
	status, body := raw("POST", "/customers", v23, `{"name":"Ana","email":"ana@example.com"}`)
	if status != 422 {
		t.Fatalf("customer without phone: %d %s", status, body)
	}
	var e map[string]any
	_ = json.Unmarshal([]byte(body), &e)
	if id, _ := e["log_id"].(string); !strings.HasPrefix(id, "log_") {
		t.Errorf("no log_id: %s", body)
	}
	delete(e, "log_id")
	b, _ := json.Marshal(e)
	testutil.JSONEqual(t, b, `{"object":"error","type":"parameter_validation_error",
		"details":[{"code":"conekta.errors.parameter_validation.phone","param":"phone","message":"The phone is required.","debug_message":"The phone is required."}]}`)
	if status, _ := raw("GET", "/customers", "", ""); status != 400 {
		t.Errorf("no versioned Accept: %d", status)
	}
	if status, _ := raw("GET", "/customers?limit=251", v23, ""); status != 422 {
		t.Errorf("limit 251: %d", status)
	}
	if status, _ := raw("POST", "/orders", v23, `{"currency":"MXN","customer_info":{"customer_id":"cus_x"},"line_items":[{"name":"x","unit_price":1,"quantity":1}]}`); status != 422 {
		t.Errorf("order for an unknown customer: %d", status)
	}
	if status, _ := raw("POST", "/orders", v23, `{"currency":"MXN","customer_info":{"customer_id":"cus_x"}}`); status != 422 {
		t.Errorf("order without line items: %d", status)
	}
}

func TestOrderLifecycle(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t)
	cus := cardCustomer(t, c, conektatest.TokenVisa)

	p := order(cus.ID, conekta.ChargeDefault())
	p.PreAuthorize = true
	o, err := c.Orders.Create(ctx, p)
	if err != nil || o.PaymentStatus != conekta.OrderPreAuthorized {
		t.Fatalf("pre-authorized: %+v, %v", o, err)
	}
	if _, err := c.Orders.Update(ctx, o.ID, &conekta.OrderUpdateParams{Metadata: conekta.Metadata{"k": "v"}}); !errors.Is(err, conekta.ErrInvalidRequest) {
		t.Fatalf("update of an authorized order: %v", err)
	}
	if o, err = c.Orders.Capture(ctx, o.ID, 15000); err != nil || o.PaymentStatus != conekta.OrderPaid || o.Amount != 15000 {
		t.Fatalf("capture: %+v, %v", o, err)
	}
	if o, err = c.Orders.Refund(ctx, o.ID, &conekta.RefundParams{Amount: 5000, Reason: "requested_by_client"}); err != nil || o.PaymentStatus != conekta.OrderPartiallyRefunded {
		t.Fatalf("partial refund: %+v, %v", o, err)
	}
	if _, err = c.Orders.Refund(ctx, o.ID, &conekta.RefundParams{Amount: 20000, Reason: "requested_by_client"}); !errors.Is(err, conekta.ErrInvalidRequest) {
		t.Fatalf("refund beyond what was paid: %v", err)
	}
	if o, err = c.Orders.Refund(ctx, o.ID, &conekta.RefundParams{Amount: 10000, Reason: "requested_by_client"}); err != nil || o.PaymentStatus != conekta.OrderRefunded || o.AmountRefunded != 15000 {
		t.Fatalf("full refund: %+v, %v", o, err)
	}
	if _, err = c.Orders.Cancel(ctx, o.ID); !errors.Is(err, conekta.ErrInvalidRequest) {
		t.Fatalf("cancel of a refunded order: %v", err)
	}

	// A cash order waits for the till, which pays its exact amount.
	cash, err := c.Orders.Create(ctx, order(cus.ID, conekta.ChargeCash(conekta.Time{})))
	if err != nil || cash.PaymentStatus != conekta.OrderPendingPayment {
		t.Fatalf("cash order: %+v, %v", cash, err)
	}
	ref := string(cash.Charges.Data[0].PaymentMethod.Cash.Reference)
	if _, err := srv.PayAtTill(ctx, ref, 1); err == nil {
		t.Fatal("a wrong amount paid a cash order")
	}
	if tp, err := srv.PayAtTill(ctx, ref, 20015); err != nil || !tp.Paid || tp.Lookup != nil {
		t.Fatalf("cash order at the till: %+v, %v", tp, err)
	}
	if got, err := c.Orders.Get(ctx, cash.ID); err != nil || got.PaymentStatus != conekta.OrderPaid || got.Charges.Data[0].PaymentMethod.Cash.StoreName != "OXXO" {
		t.Fatalf("paid cash order: %+v, %v", got, err)
	}
	pending, err := c.Orders.Create(ctx, order(cus.ID, conekta.ChargeCash(conekta.Time{})))
	if err != nil {
		t.Fatal(err)
	}
	if o, err := c.Orders.Cancel(ctx, pending.ID); err != nil || o.PaymentStatus != conekta.OrderCanceled {
		t.Fatalf("cancel: %+v, %v", o, err)
	}
	var paid []string
	for o, err := range c.Orders.All(ctx, &conekta.OrderListParams{PaymentStatus: conekta.OrderPaid}) {
		if err != nil {
			t.Fatal(err)
		}
		paid = append(paid, o.ID)
	}
	if len(paid) != 1 || paid[0] != cash.ID {
		t.Fatalf("paid orders %v", paid)
	}
}

func TestDeliveryRetriesAndEventsAPI(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	var mu sync.Mutex
	var waits []time.Duration
	srv, c := newFake(t, conektatest.WithSleep(func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return nil
	}))
	rc := newReceiver(t, srv.PublicKeys())
	wh := subscribe(t, c, rc.srv.URL, conekta.EventOrderPaid)
	rc.fail.Store(2)
	cus := cardCustomer(t, c, conektatest.TokenVisa)
	if _, err := c.Orders.Create(ctx, order(cus.ID, conekta.ChargeDefault())); err != nil {
		t.Fatal(err)
	}
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	ds := srv.Deliveries()
	if len(ds) != 1 || ds[0].Attempts != 3 || ds[0].Err != nil || ds[0].WebhookID != wh.ID {
		t.Fatalf("deliveries %+v", ds)
	}
	if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second}, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	ev, err := c.Events.Get(ctx, ds[0].EventID)
	if err != nil || ev.Type != conekta.EventOrderPaid || len(ev.WebhookLogs) != 1 || ev.WebhookLogs[0].FailedAttempts != 2 || ev.WebhookStatus != "successful" {
		t.Fatalf("event %+v, %v", ev, err)
	}
	log, err := c.Events.Resend(ctx, ev.ID, []string{wh.ID})
	if err != nil || log.LastHTTPResponseStatus != 200 {
		t.Fatalf("resend: %+v, %v", log, err)
	}
	if n := len(rc.types()); n != 1 {
		t.Fatalf("processed %d times, want 1", n)
	}
	var types []conekta.EventType
	for e, err := range c.Events.All(ctx, &conekta.ListParams{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, e.Type)
	}
	if diff := cmp.Diff([]conekta.EventType{conekta.EventOrderCreated, conekta.EventChargePaid, conekta.EventOrderPaid}, types); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if _, err := c.Webhooks.Test(ctx, wh.ID); err != nil {
		t.Fatal(err)
	}
}

// A new webhook key signs from then on: a handler that knows only the old
// key refuses deliveries until it is given the active keys.
func TestWebhookKeyRotation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t, conektatest.WithMaxAttempts(1))
	oldOnly := newReceiver(t, srv.PublicKeys())
	subscribe(t, c, oldOnly.srv.URL, conekta.EventOrderPaid)
	if _, err := c.WebhookKeys.Create(ctx, true); err != nil {
		t.Fatal(err)
	}
	var keys []*conekta.WebhookKey
	for k, err := range c.WebhookKeys.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	active, err := conekta.ActivePublicKeys(keys)
	if err != nil || len(active) != 2 {
		t.Fatalf("active keys %d, %v", len(active), err)
	}
	both := newReceiver(t, active)
	subscribe(t, c, both.srv.URL, conekta.EventOrderPaid)
	cus := cardCustomer(t, c, conektatest.TokenVisa)
	if _, err := c.Orders.Create(ctx, order(cus.ID, conekta.ChargeDefault())); err != nil {
		t.Fatal(err)
	}
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if len(oldOnly.types()) != 0 || len(both.types()) != 1 {
		t.Fatalf("old-key handler got %v, rotated handler got %v", oldOnly.types(), both.types())
	}
	for _, d := range srv.Deliveries() {
		if (d.URL == oldOnly.srv.URL) != (d.StatusCode == http.StatusUnauthorized) {
			t.Errorf("delivery %+v", d)
		}
	}
}

func TestListPaginationAndDeterministicIDs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	_, c := newFake(t)
	var want []string
	for i := range 5 {
		cus, err := c.Customers.Create(ctx, &conekta.CustomerParams{Name: "Ana", Email: fmt.Sprintf("a%d@example.com", i), Phone: "+52"})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, cus.ID)
	}
	if want[0] != "cus_000002" || want[4] != "cus_000006" { // 000001 is the fake's webhook key
		t.Fatalf("ids %v are not the deterministic default", want)
	}
	var got []string
	for cus, err := range c.Customers.All(ctx, &conekta.ListParams{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, cus.ID)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	page, err := c.Customers.List(ctx, &conekta.ListParams{Search: "a3@"})
	if err != nil || len(page.Data) != 1 || page.Data[0].ID != want[3] {
		t.Fatalf("search: %+v, %v", page, err)
	}
}
