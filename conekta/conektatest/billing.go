package conektatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pagos-go/pagos/conekta"
)

// SettlementDelay is how long a paid charge's money stays pending in the
// fake's balance before it becomes available (to transfer or pay out), by
// the fake's clock.
const SettlementDelay = 24 * time.Hour

// billing is the fake's state for plans, subscriptions, their portals,
// payout orders and transfers. Balances and transactions are derived from
// the orders' paid charges when read, so every paid charge shows up there.
type billing struct {
	offset atomic.Int64 // Advance's total, in nanoseconds

	plans        map[string]*conekta.Plan
	planIDs      []string
	subs         map[string]*subscription
	subIDs       []string
	portals      map[string]*conekta.CustomerPortal // by subscription id
	payouts      map[string]*conekta.PayoutOrder
	payoutIDs    []string
	transfers    map[string]*conekta.Transfer
	transferIDs  []string
	transferred  map[string]int64 // currency → centavos sent to the bank
	transactions map[string]bool  // transaction ids already transferred
}

// subscription is a subscription with what the fake needs to bill it.
type subscription struct {
	conekta.Subscription
	charges   int       // periods paid
	failures  int       // failed attempts at the current period
	nextRetry time.Time // when a past_due period is tried again
	events    []string  // ids of the events about it
}

// billingRoutes registers the billing operations and puts the fake's clock
// under Advance. It runs once, from routes, before the server starts.
func (s *Server) billingRoutes(mux *http.ServeMux) {
	b := &billing{plans: map[string]*conekta.Plan{}, subs: map[string]*subscription{}, portals: map[string]*conekta.CustomerPortal{},
		payouts: map[string]*conekta.PayoutOrder{}, transfers: map[string]*conekta.Transfer{}, transferred: map[string]int64{},
		transactions: map[string]bool{}}
	s.billing = b
	base := s.now
	s.now = func() time.Time { return base().Add(time.Duration(b.offset.Load())) }

	mux.HandleFunc("POST /plans", s.createPlan)
	mux.HandleFunc("GET /plans", s.listPlans)
	mux.HandleFunc("GET /plans/{id}", s.getPlan)
	mux.HandleFunc("PUT /plans/{id}", s.updatePlan)
	mux.HandleFunc("DELETE /plans/{id}", s.deletePlan)
	mux.HandleFunc("POST /customers/{id}/subscriptions", s.createSubscription)
	mux.HandleFunc("GET /customers/{id}/subscriptions", s.listSubscriptions)
	mux.HandleFunc("GET /customers/{id}/subscriptions/{sub}", s.getSubscription)
	mux.HandleFunc("PUT /customers/{id}/subscriptions/{sub}", s.updateSubscription)
	mux.HandleFunc("GET /customers/{id}/subscriptions/{sub}/events", s.subscriptionEvents)
	mux.HandleFunc("POST /customers/{id}/subscriptions/{sub}/{action}", s.subscriptionAction)
	mux.HandleFunc("GET /subscriptions/{sub}/customer_portal", s.getPortal)
	mux.HandleFunc("POST /subscriptions/{sub}/customer_portal", s.createPortal)
	mux.HandleFunc("GET /balance", s.getBalance)
	mux.HandleFunc("GET /transactions", s.listTransactions)
	mux.HandleFunc("GET /transactions/{id}", s.getTransaction)
	mux.HandleFunc("GET /transfers", s.listTransfers)
	mux.HandleFunc("GET /transfers/{id}", s.getTransfer)
	mux.HandleFunc("POST /payout_orders", s.createPayoutOrder)
	mux.HandleFunc("GET /payout_orders", s.listPayoutOrders)
	mux.HandleFunc("GET /payout_orders/{id}", s.getPayoutOrder)
	mux.HandleFunc("PUT /payout_orders/{id}/cancel", s.cancelPayoutOrder)
}

