package tokutest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/webhook"
)

// subWorld is a fake on a fixed clock (12 October 2026, the day of Toku's
// own schedule example), a client, a customer and a receiver subscribed to
// events.
type subWorld struct {
	srv *tokutest.Server
	c   *toku.Client
	cus *toku.Customer
	rc  *receiver
}

func newSubWorld(t *testing.T, events ...toku.EventType) *subWorld {
	t.Helper()
	ctx := t.Context()
	start := time.Date(2026, time.October, 12, 15, 0, 0, 0, time.UTC)
	w := &subWorld{srv: tokutest.NewServer(t, tokutest.WithClock(func() time.Time { return start }),
		tokutest.WithSleep(func(context.Context, time.Duration) error { return nil }))}
	w.c = w.srv.Client()
	var err error
	var ep *toku.WebhookEndpoint
	w.rc = newReceiver(t, func() string { return string(ep.Secret) }, func() []webhook.TokuOption {
		return []webhook.TokuOption{webhook.WithClock(w.srv.Now)} // the fake's clock moves with Advance
	})
	if ep, err = w.c.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: w.rc.srv.URL, EnabledEvents: events}); err != nil {
		t.Fatal(err)
	}
	if w.cus, err = w.c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", ExternalID: "user-42", Mail: "ana@example.com"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// types lists the received events as "type:object id" after the fake's
// background sends are over.
func (w *subWorld) types(t *testing.T, from int) []string {
	t.Helper()
	w.srv.Settle()
	var out []string
	for _, e := range w.rc.got()[from:] {
		id := ""
		switch e.Type.Object() {
		case "subscription":
			s, err := e.Subscription()
			if err != nil {
				t.Fatal(err)
			}
			id = s.ID
		case "invoice":
			inv, err := e.Invoice()
			if err != nil {
				t.Fatal(err)
			}
			id = inv.ID + "@" + inv.DueDate.String()
		case "transaction":
			tr, err := e.Transaction()
			if err != nil {
				t.Fatal(err)
			}
			id = tr.PaymentIntents[0].Invoice + "/" + tr.PaymentIntents[0].Subscription
		}
		out = append(out, string(e.Type)+":"+id)
	}
	return out
}

func dueDates(invs []*toku.Invoice) []string {
	var out []string
	for _, inv := range invs {
		out = append(out, inv.Subscription+"@"+inv.DueDate.String()+"="+inv.Amount.String())
	}
	return out
}

func recurring(cus, product string, dueDay int) *toku.SubscriptionParams {
	return &toku.SubscriptionParams{Customer: cus, ProductID: product, IsRecurring: toku.Bool(true),
		Amount: toku.AmountFromWhole(19990), DueDay: dueDay, CurrencyCode: "CLP"}
}

