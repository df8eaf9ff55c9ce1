package conektatest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/conektasync"
)

// stateClock is the fakes' shared fixed clock, so a restarted fake's new
// objects carry the times the old one's would.
var stateStart = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func stateFake(t *testing.T, opts ...conektatest.Option) *conektatest.Server {
	t.Helper()
	return conektatest.NewServer(t, append([]conektatest.Option{conektatest.WithSigningKey(testutil.RSAKey()),
		conektatest.WithClock(func() time.Time { return stateStart })}, opts...)...)
}

// hookReceiver is a webhook endpoint verifying with a fixed set of public
// keys, recording the events its handler got.
type hookReceiver struct {
	mu     sync.Mutex
	events []*conekta.Event
	bodies []string // every body that arrived, duplicates too
	srv    *httptest.Server
}

func newHookReceiver(t *testing.T, srv *conektatest.Server) *hookReceiver {
	t.Helper()
	rc := &hookReceiver{}
	h, err := webhook.NewConektaHandler(srv.PublicKeys(), func(_ context.Context, e *conekta.Event) error {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.events = append(rc.events, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, string(b))
		rc.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// got reports whether an event of typ about the object with id arrived.
func (rc *hookReceiver) got(typ conekta.EventType, id string) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, e := range rc.events {
		if e.Type == typ && bytes.Contains(e.Object, []byte(`"id":"`+id+`"`)) {
			return true
		}
	}
	return false
}

// raws returns the bodies of the events with id, in the order they came.
func (rc *hookReceiver) raws(id string) []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, b := range rc.bodies {
		if e, err := conekta.ParseEvent([]byte(b)); err == nil && e.ID == id {
			out = append(out, b)
		}
	}
	return out
}

// approver approves every recurring cash payment from 1 to 10,000 pesos.
type approver struct{}

func (approver) Lookup(context.Context, *conekta.Event, *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	return conekta.ApproveLookup(100, 1000000), nil
}

func (approver) PaymentAttempt(context.Context, *conekta.Event, *conekta.InboundPayment) (conekta.InboundAnswer, error) {
	return conekta.ApprovePayment(), nil
}

func (approver) Reverse(context.Context, *conekta.Event, *conekta.InboundPayment) error { return nil }

// world is what the old fake made, for the checks after the restart.
type world struct {
	cardCustomer, cashCustomer *conekta.Customer
	recurringRef, cashRef      string
	cashOrder                  *conekta.Order
	runtimeToken               string
	sub                        *conekta.Subscription
	link                       *conekta.Checkout
	payout                     *conekta.PayoutOrder
	company                    *conekta.Company
	apiKey                     string
	shippingID, fiscalID       string
	paidEvent                  string // an event delivered before the save
}

// populate makes one of every kind of object the fake keeps, through its
// API and controls.
func populate(t *testing.T, srv *conektatest.Server) (*world, *hookReceiver) {
	t.Helper()
	ctx := t.Context()
	c := srv.Client()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &world{}
	// A key made through the API signs from now on; the receiver trusts
	// both, as a merchant configured before the restart.
	_, err := c.WebhookKeys.Create(ctx, true)
	must(err)
	rc := newHookReceiver(t, srv)
	_, err = c.Webhooks.Create(ctx, &conekta.WebhookParams{URL: rc.srv.URL + "/conekta"})
	must(err)
	h, err := conektasync.NewHandler(conektasync.Auth{Keys: srv.PublicKeys(), Username: "conekta", Password: "approval-s3cret"}, approver{})
	must(err)
	approval := httptest.NewServer(h)
	t.Cleanup(approval.Close)
	must(srv.SetApprovalURL(strings.Replace(approval.URL, "http://", "http://conekta:approval-s3cret@", 1) + "/approval"))

	w.cardCustomer, err = c.Customers.Create(ctx, &conekta.CustomerParams{Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555",
		Metadata:       conekta.Metadata{"socio": 7},
		PaymentSources: []*conekta.PaymentSourceParams{conekta.CardSourceParams(conektatest.TokenVisa)}})
	must(err)
	w.cashCustomer, err = c.Customers.Create(ctx, &conekta.CustomerParams{Name: "Fulanito", Email: "fulanito@example.com", Phone: "+5218181818181",
		PaymentSources: []*conekta.PaymentSourceParams{c.RecurringCashSource()}})
	must(err)
	w.recurringRef = string(w.cashCustomer.PaymentSources.Data[0].Cash.Reference)
	tok, err := c.Tokens.Create(ctx, &conekta.TokenCard{Number: conektatest.CardDeclined, Name: "Felipe Gómez", ExpMonth: "12", ExpYear: "30", CVC: "123"})
	must(err)
	w.runtimeToken = tok.ID

	paid, err := c.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{CustomerID: w.cardCustomer.ID},
		LineItems: []*conekta.LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 2}},
		Charges:   []*conekta.ChargeParams{conekta.ChargeToken(conektatest.TokenInsufficientFunds)}})
	if !errors.Is(err, conekta.ErrDeclined) {
		t.Fatalf("a declined order: %+v, %v", paid, err)
	}
	paid, err = c.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{CustomerID: w.cardCustomer.ID},
		LineItems: []*conekta.LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 2}},
		Charges:   []*conekta.ChargeParams{conekta.ChargeSource(w.cardCustomer.DefaultPaymentSourceID)}})
	must(err)
	_, err = c.Orders.Refund(ctx, paid.ID, &conekta.RefundParams{Amount: 5000, Reason: "requested_by_client"})
	must(err)
	w.cashOrder, err = c.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{Name: "Ana", Email: "ana@example.com", Phone: "+5215555555555"},
		LineItems: []*conekta.LineItem{{Name: "Maceta", UnitPrice: 15000, Quantity: 1}},
		Charges:   []*conekta.ChargeParams{conekta.ChargeCash(conekta.Time{})}})
	must(err)
	w.cashRef, _ = w.cashOrder.CashReference()
	tp, err := srv.PayAtTill(ctx, w.recurringRef, 25000)
	if err != nil || !tp.Paid {
		t.Fatalf("recurring payment before the save: %+v, %v", tp, err)
	}

	plan, err := c.Plans.Create(ctx, &conekta.PlanParams{ID: "plan-mensual", Name: "Plan mensual", Amount: 19900, Currency: "MXN",
		Interval: conekta.IntervalMonth, Frequency: 1})
	must(err)
	w.sub, err = c.Subscriptions.Create(ctx, w.cardCustomer.ID, &conekta.SubscriptionParams{PlanID: plan.ID})
	must(err)
	_, err = c.CustomerPortals.Create(ctx, w.sub.ID)
	must(err)
	srv.Advance(31 * 24 * time.Hour) // bills the second month; the first charges settle
	w.link, err = c.Checkouts.Create(ctx, &conekta.CheckoutParams{Name: "Clase de yoga", Recurrent: true, PaymentsLimitCount: 3,
		ExpiresAt:             conekta.TimeOf(stateStart.AddDate(0, 6, 0)),
		AllowedPaymentMethods: []conekta.CheckoutMethod{conekta.CheckoutCard, conekta.CheckoutCash},
		OrderTemplate: &conekta.CheckoutOrderTemplate{Currency: "MXN", LineItems: []*conekta.LineItem{{Name: "Clase de yoga", UnitPrice: 25000, Quantity: 1}},
			Metadata: conekta.Metadata{"curso": "yoga-7"}}})
	must(err)
	_, err = srv.PayCheckout(w.link.ID, conekta.ChargeToken(visaToken(t, c)))
	must(err)
	w.payout, err = c.PayoutOrders.Create(ctx, &conekta.PayoutOrderParams{Amount: 3000, Currency: "MXN", CustomerID: w.cardCustomer.ID,
		Reason: "Devolución", ExpiresAt: conekta.TimeOf(stateStart.AddDate(0, 3, 0))})
	must(err)
	if tr := srv.Transfer("MXN"); tr == nil {
		t.Fatal("no transfer of the available balance")
	}

	_, err = c.Whitelist.Create(ctx, &conekta.RiskRuleParams{Field: "email", Value: "felipe@example.com", Description: "cliente frecuente"})
	must(err)
	_, err = c.Blacklist.Create(ctx, &conekta.RiskRuleParams{Field: "phone", Value: "+5215500000000", Description: "contracargos"})
	must(err)
	key, err := c.APIKeys.Create(ctx, &conekta.APIKeyParams{Role: conekta.APIKeyPrivate, Description: "tienda en línea"})
	must(err)
	w.apiKey = string(key.AuthenticationToken)
	w.company, err = c.Companies.Create(ctx, &conekta.CompanyParams{Name: "Sucursal Norte", TypeCompany: "owner",
		CommercialInfo: &conekta.CompanyCommercialInfo{MCC: "5812", Website: "https://norte.example.com"}})
	must(err)
	_, err = c.Companies.UploadDocument(ctx, w.company.ID, &conekta.CompanyDocumentParams{FileClassification: conekta.DocumentProofOfAddress,
		FileName: "recibo.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 recibo")})
	must(err)
	sc, err := c.ShippingContacts.Create(ctx, w.cardCustomer.ID, &conekta.ShippingContactParams{Receiver: "Felipe Gómez", Phone: "+525511223344",
		Address: &conekta.ShippingContactAddress{Street1: "Nuevo Leon 254", City: "Ciudad de Mexico", PostalCode: "06100", Country: "MX"}})
	must(err)
	w.shippingID = sc.ID
	fe, err := c.FiscalEntities.Create(ctx, w.cardCustomer.ID, &conekta.FiscalEntityParams{TaxID: "GOMF800101AB1", CompanyName: "Felipe Gómez",
		Address: &conekta.FiscalAddress{Street1: "Nuevo Leon 254", City: "Ciudad de Mexico", PostalCode: "06100", Country: "MX"}})
	must(err)
	w.fiscalID = fe.ID
	must(srv.Settle(ctx))
	for _, d := range srv.Deliveries() {
		if d.EventType == conekta.EventOrderPaid && d.Err == nil {
			w.paidEvent = d.EventID
		}
	}
	if w.paidEvent == "" || !rc.got(conekta.EventOrderPaid, paid.ID) {
		t.Fatalf("order.paid of %s was not delivered before the save: %+v", paid.ID, srv.Deliveries())
	}
	return w, rc
}

