package conekta

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// PlansService manages subscription plans: what a subscription charges and
// how often.
type PlansService service

// PlanInterval is the unit of a plan's billing period. Unknown values are
// kept.
type PlanInterval string

// Plan intervals.
const (
	IntervalWeek      PlanInterval = "week"
	IntervalHalfMonth PlanInterval = "half_month"
	IntervalMonth     PlanInterval = "month"
	IntervalYear      PlanInterval = "year"
)

// Plan is a Conekta subscription plan. Its ID is yours when you set one on
// create ("gold-plan"), Conekta's otherwise.
type Plan struct {
	ID       string `json:"id"`
	Object   string `json:"object,omitempty"` // "plan"
	Livemode bool   `json:"livemode"`
	Name     string `json:"name"`
	// Amount is charged every period, in centavos (MXN minor units: 10000
	// is $100.00).
	Amount    int64        `json:"amount"`
	Currency  string       `json:"currency"`
	Interval  PlanInterval `json:"interval"`
	Frequency int          `json:"frequency"` // periods between charges: 2 with IntervalMonth bills every two months
	// ExpiryCount is how many charges a subscription makes before it ends;
	// 0 (null on the wire) is no limit.
	ExpiryCount     int  `json:"expiry_count"`
	TrialPeriodDays int  `json:"trial_period_days"` // 0 (null on the wire) is no trial
	MaxRetries      int  `json:"max_retries"`       // attempts at a failed charge
	RetryDelayHours int  `json:"retry_delay_hours"` // between those attempts
	CreatedAt       Time `json:"created_at"`
	// Raw is the plan as Conekta sent it, for fields pagos does not name.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the plan and keeps Raw.
func (p *Plan) UnmarshalJSON(b []byte) error {
	type plain Plan
	return unmarshalWithRaw(b, (*plain)(p), &p.Raw)
}

// unmarshalWithRaw decodes b into v (a result type without its
// UnmarshalJSON) and keeps a copy of b in raw.
func unmarshalWithRaw(b []byte, v any, raw *json.RawMessage) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*raw = append(json.RawMessage(nil), b...)
	return nil
}

// PlanParams create a plan.
type PlanParams struct {
	// ID is your own id for the plan, such as "gold-plan" (optional). Set
	// it: after ErrOutcomeUnknown, Get it to learn whether the plan exists.
	ID   string `json:"id,omitempty"`
	Name string `json:"name"` // required
	// Amount is charged every period, in centavos: 1 to MaxAmount; required.
	Amount    int64        `json:"amount"`
	Currency  string       `json:"currency,omitempty"` // "MXN" (Conekta's default when empty)
	Interval  PlanInterval `json:"interval"`           // required
	Frequency int          `json:"frequency"`          // required, 1 or more
	// ExpiryCount ends a subscription after that many charges; 0 never.
	ExpiryCount     int `json:"expiry_count,omitempty"`
	TrialPeriodDays int `json:"trial_period_days,omitempty"`
	// MaxRetries (3 or more) and RetryDelayHours (48 or more) say how a
	// failed charge is retried; 0 leaves Conekta's defaults.
	MaxRetries      int `json:"max_retries,omitempty"`
	RetryDelayHours int `json:"retry_delay_hours,omitempty"`
}

func (p *PlanParams) check() error {
	const f = "PlanParams"
	switch {
	case p == nil:
		return check.Invalid(provider, f, "is nil")
	case p.Name == "":
		return check.Invalid(provider, f+".Name", "is required, such as \"Plan mensual\"")
	case p.Amount < 1:
		return check.Invalid(provider, f+".Amount", "is %d centavos; a plan charges 1 centavo or more", p.Amount)
	case p.Amount > MaxAmount:
		return tooLarge(f+".Amount", p.Amount)
	case p.Currency != "" && len(p.Currency) != 3:
		return check.Invalid(provider, f+".Currency", "is %q; give a 3-letter code such as \"MXN\"", p.Currency)
	case p.Interval == "":
		return check.Invalid(provider, f+".Interval", "is required, such as conekta.IntervalMonth")
	case p.Frequency < 1:
		return check.Invalid(provider, f+".Frequency", "is %d; give 1 or more periods between charges", p.Frequency)
	case p.ExpiryCount < 0 || p.TrialPeriodDays < 0:
		return check.Invalid(provider, f, "has a negative ExpiryCount or TrialPeriodDays")
	case p.MaxRetries != 0 && p.MaxRetries < 3:
		return check.Invalid(provider, f+".MaxRetries", "is %d; Conekta takes 3 or more (0 for its default)", p.MaxRetries)
	case p.RetryDelayHours != 0 && p.RetryDelayHours < 48:
		return check.Invalid(provider, f+".RetryDelayHours", "is %d; Conekta takes 48 or more (0 for its default)", p.RetryDelayHours)
	}
	return nil
}

