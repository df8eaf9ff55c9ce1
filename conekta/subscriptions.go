package conekta

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// SubscriptionsService manages a customer's subscriptions to plans: Conekta
// charges the subscription's card every period and sends subscription.paid
// or subscription.payment_failed.
//
// The deprecated single-subscription operations of /customers/{id}/subscription
// (getSubscription, createSubscription, updateSubscription,
// cancelSubscription, getSubscriptionEvents, pauseSubscription,
// resumeSubscription) have no methods: the spec marks them deprecated in
// favour of these.
type SubscriptionsService service

// SubscriptionStatus is a subscription's status. Unknown values are kept.
type SubscriptionStatus string

// Subscription statuses.
const (
	SubscriptionInTrial  SubscriptionStatus = "in_trial"
	SubscriptionActive   SubscriptionStatus = "active"
	SubscriptionPastDue  SubscriptionStatus = "past_due" // the last charge failed; Conekta retries it
	SubscriptionPaused   SubscriptionStatus = "paused"
	SubscriptionCanceled SubscriptionStatus = "canceled"
)

// Subscription is a customer's subscription to a plan ("sub_…").
type Subscription struct {
	ID                      string             `json:"id"`
	Object                  string             `json:"object,omitempty"` // "subscription"
	Status                  SubscriptionStatus `json:"status"`
	PlanID                  string             `json:"plan_id"`
	CustomerID              string             `json:"customer_id"`
	CustomerCustomReference string             `json:"customer_custom_reference,omitempty"`
	CardID                  string             `json:"card_id,omitempty"`   // the payment source charged
	ChargeID                string             `json:"charge_id,omitempty"` // the last charge
	// LastBillingCycleOrderID is the order of the last charge: Get it from
	// Orders for its amount and status.
	LastBillingCycleOrderID string `json:"last_billing_cycle_order_id,omitempty"`
	CanceledReason          string `json:"canceled_reason,omitempty"` // such as "user_cancelation"
	SubscriptionStart       Time   `json:"subscription_start"`
	BillingCycleStart       Time   `json:"billing_cycle_start"`
	BillingCycleEnd         Time   `json:"billing_cycle_end"` // the next charge is due then
	TrialStart              Time   `json:"trial_start"`
	TrialEnd                Time   `json:"trial_end"`
	PausedAt                Time   `json:"paused_at"`
	CanceledAt              Time   `json:"canceled_at"`
	CreatedAt               Time   `json:"created_at"`
	// Raw is the subscription as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the subscription and keeps Raw.
func (s *Subscription) UnmarshalJSON(b []byte) error {
	type plain Subscription
	return unmarshalWithRaw(b, (*plain)(s), &s.Raw)
}

// SubscriptionParams subscribe a customer to a plan.
type SubscriptionParams struct {
	PlanID string `json:"plan_id"` // required
	// CardID is the card source ("src_…") to charge; empty charges the
	// customer's default payment source.
	CardID string `json:"card_id,omitempty"`
	// TrialEnd ends the trial then, replacing the plan's TrialPeriodDays;
	// zero keeps the plan's.
	TrialEnd Time `json:"trial_end,omitzero"`
}

// SubscriptionUpdateParams change a subscription: another plan, card or
// trial end. Only the fields set are sent.
type SubscriptionUpdateParams struct {
	PlanID   string `json:"plan_id,omitempty"`
	CardID   string `json:"card_id,omitempty"`
	TrialEnd Time   `json:"trial_end,omitzero"`
}

// Create subscribes a customer to a plan (POST
// /customers/{customer_id}/subscriptions). Without a trial the first
// period is charged at once.
//
// Conekta API: subscriptionCreate.
//
// pagos never repeats a create that may have reached Conekta, since a
// repeat could subscribe (and charge) the customer twice: the error matches
// ErrOutcomeUnknown. List the customer's subscriptions and look for one to
// the plan before creating it again.
func (s *SubscriptionsService) Create(ctx context.Context, customerID string, p *SubscriptionParams, opts ...RequestOption) (*Subscription, error) {
	if err := check.ID(provider, "customer", customerID); err != nil {
		return nil, err
	}
	if p == nil || p.PlanID == "" {
		return nil, check.Invalid(provider, "SubscriptionParams.PlanID", "is required: the plan to subscribe to")
	}
	return call[Subscription](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: subscriptionsPath(customerID), Body: p}, opts)
}

// Get fetches a subscription (GET /customers/{customer_id}/subscriptions/{id}).
//
// Conekta API: subscriptionsGet.
func (s *SubscriptionsService) Get(ctx context.Context, customerID, id string, opts ...RequestOption) (*Subscription, error) {
	path, err := subscriptionPath(customerID, id)
	if err != nil {
		return nil, err
	}
	return call[Subscription](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: path}, opts)
}

// List fetches one page of a customer's subscriptions (GET
// /customers/{customer_id}/subscriptions).
//
// Conekta API: subscriptionList.
func (s *SubscriptionsService) List(ctx context.Context, customerID string, p *ListParams, opts ...RequestOption) (*List[*Subscription], error) {
	if err := check.ID(provider, "customer", customerID); err != nil {
		return nil, err
	}
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: subscriptionsPath(customerID), Query: q}, opts,
		func(s *Subscription) string { return s.ID })
}