// Advance moves the fake's clock forward by d and bills what fell due, as
// Conekta's scheduler does: every active or trialing subscription whose
// billing_cycle_end has passed is charged (subscription.paid, with
// order.paid and charge.paid, or subscription.payment_failed and
// past_due); a past_due one is tried again every plan's retry_delay_hours
// (48 by default) and canceled after max_retries failures
// (subscription.canceled). The orders and charges it makes carry the
// clock's new time. Paid charges older than SettlementDelay become
// available in the balance. Events go out in the background; Settle waits
// for them.
func (s *Server) Advance(d time.Duration) {
	if d < 0 {
		panic("conektatest: Advance: the clock only moves forward")
	}
	s.billing.offset.Add(int64(d))
	s.mu.Lock()
	events := s.billLocked()
	s.mu.Unlock()
	s.dispatch(events...)
}

// Now returns the fake's clock: WithClock's time (time.Now by default)
// plus every Advance so far.
func (s *Server) Now() time.Time { return s.now() }

// billLocked charges every subscription that is due.
func (s *Server) billLocked() []json.RawMessage {
	now := s.now()
	var events []json.RawMessage
	for _, id := range s.billing.subIDs {
		sub := s.billing.subs[id]
		for {
			var due bool
			switch sub.Status {
			case conekta.SubscriptionActive, conekta.SubscriptionInTrial:
				due = !sub.BillingCycleEnd.After(now)
			case conekta.SubscriptionPastDue:
				due = !sub.nextRetry.After(now)
			}
			if !due {
				break
			}
			at := sub.BillingCycleEnd.Time
			if sub.Status == conekta.SubscriptionPastDue {
				at = sub.nextRetry
			}
			events = append(events, s.chargePeriodLocked(sub, at)...)
		}
	}
	return events
}

// chargePeriodLocked charges a subscription's period (the one ending at
// BillingCycleEnd, or the past_due one) and moves it on. at is when the
// charge was due: a retry is scheduled from it, so one Advance over several
// retry delays makes every attempt.
func (s *Server) chargePeriodLocked(sub *subscription, at time.Time) []json.RawMessage {
	plan := s.billing.plans[sub.PlanID]
	if plan == nil {
		sub.Status, sub.CanceledAt, sub.CanceledReason = conekta.SubscriptionCanceled, conekta.TimeOf(s.now()), "plan_deleted"
		return []json.RawMessage{s.emitSubLocked(conekta.EventSubscriptionCanceled, sub)}
	}
	name := "Suscripción " + plan.Name
	o, events, err := s.newOrderLocked(&conekta.OrderParams{Currency: plan.Currency, CustomerInfo: &conekta.CustomerInfo{CustomerID: sub.CustomerID},
		LineItems: []*conekta.LineItem{{Name: name, UnitPrice: plan.Amount, Quantity: 1}},
		Charges:   []*conekta.ChargeParams{conekta.ChargeSource(sub.CardID)}, ProcessingMode: "recurrent",
		Metadata: conekta.Metadata{"subscription_id": sub.ID}})
	if o == nil && events != nil { // declined: the order was kept, its id is the last one
		if n := len(s.orderIDs); n > 0 {
			o = s.orders[s.orderIDs[n-1]]
		}
	}
	if o != nil {
		sub.LastBillingCycleOrderID = o.ID
		if len(o.Charges.Data) > 0 {
			sub.ChargeID = o.Charges.Data[0].ID
		}
	}
	if err != nil {
		sub.failures++
		if sub.Status == conekta.SubscriptionPastDue && sub.failures > max(plan.MaxRetries, 3) {
			sub.Status, sub.CanceledAt, sub.CanceledReason = conekta.SubscriptionCanceled, conekta.TimeOf(s.now()), "payment_failed"
			return append(events, s.emitSubLocked(conekta.EventSubscriptionPaymentFailed, sub), s.emitSubLocked(conekta.EventSubscriptionCanceled, sub))
		}
		sub.Status = conekta.SubscriptionPastDue
		sub.nextRetry = at.Add(time.Duration(max(plan.RetryDelayHours, 48)) * time.Hour)
		return append(events, s.emitSubLocked(conekta.EventSubscriptionPaymentFailed, sub))
	}
	sub.failures, sub.charges = 0, sub.charges+1
	sub.Status = conekta.SubscriptionActive
	if sub.BillingCycleEnd.After(s.now()) { // charged ahead of the period's end: a new subscription or a retry
		sub.BillingCycleStart = conekta.TimeOf(s.now())
	} else {
		sub.BillingCycleStart = sub.BillingCycleEnd
	}
	sub.BillingCycleEnd = conekta.TimeOf(nextCycle(sub.BillingCycleStart.Time, plan))
	events = append(events, s.emitSubLocked(conekta.EventSubscriptionPaid, sub))
	if plan.ExpiryCount > 0 && sub.charges >= plan.ExpiryCount {
		sub.Status, sub.CanceledAt, sub.CanceledReason = conekta.SubscriptionCanceled, conekta.TimeOf(s.now()), "expired"
		events = append(events, s.emitSubLocked(conekta.EventSubscriptionExpired, sub))
	}
	return events
}