// Created on 12 October with due_day 13 (after the creation day): the first
// invoice is issued at once, due 13 October; the next on 1 November, due 13
// November. Paying it sends the signed payment events; deleting the
// subscription stops the invoices.
func TestRecurringSubscriptionDueDayAfterCreation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newSubWorld(t, toku.EventSubscriptionCreated, toku.EventSubscriptionDeleted, toku.EventInvoiceCreated, toku.EventTransactionSuccess)
	sub, err := w.c.Subscriptions.Create(ctx, recurring(w.cus.ID, "contract-13", 13))
	if err != nil {
		t.Fatal(err)
	}
	if !sub.IsRecurring || *sub.DueDay != 13 || !sub.Amount.Equal(toku.AmountFromWhole(19990)) || sub.CurrencyCode != "CLP" {
		t.Fatalf("created %+v", sub)
	}
	var first []*toku.Invoice
	for inv, err := range w.c.Invoices.AllByCustomer(ctx, w.cus.ID, nil) {
		if err != nil {
			t.Fatal(err)
		}
		first = append(first, inv)
	}
	if diff := cmp.Diff([]string{sub.ID + "@2026-10-13=19990"}, dueDates(first)); diff != "" {
		t.Fatalf("invoices at creation (-want +got):\n%s", diff)
	}
	want := []string{"subscription.created:" + sub.ID, "invoice.created:" + first[0].ID + "@2026-10-13"}
	if diff := cmp.Diff(want, w.types(t, 0)); diff != "" {
		t.Fatalf("events at creation (-want +got):\n%s", diff)
	}

	// 31 October: nothing new. 1 November: the November invoice.
	b, err := w.srv.Advance(ctx, 19*24*time.Hour)
	if err != nil || len(b.Invoices) != 0 {
		t.Fatalf("Advance to 31 October = %+v, %v", b, err)
	}
	b, err = w.srv.Advance(ctx, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{sub.ID + "@2026-11-13=19990"}, dueDates(b.Invoices)); diff != "" {
		t.Fatalf("invoices on 1 November (-want +got):\n%s", diff)
	}
	if len(b.Deliveries) != 1 || b.Deliveries[0].EventType != toku.EventInvoiceCreated || b.Deliveries[0].StatusCode != 200 {
		t.Fatalf("deliveries %+v", b.Deliveries)
	}

	// Paying the November invoice sends transaction.success naming the
	// subscription.
	if _, err := w.srv.PayInvoice(ctx, b.Invoices[0].ID); err != nil {
		t.Fatal(err)
	}
	want = []string{"invoice.created:" + b.Invoices[0].ID + "@2026-11-13", "transaction.success:" + b.Invoices[0].ID + "/" + sub.ID}
	if diff := cmp.Diff(want, w.types(t, 2)); diff != "" {
		t.Fatalf("events after paying (-want +got):\n%s", diff)
	}
	for _, e := range w.rc.got() {
		if e.Signed != toku.SignedEventID {
			t.Errorf("event %s verified as %v", e.ID, e.Signed)
		}
	}

	// Deleting stops the invoices: nothing on 1 December.
	if err := w.c.Subscriptions.Delete(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"subscription.deleted:" + sub.ID}, w.types(t, 4)); diff != "" {
		t.Fatalf("events after delete (-want +got):\n%s", diff)
	}
	b, err = w.srv.Advance(ctx, 31*24*time.Hour)
	if err != nil || len(b.Invoices) != 0 || len(b.Deliveries) != 0 {
		t.Fatalf("Advance after delete = %+v, %v", b, err)
	}
	if _, err := w.c.Subscriptions.Get(ctx, sub.ID); !errors.Is(err, toku.ErrNotFound) {
		t.Fatalf("Get after delete: %v", err)
	}
}