// visaToken makes a new paying card token: each is used once.
func visaToken(t *testing.T, c *conekta.Client) string {
	t.Helper()
	tok, err := c.Tokens.Create(t.Context(), &conekta.TokenCard{Number: conektatest.CardVisa, Name: "Felipe Gómez", ExpMonth: "12", ExpYear: "30", CVC: "123"})
	if err != nil {
		t.Fatal(err)
	}
	return tok.ID
}

// all collects every object of a list.
func all[T any](t *testing.T, seq func(yield func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// rawGet answers a GET of the fake's API as its body, for the objects the
// client has no read for (a customer's shipping contacts and fiscal
// entities are in its body).
func rawGet(t *testing.T, srv *conektatest.Server, path string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	req.Header.Set("Accept", "application/vnd.conekta-v2.3.0+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s, %v", path, resp.StatusCode, b, err)
	}
	return string(b)
}

// delivery is a conektatest.Delivery with its error as text, to compare.
type delivery struct {
	conektatest.Delivery
	Err string
}

func deliveries(srv *conektatest.Server) []delivery {
	var out []delivery
	for _, d := range srv.Deliveries() {
		e := ""
		if d.Err != nil {
			e = d.Err.Error()
		}
		d.Err = nil
		out = append(out, delivery{d, e})
	}
	return out
}

// readAll reads every object of the fake back: through the client where
// it has a read, raw where it has none. The request log is read apart
// (reading it adds to it).
func readAll(t *testing.T, srv *conektatest.Server, w *world) map[string]any {
	t.Helper()
	ctx := t.Context()
	c := srv.Client()
	got := map[string]any{}
	customers := all(t, c.Customers.All(ctx, nil))
	got["customers"] = customers
	for _, cus := range customers {
		got["customer "+cus.ID] = rawGet(t, srv, "/customers/"+cus.ID)
		got["sources "+cus.ID] = all(t, c.PaymentSources.All(ctx, cus.ID, nil))
		subs := all(t, c.Subscriptions.All(ctx, cus.ID, nil))
		got["subscriptions "+cus.ID] = subs
		for _, sub := range subs {
			got["subscription events "+sub.ID] = all(t, c.Subscriptions.AllEvents(ctx, cus.ID, sub.ID, nil))
		}
	}
	portal, err := c.CustomerPortals.Get(ctx, w.sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	got["portal"] = portal
	orders := all(t, c.Orders.All(ctx, nil))
	got["orders"] = orders
	for _, o := range orders {
		got["discount lines "+o.ID] = all(t, c.DiscountLines.All(ctx, o.ID, nil))
		got["order "+o.ID] = rawGet(t, srv, "/orders/"+o.ID) // a refund's reason has no field in conekta.Refund
	}
	got["charges"] = all(t, c.Charges.All(ctx, nil))
	got["events"] = all(t, c.Events.All(ctx, nil))
	got["webhooks"] = all(t, c.Webhooks.All(ctx, nil))
	got["webhook keys"] = all(t, c.WebhookKeys.All(ctx, nil))
	got["plans"] = all(t, c.Plans.All(ctx, nil))
	got["payout orders"] = all(t, c.PayoutOrders.All(ctx, nil))
	got["transfers"] = all(t, c.Transfers.All(ctx, nil))
	got["transactions"] = all(t, c.Transactions.All(ctx, nil))
	bal, err := c.Balance.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got["balance"] = bal
	got["checkouts"] = all(t, c.Checkouts.All(ctx, nil))
	got["whitelist"] = all(t, c.Whitelist.All(ctx))
	got["blacklist"] = all(t, c.Blacklist.All(ctx))
	got["api keys"] = all(t, c.APIKeys.All(ctx, nil))
	companies := all(t, c.Companies.All(ctx, nil))
	got["companies"] = companies
	for _, co := range companies {
		docs, err := c.Companies.Documents(ctx, co.ID)
		if err != nil {
			t.Fatal(err)
		}
		got["documents "+co.ID] = docs
	}
	got["deliveries"] = deliveries(srv)
	got["sync calls"] = srv.SyncCalls()
	got["now"] = srv.Now()
	return got
}

var timeEqual = cmp.Comparer(func(a, b conekta.Time) bool { return a.Equal(b.Time) })

// A fake restarted from its saved state answers every object as before,
// continues the id sequence, signs with the same keys, resends an old
// event, and its controls act on the restored objects.
func TestStateSurvivesARestart(t *testing.T) {
	ctx := t.Context()
	old := stateFake(t)
	w, rc := populate(t, old)
	logsBefore := all(t, old.Client().Logs.All(ctx, nil))
	before := readAll(t, old, w)
	var file bytes.Buffer
	if err := old.SaveState(&file); err != nil {
		t.Fatal(err)
	}
	saved := file.Bytes()
	// The old fake's next object, for the sequence the new one must continue.
	next, err := old.Client().Plans.Create(ctx, &conekta.PlanParams{Name: "Siguiente", Amount: 100, Interval: conekta.IntervalMonth, Frequency: 1})
	if err != nil {
		t.Fatal(err)
	}
	old.Close()

	srv := stateFake(t)
	if err := srv.LoadState(bytes.NewReader(saved)); err != nil {
		t.Fatal(err)
	}
	// Saved again at once, the file is the same: nothing was lost or
	// changed on the way in.
	var again bytes.Buffer
	if err := srv.SaveState(&again); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(saved), again.String()); diff != "" {
		t.Errorf("the state saved after a load (-first +second):\n%s", diff)
	}
	c := srv.Client()
	// The request log first: every read below adds to it.
	logsAfter := all(t, c.Logs.All(ctx, nil))
	if len(logsAfter) < len(logsBefore) {
		t.Fatalf("%d request logs after the restart, %d before", len(logsAfter), len(logsBefore))
	}
	if diff := cmp.Diff(logsBefore, logsAfter[len(logsAfter)-len(logsBefore):], timeEqual); diff != "" {
		t.Errorf("request logs (-before +after):\n%s", diff)
	}
	after := readAll(t, srv, w)
	if diff := cmp.Diff(before, after, timeEqual); diff != "" {
		t.Fatalf("objects (-before +after):\n%s", diff)
	}

	if p, err := c.Plans.Create(ctx, &conekta.PlanParams{Name: "Siguiente", Amount: 100, Interval: conekta.IntervalMonth, Frequency: 1}); err != nil || p.ID != next.ID {
		t.Fatalf("the next id after the restart: %+v, %v; the old fake's was %s", p, err, next.ID)
	}

	// Resend of an event delivered before the save, signed with the same key.
	ds, err := srv.Resend(ctx, w.paidEvent)
	if err != nil || len(ds) != 1 || ds[0].Err != nil || ds[0].StatusCode != http.StatusOK {
		t.Fatalf("resend of %s: %+v, %v", w.paidEvent, ds, err)
	}
	if raws := rc.raws(w.paidEvent); len(raws) != 2 || raws[0] != raws[1] {
		t.Fatalf("the event resent after the restart is not the one sent before:\n%q", raws)
	}

	// The controls act on the restored objects, and their events arrive
	// signed with the keys the receiver had before the restart.
	// The reference is the customer's source: a change to one shows in
	// the payments of the other.
	until := conekta.TimeOf(stateStart.AddDate(2, 0, 0))
	if _, err := c.PaymentSources.Update(ctx, w.cashCustomer.ID, w.cashCustomer.PaymentSources.Data[0].ID, &conekta.PaymentSourceUpdateParams{ExpiresAt: until}); err != nil {
		t.Fatal(err)
	}
	tp, err := srv.PayAtTill(ctx, w.recurringRef, 30000)
	if err != nil || !tp.Paid {
		t.Fatalf("recurring payment after the restart: %+v, %v", tp, err)
	}
	if o, err := c.Orders.Get(ctx, tp.OrderID); err != nil || !o.Charges.Data[0].PaymentMethod.Cash.ExpiresAt.Equal(until.Time) {
		t.Fatalf("recurring payment's order after a change of its source: %+v, %v", o, err)
	}
	tp, err = srv.PayAtTill(ctx, w.cashRef, w.cashOrder.Amount)
	if err != nil || !tp.Paid {
		t.Fatalf("cash order after the restart: %+v, %v", tp, err)
	}
	linkOrder, err := srv.PayCheckout(w.link.ID, conekta.ChargeToken(visaToken(t, c)))
	if err != nil {
		t.Fatal(err)
	}
	if l, err := c.Checkouts.Get(ctx, w.link.ID); err != nil || l.PaidPaymentsCount != 2 {
		t.Fatalf("link after a second payment: %+v, %v", l, err)
	}
	srv.Advance(31 * 24 * time.Hour)
	sub, err := c.Subscriptions.Get(ctx, w.cardCustomer.ID, w.sub.ID)
	if err != nil || sub.LastBillingCycleOrderID == w.sub.LastBillingCycleOrderID || !sub.BillingCycleStart.Equal(stateStart.AddDate(0, 2, 0)) {
		t.Fatalf("subscription after Advance: %+v, %v", sub, err)
	}
	if err := srv.CollectPayout(w.payout.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PaymentSources.Create(ctx, w.cashCustomer.ID, conekta.CardSourceParams(conektatest.TokenVisa)); !errors.Is(err, conekta.ErrDeclined) {
		t.Fatalf("a token used before the restart was taken again: %v", err)
	}
	src, err := c.PaymentSources.Create(ctx, w.cashCustomer.ID, conekta.CardSourceParams(w.runtimeToken))
	if err != nil || src.Card == nil || src.Card.Last4 != "0002" {
		t.Fatalf("a source from a token made before the restart: %+v, %v", src, err)
	}
	if _, err := c.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{CustomerID: w.cashCustomer.ID},
		LineItems: []*conekta.LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 1}},
		Charges:   []*conekta.ChargeParams{conekta.ChargeSource(src.ID)}}); !errors.Is(err, conekta.ErrDeclined) {
		t.Fatalf("the declined card's outcome after the restart: %v", err)
	}
	if _, err := c.Companies.UpdateDocument(ctx, w.company.ID, &conekta.CompanyDocumentParams{FileClassification: conekta.DocumentProofOfAddress,
		FileName: "recibo-2.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 recibo")}); err != nil {
		t.Fatal(err)
	}
	if docs, err := c.Companies.Documents(ctx, w.company.ID); err != nil || len(docs) != 1 || docs[0].FileName != "recibo-2.pdf" {
		t.Fatalf("documents after an update: %+v, %v", docs, err)
	}
	if _, err := c.FiscalEntities.Update(ctx, w.cardCustomer.ID, w.fiscalID, &conekta.FiscalEntityParams{Email: "facturas@example.com"}); err != nil {
		t.Fatal(err)
	}
	// New cash references continue the old sequence.
	cash, err := c.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{CustomerID: w.cashCustomer.ID},
		LineItems: []*conekta.LineItem{{Name: "Maceta", UnitPrice: 15000, Quantity: 1}}, Charges: []*conekta.ChargeParams{conekta.ChargeCash(conekta.Time{})}})
	if err != nil {
		t.Fatal(err)
	}
	if ref, _ := cash.CashReference(); ref == w.cashRef || ref == w.recurringRef {
		t.Fatalf("a new cash reference %s repeats one made before the restart", ref)
	}
	if _, err := c.ShippingContacts.Update(ctx, w.cardCustomer.ID, w.shippingID, &conekta.ShippingContactParams{Receiver: "Ana Gómez"}); err != nil {
		t.Fatal(err)
	}
	byKey, err := conekta.NewClient(w.apiKey, conekta.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := byKey.Customers.Get(ctx, w.cardCustomer.ID); err != nil {
		t.Fatalf("the API key made before the restart: %v", err)
	}
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{tp.OrderID, linkOrder.ID, sub.LastBillingCycleOrderID} {
		if !rc.got(conekta.EventOrderPaid, id) {
			t.Errorf("no verified order.paid of %s after the restart", id)
		}
	}
	for _, d := range srv.Deliveries()[len(before["deliveries"].([]delivery)):] {
		if d.Err != nil {
			t.Errorf("delivery after the restart %+v", d)
		}
	}
}