// nextCycle is the end of a period that starts at t.
func nextCycle(t time.Time, p *conekta.Plan) time.Time {
	n := max(p.Frequency, 1)
	switch p.Interval {
	case conekta.IntervalWeek:
		return t.AddDate(0, 0, 7*n)
	case conekta.IntervalHalfMonth:
		return t.AddDate(0, 0, 15*n)
	case conekta.IntervalYear:
		return t.AddDate(n, 0, 0)
	}
	return t.AddDate(0, n, 0)
}

func (s *Server) emitSubLocked(typ conekta.EventType, sub *subscription) json.RawMessage {
	raw := s.emitLocked(typ, renderSubscription(sub))
	sub.events = append(sub.events, eventOf(raw).ID)
	return raw
}

// --- plans -----------------------------------------------------------------

func renderPlan(p *conekta.Plan) map[string]any {
	m := toMap(p)
	if p.ExpiryCount == 0 {
		m["expiry_count"] = nil
	}
	if p.TrialPeriodDays == 0 {
		m["trial_period_days"] = nil
	}
	return m
}

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request) {
	var p conekta.PlanParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	var err error
	switch {
	case p.Name == "":
		err = invalid("name", "The name is required.")
	case p.Amount < 1:
		err = invalid("amount", "The amount must be 1 or more centavos.")
	case p.Frequency < 1:
		err = invalid("frequency", "The frequency must be 1 or more.")
	case p.Interval != conekta.IntervalWeek && p.Interval != conekta.IntervalHalfMonth && p.Interval != conekta.IntervalMonth && p.Interval != conekta.IntervalYear:
		err = invalid("interval", "The interval must be week, half_month, month or year.")
	case p.MaxRetries != 0 && p.MaxRetries < 3:
		err = invalid("max_retries", "The max_retries must be 3 or more.")
	case p.RetryDelayHours != 0 && p.RetryDelayHours < 48:
		err = invalid("retry_delay_hours", "The retry_delay_hours must be 48 or more.")
	case len(p.Currency) > 3:
		err = invalid("currency", "The currency must have 3 letters.")
	}
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	if p.ID == "" {
		p.ID = s.newID("plan_")
	}
	var events []json.RawMessage
	var out any
	if _, dup := s.billing.plans[p.ID]; dup {
		err = invalid("id", "A plan with this id already exists.")
	} else {
		plan := &conekta.Plan{ID: p.ID, Object: "plan", Name: p.Name, Amount: p.Amount, Currency: p.Currency, Interval: p.Interval,
			Frequency: p.Frequency, ExpiryCount: p.ExpiryCount, TrialPeriodDays: p.TrialPeriodDays, MaxRetries: max(p.MaxRetries, 3),
			RetryDelayHours: max(p.RetryDelayHours, 48), CreatedAt: conekta.TimeOf(s.now())}
		if plan.Currency == "" {
			plan.Currency = "MXN"
		}
		s.billing.plans[plan.ID] = plan
		s.billing.planIDs = append(s.billing.planIDs, plan.ID)
		out = renderPlan(plan)
		events = append(events, s.emitLocked(conekta.EventPlanCreated, out))
	}
	s.mu.Unlock()
	s.dispatch(events...)
	s.answer(w, out, err)
}