// Created on 12 October with due_day 11 (before the creation day): no
// invoice until 1 November, due 11 November. A due_day of 31 falls on the
// last day of a shorter month. Turning is_recurring off stops the invoices.
func TestRecurringSubscriptionDueDayBeforeCreation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newSubWorld(t, toku.EventInvoiceCreated, toku.EventSubscriptionUpdated)
	s11, err := w.c.Subscriptions.Create(ctx, recurring(w.cus.ID, "contract-11", 11))
	if err != nil {
		t.Fatal(err)
	}
	s31, err := w.c.Subscriptions.Create(ctx, recurring(w.cus.ID, "contract-31", 31))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := w.c.Subscriptions.Create(ctx, &toku.SubscriptionParams{Customer: w.cus.ID, ProductID: "contract-plain"})
	if err != nil {
		t.Fatal(err)
	}
	// Only the due_day 31 subscription issues at once (31 October is ahead).
	pg, err := w.c.Invoices.ListByCustomer(ctx, w.cus.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{s31.ID + "@2026-10-31=19990"}, dueDates(pg.Data)); diff != "" {
		t.Fatalf("invoices at creation (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"invoice.created:" + pg.Data[0].ID + "@2026-10-31"}, w.types(t, 0)); diff != "" {
		t.Fatalf("events at creation (-want +got):\n%s", diff)
	}
	b, err := w.srv.Advance(ctx, 20*24*time.Hour) // 1 November
	if err != nil {
		t.Fatal(err)
	}
	want := []string{s11.ID + "@2026-11-11=19990", s31.ID + "@2026-11-30=19990"}
	if diff := cmp.Diff(want, dueDates(b.Invoices)); diff != "" {
		t.Fatalf("invoices on 1 November (-want +got):\n%s", diff)
	}

	// is_recurring false stops s11; s31 goes on.
	u, err := w.c.Subscriptions.Update(ctx, s11.ID, &toku.SubscriptionParams{IsRecurring: toku.Bool(false)})
	if err != nil || u.IsRecurring || u.Amount != nil || u.DueDay != nil {
		t.Fatalf("Update = %+v, %v", u, err)
	}
	b, err = w.srv.Advance(ctx, 30*24*time.Hour) // 1 December
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{s31.ID + "@2026-12-31=19990"}, dueDates(b.Invoices)); diff != "" {
		t.Fatalf("invoices on 1 December (-want +got):\n%s", diff)
	}

	// The customer's subscriptions, as the API lists them.
	var ids []string
	for s, err := range w.c.Subscriptions.All(ctx, w.cus.ID, &toku.ListParams{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID+"/"+s.ProductID)
	}
	if diff := cmp.Diff([]string{s11.ID + "/contract-11", s31.ID + "/contract-31", plain.ID + "/contract-plain"}, ids); diff != "" {
		t.Fatalf("All (-want +got):\n%s", diff)
	}
	if _, err := w.srv.Advance(ctx, -time.Hour); err == nil {
		t.Fatal("the clock moved back")
	}
}

