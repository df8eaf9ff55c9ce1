package spectest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/conekta/conektatest"
)

// start is the fake's clock at the beginning of the billing tests.
var start = time.Date(2026, time.January, 5, 12, 0, 0, 0, time.UTC)

func fixedClock() conektatest.Option {
	return conektatest.WithClock(func() time.Time { return start })
}

// A monthly plan bills the card on the fake's clock: the first period at
// once, the next when Advance passes its end. Each charge is a paid order,
// subscription.paid reaches the handler, the money shows up as pending,
// then available, in the balance and the transactions, and a transfer and a
// payout take it out. Every request and answer keeps to the spec.
func TestSubscriptionBillsMonthlyAndMoneyFlows(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t, fixedClock())
	rc := newReceiver(t, srv.PublicKeys())
	subscribe(t, c, rc.srv.URL, conekta.EventSubscriptionCreated, conekta.EventSubscriptionPaid, conekta.EventSubscriptionPaymentFailed,
		conekta.EventSubscriptionCanceled, conekta.EventPayoutOrderCreated)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	plan, err := c.Plans.Create(ctx, &conekta.PlanParams{ID: "plan-mensual", Name: "Plan mensual", Amount: 19900, Currency: "MXN",
		Interval: conekta.IntervalMonth, Frequency: 1})
	must(err)
	if plan.ID != "plan-mensual" || plan.Amount != 19900 || plan.MaxRetries != 3 || plan.RetryDelayHours != 48 {
		t.Fatalf("plan %+v", plan)
	}
	_, err = c.Plans.Get(ctx, plan.ID)
	must(err)
	plans, err := c.Plans.List(ctx, &conekta.PlanListParams{Currency: "MXN", Frequency: 1})
	must(err)
	if len(plans.Data) != 1 || plans.Data[0].ID != plan.ID {
		t.Fatalf("plans %+v", plans.Data)
	}
	cus := cardCustomer(t, c, conektatest.TokenVisa)
	sub, err := c.Subscriptions.Create(ctx, cus.ID, &conekta.SubscriptionParams{PlanID: plan.ID})
	must(err)
	firstEnd := start.AddDate(0, 1, 0)
	if sub.Status != conekta.SubscriptionActive || sub.CardID != cus.DefaultPaymentSourceID || !sub.BillingCycleStart.Equal(start) ||
		!sub.BillingCycleEnd.Equal(firstEnd) || sub.LastBillingCycleOrderID == "" {
		t.Fatalf("new subscription %+v", sub)
	}
	first, err := c.Orders.Get(ctx, sub.LastBillingCycleOrderID)
	must(err)
	if first.PaymentStatus != conekta.OrderPaid || first.Amount != 19900 || first.Metadata["subscription_id"] != sub.ID {
		t.Fatalf("first period's order %+v", first)
	}

	// Nothing is due a day before the period ends; the second period is
	// charged once the fake's clock passes it.
	srv.Advance(firstEnd.Sub(start) - 24*time.Hour)
	got, err := c.Subscriptions.Get(ctx, cus.ID, sub.ID)
	must(err)
	if got.LastBillingCycleOrderID != first.ID {
		t.Fatalf("charged before the period ended: %+v", got)
	}
	srv.Advance(24 * time.Hour)
	got, err = c.Subscriptions.Get(ctx, cus.ID, sub.ID)
	must(err)
	if got.LastBillingCycleOrderID == first.ID || !got.BillingCycleStart.Equal(firstEnd) || !got.BillingCycleEnd.Equal(firstEnd.AddDate(0, 1, 0)) {
		t.Fatalf("second period not charged: %+v", got)
	}
	must(srv.Settle(ctx))
	want := []conekta.EventType{conekta.EventSubscriptionCreated, conekta.EventSubscriptionPaid, conekta.EventSubscriptionPaid}
	if diff := cmp.Diff(want, rc.types()); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	paid, err := rc.find(conekta.EventSubscriptionPaid).Subscription()
	if err != nil || paid.ID != sub.ID || paid.Status != conekta.SubscriptionActive {
		t.Fatalf("subscription.paid carries %+v, %v", paid, err)
	}
	events, err := c.Subscriptions.Events(ctx, cus.ID, sub.ID, nil)
	must(err)
	if len(events.Data) != 3 || events.Data[2].Type != conekta.EventSubscriptionPaid {
		t.Fatalf("subscription events %+v", events.Data)
	}
	subs, err := c.Subscriptions.List(ctx, cus.ID, nil)
	must(err)
	if len(subs.Data) != 1 || subs.Data[0].ID != sub.ID {
		t.Fatalf("subscriptions %+v", subs.Data)
	}

	// Two paid charges: the first settled a month ago, the second is
	// still pending.
	net := int64(19900 - 19900*35/1000)
	bal, err := c.Balance.Get(ctx)
	must(err)
	if bal.Available.In("MXN") != net || bal.Pending.In("MXN") != net {
		t.Fatalf("balance available %d pending %d, want %d each", bal.Available.In("MXN"), bal.Pending.In("MXN"), net)
	}
	txs, err := c.Transactions.List(ctx, &conekta.TransactionListParams{Type: conekta.TransactionCapture})
	must(err)
	if len(txs.Data) != 2 || txs.Data[0].Status != conekta.TransactionAvailable || txs.Data[1].Status != conekta.TransactionPending ||
		txs.Data[1].Net != net || txs.Data[1].ChargeID != got.ChargeID {
		t.Fatalf("transactions %+v", txs.Data)
	}
	tx, err := c.Transactions.Get(ctx, txs.Data[0].ID)
	must(err)
	if tx.Amount != 19900 || tx.Fee+tx.Net != tx.Amount {
		t.Fatalf("transaction %+v", tx)
	}

	// A payout takes from what is available, and a cancel gives it back.
	po, err := c.PayoutOrders.Create(ctx, &conekta.PayoutOrderParams{Amount: 5000, Currency: "MXN", CustomerID: cus.ID, Reason: "Reembolso",
		ExpiresAt: conekta.TimeOf(start.AddDate(0, 3, 0)), Metadata: conekta.Metadata{"pago": "p-1"}})
	must(err)
	if po.Status != conekta.PayoutOrderOpen || len(po.Payouts) != 1 || po.CustomerInfo.ID != cus.ID {
		t.Fatalf("payout order %+v", po)
	}
	if a, _ := srv.Balance("MXN"); a != net-5000 {
		t.Fatalf("available after the payout %d, want %d", a, net-5000)
	}
	_, err = c.PayoutOrders.Get(ctx, po.ID)
	must(err)
	pos, err := c.PayoutOrders.List(ctx, &conekta.ListParams{Search: "p-1"})
	must(err)
	if len(pos.Data) != 1 || pos.Data[0].ID != po.ID {
		t.Fatalf("payout orders %+v", pos.Data)
	}
	canceled, err := c.PayoutOrders.Cancel(ctx, po.ID)
	must(err)
	if canceled.Status != conekta.PayoutOrderCancelled {
		t.Fatalf("cancelled payout order %+v", canceled)
	}
	if a, _ := srv.Balance("MXN"); a != net {
		t.Fatalf("available after the cancel %d, want %d", a, net)
	}
	_, err = c.PayoutOrders.Create(ctx, &conekta.PayoutOrderParams{Amount: net + 1, Currency: "MXN", CustomerID: cus.ID, Reason: "Demasiado",
		ExpiresAt: conekta.TimeOf(start.AddDate(0, 3, 0))})
	if !errors.Is(err, conekta.ErrDeclined) {
		t.Fatalf("a payout above the balance: %v", err)
	}

	// Conekta's transfer sends the available balance to the bank.
	tr := srv.Transfer("MXN")
	if tr == nil || tr.Amount != net {
		t.Fatalf("transfer %+v", tr)
	}
	trs, err := c.Transfers.List(ctx, nil)
	must(err)
	if len(trs.Data) != 1 || trs.Data[0].Amount != net || trs.Data[0].Destination == nil {
		t.Fatalf("transfers %+v", trs.Data)
	}
	one, err := c.Transfers.Get(ctx, tr.ID)
	must(err)
	if one.Destination == nil || one.Destination.AccountNumber == "" {
		t.Fatalf("transfer %+v", one)
	}
	if a, p := srv.Balance("MXN"); a != 0 || p != net {
		t.Fatalf("after the transfer available %d pending %d", a, p)
	}

	// The customer's portal, created once.
	portal, err := c.CustomerPortals.Create(ctx, sub.ID)
	must(err)
	again, err := c.CustomerPortals.Create(ctx, sub.ID)
	must(err)
	if again.ID != portal.ID || portal.Subscription == nil || portal.Subscription.Plan.Amount != 19900 || portal.PortalURL == "" {
		t.Fatalf("portal %+v, again %+v", portal, again)
	}
	_, err = c.CustomerPortals.Get(ctx, sub.ID)
	must(err)

	// Pause stops the charges; resume bills what fell due; cancel ends it.
	_, err = c.Subscriptions.Pause(ctx, cus.ID, sub.ID)
	must(err)
	srv.Advance(40 * 24 * time.Hour)
	paused, err := c.Subscriptions.Get(ctx, cus.ID, sub.ID)
	must(err)
	if paused.Status != conekta.SubscriptionPaused || paused.LastBillingCycleOrderID != got.LastBillingCycleOrderID {
		t.Fatalf("a paused subscription was charged: %+v", paused)
	}
	resumed, err := c.Subscriptions.Resume(ctx, cus.ID, sub.ID)
	must(err)
	if resumed.Status != conekta.SubscriptionActive || resumed.LastBillingCycleOrderID == got.LastBillingCycleOrderID {
		t.Fatalf("resume did not bill the period due: %+v", resumed)
	}
	gold, err := c.Plans.Create(ctx, &conekta.PlanParams{Name: "Plan anual", Amount: 199000, Interval: conekta.IntervalYear, Frequency: 1, TrialPeriodDays: 7})
	must(err)
	_, err = c.Plans.Update(ctx, gold.ID, &conekta.PlanUpdateParams{Name: "Plan anual oro"})
	must(err)
	moved, err := c.Subscriptions.Update(ctx, cus.ID, sub.ID, &conekta.SubscriptionUpdateParams{PlanID: gold.ID})
	must(err)
	if moved.PlanID != gold.ID {
		t.Fatalf("updated subscription %+v", moved)
	}
	ended, err := c.Subscriptions.Cancel(ctx, cus.ID, sub.ID)
	must(err)
	if ended.Status != conekta.SubscriptionCanceled || ended.CanceledAt.IsZero() || ended.CanceledReason == "" {
		t.Fatalf("canceled subscription %+v", ended)
	}
	deleted, err := c.Plans.Delete(ctx, plan.ID)
	must(err)
	if deleted.ID != plan.ID {
		t.Fatalf("deleted plan %+v", deleted)
	}
	if _, err := c.Plans.Get(ctx, plan.ID); !errors.Is(err, conekta.ErrNotFound) {
		t.Fatalf("deleted plan still found: %v", err)
	}
	must(srv.Settle(ctx))
	if rc.find(conekta.EventSubscriptionCanceled) == nil || rc.find(conekta.EventPayoutOrderCreated) == nil {
		t.Fatalf("events %v lack subscription.canceled or payout_order.created", rc.types())
	}
}

