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

// WhitelistService manages the antifraud whitelist: emails, phones and card
// tokens whose payments Conekta's antifraud engine lets through. Conekta
// enables the service per account; others get 403 (ErrForbidden).
type WhitelistService service

// BlacklistService manages the antifraud blacklist: emails, phones and card
// tokens whose payments Conekta's antifraud engine declines.
type BlacklistService service

// RiskField is what an antifraud rule matches on. Unknown values are kept.
type RiskField string

// Fields an antifraud rule matches on.
const (
	RiskFieldEmail     RiskField = "email"
	RiskFieldPhone     RiskField = "phone"
	RiskFieldCardToken RiskField = "card_token"
)

// RiskRule is an entry of the antifraud whitelist or blacklist.
type RiskRule struct {
	ID          string    `json:"id"`
	Field       RiskField `json:"field"`
	Value       string    `json:"value"` // the email, phone or card source id
	Description string    `json:"description,omitempty"`
	// CreatedAt is as Conekta sends it in lists, a date text such as
	// "2021-11-10 21:52:47.339000+00:00"; creates and deletes leave it "".
	CreatedAt string `json:"created_at,omitempty"`
	IsGlobal  bool   `json:"is_global,omitempty"`
	IsTest    bool   `json:"is_test,omitempty"`
	// Raw is the object as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the rule and keeps it in Raw.
func (r *RiskRule) UnmarshalJSON(b []byte) error {
	type plain RiskRule
	return keepRaw(b, (*plain)(r), &r.Raw)
}

// RiskRuleParams add an entry to the whitelist or blacklist. All three
// fields are required.
type RiskRuleParams struct {
	Field RiskField `json:"field"`
	// Value is what Field must equal: an email, a phone such as
	// "818081808180", or a card source id ("src_…").
	Value string `json:"value"`
	// Description says why, such as "email verified on 20/09/22".
	Description string `json:"description"`
}

func (p *RiskRuleParams) check() error {
	switch {
	case p == nil:
		return check.Invalid(provider, "RiskRuleParams", "is nil")
	case p.Field == "":
		return check.Invalid(provider, "RiskRuleParams.Field", "is required, such as conekta.RiskFieldEmail")
	case p.Value == "":
		return check.Invalid(provider, "RiskRuleParams.Value", "is required: the email, phone or card source id to match")
	case p.Description == "":
		return check.Invalid(provider, "RiskRuleParams.Description", "is required by Conekta: say why the rule exists")
	}
	if p.Field == RiskFieldEmail {
		return checkEmail("RiskRuleParams.Value", p.Value)
	}
	return nil
}

// riskRules is the one implementation behind both lists.
type riskRules struct {
	client *Client
	path   string // "/antifraud/whitelists" or "/antifraud/blacklists"
}

func (r riskRules) create(ctx context.Context, p *RiskRuleParams, opts []RequestOption) (*RiskRule, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	return call[RiskRule](ctx, r.client, &httpcore.Request{Method: http.MethodPost, Path: r.path, Body: p}, opts)
}

// list fetches a page. The file names no query for these lists; a cursor
// is sent as next, as every other Conekta list takes it, only when a page
// says has_more.
func (r riskRules) list(ctx context.Context, p *ListParams, opts []RequestOption) (*List[*RiskRule], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, r.client, &httpcore.Request{Method: http.MethodGet, Path: r.path, Query: q}, opts, func(x *RiskRule) string { return x.ID })
}

func (r riskRules) all(ctx context.Context, opts []RequestOption) iter.Seq2[*RiskRule, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*RiskRule], error) {
		return r.list(ctx, (*ListParams)(nil).after(cursor), opts)
	})
}

func (r riskRules) delete(ctx context.Context, id string, opts []RequestOption) (*RiskRule, error) {
	if err := check.ID(provider, "antifraud rule", id); err != nil {
		return nil, err
	}
	return call[RiskRule](ctx, r.client, &httpcore.Request{Method: http.MethodDelete, Path: r.path + "/" + url.PathEscape(id)}, opts)
}

func (s *WhitelistService) rules() riskRules { return riskRules{s.client, "/antifraud/whitelists"} }
func (s *BlacklistService) rules() riskRules { return riskRules{s.client, "/antifraud/blacklists"} }

// Create adds a rule to the whitelist (POST /antifraud/whitelists).
//
// A create that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): look for the rule with All before adding it again.
//
// Conekta API: CreateRuleWhitelist.
func (s *WhitelistService) Create(ctx context.Context, p *RiskRuleParams, opts ...RequestOption) (*RiskRule, error) {
	return s.rules().create(ctx, p, opts)
}

// List fetches the whitelist (GET /antifraud/whitelists). Conekta's file
// gives this list no paging parameters: pass nil.
//
// Conekta API: GetRuleWhitelist.
func (s *WhitelistService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*RiskRule], error) {
	return s.rules().list(ctx, p, opts)
}

// All iterates over every whitelist rule.
func (s *WhitelistService) All(ctx context.Context, opts ...RequestOption) iter.Seq2[*RiskRule, error] {
	return s.rules().all(ctx, opts)
}

// Delete removes a whitelist rule (DELETE /antifraud/whitelists/{id}) and
// returns it as it was.
//
// Conekta API: DeleteRuleWhitelist.
func (s *WhitelistService) Delete(ctx context.Context, id string, opts ...RequestOption) (*RiskRule, error) {
	return s.rules().delete(ctx, id, opts)
}

// Create adds a rule to the blacklist (POST /antifraud/blacklists).
//
// A create that fails after it may have reached Conekta is not repeated
// (ErrOutcomeUnknown): look for the rule with All before adding it again.
//
// Conekta API: CreateRuleBlacklist.
func (s *BlacklistService) Create(ctx context.Context, p *RiskRuleParams, opts ...RequestOption) (*RiskRule, error) {
	return s.rules().create(ctx, p, opts)
}

// List fetches the blacklist (GET /antifraud/blacklists). Conekta's file
// gives this list no paging parameters: pass nil.
//
// Conekta API: GetRuleBlacklist.
func (s *BlacklistService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*RiskRule], error) {
	return s.rules().list(ctx, p, opts)
}

// All iterates over every blacklist rule.
func (s *BlacklistService) All(ctx context.Context, opts ...RequestOption) iter.Seq2[*RiskRule, error] {
	return s.rules().all(ctx, opts)
}

// Delete removes a blacklist rule (DELETE /antifraud/blacklists/{id}) and
// returns it as it was.
//
// Conekta API: DeleteRuleBlacklist.
func (s *BlacklistService) Delete(ctx context.Context, id string, opts ...RequestOption) (*RiskRule, error) {
	return s.rules().delete(ctx, id, opts)
}