// A subscription with a PAC mandate is charged on the due date, as Toku's
// automatic charge does.
func TestSubscriptionWithMandateIsChargedWhenDue(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newSubWorld(t, toku.EventTransactionSuccess)
	p := recurring(w.cus.ID, "contract-pac", 13)
	p.PACMandateID = "500196"
	sub, err := w.c.Subscriptions.Create(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.srv.Advance(ctx, 0) // 12 October: not yet due
	if err != nil || len(b.Paid) != 0 {
		t.Fatalf("Advance(0) = %+v, %v", b, err)
	}
	b, err = w.srv.Advance(ctx, 24*time.Hour) // 13 October: due, charged
	if err != nil || len(b.Paid) != 1 {
		t.Fatalf("Advance to the due date = %+v, %v", b, err)
	}
	inv, err := w.c.Invoices.Get(ctx, b.Paid[0].InvoiceID)
	if err != nil || !inv.IsPaid || inv.Subscription != sub.ID {
		t.Fatalf("invoice %+v, %v", inv, err)
	}
	if diff := cmp.Diff([]string{"transaction.success:" + inv.ID + "/" + sub.ID}, w.types(t, 0)); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
}

func TestSubscriptionsFakeRefusesWhatTokuRefuses(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newSubWorld(t, toku.EventSubscriptionCreated)
	if _, err := w.c.Subscriptions.Create(ctx, recurring(w.cus.ID, "contract-1", 5)); err != nil {
		t.Fatal(err)
	}
	other, err := w.c.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "22222222-2"})
	if err != nil {
		t.Fatal(err)
	}
	var te *toku.Error
	// product_id is unique across the company, across customers too.
	if _, err := w.c.Subscriptions.Create(ctx, recurring(other.ID, "contract-1", 5)); !errors.As(err, &te) || te.StatusCode != 422 || te.Details[0].Loc[1] != "product_id" {
		t.Fatalf("duplicate product_id: %v", err)
	}
	if _, err := w.c.Subscriptions.Create(ctx, recurring("cus_nobody", "contract-2", 5)); !errors.As(err, &te) || te.StatusCode != 422 {
		t.Fatalf("unknown customer: %v", err)
	}
	if _, err := w.c.Subscriptions.Get(ctx, "sub_nobody"); !errors.Is(err, toku.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}

	// Raw requests pagos itself would refuse: the fake answers 422, never
	// panics, and issues nothing.
	plain, err := w.c.Subscriptions.Create(ctx, &toku.SubscriptionParams{Customer: w.cus.ID, ProductID: "contract-plain"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/subscriptions", `{"customer":"` + w.cus.ID + `","product_id":"raw-1","is_recurring":true}`},
		{"POST", "/subscriptions", `{"customer":"` + w.cus.ID + `","product_id":"raw-2","is_recurring":true,"amount":100,"due_day":0}`},
		{"POST", "/subscriptions", `{"customer":"` + w.cus.ID + `","product_id":"raw-3","amount":100,"due_day":5}`},
		{"POST", "/subscriptions", `{"customer":"` + w.cus.ID + `","product_id":"raw-4","is_recurring":true,"amount":100,"due_day":32}`},
		{"PUT", "/subscriptions/" + plain.ID, `{"is_recurring":true}`},
		{"PUT", "/subscriptions/" + plain.ID, `{"is_recurring":true,"amount":100,"due_day":5,"currency_code":"USD"}`},
	} {
		req, _ := http.NewRequestWithContext(ctx, tc.method, w.srv.URL+tc.path, strings.NewReader(tc.body))
		req.Header.Set("X-Api-Key", w.srv.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 422 || !strings.Contains(string(b), "TK30000") {
			t.Errorf("%s %s %s: %d %s", tc.method, tc.path, tc.body, resp.StatusCode, b)
		}
	}
	if n := len(w.srv.Subscriptions()); n != 2 {
		t.Errorf("the fake keeps %d subscriptions, want 2", n)
	}
	if b, err := w.srv.Advance(ctx, 60*24*time.Hour); err != nil || len(b.Invoices) != 2 { // contract-1's two months only
		t.Errorf("Advance = %+v, %v", b, err)
	}
}

func TestLookupsRedirectionAndBankAccountsAgainstTheFake(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newSubWorld(t, toku.EventBankAccountVerificationResult)

	got, err := w.c.Customers.GetByExternalID(ctx, "user-42")
	if err != nil || got.ID != w.cus.ID {
		t.Fatalf("GetByExternalID = %+v, %v", got, err)
	}
	if _, err := w.c.Customers.GetByExternalID(ctx, "user-0"); !errors.Is(err, toku.ErrNotFound) {
		t.Fatalf("unknown external id: %v", err)
	}

	red, err := w.c.Redirection.Create(ctx, &toku.RedirectionParams{SuccessURL: "https://shop.example/paid", FailureURL: "https://shop.example/failed"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.Redirection.Update(ctx, red.ID, &toku.RedirectionParams{SuccessURL: "https://shop.example/ok", FailureURL: "https://shop.example/failed"}); err != nil {
		t.Fatal(err)
	}
	if r := w.srv.Redirection(red.ID); r == nil || r.SuccessURL != "https://shop.example/ok" {
		t.Fatalf("fake's redirection %+v", r)
	}

	// The check answers pending at once; the result comes as an event.
	ok, err := w.c.BankAccounts.Verify(ctx, &toku.BankAccountVerificationParams{CLABE: "032180000118359719", RFC: "GODE561231GR8"})
	if err != nil || ok.Status != "pending" {
		t.Fatalf("Verify = %+v, %v", ok, err)
	}
	w.srv.Settle()
	bad, err := w.c.BankAccounts.Verify(ctx, &toku.BankAccountVerificationParams{CLABE: tokutest.InvalidCLABE, RFC: "GODE561231GR8"})
	if err != nil {
		t.Fatal(err)
	}
	w.srv.Settle()
	var results []string
	for _, e := range w.rc.got() {
		v, err := e.BankAccountVerification()
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, v.ID+"="+v.Result)
	}
	if diff := cmp.Diff([]string{ok.ID + "=" + tokutest.VerificationValid, bad.ID + "=" + tokutest.VerificationInvalid}, results); diff != "" {
		t.Fatalf("results (-want +got):\n%s", diff)
	}
}