// LoadState refuses a file it cannot take whole, and the fake keeps what
// it held.
func TestLoadStateRefusesAndKeeps(t *testing.T) {
	ctx := t.Context()
	srv := stateFake(t)
	c := srv.Client()
	cus, err := c.Customers.Create(ctx, &conekta.CustomerParams{Name: "Ana", Email: "ana@example.com", Phone: "+5215555555555"})
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if err := srv.SaveState(&file); err != nil {
		t.Fatal(err)
	}
	good := file.String()
	other := stateFake(t)
	if _, err := other.Client().Customers.Create(ctx, &conekta.CustomerParams{Name: "Beto", Email: "beto@example.com", Phone: "+5215555555556"}); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ file, says string }{
		"empty":          {"", "empty"},
		"truncated":      {good[:len(good)/2], "not a fake's state"},
		"another fake":   {strings.Replace(good, `"fake": "conekta"`, `"fake": "toku"`, 1), `"toku" fake`},
		"another format": {strings.Replace(good, `"version": 1`, `"version": 99`, 1), "version 99"},
		"unknown field":  {strings.Replace(good, `"customer_ids"`, `"surprise": 1, "customer_ids"`, 1), "surprise"},
		"dangling id":    {strings.Replace(good, `"customer_ids": [`, `"customer_ids": ["cus_nope", `, 1), "cus_nope"},
		"wrong key":      {strings.Replace(good, `"pkcs8": "`, `"pkcs8": "AAAA`, 1), "PKCS #8"},
	} {
		if name != "empty" && name != "truncated" && tc.file == good {
			t.Fatalf("%s: the test's file was not changed", name)
		}
		err := other.LoadState(strings.NewReader(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.says) || !strings.HasPrefix(err.Error(), "conektatest: ") {
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.says)
		}
		got := all(t, other.Client().Customers.All(ctx, nil))
		if len(got) != 1 || got[0].Name != "Beto" {
			t.Fatalf("%s: after the refusal the fake holds %+v", name, got)
		}
	}
	if err := other.LoadState(strings.NewReader(good)); err != nil {
		t.Fatal(err)
	}
	if got := all(t, other.Client().Customers.All(ctx, nil)); len(got) != 1 || got[0].ID != cus.ID {
		t.Fatalf("after the load: %+v", got)
	}
}

// WithListener serves on the given listener: the fake's URL is its address.
func TestWithListenerServesThere(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := stateFake(t, conektatest.WithListener(ln))
	if srv.URL != "http://"+ln.Addr().String() {
		t.Fatalf("URL %s, listener at %s", srv.URL, ln.Addr())
	}
	if _, err := srv.Client().Customers.List(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
}

func FuzzLoadState(f *testing.F) {
	srv := conektatest.NewServer(nil, conektatest.WithSigningKey(testutil.RSAKey()))
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	if _, err := c.Customers.Create(ctx, &conekta.CustomerParams{Name: "Ana", Email: "ana@example.com", Phone: "+5215555555555",
		PaymentSources: []*conekta.PaymentSourceParams{conekta.CardSourceParams(conektatest.TokenVisa), c.RecurringCashSource()}}); err != nil {
		f.Fatal(err)
	}
	if _, err := c.Whitelist.Create(ctx, &conekta.RiskRuleParams{Field: "email", Value: "ana@example.com", Description: "x"}); err != nil {
		f.Fatal(err)
	}
	testutil.FuzzState(f, srv, "conekta", nil)
}
