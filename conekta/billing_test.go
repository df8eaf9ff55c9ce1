package conekta

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Answers built from the field examples of Conekta's OpenAPI file.
const (
	planJSON = `{"id":"gold-plan","object":"plan","livemode":true,"name":"Extra Plan3","amount":10000,"currency":"MXN",
		"interval":"month","frequency":1,"expiry_count":12,"trial_period_days":null,"max_retries":3,"retry_delay_hours":48,"created_at":1666900846}`
	subscriptionJSON = `{"id":"sub_2tGzG1GxtDAZHEGPH","object":"subscription","status":"past_due","plan_id":"plan_2tXx672QLQ68CkmMn",
		"customer_id":"cus_2tKcHxhTz7xU5SymF","customer_custom_reference":"dotnet_123456","card_id":"src_2tKcHxhTz7xU5SymL",
		"charge_id":"2tKcHxhTz7xU5SymL","last_billing_cycle_order_id":"ord_2tSoMP7bZJbLiq4z8","billing_cycle_start":1677626827,
		"billing_cycle_end":1680305227,"canceled_at":null,"paused_at":null,"trial_start":null,"trial_end":null,
		"subscription_start":1677626837,"created_at":1677626837}`
	portalJSON = `{"id":"scp_2ym7QbU9dTh7Froti","object":"customer_portal","livemode":false,"slug":"agIvD4QSBl4Nunq4TmuozMw2ThtyVC",
		"subscription_id":"sub_2yYsQuYtXAbP1fdYu","customer_id":"cus_2yDzKtEAD3khH8Sga","company_id":"63dad459920de10001d177b3",
		"portal_url":"https://pay.stg.conekta.io/subscription/management/agIvD4QSBl4Nunq4TmuozMw2ThtyVC","created_at":1759108828,"updated_at":1759108828,
		"subscription":{"id":"sub_2yYsQuYtXAbP1fdYu","object":"subscription","status":"canceled","plan_id":"VG5","customer_id":"cus_2yDzKtEAD3khH8Sga",
		"next_billing_cycle":1876833632,"created_at":1755873642,"updated_at":1761745218,
		"plan":{"id":"VG5","object":"plan","name":"CLARO","amount":30000,"currency":"USD","interval":"month","frequency":1,"trial_period_days":null,"expiry_count":1,"created_at":1742087277},
		"card":{"id":"src_2yw5zPrVahTy7xy7P","object":"card","created_at":1761745218,"active":true,"exp_month":"05","exp_year":"26","brand":"mastercard","last4":"1005","name":"test"}},
		"customer":{"id":"cus_2yDzKtEAD3khH8Sga","object":"customer","name":"mao","email":"maoarroya@gmail.com"}}`
	balanceJSON = `{"available":[{"amount":100,"currency":"MXN"}],"cashout_retention_amount":[],"conekta_retention":[],"gateway":[],
		"pending":[{"amount":19315,"currency":"MXN"}],"retained":[],"retention_amount":[],"target_collateral_amount":{},"target_retention_amount":[],"temporarily_retained":[]}`
	transactionJSON = `{"id":"5ee7ec5b8dea41085erb7f9e","object":"transaction","livemode":true,"amount":1000,"fee":560,"net":440,
		"charge":"5ee7ec58885a45585e6d9f8m","currency":"MXN","status":"pending","type":"capture","created_at":1553273553}`
	transferJSON = `{"id":"5b0337d4dD344ef954fe1X4b6","object":"transfer","livemode":true,"amount":10000,"currency":"MXN","status":"pending",
		"statement_description":"Conekta 4401234","statement_reference":"4401234","created_at":1553273553,
		"%s":{"id":"pytmtd_2ide3qwTdDvNBosEC","object":"bank_transfer_payout_method","type":"BankTransferPayoutMethod","account_holder":"John Doe",
		"account_number":"012180023547896764","bank":"BBVA Bancomer","payee_id":"payee_2icdDewRxDENBos85","created_at":1553273553}}`
	payoutOrderJSON = `{"id":"f2654d66-d740-457a-9a8c-f96b5196f44e","object":"payout_order","livemode":true,"status":"open","amount":100,"currency":"MXN",
		"reason":"Payout order for the customer","allowed_payout_methods":["cashout"],"metadata":{"custom_client_id":"12345"},
		"customer_info":{"id":"cus_23874283647","object":"customer_info","name":"DevTest","email":"test@conekta.com","phone":"5522997233","corporate":false,"customer_custom_reference":"custom_reference"},
		"payouts":[{"id":"payout_2vZwsRAhhGp2dFDJx","object":"payout","livemode":true,"amount":100,"currency":"MXN","status":"open",
		"payout_order_id":"f2654d66-d740-457a-9a8c-f96b5196f44e","expires_at":1700000000}],
		"expires_at":1700000000,"created_at":1677626837,"updated_at":1677626837}`
)