// A declined card leaves the subscription past_due with
// subscription.payment_failed; Conekta retries it after the plan's delay,
// and a retry with a new card pays it.
func TestSubscriptionPaymentFailedThenRetried(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t, fixedClock())
	rc := newReceiver(t, srv.PublicKeys())
	subscribe(t, c, rc.srv.URL, conekta.EventSubscriptionPaid, conekta.EventSubscriptionPaymentFailed, conekta.EventSubscriptionCanceled)
	plan, err := c.Plans.Create(ctx, &conekta.PlanParams{Name: "Plan semanal", Amount: 5000, Interval: conekta.IntervalWeek, Frequency: 1})
	if err != nil {
		t.Fatal(err)
	}
	cus := cardCustomer(t, c, conektatest.TokenDeclined)
	good, err := c.PaymentSources.Create(ctx, cus.ID, conekta.CardSourceParams(conektatest.TokenVisa))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := c.Subscriptions.Create(ctx, cus.ID, &conekta.SubscriptionParams{PlanID: plan.ID})
	if err != nil || sub.Status != conekta.SubscriptionPastDue {
		t.Fatalf("subscription on a declined card: %+v, %v", sub, err)
	}
	failed, err := c.Orders.Get(ctx, sub.LastBillingCycleOrderID)
	if err != nil || failed.PaymentStatus != conekta.OrderDeclined {
		t.Fatalf("the failed period's order %+v, %v", failed, err)
	}
	// Conekta tries again after retry_delay_hours (48): declined again.
	srv.Advance(48 * time.Hour)
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	want := []conekta.EventType{conekta.EventSubscriptionPaymentFailed, conekta.EventSubscriptionPaymentFailed}
	if diff := cmp.Diff(want, rc.types()); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	if _, err := c.Subscriptions.Update(ctx, cus.ID, sub.ID, &conekta.SubscriptionUpdateParams{CardID: good.ID}); err != nil {
		t.Fatal(err)
	}
	retried, err := c.Subscriptions.Retry(ctx, cus.ID, sub.ID)
	if err != nil || retried.Status != conekta.SubscriptionActive || retried.CardID != good.ID {
		t.Fatalf("retry with a good card: %+v, %v", retried, err)
	}
	if _, err := c.Subscriptions.Retry(ctx, cus.ID, sub.ID); !errors.Is(err, conekta.ErrInvalidRequest) {
		t.Fatalf("retry of an active subscription: %v", err)
	}
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if last := rc.types(); last[len(last)-1] != conekta.EventSubscriptionPaid {
		t.Fatalf("events %v, want subscription.paid last", last)
	}

	// A card that keeps failing: canceled after max_retries (3) retries.
	bad, err := c.Subscriptions.Update(ctx, cus.ID, sub.ID, &conekta.SubscriptionUpdateParams{CardID: cus.DefaultPaymentSourceID})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(bad.BillingCycleEnd.Sub(start.Add(48*time.Hour)) + 4*48*time.Hour)
	end, err := c.Subscriptions.Get(ctx, cus.ID, sub.ID)
	if err != nil || end.Status != conekta.SubscriptionCanceled || end.CanceledReason != "payment_failed" {
		t.Fatalf("after four failures: %+v, %v", end, err)
	}
}

