package toku

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/internal/testutil/providertest"
)

func TestCustomersGetByExternalID(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var gets atomic.Int32
	mux.HandleFunc("/customers/external/", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "", "")
		switch r.URL.EscapedPath() {
		case "/customers/external/user%2F42":
			if gets.Add(1) == 1 {
				respond(w, 503, `{"error":{"message":"down","code":"TK50300"}}`) // a read is retried
				return
			}
			respond(w, 200, `{"external_id":"user/42","government_id":"11111111-1","name":"Ana","mail":"ana@example.com","id":"cus_lq1wGjwgFyqQm4ACZx0QjE84qKm8fffa"}`)
		case "/customers/external/in-a-list":
			respond(w, 200, `{"items":[{"id":"cus_2","external_id":"in-a-list"}],"next_cursor":null}`)
		case "/customers/external/nobody":
			respond(w, 200, `[]`)
		default:
			t.Errorf("path %s", r.URL.EscapedPath())
		}
	})
	ctx := t.Context()
	got, err := c.Customers.GetByExternalID(ctx, "user/42")
	if err != nil {
		t.Fatal(err)
	}
	want := &Customer{ID: "cus_lq1wGjwgFyqQm4ACZx0QjE84qKm8fffa", ExternalID: "user/42", GovernmentID: "11111111-1", Name: "Ana", Mail: "ana@example.com"}
	if diff := cmp.Diff(want, got); diff != "" || gets.Load() != 2 {
		t.Errorf("customer after %d requests (-want +got):\n%s", gets.Load(), diff)
	}
	if got, err := c.Customers.GetByExternalID(ctx, "in-a-list"); err != nil || got.ID != "cus_2" {
		t.Errorf("list answer: %+v, %v", got, err)
	}
	if got, err := c.Customers.GetByExternalID(ctx, "nobody"); got != nil || !errors.Is(err, ErrNotFound) {
		t.Errorf("empty answer: %+v, %v", got, err)
	}
	if got, err := c.Customers.GetByExternalID(ctx, ""); got != nil || !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty id: %+v, %v", got, err)
	}
}

func TestInvoicesListByCustomer(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/invoices/customer/cus_1", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("cursor") {
		case "":
			wire(t, r, "GET", "page_size=1", "")
			respond(w, 200, `{"items":[{"id":"in_1","customer":"cus_1","subscription":"sub_1","amount":19990.0,"due_date":"2026-11-05"}],"next_cursor":"c2"}`)
		default:
			wire(t, r, "GET", "cursor=c2&page_size=1", "")
			respond(w, 200, `{"items":[{"id":"in_2","customer":"cus_1","amount":"500"}],"next_cursor":""}`)
		}
	})
	mux.HandleFunc("/invoices/customer/cus_2", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "", "")
		respond(w, 200, `[{"id":"in_3","amount":1}]`)
	})
	var got []string
	for inv, err := range c.Invoices.AllByCustomer(t.Context(), "cus_1", &ListParams{PageSize: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, inv.ID+"/"+inv.Subscription+"/"+inv.DueDate.String()+"="+inv.Amount.String())
	}
	if diff := cmp.Diff([]string{"in_1/sub_1/2026-11-05=19990.0", "in_2//=500"}, got); diff != "" {
		t.Errorf("AllByCustomer (-want +got):\n%s", diff)
	}
	pg, err := c.Invoices.ListByCustomer(t.Context(), "cus_2", nil)
	if err != nil || len(pg.Data) != 1 || pg.Data[0].ID != "in_3" {
		t.Fatalf("bare array: %+v, %v", pg, err)
	}
	if pg, err := c.Invoices.ListByCustomer(t.Context(), "", nil); pg != nil || !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("empty id: %v", err)
	}
}

func TestRedirection(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var posts atomic.Int32
	mux.HandleFunc("/redirection", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "POST":
			if posts.Add(1) > 1 {
				respond(w, 500, `{"error":{"message":"boom","code":"TK50000"}}`)
				return
			}
			wire(t, r, "POST", "", `{"success_url":"https://shop.example/paid","failure_url":"https://shop.example/failed"}`)
			respond(w, 201, `{"id":"red_6D1vT6JHh84oKdi9xgvAhcNcsKDerv6J","success_url":"https://shop.example/paid","failure_url":"https://shop.example/failed"}`)
		case "PUT":
			wire(t, r, "PUT", "", `{"id":"red_6D1vT6JHh84oKdi9xgvAhcNcsKDerv6J","success_url":"https://shop.example/ok","failure_url":"https://shop.example/ko"}`)
			respond(w, 200, `{"id":"red_6D1vT6JHh84oKdi9xgvAhcNcsKDerv6J","success_url":"https://shop.example/ok","failure_url":"https://shop.example/ko"}`)
		}
	})
	ctx := t.Context()
	got, err := c.Redirection.Create(ctx, &RedirectionParams{SuccessURL: "https://shop.example/paid", FailureURL: "https://shop.example/failed"})
	want := &Redirection{ID: "red_6D1vT6JHh84oKdi9xgvAhcNcsKDerv6J", SuccessURL: "https://shop.example/paid", FailureURL: "https://shop.example/failed"}
	if err != nil || !cmp.Equal(want, got) {
		t.Fatalf("Create = %+v, %v", got, err)
	}
	u, err := c.Redirection.Update(ctx, got.ID, &RedirectionParams{SuccessURL: "https://shop.example/ok", FailureURL: "https://shop.example/ko"})
	if err != nil || u.SuccessURL != "https://shop.example/ok" || u.FailureURL != "https://shop.example/ko" {
		t.Fatalf("Update = %+v, %v", u, err)
	}
	// A second create whose answer is a 500 is not repeated.
	if r, err := c.Redirection.Create(ctx, &RedirectionParams{SuccessURL: "https://a.example", FailureURL: "https://b.example"}); r != nil || !errors.Is(err, ErrOutcomeUnknown) || posts.Load() != 2 {
		t.Fatalf("Create after 500 = %v, %v (%d posts)", r, err, posts.Load())
	}
	for _, p := range []*RedirectionParams{nil, {FailureURL: "https://b.example"}, {SuccessURL: "https://a.example", FailureURL: "/failed"}, {SuccessURL: "ftp://a.example", FailureURL: "https://b.example"}} {
		if r, err := c.Redirection.Create(ctx, p); r != nil || !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Create(%+v) = %v, %v", p, r, err)
		}
	}
	if r, err := c.Redirection.Update(ctx, "", &RedirectionParams{SuccessURL: "https://a.example", FailureURL: "https://b.example"}); r != nil || !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("Update without id = %v, %v", r, err)
	}
}