func listOf(items ...string) string {
	return `{"object":"list","has_more":false,"next_page_url":null,"previous_page_url":null,"data":[` + strings.Join(items, ",") + `]}`
}

// ignoreRaw compares results without their Raw copies.
var ignoreRaw = cmpopts.IgnoreFields

func TestBillingWire(t *testing.T) {
	t.Parallel()
	wantPlan := &Plan{ID: "gold-plan", Object: "plan", Livemode: true, Name: "Extra Plan3", Amount: 10000, Currency: "MXN",
		Interval: IntervalMonth, Frequency: 1, ExpiryCount: 12, MaxRetries: 3, RetryDelayHours: 48, CreatedAt: Unix(1666900846)}
	wantSub := &Subscription{ID: "sub_2tGzG1GxtDAZHEGPH", Object: "subscription", Status: SubscriptionPastDue, PlanID: "plan_2tXx672QLQ68CkmMn",
		CustomerID: "cus_2tKcHxhTz7xU5SymF", CustomerCustomReference: "dotnet_123456", CardID: "src_2tKcHxhTz7xU5SymL", ChargeID: "2tKcHxhTz7xU5SymL",
		LastBillingCycleOrderID: "ord_2tSoMP7bZJbLiq4z8", BillingCycleStart: Unix(1677626827), BillingCycleEnd: Unix(1680305227),
		SubscriptionStart: Unix(1677626837), CreatedAt: Unix(1677626837)}
	wantPortal := &CustomerPortal{ID: "scp_2ym7QbU9dTh7Froti", Object: "customer_portal", Slug: "agIvD4QSBl4Nunq4TmuozMw2ThtyVC",
		SubscriptionID: "sub_2yYsQuYtXAbP1fdYu", CustomerID: "cus_2yDzKtEAD3khH8Sga", CompanyID: "63dad459920de10001d177b3",
		PortalURL: "https://pay.stg.conekta.io/subscription/management/agIvD4QSBl4Nunq4TmuozMw2ThtyVC", CreatedAt: Unix(1759108828), UpdatedAt: Unix(1759108828),
		Subscription: &PortalSubscription{ID: "sub_2yYsQuYtXAbP1fdYu", Status: SubscriptionCanceled, PlanID: "VG5", CustomerID: "cus_2yDzKtEAD3khH8Sga",
			NextBillingCycle: Unix(1876833632), CreatedAt: Unix(1755873642), UpdatedAt: Unix(1761745218),
			Plan: &Plan{ID: "VG5", Object: "plan", Name: "CLARO", Amount: 30000, Currency: "USD", Interval: IntervalMonth, Frequency: 1, ExpiryCount: 1, CreatedAt: Unix(1742087277)},
			Card: &PortalCard{ID: "src_2yw5zPrVahTy7xy7P", Brand: "mastercard", Last4: "1005", Name: "test", ExpMonth: "05", ExpYear: "26", Active: true}},
		Customer: &PortalCustomerDetails{ID: "cus_2yDzKtEAD3khH8Sga", Name: "mao", Email: "maoarroya@gmail.com"}}
	wantTx := &Transaction{ID: "5ee7ec5b8dea41085erb7f9e", Object: "transaction", Livemode: true, Amount: 1000, Fee: 560, Net: 440,
		ChargeID: "5ee7ec58885a45585e6d9f8m", Currency: "MXN", Status: TransactionPending, Type: TransactionCapture, CreatedAt: Unix(1553273553)}
	wantTransfer := &Transfer{ID: "5b0337d4dD344ef954fe1X4b6", Object: "transfer", Livemode: true, Amount: 10000, Currency: "MXN", Status: TransferPending,
		StatementDescription: "Conekta 4401234", StatementReference: "4401234", CreatedAt: Unix(1553273553),
		Destination: &TransferDestination{ID: "pytmtd_2ide3qwTdDvNBosEC", Object: "bank_transfer_payout_method", Type: "BankTransferPayoutMethod",
			AccountHolder: "John Doe", AccountNumber: "012180023547896764", Bank: "BBVA Bancomer", PayeeID: "payee_2icdDewRxDENBos85", CreatedAt: Unix(1553273553)}}
	wantPayout := &PayoutOrder{ID: "f2654d66-d740-457a-9a8c-f96b5196f44e", Object: "payout_order", Livemode: true, Status: PayoutOrderOpen, Amount: 100,
		Currency: "MXN", Reason: "Payout order for the customer", AllowedPayoutMethods: []string{"cashout"}, Metadata: Metadata{"custom_client_id": "12345"},
		CustomerInfo: &PayoutCustomerInfo{ID: "cus_23874283647", Object: "customer_info", Name: "DevTest", Email: "test@conekta.com", Phone: "5522997233",
			CustomReference: "custom_reference"},
		Payouts: []*Payout{{ID: "payout_2vZwsRAhhGp2dFDJx", Object: "payout", Livemode: true, Amount: 100, Currency: "MXN", Status: "open",
			PayoutOrderID: "f2654d66-d740-457a-9a8c-f96b5196f44e", ExpiresAt: Unix(1700000000)}},
		ExpiresAt: Unix(1700000000), CreatedAt: Unix(1677626837), UpdatedAt: Unix(1677626837)}

	cases := []struct {
		name                string
		method, path, query string
		body                string // golden request body; "" is none
		answer              string
		call                func(ctx context.Context, c *Client) (any, error)
		want                any
	}{
		{"createPlan", "POST", "/plans", "",
			`{"id":"gold-plan","name":"Extra Plan3","amount":10000,"currency":"MXN","interval":"month","frequency":1,"expiry_count":12,"max_retries":3,"retry_delay_hours":48}`,
			planJSON, func(ctx context.Context, c *Client) (any, error) {
				return c.Plans.Create(ctx, &PlanParams{ID: "gold-plan", Name: "Extra Plan3", Amount: 10000, Currency: "MXN", Interval: IntervalMonth,
					Frequency: 1, ExpiryCount: 12, MaxRetries: 3, RetryDelayHours: 48})
			}, wantPlan},
		{"getPlan", "GET", "/plans/gold-plan", "", "", planJSON,
			func(ctx context.Context, c *Client) (any, error) { return c.Plans.Get(ctx, "gold-plan") }, wantPlan},
		{"getPlans", "GET", "/plans", "currency=MXN&frequency=1&limit=5", "", listOf(planJSON),
			func(ctx context.Context, c *Client) (any, error) {
				l, err := c.Plans.List(ctx, &PlanListParams{ListParams: ListParams{Limit: 5}, Currency: "MXN", Frequency: 1})
				if err != nil {
					return nil, err
				}
				return l.Data[0], nil
			}, wantPlan},
		{"updatePlan", "PUT", "/plans/gold-plan", "", `{"amount":12000,"expiry_count":0}`, planJSON,
			func(ctx context.Context, c *Client) (any, error) {
				zero := 0
				return c.Plans.Update(ctx, "gold-plan", &PlanUpdateParams{Amount: 12000, ExpiryCount: &zero})
			}, wantPlan},
		{"deletePlan", "DELETE", "/plans/gold-plan", "", "", planJSON,
			func(ctx context.Context, c *Client) (any, error) { return c.Plans.Delete(ctx, "gold-plan") }, wantPlan},
		{"subscriptionCreate", "POST", "/customers/cus_2tKcHxhTz7xU5SymF/subscriptions", "",
			`{"plan_id":"plan_2tXx672QLQ68CkmMn","card_id":"src_2tKcHxhTz7xU5SymL","trial_end":1484040996}`, subscriptionJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.Subscriptions.Create(ctx, "cus_2tKcHxhTz7xU5SymF", &SubscriptionParams{PlanID: "plan_2tXx672QLQ68CkmMn",
					CardID: "src_2tKcHxhTz7xU5SymL", TrialEnd: Unix(1484040996)})
			}, wantSub},
		{"subscriptionsGet", "GET", "/customers/cus_2tKcHxhTz7xU5SymF/subscriptions/sub_2tGzG1GxtDAZHEGPH", "", "", subscriptionJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.Subscriptions.Get(ctx, "cus_2tKcHxhTz7xU5SymF", "sub_2tGzG1GxtDAZHEGPH")
			}, wantSub},
		{"subscriptionList", "GET", "/customers/cus_2tKcHxhTz7xU5SymF/subscriptions", "limit=1", "", listOf(subscriptionJSON),
			func(ctx context.Context, c *Client) (any, error) {
				l, err := c.Subscriptions.List(ctx, "cus_2tKcHxhTz7xU5SymF", &ListParams{Limit: 1})
				if err != nil {
					return nil, err
				}
				return l.Data[0], nil
			}, wantSub},
		{"subscriptionUpdate", "PUT", "/customers/cus_2tKcHxhTz7xU5SymF/subscriptions/sub_2tGzG1GxtDAZHEGPH", "",
			`{"plan_id":"plan_2tXx672QLQ68CkmMn"}`, subscriptionJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.Subscriptions.Update(ctx, "cus_2tKcHxhTz7xU5SymF", "sub_2tGzG1GxtDAZHEGPH", &SubscriptionUpdateParams{PlanID: "plan_2tXx672QLQ68CkmMn"})
			}, wantSub},
		{"subscriptionCancel", "POST", "/customers/cus_2tKcHxhTz7xU5SymF/subscriptions/sub_2tGzG1GxtDAZHEGPH/cancel", "", "", subscriptionJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.Subscriptions.Cancel(ctx, "cus_2tKcHxhTz7xU5SymF", "sub_2tGzG1GxtDAZHEGPH")
			}, wantSub},
		{"subscriptionPause", "POST", "/customers/cus_2tKcHxhTz7xU5SymF/subscriptions/sub_2tGzG1GxtDAZHEGPH/pause", "", "", subscriptionJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.Subscriptions.Pause(ctx, "cus_2tKcHxhTz7xU5SymF", "sub_2tGzG1GxtDAZHEGPH")
			}, wantSub},
		{"subscriptionResume", "POST", "/customers/cus_2tKcHxhTz7xU5SymF/subscriptions/sub_2tGzG1GxtDAZHEGPH/resume", "", "", subscriptionJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.Subscriptions.Resume(ctx, "cus_2tKcHxhTz7xU5SymF", "sub_2tGzG1GxtDAZHEGPH")
			}, wantSub},
		{"subscriptionsRetry", "POST", "/customers/cus_2tKcHxhTz7xU5SymF/subscriptions/sub_2tGzG1GxtDAZHEGPH/retry", "", "", subscriptionJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.Subscriptions.Retry(ctx, "cus_2tKcHxhTz7xU5SymF", "sub_2tGzG1GxtDAZHEGPH")
			}, wantSub},
		{"subscriptionEvents", "GET", "/customers/cus_2tKcHxhTz7xU5SymF/subscriptions/sub_2tGzG1GxtDAZHEGPH/events", "limit=10", "",
			listOf(`{"id":"6307a60c41de27127515a575","object":"event","type":"subscription.paid","livemode":true,"created_at":1661445644,
				"webhook_status":"successful","webhook_logs":[],"data":{"object":` + subscriptionJSON + `,"previous_attributes":{}}}`),
			func(ctx context.Context, c *Client) (any, error) {
				l, err := c.Subscriptions.Events(ctx, "cus_2tKcHxhTz7xU5SymF", "sub_2tGzG1GxtDAZHEGPH", &ListParams{Limit: 10})
				if err != nil {
					return nil, err
				}
				if l.Data[0].Type != EventSubscriptionPaid {
					t.Errorf("event type %q", l.Data[0].Type)
				}
				return l.Data[0].Subscription()
			}, wantSub},
		{"getCustomerPortal", "GET", "/subscriptions/sub_2yYsQuYtXAbP1fdYu/customer_portal", "", "", portalJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.CustomerPortals.Get(ctx, "sub_2yYsQuYtXAbP1fdYu")
			}, wantPortal},
		{"createCustomerPortal", "POST", "/subscriptions/sub_2yYsQuYtXAbP1fdYu/customer_portal", "", "", portalJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.CustomerPortals.Create(ctx, "sub_2yYsQuYtXAbP1fdYu")
			}, wantPortal},
		{"getBalance", "GET", "/balance", "", "", balanceJSON,
			func(ctx context.Context, c *Client) (any, error) {
				b, err := c.Balance.Get(ctx)
				if err != nil {
					return nil, err
				}
				return []int64{b.Available.In("MXN"), b.Pending.In("MXN"), b.Retained.In("MXN")}, nil
			}, []int64{100, 19315, 0}},
		{"getTransactions", "GET", "/transactions", "charge_id=5ee7ec58885a45585e6d9f8m&limit=2&type=capture", "", listOf(transactionJSON),
			func(ctx context.Context, c *Client) (any, error) {
				l, err := c.Transactions.List(ctx, &TransactionListParams{ListParams: ListParams{Limit: 2}, ChargeID: "5ee7ec58885a45585e6d9f8m", Type: TransactionCapture})
				if err != nil {
					return nil, err
				}
				return l.Data[0], nil
			}, wantTx},
		{"getTransaction", "GET", "/transactions/5ee7ec5b8dea41085erb7f9e", "", "", transactionJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.Transactions.Get(ctx, "5ee7ec5b8dea41085erb7f9e")
			}, wantTx},
		{"getTransfers", "GET", "/transfers", "", "", listOf(strings.Replace(transferJSON, "%s", "method", 1)),
			func(ctx context.Context, c *Client) (any, error) {
				l, err := c.Transfers.List(ctx, nil)
				if err != nil {
					return nil, err
				}
				return l.Data[0], nil
			}, wantTransfer},
		{"getTransfer", "GET", "/transfers/5b0337d4dD344ef954fe1X4b6", "", "", strings.Replace(transferJSON, "%s", "destination", 1),
			func(ctx context.Context, c *Client) (any, error) {
				return c.Transfers.Get(ctx, "5b0337d4dD344ef954fe1X4b6")
			}, wantTransfer},
		{"createPayoutOrder", "POST", "/payout_orders", "",
			`{"amount":100,"currency":"MXN","reason":"Payout order for the customer","allowed_payout_methods":["cashout"],"expires_at":1700000000,
			  "customer_info":{"customer_id":"cus_23874283647"},"payout":{"payout_method":{"type":"cashout"}},"metadata":{"custom_client_id":"12345"}}`,
			payoutOrderJSON, func(ctx context.Context, c *Client) (any, error) {
				return c.PayoutOrders.Create(ctx, &PayoutOrderParams{Amount: 100, Currency: "MXN", CustomerID: "cus_23874283647",
					Reason: "Payout order for the customer", ExpiresAt: Unix(1700000000), Metadata: Metadata{"custom_client_id": "12345"}})
			}, wantPayout},
		{"getPayoutOrderById", "GET", "/payout_orders/f2654d66-d740-457a-9a8c-f96b5196f44e", "", "", payoutOrderJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.PayoutOrders.Get(ctx, "f2654d66-d740-457a-9a8c-f96b5196f44e")
			}, wantPayout},
		{"getPayoutOrders", "GET", "/payout_orders", "search=12345", "", listOf(payoutOrderJSON),
			func(ctx context.Context, c *Client) (any, error) {
				l, err := c.PayoutOrders.List(ctx, &ListParams{Search: "12345"})
				if err != nil {
					return nil, err
				}
				return l.Data[0], nil
			}, wantPayout},
		{"cancelPayoutOrderById", "PUT", "/payout_orders/f2654d66-d740-457a-9a8c-f96b5196f44e/cancel", "", "", payoutOrderJSON,
			func(ctx context.Context, c *Client) (any, error) {
				return c.PayoutOrders.Cancel(ctx, "f2654d66-d740-457a-9a8c-f96b5196f44e")
			}, wantPayout},
	}
	opts := cmp.Options{ignoreRaw(Plan{}, "Raw"), ignoreRaw(Subscription{}, "Raw"), ignoreRaw(CustomerPortal{}, "Raw"),
		ignoreRaw(Transaction{}, "Raw"), ignoreRaw(Transfer{}, "Raw"), ignoreRaw(PayoutOrder{}, "Raw")}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			var hits atomic.Int32
			mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				wire(t, r, tc.method, tc.query, tc.body)
				respond(w, 200, tc.answer)
			})
			got, err := tc.call(t.Context(), c)
			if err != nil {
				t.Fatal(err)
			}
			if hits.Load() != 1 {
				t.Fatalf("%d requests reached the server, want 1", hits.Load())
			}
			if diff := cmp.Diff(tc.want, got, opts); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
		})
	}
}