func (s *Server) listPlans(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	search := strings.ToLower(q.Get("search"))
	var ids []string
	for _, id := range s.billing.planIDs {
		p := s.billing.plans[id]
		switch {
		case q.Get("currency") != "" && p.Currency != q.Get("currency"):
		case q.Get("frequency") != "" && fmt.Sprint(p.Frequency) != q.Get("frequency"):
		case search != "" && !strings.Contains(strings.ToLower(p.ID+" "+p.Name), search):
		default:
			ids = append(ids, id)
		}
	}
	out, err := s.page(r, ids, func(id string) any { return renderPlan(s.billing.plans[id]) })
	s.answer(w, out, err)
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := find(s.billing.plans, "plan", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.answer(w, renderPlan(p), nil)
}

func (s *Server) updatePlan(w http.ResponseWriter, r *http.Request) {
	var p conekta.PlanUpdateParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	plan, err := find(s.billing.plans, "plan", r.PathValue("id"))
	var events []json.RawMessage
	var out any
	switch {
	case err != nil:
	case p.Amount < 0:
		err = invalid("amount", "The amount must be 1 or more centavos.")
	default:
		if p.Name != "" {
			plan.Name = p.Name
		}
		if p.Amount > 0 {
			plan.Amount = p.Amount
		}
		if p.Currency != "" {
			plan.Currency = p.Currency
		}
		if p.ExpiryCount != nil {
			plan.ExpiryCount = *p.ExpiryCount
		}
		out = renderPlan(plan)
		events = append(events, s.emitLocked(conekta.EventPlanUpdated, out))
	}
	s.mu.Unlock()
	s.dispatch(events...)
	s.answer(w, out, err)
}

func (s *Server) deletePlan(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	plan, err := find(s.billing.plans, "plan", r.PathValue("id"))
	var events []json.RawMessage
	var out any
	if err == nil {
		delete(s.billing.plans, plan.ID)
		s.billing.planIDs = remove(s.billing.planIDs, plan.ID)
		out = renderPlan(plan)
		events = append(events, s.emitLocked(conekta.EventPlanDeleted, out))
	}
	s.mu.Unlock()
	s.dispatch(events...)
	s.answer(w, out, err)
}

// --- subscriptions ---------------------------------------------------------

// renderSubscription is a subscription as Conekta sends it: times not yet
// reached are null.
func renderSubscription(sub *subscription) map[string]any {
	m := toMap(&sub.Subscription)
	for _, k := range []string{"billing_cycle_start", "billing_cycle_end", "canceled_at", "paused_at", "trial_start", "trial_end"} {
		if n, ok := m[k].(json.Number); ok && n == "0" {
			m[k] = nil
		}
	}
	if sub.ChargeID == "" {
		m["charge_id"] = nil
	}
	return m
}

// cardOf returns the customer's card source id, or the 422 Conekta gives.
func cardOf(c *customer, id string) (string, error) {
	if id == "" {
		id = c.DefaultPaymentSourceID
	}
	for _, src := range c.sources {
		if src.id() == id && src.card != nil {
			return id, nil
		}
	}
	if id == "" {
		return "", invalid("card_id", "The customer has no card to charge; add one or give a card_id.")
	}
	return "", invalid("card_id", "The card_id is not a card of this customer.")
}

func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request) {
	var p conekta.SubscriptionParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	out, events, err := s.newSubscriptionLocked(r.PathValue("id"), &p)
	s.mu.Unlock()
	s.dispatch(events...)
	s.answer(w, out, err)
}

func (s *Server) newSubscriptionLocked(customerID string, p *conekta.SubscriptionParams) (any, []json.RawMessage, error) {
	c, err := find(s.customers, "customer", customerID)
	if err != nil {
		return nil, nil, err
	}
	if p.PlanID == "" {
		return nil, nil, invalid("plan_id", "The plan_id is required.")
	}
	plan, ok := s.billing.plans[p.PlanID]
	if !ok {
		return nil, nil, invalid("plan_id", "The plan does not exist.")
	}
	cardID, err := cardOf(c, p.CardID)
	if err != nil {
		return nil, nil, err
	}
	now := conekta.TimeOf(s.now())
	sub := &subscription{Subscription: conekta.Subscription{ID: s.newID("sub_"), Object: "subscription", PlanID: plan.ID, CustomerID: c.ID,
		CustomerCustomReference: c.CustomReference, CardID: cardID, SubscriptionStart: now, CreatedAt: now, BillingCycleStart: now}}
	trialEnd := p.TrialEnd
	if trialEnd.IsZero() && plan.TrialPeriodDays > 0 {
		trialEnd = conekta.TimeOf(now.AddDate(0, 0, plan.TrialPeriodDays))
	}
	s.billing.subs[sub.ID] = sub
	s.billing.subIDs = append(s.billing.subIDs, sub.ID)
	var events []json.RawMessage
	if trialEnd.After(now.Time) {
		sub.Status, sub.TrialStart, sub.TrialEnd, sub.BillingCycleEnd = conekta.SubscriptionInTrial, now, trialEnd, trialEnd
		events = append(events, s.emitSubLocked(conekta.EventSubscriptionCreated, sub))
	} else {
		// The first period is charged at once; the events of the charge
		// follow subscription.created.
		sub.Status, sub.BillingCycleEnd = conekta.SubscriptionActive, now
		events = append(events, s.emitSubLocked(conekta.EventSubscriptionCreated, sub))
		events = append(events, s.chargePeriodLocked(sub, now.Time)...)
	}
	return renderSubscription(sub), events, nil
}