func TestBankAccountsVerify(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/bank-account-verification", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"account_number":"032180000118359719","customer_identifier":"GODE561231GR8"}`)
		respond(w, 201, `{"id":"bav_1","account_number":"032180000118359719","customer_identifier":"GODE561231GR8","status":"pending"}`)
	})
	got, err := c.BankAccounts.Verify(t.Context(), &BankAccountVerificationParams{CLABE: "032180000118359719", RFC: "GODE561231GR8"})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "bav_1" || got.Status != "pending" || got.AccountNumber != "032180000118359719" || got.CustomerIdentifier != "GODE561231GR8" || !strings.Contains(string(got.Raw), `"pending"`) {
		t.Errorf("got %+v", got)
	}
}

func TestBankAccountsVerifyValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	cases := []struct {
		field string
		p     *BankAccountVerificationParams
	}{
		{"BankAccountVerificationParams", nil},
		{"BankAccountVerificationParams.CLABE", &BankAccountVerificationParams{CLABE: "03218000011835971", RFC: "GODE561231GR8"}},   // 17 digits
		{"BankAccountVerificationParams.CLABE", &BankAccountVerificationParams{CLABE: "0321800001183597190", RFC: "GODE561231GR8"}}, // 19
		{"BankAccountVerificationParams.CLABE", &BankAccountVerificationParams{CLABE: "032180000118359718", RFC: "GODE561231GR8"}},  // check digit
		{"BankAccountVerificationParams.CLABE", &BankAccountVerificationParams{CLABE: "032180000118359-19", RFC: "GODE561231GR8"}},
		{"BankAccountVerificationParams.CLABE", &BankAccountVerificationParams{CLABE: "", RFC: "GODE561231GR8"}},
		{"BankAccountVerificationParams.RFC", &BankAccountVerificationParams{CLABE: "032180000118359719", RFC: ""}},
		{"BankAccountVerificationParams.RFC", &BankAccountVerificationParams{CLABE: "032180000118359719", RFC: "gode561231gr8"}},
		{"BankAccountVerificationParams.RFC", &BankAccountVerificationParams{CLABE: "032180000118359719", RFC: "GODE561331GR8"}}, // month 13
		{"BankAccountVerificationParams.RFC", &BankAccountVerificationParams{CLABE: "032180000118359719", RFC: "GO561231GR8"}},
	}
	for _, tc := range cases {
		got, err := c.BankAccounts.Verify(t.Context(), tc.p)
		var pe *ParamError
		if got != nil || !errors.As(err, &pe) || pe.Field != tc.field {
			t.Errorf("%+v: %v, %v", tc.p, got, err)
			continue
		}
		if tc.p != nil && tc.p.CLABE != "" && strings.Contains(err.Error(), tc.p.CLABE) {
			t.Errorf("the account number leaked into %q", err)
		}
	}
	// A company's RFC has 3 letters; Ñ and & are letters of the RFC.
	for _, ok := range []string{"ABC680524P76", "ÑAÑ680524P76", "A&C680524P76", "GODE561231GR8"} {
		if !looksLikeRFC(ok) {
			t.Errorf("looksLikeRFC(%q) = false", ok)
		}
	}
	for _, s := range []string{"002010077777777771", "014027000005555558", "032180000118359719"} {
		if err := CheckCLABE(s); err != nil {
			t.Errorf("CheckCLABE(%s) = %v", s, err)
		}
	}
}

// The new methods that put an id in the path refuse "." and ".." as the
// others do, and send nothing.
func TestNewServicesDotSegmentIDsNeverSent(t *testing.T) {
	t.Parallel()
	c, _ := setup(t) // the mux fails the test on any request
	ctx := t.Context()
	calls := []struct {
		name, field string
		call        func(id string) error
	}{
		{"Subscriptions.Get", "subscription id", func(id string) error { _, err := c.Subscriptions.Get(ctx, id); return err }},
		{"Subscriptions.Update", "subscription id", func(id string) error {
			_, err := c.Subscriptions.Update(ctx, id, &SubscriptionParams{PACMandateID: "1"})
			return err
		}},
		{"Subscriptions.Delete", "subscription id", func(id string) error { return c.Subscriptions.Delete(ctx, id) }},
		{"Subscriptions.List", "customer id", func(id string) error { _, err := c.Subscriptions.List(ctx, id, nil); return err }},
		{"Invoices.ListByCustomer", "customer id", func(id string) error { _, err := c.Invoices.ListByCustomer(ctx, id, nil); return err }},
		{"Customers.GetByExternalID", "external id", func(id string) error { _, err := c.Customers.GetByExternalID(ctx, id); return err }},
	}
	for _, tc := range calls {
		providertest.DotSegmentsRefused(t, tc.name, tc.field, tc.call)
	}
}
