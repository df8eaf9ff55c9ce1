package conekta

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// CustomerPortalsService creates the page where a subscriber manages their
// own subscription (changes the card, cancels), hosted by Conekta.
type CustomerPortalsService service

// CustomerPortal is a subscription's self-service portal ("scp_…"). Send
// the customer to PortalURL.
type CustomerPortal struct {
	ID             string                 `json:"id"`
	Object         string                 `json:"object,omitempty"` // "customer_portal"
	Livemode       bool                   `json:"livemode"`
	Slug           string                 `json:"slug"`
	PortalURL      string                 `json:"portal_url"`
	SubscriptionID string                 `json:"subscription_id"`
	CustomerID     string                 `json:"customer_id"`
	CompanyID      string                 `json:"company_id,omitempty"`
	Subscription   *PortalSubscription    `json:"subscription,omitempty"`
	Customer       *PortalCustomerDetails `json:"customer,omitempty"`
	CreatedAt      Time                   `json:"created_at"`
	UpdatedAt      Time                   `json:"updated_at"`
	// Raw is the portal as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the portal and keeps Raw.
func (p *CustomerPortal) UnmarshalJSON(b []byte) error {
	type plain CustomerPortal
	return unmarshalWithRaw(b, (*plain)(p), &p.Raw)
}

// PortalSubscription is the subscription a portal manages, with its plan
// and card.
type PortalSubscription struct {
	ID               string             `json:"id"`
	Status           SubscriptionStatus `json:"status"`
	PlanID           string             `json:"plan_id"`
	CustomerID       string             `json:"customer_id"`
	NextBillingCycle Time               `json:"next_billing_cycle"`
	Plan             *Plan              `json:"plan,omitempty"` // Amount in centavos
	Card             *PortalCard        `json:"card,omitempty"`
	CreatedAt        Time               `json:"created_at"`
	UpdatedAt        Time               `json:"updated_at"`
}

// PortalCard is the card a portal's subscription charges: never its number.
type PortalCard struct {
	ID       string `json:"id"`
	Brand    string `json:"brand"`
	Last4    string `json:"last4"`
	Name     string `json:"name"`
	ExpMonth string `json:"exp_month"`
	ExpYear  string `json:"exp_year"`
	Active   bool   `json:"active"`
}

// PortalCustomerDetails is who a portal is for.
type PortalCustomerDetails struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Get fetches a subscription's portal (GET
// /subscriptions/{subscription_id}/customer_portal).
//
// Conekta API: getCustomerPortal.
func (s *CustomerPortalsService) Get(ctx context.Context, subscriptionID string, opts ...RequestOption) (*CustomerPortal, error) {
	return s.do(ctx, http.MethodGet, subscriptionID, opts)
}

// Create creates a subscription's portal, or returns the one it already has
// (POST /subscriptions/{subscription_id}/customer_portal). Since a repeat
// returns the same portal, it is retried like a read.
//
// Conekta API: createCustomerPortal.
func (s *CustomerPortalsService) Create(ctx context.Context, subscriptionID string, opts ...RequestOption) (*CustomerPortal, error) {
	return s.do(ctx, http.MethodPost, subscriptionID, opts)
}

func (s *CustomerPortalsService) do(ctx context.Context, method, subscriptionID string, opts []RequestOption) (*CustomerPortal, error) {
	if err := check.ID(provider, "subscription", subscriptionID); err != nil {
		return nil, err
	}
	return call[CustomerPortal](ctx, s.client, &httpcore.Request{Method: method, Repeatable: method == http.MethodPost,
		Path: "/subscriptions/" + url.PathEscape(subscriptionID) + "/customer_portal"}, opts)
}