// subscriptionLocked finds a customer's subscription.
func (s *Server) subscriptionLocked(r *http.Request) (*subscription, error) {
	if _, err := find(s.customers, "customer", r.PathValue("id")); err != nil {
		return nil, err
	}
	sub, ok := s.billing.subs[r.PathValue("sub")]
	if !ok || sub.CustomerID != r.PathValue("id") {
		return nil, notFound("subscription", r.PathValue("sub"))
	}
	return sub, nil
}

func (s *Server) listSubscriptions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := find(s.customers, "customer", r.PathValue("id")); err != nil {
		s.answer(w, nil, err)
		return
	}
	var ids []string
	for _, id := range s.billing.subIDs {
		if s.billing.subs[id].CustomerID == r.PathValue("id") {
			ids = append(ids, id)
		}
	}
	out, err := s.page(r, ids, func(id string) any { return renderSubscription(s.billing.subs[id]) })
	s.answer(w, out, err)
}

func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, err := s.subscriptionLocked(r)
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.answer(w, renderSubscription(sub), nil)
}

func (s *Server) updateSubscription(w http.ResponseWriter, r *http.Request) {
	var p conekta.SubscriptionUpdateParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	out, events, err := func() (any, []json.RawMessage, error) {
		sub, err := s.subscriptionLocked(r)
		if err != nil {
			return nil, nil, err
		}
		if sub.Status == conekta.SubscriptionCanceled {
			return nil, nil, invalid("status", "A canceled subscription cannot be updated.")
		}
		if p.PlanID != "" {
			if _, ok := s.billing.plans[p.PlanID]; !ok {
				return nil, nil, invalid("plan_id", "The plan does not exist.")
			}
		}
		if p.CardID != "" {
			if _, err := cardOf(s.customers[sub.CustomerID], p.CardID); err != nil {
				return nil, nil, err
			}
			sub.CardID = p.CardID
		}
		if p.PlanID != "" {
			sub.PlanID = p.PlanID
		}
		if !p.TrialEnd.IsZero() && sub.Status == conekta.SubscriptionInTrial {
			sub.TrialEnd, sub.BillingCycleEnd = p.TrialEnd, p.TrialEnd
		}
		events := []json.RawMessage{s.emitSubLocked(conekta.EventSubscriptionUpdated, sub)}
		return renderSubscription(sub), append(events, s.billLocked()...), nil
	}()
	s.mu.Unlock()
	s.dispatch(events...)
	s.answer(w, out, err)
}

func (s *Server) subscriptionEvents(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, err := s.subscriptionLocked(r)
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	out, err := s.page(r, sub.events, func(id string) any { return s.eventJSONLocked(id) })
	s.answer(w, out, err)
}