// PlanUpdateParams change a plan; only the fields set are sent. A new
// Amount applies to the charges subscriptions make from then on.
type PlanUpdateParams struct {
	Name        string `json:"name,omitempty"`
	Amount      int64  `json:"amount,omitempty"` // centavos, 1 to MaxAmount
	Currency    string `json:"currency,omitempty"`
	ExpiryCount *int   `json:"expiry_count,omitempty"`
}

// PlanListParams filter and page the plan list.
type PlanListParams struct {
	ListParams
	Currency  string // currency
	Frequency int    // frequency; 0 is any
}

func (p *PlanListParams) query() (url.Values, error) {
	q := url.Values{}
	if p == nil {
		return q, nil
	}
	if p.Currency != "" {
		q.Set("currency", p.Currency)
	}
	if p.Frequency < 0 {
		return nil, check.Invalid(provider, "PlanListParams.Frequency", "is %d; give 1 or more, or 0 for any", p.Frequency)
	}
	if p.Frequency > 0 {
		q.Set("frequency", strconv.Itoa(p.Frequency))
	}
	return p.ListParams.query(q)
}

// Create creates a plan (POST /plans).
//
// Conekta API: createPlan.
//
// pagos never repeats a create that may have reached Conekta: when one fails
// that way the error matches ErrOutcomeUnknown. Give the plan your own ID and
// Get it before creating it again.
func (s *PlansService) Create(ctx context.Context, p *PlanParams, opts ...RequestOption) (*Plan, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	return call[Plan](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/plans", Body: p}, opts)
}

// Get fetches a plan by id (GET /plans/{id}).
//
// Conekta API: getPlan.
func (s *PlansService) Get(ctx context.Context, id string, opts ...RequestOption) (*Plan, error) {
	if err := check.ID(provider, "plan", id); err != nil {
		return nil, err
	}
	return call[Plan](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: planPath(id)}, opts)
}

// List fetches one page of plans (GET /plans).
//
// Conekta API: getPlans.
func (s *PlansService) List(ctx context.Context, p *PlanListParams, opts ...RequestOption) (*List[*Plan], error) {
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/plans", Query: q}, opts, func(p *Plan) string { return p.ID })
}

// All iterates over every plan matching p.
func (s *PlansService) All(ctx context.Context, p *PlanListParams, opts ...RequestOption) iter.Seq2[*Plan, error] {
	var base PlanListParams
	if p != nil {
		base = *p
	}
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*Plan], error) {
		lp := base
		lp.ListParams = *base.ListParams.after(cursor)
		return s.List(ctx, &lp, opts...)
	})
}

// Update changes a plan (PUT /plans/{id}), sending only the fields set.
//
// Conekta API: updatePlan.
func (s *PlansService) Update(ctx context.Context, id string, p *PlanUpdateParams, opts ...RequestOption) (*Plan, error) {
	if err := check.ID(provider, "plan", id); err != nil {
		return nil, err
	}
	switch {
	case p == nil || sendsNothing(p):
		return nil, check.Invalid(provider, "PlanUpdateParams", "sets no field; there is nothing to update")
	case p.Amount < 0:
		return nil, check.Invalid(provider, "PlanUpdateParams.Amount", "is %d centavos; it must not be negative", p.Amount)
	case p.Amount > MaxAmount:
		return nil, tooLarge("PlanUpdateParams.Amount", p.Amount)
	case p.Currency != "" && len(p.Currency) != 3:
		return nil, check.Invalid(provider, "PlanUpdateParams.Currency", "is %q; give a 3-letter code such as \"MXN\"", p.Currency)
	case p.ExpiryCount != nil && *p.ExpiryCount < 0:
		return nil, check.Invalid(provider, "PlanUpdateParams.ExpiryCount", "is %d; give 0 or more", *p.ExpiryCount)
	}
	return call[Plan](ctx, s.client, &httpcore.Request{Method: http.MethodPut, Path: planPath(id), Body: p}, opts)
}

// Delete removes a plan (DELETE /plans/{id}) and returns it as it was.
//
// Conekta API: deletePlan.
func (s *PlansService) Delete(ctx context.Context, id string, opts ...RequestOption) (*Plan, error) {
	if err := check.ID(provider, "plan", id); err != nil {
		return nil, err
	}
	return call[Plan](ctx, s.client, &httpcore.Request{Method: http.MethodDelete, Path: planPath(id)}, opts)
}

func planPath(id string) string { return "/plans/" + url.PathEscape(id) }