// Every result keeps Conekta's body in Raw, for fields pagos does not name.
func TestBillingResultsKeepRaw(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/plans/gold-plan", func(w http.ResponseWriter, r *http.Request) {
		respond(w, 200, `{"id":"gold-plan","amount":10000,"new_field":"kept"}`)
	})
	p, err := c.Plans.Get(t.Context(), "gold-plan")
	if err != nil || !strings.Contains(string(p.Raw), `"new_field":"kept"`) || p.Amount != 10000 {
		t.Fatalf("Plan = %+v, %v", p, err)
	}
}

// Params are checked before anything is sent.
func TestBillingParamsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t) // any request fails the test: no path is registered
	ctx := t.Context()
	okPlan := func() *PlanParams {
		return &PlanParams{Name: "Mensual", Amount: 10000, Interval: IntervalMonth, Frequency: 1}
	}
	okPayout := func() *PayoutOrderParams {
		return &PayoutOrderParams{Amount: 100, Currency: "MXN", CustomerID: "cus_1", Reason: "r", ExpiresAt: Unix(1700000000)}
	}
	cases := map[string]func() error{
		"plan nil":           func() error { _, err := c.Plans.Create(ctx, nil); return err },
		"plan no name":       func() error { p := okPlan(); p.Name = ""; _, err := c.Plans.Create(ctx, p); return err },
		"plan amount 0":      func() error { p := okPlan(); p.Amount = 0; _, err := c.Plans.Create(ctx, p); return err },
		"plan amount huge":   func() error { p := okPlan(); p.Amount = MaxAmount + 1; _, err := c.Plans.Create(ctx, p); return err },
		"plan no interval":   func() error { p := okPlan(); p.Interval = ""; _, err := c.Plans.Create(ctx, p); return err },
		"plan frequency 0":   func() error { p := okPlan(); p.Frequency = 0; _, err := c.Plans.Create(ctx, p); return err },
		"plan max retries 2": func() error { p := okPlan(); p.MaxRetries = 2; _, err := c.Plans.Create(ctx, p); return err },
		"plan delay 24":      func() error { p := okPlan(); p.RetryDelayHours = 24; _, err := c.Plans.Create(ctx, p); return err },
		"plan currency":      func() error { p := okPlan(); p.Currency = "MX"; _, err := c.Plans.Create(ctx, p); return err },
		"plan update empty":  func() error { _, err := c.Plans.Update(ctx, "p", &PlanUpdateParams{}); return err },
		"plan update neg":    func() error { _, err := c.Plans.Update(ctx, "p", &PlanUpdateParams{Amount: -1}); return err },
		"plan get dot":       func() error { _, err := c.Plans.Get(ctx, ".."); return err },
		"plan list freq":     func() error { _, err := c.Plans.List(ctx, &PlanListParams{Frequency: -1}); return err },
		"sub no plan":        func() error { _, err := c.Subscriptions.Create(ctx, "cus_1", &SubscriptionParams{}); return err },
		"sub no customer":    func() error { _, err := c.Subscriptions.Create(ctx, "", &SubscriptionParams{PlanID: "p"}); return err },
		"sub update empty": func() error {
			_, err := c.Subscriptions.Update(ctx, "cus_1", "sub_1", &SubscriptionUpdateParams{})
			return err
		},
		"sub cancel no id": func() error { _, err := c.Subscriptions.Cancel(ctx, "cus_1", ""); return err },
		"sub list limit":   func() error { _, err := c.Subscriptions.List(ctx, "cus_1", &ListParams{Limit: 251}); return err },
		"portal no id":     func() error { _, err := c.CustomerPortals.Create(ctx, " "); return err },
		"tx search": func() error {
			_, err := c.Transactions.List(ctx, &TransactionListParams{ListParams: ListParams{Search: "x"}})
			return err
		},
		"tx get empty":     func() error { _, err := c.Transactions.Get(ctx, ""); return err },
		"transfer get dot": func() error { _, err := c.Transfers.Get(ctx, "."); return err },
		"payout nil":       func() error { _, err := c.PayoutOrders.Create(ctx, nil); return err },
		"payout amount 0":  func() error { p := okPayout(); p.Amount = 0; _, err := c.PayoutOrders.Create(ctx, p); return err },
		"payout amount huge": func() error {
			p := okPayout()
			p.Amount = MaxAmount + 1
			_, err := c.PayoutOrders.Create(ctx, p)
			return err
		},
		"payout no customer": func() error { p := okPayout(); p.CustomerID = ""; _, err := c.PayoutOrders.Create(ctx, p); return err },
		"payout no reason":   func() error { p := okPayout(); p.Reason = ""; _, err := c.PayoutOrders.Create(ctx, p); return err },
		"payout no expiry": func() error {
			p := okPayout()
			p.ExpiresAt = Time{}
			_, err := c.PayoutOrders.Create(ctx, p)
			return err
		},
		"payout currency": func() error { p := okPayout(); p.Currency = ""; _, err := c.PayoutOrders.Create(ctx, p); return err },
		"payout bad metadata": func() error {
			p := okPayout()
			p.Metadata = Metadata{"x": []int{1}}
			_, err := c.PayoutOrders.Create(ctx, p)
			return err
		},
		"payout cancel empty": func() error { _, err := c.PayoutOrders.Cancel(ctx, ""); return err },
	}
	for name, f := range cases {
		var pe *ParamError
		if err := f(); !errors.Is(err, ErrInvalidRequest) || !errors.As(err, &pe) {
			t.Errorf("%s: err = %v, want a *ParamError", name, err)
		}
	}
}