// The fake refuses what Conekta refuses, in Conekta's error format.
func TestBillingRefusals(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	_, c := newFake(t)
	cus := cardCustomer(t, c, conektatest.TokenVisa)
	if _, err := c.Subscriptions.Create(ctx, cus.ID, &conekta.SubscriptionParams{PlanID: "no-such-plan"}); !errors.Is(err, conekta.ErrInvalidRequest) {
		t.Errorf("unknown plan: %v", err)
	}
	if _, err := c.Subscriptions.Get(ctx, cus.ID, "sub_nope"); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("unknown subscription: %v", err)
	}
	if _, err := c.CustomerPortals.Get(ctx, "sub_nope"); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("unknown portal: %v", err)
	}
	if _, err := c.Transfers.Get(ctx, "tr_nope"); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("unknown transfer: %v", err)
	}
	if _, err := c.Transactions.Get(ctx, "txn_nope"); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("unknown transaction: %v", err)
	}
	if _, err := c.PayoutOrders.Get(ctx, "po_nope"); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("unknown payout order: %v", err)
	}
	if _, err := c.Plans.Create(ctx, &conekta.PlanParams{ID: "p1", Name: "Uno", Amount: 100, Interval: conekta.IntervalMonth, Frequency: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Plans.Create(ctx, &conekta.PlanParams{ID: "p1", Name: "Uno", Amount: 100, Interval: conekta.IntervalMonth, Frequency: 1}); !errors.Is(err, conekta.ErrInvalidRequest) {
		t.Errorf("duplicate plan id: %v", err)
	}
	bal, err := c.Balance.Get(ctx)
	if err != nil || bal.Available.In("MXN") != 0 {
		t.Errorf("empty balance %+v, %v", bal, err)
	}
}

// A plan with a trial charges nothing until the trial ends; a payout order
// the customer collects is closed, and its money stays out of the balance.
func TestTrialThenFirstChargeAndCollectedPayout(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t, fixedClock())
	rc := newReceiver(t, srv.PublicKeys())
	subscribe(t, c, rc.srv.URL, conekta.EventSubscriptionPaid, conekta.EventPayoutOrderClosed)
	plan, err := c.Plans.Create(ctx, &conekta.PlanParams{Name: "Quincenal", Amount: 10000, Interval: conekta.IntervalHalfMonth, Frequency: 1, TrialPeriodDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	cus := cardCustomer(t, c, conektatest.TokenVisa)
	sub, err := c.Subscriptions.Create(ctx, cus.ID, &conekta.SubscriptionParams{PlanID: plan.ID})
	trialEnd := start.AddDate(0, 0, 7)
	if err != nil || sub.Status != conekta.SubscriptionInTrial || !sub.TrialEnd.Equal(trialEnd) || sub.LastBillingCycleOrderID != "" {
		t.Fatalf("trialing subscription %+v, %v", sub, err)
	}
	srv.Advance(7 * 24 * time.Hour)
	if a, p := srv.Balance("MXN"); a != 0 || p == 0 {
		t.Fatalf("just charged: available %d pending %d, want it all pending", a, p)
	}
	srv.Advance(conektatest.SettlementDelay)
	got, err := c.Subscriptions.Get(ctx, cus.ID, sub.ID)
	if err != nil || got.Status != conekta.SubscriptionActive || !got.BillingCycleStart.Equal(trialEnd) || !got.BillingCycleEnd.Equal(trialEnd.AddDate(0, 0, 15)) {
		t.Fatalf("after the trial %+v, %v", got, err)
	}
	net := int64(10000 - 10000*35/1000)
	if a, p := srv.Balance("MXN"); a != net || p != 0 {
		t.Fatalf("balance available %d pending %d, want %d available", a, p, net)
	}
	po, err := c.PayoutOrders.Create(ctx, &conekta.PayoutOrderParams{Amount: 3000, Currency: "MXN", CustomerID: cus.ID, Reason: "Devolución",
		ExpiresAt: conekta.TimeOf(start.AddDate(0, 1, 0))})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.CollectPayout(po.ID); err != nil {
		t.Fatal(err)
	}
	if err := srv.CollectPayout(po.ID); err == nil {
		t.Fatal("a payout order was collected twice")
	}
	closed, err := c.PayoutOrders.Get(ctx, po.ID)
	if err != nil || closed.Status != conekta.PayoutOrderClosed {
		t.Fatalf("collected payout order %+v, %v", closed, err)
	}
	if a, _ := srv.Balance("MXN"); a != net-3000 {
		t.Fatalf("available %d after the payout, want %d", a, net-3000)
	}
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]conekta.EventType{conekta.EventSubscriptionPaid, conekta.EventPayoutOrderClosed}, rc.types()); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
}
