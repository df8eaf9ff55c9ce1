package conekta

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The spec's risk_rules_data and whitelistlist_rule_response examples.
const (
	riskRuleListed = `{"id":"618c3f2fdb8b8da9be376af9","field":"email","value":"email@example.com","description":"secure customer example@example.com",
		"created_at":"2021-11-10 21:52:47.339000+00:00","is_global":false,"is_test":false}`
	riskRuleCreated = `{"id":"2fw8EWJusiRrxdPzT","field":"email","value":"email@example.com","description":"banned customer example@example.com"}`
)

func TestAntifraudLists(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	for _, kind := range []string{"whitelists", "blacklists"} {
		mux.HandleFunc("/antifraud/"+kind, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "POST" {
				wire(t, r, "POST", "", `{"field":"email","value":"email@example.com","description":"banned customer example@example.com"}`)
				respond(w, 200, riskRuleCreated)
				return
			}
			wire(t, r, "GET", "", "")
			respond(w, 200, `{"object":"list","has_more":false,"next_page_url":null,"previous_page_url":null,"data":[`+riskRuleListed+`]}`)
		})
		mux.HandleFunc("/antifraud/"+kind+"/2fw8EWJusiRrxdPzT", func(w http.ResponseWriter, r *http.Request) {
			wire(t, r, "DELETE", "", "")
			respond(w, 200, riskRuleCreated)
		})
	}
	ctx := t.Context()
	p := &RiskRuleParams{Field: RiskFieldEmail, Value: "email@example.com", Description: "banned customer example@example.com"}
	wantCreated := &RiskRule{ID: "2fw8EWJusiRrxdPzT", Field: RiskFieldEmail, Value: "email@example.com", Description: "banned customer example@example.com"}
	wantListed := &RiskRule{ID: "618c3f2fdb8b8da9be376af9", Field: RiskFieldEmail, Value: "email@example.com",
		Description: "secure customer example@example.com", CreatedAt: "2021-11-10 21:52:47.339000+00:00"}
	ignoreRaw := cmpopts.IgnoreFields(RiskRule{}, "Raw")
	type svc struct {
		name   string
		create func() (*RiskRule, error)
		list   func() (*List[*RiskRule], error)
		all    func(yield func(*RiskRule, error) bool)
		del    func() (*RiskRule, error)
	}
	for _, s := range []svc{
		{"whitelist", func() (*RiskRule, error) { return c.Whitelist.Create(ctx, p) }, func() (*List[*RiskRule], error) { return c.Whitelist.List(ctx, nil) },
			c.Whitelist.All(ctx), func() (*RiskRule, error) { return c.Whitelist.Delete(ctx, "2fw8EWJusiRrxdPzT") }},
		{"blacklist", func() (*RiskRule, error) { return c.Blacklist.Create(ctx, p) }, func() (*List[*RiskRule], error) { return c.Blacklist.List(ctx, nil) },
			c.Blacklist.All(ctx), func() (*RiskRule, error) { return c.Blacklist.Delete(ctx, "2fw8EWJusiRrxdPzT") }},
	} {
		got, err := s.create()
		if err != nil {
			t.Fatalf("%s create: %v", s.name, err)
		}
		if diff := cmp.Diff(wantCreated, got, ignoreRaw); diff != "" || len(got.Raw) == 0 {
			t.Errorf("%s create (-want +got):\n%s", s.name, diff)
		}
		l, err := s.list()
		if err != nil || len(l.Data) != 1 {
			t.Fatalf("%s list: %+v, %v", s.name, l, err)
		}
		if diff := cmp.Diff(wantListed, l.Data[0], ignoreRaw); diff != "" {
			t.Errorf("%s list (-want +got):\n%s", s.name, diff)
		}
		n := 0
		for r, err := range s.all {
			if err != nil || r.ID != wantListed.ID {
				t.Fatalf("%s all: %+v, %v", s.name, r, err)
			}
			n++
		}
		if n != 1 {
			t.Errorf("%s all gave %d rules", s.name, n)
		}
		if got, err := s.del(); err != nil || got.ID != wantCreated.ID {
			t.Errorf("%s delete: %+v, %v", s.name, got, err)
		}
	}
}

func TestAntifraudValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	ok := RiskRuleParams{Field: RiskFieldPhone, Value: "818081808180", Description: "verified"}
	mod := func(f func(*RiskRuleParams)) *RiskRuleParams { p := ok; f(&p); return &p }
	for field, p := range map[string]*RiskRuleParams{
		"RiskRuleParams":             nil,
		"RiskRuleParams.Field":       mod(func(p *RiskRuleParams) { p.Field = "" }),
		"RiskRuleParams.Value":       mod(func(p *RiskRuleParams) { p.Value = "" }),
		"RiskRuleParams.Description": mod(func(p *RiskRuleParams) { p.Description = "" }),
	} {
		for _, create := range []func(*RiskRuleParams) (*RiskRule, error){
			func(p *RiskRuleParams) (*RiskRule, error) { return c.Whitelist.Create(t.Context(), p) },
			func(p *RiskRuleParams) (*RiskRule, error) { return c.Blacklist.Create(t.Context(), p) },
		} {
			got, err := create(p)
			var pe *ParamError
			if got != nil || !errors.As(err, &pe) || pe.Field != field {
				t.Errorf("%s: %+v, %v", field, got, err)
			}
		}
	}
	if _, err := c.Whitelist.Create(t.Context(), mod(func(p *RiskRuleParams) { p.Field, p.Value = RiskFieldEmail, "not-an-email" })); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("bad email: %v", err)
	}
	for _, id := range []string{"", "..", "."} {
		if _, err := c.Blacklist.Delete(t.Context(), id); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Delete(%q): %v", id, err)
		}
	}
}