// Subscription changes and payouts move money: after a 500 they are not
// sent again, and the error says the outcome is unknown. Reads are retried;
// a portal create, which returns the existing portal, is retried too.
func TestBillingRetryRule(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, WithMaxRetries(2))
	counters := map[string]*atomic.Int32{}
	for _, k := range []string{"POST /customers/cus_1/subscriptions", "PUT /customers/cus_1/subscriptions/sub_1", "POST /customers/cus_1/subscriptions/sub_1/retry",
		"POST /customers/cus_1/subscriptions/sub_1/resume", "POST /payout_orders", "POST /plans", "GET /balance", "POST /subscriptions/sub_1/customer_portal"} {
		counters[k] = new(atomic.Int32)
	}
	fail := func(w http.ResponseWriter, r *http.Request) {
		if n := counters[r.Method+" "+r.URL.Path]; n != nil {
			n.Add(1)
		}
		respond(w, 500, `{"object":"error","type":"api_error","log_id":"l1","details":[{"code":"conekta.errors.api.system.general_failure","message":"Error"}]}`)
	}
	for _, p := range []string{"/customers/cus_1/subscriptions", "/customers/cus_1/subscriptions/sub_1", "/customers/cus_1/subscriptions/sub_1/retry",
		"/customers/cus_1/subscriptions/sub_1/resume", "/payout_orders", "/plans", "/balance", "/subscriptions/sub_1/customer_portal"} {
		mux.HandleFunc(p, fail)
	}
	ctx := t.Context()
	writes := map[string]func() error{
		"POST /customers/cus_1/subscriptions": func() error {
			_, err := c.Subscriptions.Create(ctx, "cus_1", &SubscriptionParams{PlanID: "gold"})
			return err
		},
		"PUT /customers/cus_1/subscriptions/sub_1": func() error {
			_, err := c.Subscriptions.Update(ctx, "cus_1", "sub_1", &SubscriptionUpdateParams{PlanID: "silver"})
			return err
		},
		"POST /customers/cus_1/subscriptions/sub_1/retry":  func() error { _, err := c.Subscriptions.Retry(ctx, "cus_1", "sub_1"); return err },
		"POST /customers/cus_1/subscriptions/sub_1/resume": func() error { _, err := c.Subscriptions.Resume(ctx, "cus_1", "sub_1"); return err },
		"POST /payout_orders": func() error {
			_, err := c.PayoutOrders.Create(ctx, &PayoutOrderParams{Amount: 100, Currency: "MXN", CustomerID: "cus_1", Reason: "r", ExpiresAt: Unix(1700000000)})
			return err
		},
		"POST /plans": func() error {
			_, err := c.Plans.Create(ctx, &PlanParams{Name: "m", Amount: 1, Interval: IntervalMonth, Frequency: 1})
			return err
		},
	}
	for k, f := range writes {
		err := f()
		if n := counters[k].Load(); n != 1 {
			t.Errorf("%s answered 500 was sent %d times, want 1", k, n)
		}
		if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrServer) {
			t.Errorf("%s: err = %v, want ErrOutcomeUnknown", k, err)
		}
	}
	if _, err := c.Balance.Get(ctx); !errors.Is(err, ErrServer) || errors.Is(err, ErrOutcomeUnknown) || counters["GET /balance"].Load() != 3 {
		t.Errorf("GET /balance: err = %v after %d attempts, want ErrServer after 3", err, counters["GET /balance"].Load())
	}
	if _, err := c.CustomerPortals.Create(ctx, "sub_1"); !errors.Is(err, ErrServer) || counters["POST /subscriptions/sub_1/customer_portal"].Load() != 3 {
		t.Errorf("portal create: err = %v after %d attempts, want 3", err, counters["POST /subscriptions/sub_1/customer_portal"].Load())
	}
}