// All iterates over every subscription of a customer.
func (s *SubscriptionsService) All(ctx context.Context, customerID string, p *ListParams, opts ...RequestOption) iter.Seq2[*Subscription, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Subscription], error) {
		return s.List(ctx, customerID, p.after(cursor), opts...)
	})
}

// Update changes a subscription's plan, card or trial end (PUT
// /customers/{customer_id}/subscriptions/{id}).
//
// Conekta API: subscriptionUpdate.
//
// A change of plan may charge the card, so an update is never repeated
// after it may have reached Conekta: the error matches ErrOutcomeUnknown.
// Get the subscription and compare its PlanID and CardID before sending it
// again.
func (s *SubscriptionsService) Update(ctx context.Context, customerID, id string, p *SubscriptionUpdateParams, opts ...RequestOption) (*Subscription, error) {
	path, err := subscriptionPath(customerID, id)
	if err != nil {
		return nil, err
	}
	if p == nil || sendsNothing(p) {
		return nil, check.Invalid(provider, "SubscriptionUpdateParams", "sets no field; there is nothing to update")
	}
	return call[Subscription](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: path, Body: p, Unrepeatable: true}, opts)
}

// Events fetches one page of a subscription's events (GET
// /customers/{customer_id}/subscriptions/{id}/events): its charges, payment
// failures, pauses and cancellation.
//
// Conekta API: subscriptionEvents.
func (s *SubscriptionsService) Events(ctx context.Context, customerID, id string, p *ListParams, opts ...RequestOption) (*List[*Event], error) {
	path, err := subscriptionPath(customerID, id)
	if err != nil {
		return nil, err
	}
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: path + "/events", Query: q}, opts, func(e *Event) string { return e.ID })
}

// AllEvents iterates over every event of a subscription.
func (s *SubscriptionsService) AllEvents(ctx context.Context, customerID, id string, p *ListParams, opts ...RequestOption) iter.Seq2[*Event, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Event], error) {
		return s.Events(ctx, customerID, id, p.after(cursor), opts...)
	})
}

// Cancel ends a subscription (POST …/subscriptions/{id}/cancel): no
// further charges.
//
// Conekta API: subscriptionCancel.
//
// Like every subscription change it is not repeated after it may have
// reached Conekta (ErrOutcomeUnknown): Get the subscription and check for
// SubscriptionCanceled before sending it again.
func (s *SubscriptionsService) Cancel(ctx context.Context, customerID, id string, opts ...RequestOption) (*Subscription, error) {
	return s.action(ctx, customerID, id, "/cancel", opts)
}

// Pause stops a subscription's charges until Resume (POST
// …/subscriptions/{id}/pause).
//
// Conekta API: subscriptionPause.
//
// After ErrOutcomeUnknown, Get the subscription and check for
// SubscriptionPaused before sending it again.
func (s *SubscriptionsService) Pause(ctx context.Context, customerID, id string, opts ...RequestOption) (*Subscription, error) {
	return s.action(ctx, customerID, id, "/pause", opts)
}

// Resume restarts a paused subscription (POST …/subscriptions/{id}/resume),
// which may charge the card.
//
// Conekta API: subscriptionResume.
//
// After ErrOutcomeUnknown, Get the subscription and check its Status and
// LastBillingCycleOrderID before sending it again.
func (s *SubscriptionsService) Resume(ctx context.Context, customerID, id string, opts ...RequestOption) (*Subscription, error) {
	return s.action(ctx, customerID, id, "/resume", opts)
}

// Retry charges a past-due subscription's failed period again now (POST
// …/subscriptions/{id}/retry).
//
// Conekta API: subscriptionsRetry.
//
// A retry charges the card, so it is never repeated after it may have
// reached Conekta (ErrOutcomeUnknown): Get the subscription and check
// whether it left SubscriptionPastDue, or Get its LastBillingCycleOrderID,
// before retrying again.
func (s *SubscriptionsService) Retry(ctx context.Context, customerID, id string, opts ...RequestOption) (*Subscription, error) {
	return s.action(ctx, customerID, id, "/retry", opts)
}

func (s *SubscriptionsService) action(ctx context.Context, customerID, id, suffix string, opts []RequestOption) (*Subscription, error) {
	path, err := subscriptionPath(customerID, id)
	if err != nil {
		return nil, err
	}
	return call[Subscription](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: path + suffix}, opts)
}

func subscriptionsPath(customerID string) string {
	return "/customers/" + url.PathEscape(customerID) + "/subscriptions"
}

func subscriptionPath(customerID, id string) (string, error) {
	if err := check.ID(provider, "customer", customerID); err != nil {
		return "", err
	}
	if err := check.ID(provider, "subscription", id); err != nil {
		return "", err
	}
	return subscriptionsPath(customerID) + "/" + url.PathEscape(id), nil
}