// subscriptionAction serves cancel, pause, resume and retry.
func (s *Server) subscriptionAction(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	out, events, err := func() (any, []json.RawMessage, error) {
		sub, err := s.subscriptionLocked(r)
		if err != nil {
			return nil, nil, err
		}
		now := conekta.TimeOf(s.now())
		var events []json.RawMessage
		switch action := r.PathValue("action"); {
		case sub.Status == conekta.SubscriptionCanceled:
			return nil, nil, invalid("status", "The subscription is canceled.")
		case action == "cancel":
			sub.Status, sub.CanceledAt, sub.CanceledReason = conekta.SubscriptionCanceled, now, "user_cancelation"
			events = append(events, s.emitSubLocked(conekta.EventSubscriptionCanceled, sub))
		case action == "pause":
			if sub.Status == conekta.SubscriptionPaused {
				return nil, nil, invalid("status", "The subscription is already paused.")
			}
			sub.Status, sub.PausedAt = conekta.SubscriptionPaused, now
			events = append(events, s.emitSubLocked(conekta.EventSubscriptionPaused, sub))
		case action == "resume":
			if sub.Status != conekta.SubscriptionPaused {
				return nil, nil, invalid("status", "Only a paused subscription can be resumed.")
			}
			sub.Status, sub.PausedAt = conekta.SubscriptionActive, conekta.Time{}
			events = append(events, s.emitSubLocked(conekta.EventSubscriptionResumed, sub))
			events = append(events, s.billLocked()...)
		case action == "retry":
			if sub.Status != conekta.SubscriptionPastDue {
				return nil, nil, invalid("status", "Only a past_due subscription can be retried.")
			}
			events = append(events, s.chargePeriodLocked(sub, now.Time)...)
		default:
			return nil, nil, notFound("action", action)
		}
		return renderSubscription(sub), events, nil
	}()
	s.mu.Unlock()
	s.dispatch(events...)
	s.answer(w, out, err)
}

// --- customer portals ------------------------------------------------------

func (s *Server) getPortal(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.billing.portals[r.PathValue("sub")]
	if !ok {
		s.answer(w, nil, notFound("customer_portal", r.PathValue("sub")))
		return
	}
	s.answer(w, s.renderPortalLocked(p), nil)
}

func (s *Server) createPortal(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("sub")
	sub, ok := s.billing.subs[id]
	if !ok {
		s.answer(w, nil, notFound("subscription", id))
		return
	}
	p, ok := s.billing.portals[id]
	if !ok { // Conekta returns the existing portal when there is one
		now := conekta.TimeOf(s.now())
		slug := strings.ReplaceAll(s.newID("portal"), "_", "")
		p = &conekta.CustomerPortal{ID: s.newID("scp_"), Object: "customer_portal", Slug: slug, SubscriptionID: id, CustomerID: sub.CustomerID,
			CompanyID: "63dad459920de10001d177b3", PortalURL: s.URL + "/subscription/management/" + slug, CreatedAt: now, UpdatedAt: now}
		s.billing.portals[id] = p
	}
	writeJSON(w, http.StatusCreated, s.renderPortalLocked(p))
}

// renderPortalLocked adds the portal's subscription, plan, card and
// customer as they are now.
func (s *Server) renderPortalLocked(p *conekta.CustomerPortal) map[string]any {
	m := toMap(p)
	sub := s.billing.subs[p.SubscriptionID]
	sm := map[string]any{"id": sub.ID, "object": "subscription", "status": sub.Status, "plan_id": sub.PlanID, "customer_id": sub.CustomerID,
		"created_at": sub.CreatedAt.Unix(), "updated_at": s.now().Unix(), "next_billing_cycle": nil}
	if sub.Status != conekta.SubscriptionCanceled {
		sm["next_billing_cycle"] = sub.BillingCycleEnd.Unix()
	}
	if plan := s.billing.plans[sub.PlanID]; plan != nil {
		pm := toMap(plan) // expiry_count is not nullable here
		delete(pm, "livemode")
		delete(pm, "max_retries")
		delete(pm, "retry_delay_hours")
		sm["plan"] = pm
	}
	if c := s.customers[sub.CustomerID]; c != nil {
		m["customer"] = map[string]any{"id": c.ID, "object": "customer", "name": c.Name, "email": c.Email}
		for _, src := range c.sources {
			if src.id() == sub.CardID {
				sm["card"] = map[string]any{"id": sub.CardID, "object": "card", "created_at": src.obj["created_at"], "active": true,
					"exp_month": src.obj["exp_month"], "exp_year": src.obj["exp_year"], "brand": src.obj["brand"], "last4": src.obj["last4"],
					"name": src.obj["name"], "payment_source_status": "active", "customer_id": c.ID, "customer_custom_reference": nil}
			}
		}
	}
	m["subscription"] = sm
	return m
}