// All follows the cursor across pages.
func TestBillingAllPages(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/customers/cus_1/subscriptions", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.RawQuery {
		case "":
			respond(w, 200, `{"object":"list","has_more":true,"data":[{"id":"sub_1"},{"id":"sub_2"}]}`)
		case "next=sub_2":
			respond(w, 200, `{"object":"list","has_more":false,"data":[{"id":"sub_3"}]}`)
		default:
			t.Errorf("query %q", r.URL.RawQuery)
			respond(w, 500, `{}`)
		}
	})
	var ids []string
	for s, err := range c.Subscriptions.All(t.Context(), "cus_1", nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	if diff := cmp.Diff([]string{"sub_1", "sub_2", "sub_3"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
}

// The typed accessors decode the new events' payloads and refuse another
// object's event.
func TestBillingEventAccessors(t *testing.T) {
	t.Parallel()
	ev := func(typ, obj string) *Event {
		e, err := ParseEvent([]byte(`{"id":"evt_1","type":"` + typ + `","data":{"object":` + obj + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if s, err := ev("subscription.payment_failed", subscriptionJSON).Subscription(); err != nil || s.Status != SubscriptionPastDue {
		t.Errorf("Subscription = %+v, %v", s, err)
	}
	if p, err := ev("plan.created", planJSON).Plan(); err != nil || p.Amount != 10000 {
		t.Errorf("Plan = %+v, %v", p, err)
	}
	if o, err := ev("payout_order.created", payoutOrderJSON).PayoutOrder(); err != nil || o.Amount != 100 {
		t.Errorf("PayoutOrder = %+v, %v", o, err)
	}
	if _, err := ev("order.paid", `{"id":"ord_1"}`).Subscription(); err == nil {
		t.Error("an order event decoded as a subscription")
	}
	if EventSubscriptionPaid.Object() != "subscription" || EventPayoutOrderClosed.Object() != "payout_order" {
		t.Error("Object() of the new types")
	}
}

// FuzzBillingResults: the new results decode bodies from the network (and
// from events) and must never panic; whatever decodes keeps Raw.
func FuzzBillingResults(f *testing.F) {
	for _, seed := range []string{planJSON, subscriptionJSON, portalJSON, balanceJSON, transactionJSON, payoutOrderJSON,
		strings.Replace(transferJSON, "%s", "method", 1), strings.Replace(transferJSON, "%s", "destination", 1),
		`{"method":null,"destination":{}}`, `{"amount":"1"}`, `[]`, `null`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range []interface {
			UnmarshalJSON([]byte) error
		}{new(Plan), new(Subscription), new(CustomerPortal), new(Balance), new(Transaction), new(Transfer), new(PayoutOrder)} {
			_ = v.UnmarshalJSON(b)
		}
		var tr Transfer
		if err := json.Unmarshal(b, &tr); err == nil && len(tr.Raw) == 0 {
			t.Fatalf("a decoded transfer lost Raw: %q", b)
		}
	})
}
