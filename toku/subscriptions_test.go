package toku

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// subResponse is the subscription object as Toku's reference shows it
// (objeto-subscription), for a recurring subscription.
const subResponse = `{
	"id": "sub_Xy7s2hQm4ACZx0QjE84qKm8fgsw",
	"customer": "cus_lq1wGjwgFyqQm4ACZx0QjE84qKm8fffa",
	"product_id": "92792",
	"pac_mandate_id": "500196",
	"is_recurring": true,
	"amount": 19990.0,
	"due_day": 5,
	"currency_code": "CLP",
	"receipt_product_code": null,
	"metadata": {"plan": "gold"},
	"created_at": "2026-10-12T14:03:39.410000"
}`

func ptrInt(n int) *int { return &n }

func ptrAmount(a Amount) *Amount { return &a }

func TestSubscriptionsCreate(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/subscriptions", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{
			"customer": "cus_lq1wGjwgFyqQm4ACZx0QjE84qKm8fffa",
			"product_id": "92792",
			"pac_mandate_id": "500196",
			"is_recurring": true,
			"amount": 19990,
			"due_day": 5,
			"currency_code": "CLP",
			"metadata": {"plan": "gold"}
		}`)
		if got := r.Header.Get("X-Account-Key"); got != "acc_key_2" {
			t.Errorf("x-account-key = %q", got)
		}
		respond(w, 201, subResponse)
	})
	got, err := c.Subscriptions.Create(t.Context(), &SubscriptionParams{
		Customer: "cus_lq1wGjwgFyqQm4ACZx0QjE84qKm8fffa", ProductID: "92792", PACMandateID: "500196",
		IsRecurring: Bool(true), Amount: AmountFromWhole(19990), DueDay: 5, CurrencyCode: "CLP",
		Metadata: Metadata{"plan": "gold"},
	}, WithAccountKey("acc_key_2"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Subscription{ID: "sub_Xy7s2hQm4ACZx0QjE84qKm8fgsw", Customer: "cus_lq1wGjwgFyqQm4ACZx0QjE84qKm8fffa",
		ProductID: "92792", PACMandateID: "500196", IsRecurring: true, Amount: ptrAmount(mustAmount(t, "19990.0")),
		DueDay: ptrInt(5), CurrencyCode: "CLP", Metadata: Metadata{"plan": "gold"}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Subscription{}, "Raw")); diff != "" {
		t.Errorf("subscription (-want +got):\n%s", diff)
	}
	// Raw keeps what pagos does not model, such as created_at, and
	// re-encoding gives back what Toku sent.
	if string(got.Raw) != subResponse {
		t.Errorf("Raw = %s", got.Raw)
	}
	if b, err := got.MarshalJSON(); err != nil || string(b) != subResponse {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
}

func TestSubscriptionsCreateValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t) // the mux fails the test on any request
	ok := SubscriptionParams{Customer: "cus_1", ProductID: "p-1", IsRecurring: Bool(true), Amount: AmountFromWhole(1000), DueDay: 31}
	mod := func(f func(*SubscriptionParams)) *SubscriptionParams { p := ok; f(&p); return &p }
	long := string(make([]rune, 257))
	cases := []struct {
		field string
		p     *SubscriptionParams
	}{
		{"SubscriptionParams", nil},
		{"SubscriptionParams.Customer", mod(func(p *SubscriptionParams) { p.Customer = "" })},
		{"SubscriptionParams.ProductID", mod(func(p *SubscriptionParams) { p.ProductID = "" })},
		{"SubscriptionParams.DueDay", mod(func(p *SubscriptionParams) { p.DueDay = 32 })},
		{"SubscriptionParams.DueDay", mod(func(p *SubscriptionParams) { p.DueDay = -1 })},
		{"SubscriptionParams.DueDay", mod(func(p *SubscriptionParams) { p.DueDay = 0 })},
		{"SubscriptionParams.Amount", mod(func(p *SubscriptionParams) { p.Amount = Amount{} })},
		{"SubscriptionParams.Amount", mod(func(p *SubscriptionParams) { p.Amount = AmountFromWhole(-5) })},
		{"SubscriptionParams.Amount", mod(func(p *SubscriptionParams) { p.Amount = mustAmount(t, "10.5") })}, // CLP by default
		{"SubscriptionParams.Amount", mod(func(p *SubscriptionParams) { p.Amount = mustAmount(t, "10.505"); p.CurrencyCode = "MXN" })},
		{"SubscriptionParams.CurrencyCode", mod(func(p *SubscriptionParams) { p.CurrencyCode = "USD" })},
		{"SubscriptionParams.CurrencyCode", mod(func(p *SubscriptionParams) { p.CurrencyCode = "clp" })},
		{"SubscriptionParams.Metadata", mod(func(p *SubscriptionParams) { p.Metadata = Metadata{"k": long} })},
		{"SubscriptionParams.Metadata", mod(func(p *SubscriptionParams) { p.Metadata = Metadata{" ": "x"} })},
		// Recurring-only fields without IsRecurring.
		{"SubscriptionParams.Amount", mod(func(p *SubscriptionParams) { p.IsRecurring = nil; p.DueDay = 0 })},
		{"SubscriptionParams.DueDay", mod(func(p *SubscriptionParams) { p.IsRecurring = Bool(false); p.Amount = Amount{} })},
		{"SubscriptionParams.CurrencyCode", &SubscriptionParams{Customer: "cus_1", ProductID: "p", CurrencyCode: "CLP"}},
	}
	for _, tc := range cases {
		got, err := c.Subscriptions.Create(t.Context(), tc.p)
		var pe *ParamError
		if got != nil || !errors.As(err, &pe) || pe.Field != tc.field || !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("%s: got %v, err = %v", tc.field, got, err)
		}
	}
	// The same rules on update, plus: an empty update is refused.
	for _, p := range []*SubscriptionParams{{}, {Amount: AmountFromWhole(5)}, {IsRecurring: Bool(false), DueDay: 3}, {IsRecurring: Bool(true), DueDay: 40}} {
		if got, err := c.Subscriptions.Update(t.Context(), "sub_1", p); got != nil || !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Update(%+v): %v, %v", p, got, err)
		}
	}
	// Ids are checked before anything is sent.
	if got, err := c.Subscriptions.Get(t.Context(), ""); got != nil || !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("Get(\"\"): %v", err)
	}
	if err := c.Subscriptions.Delete(t.Context(), " "); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("Delete(\" \"): %v", err)
	}
	if got, err := c.Subscriptions.List(t.Context(), "", nil); got != nil || !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("List(\"\"): %v", err)
	}
}

// A plain (non-recurring) subscription sends only the two required fields.
func TestSubscriptionsCreatePlain(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/subscriptions", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"customer":"cus_1","product_id":"contract-7"}`)
		respond(w, 201, `{"id":"sub_2","customer":"cus_1","product_id":"contract-7","pac_mandate_id":null,"is_recurring":false,"amount":null,"due_day":null,"metadata":{}}`)
	})
	got, err := c.Subscriptions.Create(t.Context(), &SubscriptionParams{Customer: "cus_1", ProductID: "contract-7"})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "sub_2" || got.IsRecurring || got.Amount != nil || got.DueDay != nil {
		t.Errorf("got %+v", got)
	}
}

// A create whose answer is lost is not repeated: ErrOutcomeUnknown, one
// request. A read is retried.
func TestSubscriptionsCreateNotRepeatedGetRetried(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var posts, gets atomic.Int32
	mux.HandleFunc("/subscriptions", func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		respond(w, 502, `{"error":{"message":"bad gateway","code":"TK50200"}}`)
	})
	mux.HandleFunc("/subscriptions/sub_1", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "", "")
		if gets.Add(1) == 1 {
			respond(w, 503, `{"error":{"message":"down","code":"TK50300"}}`)
			return
		}
		respond(w, 200, subResponse)
	})
	got, err := c.Subscriptions.Create(t.Context(), &SubscriptionParams{Customer: "cus_1", ProductID: "p"})
	if got != nil || !errors.Is(err, ErrOutcomeUnknown) || posts.Load() != 1 {
		t.Fatalf("Create = %v, %v after %d requests", got, err, posts.Load())
	}
	s, err := c.Subscriptions.Get(t.Context(), "sub_1")
	if err != nil || gets.Load() != 2 || s.ID != "sub_Xy7s2hQm4ACZx0QjE84qKm8fgsw" || !s.Amount.Equal(AmountFromWhole(19990)) || *s.DueDay != 5 {
		t.Fatalf("Get = %+v, %v after %d requests", s, err, gets.Load())
	}
}

func TestSubscriptionsUpdateDeleteList(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/subscriptions/sub_1", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "PUT":
			wire(t, r, "PUT", "", `{"is_recurring":true,"amount":25000,"due_day":10}`)
			respond(w, 200, `{"id":"sub_1","customer":"cus_1","product_id":"92792","is_recurring":true,"amount":25000.0,"due_day":10}`)
		case "DELETE":
			wire(t, r, "DELETE", "", "")
			respond(w, 200, `{"id":"sub_1"}`)
		default:
			t.Errorf("unexpected %s", r.Method)
		}
	})
	mux.HandleFunc("/subscriptions/customer/cus_1", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("cursor") {
		case "":
			wire(t, r, "GET", "page_size=1", "")
			respond(w, 200, `{"items":[{"id":"sub_1","product_id":"92792","amount":"25000.0000","due_day":10,"is_recurring":true}],"next_cursor":"c2"}`)
		default:
			wire(t, r, "GET", "cursor=c2&page_size=1", "")
			respond(w, 200, `{"items":[{"id":"sub_2","product_id":"contract-7","amount":null,"due_day":null}],"next_cursor":null}`)
		}
	})
	mux.HandleFunc("/subscriptions/customer/cus_2", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "", "")
		respond(w, 200, `[{"id":"sub_3","product_id":"x"}]`) // a bare array, as some Toku lists answer
	})
	ctx := t.Context()
	u, err := c.Subscriptions.Update(ctx, "sub_1", &SubscriptionParams{IsRecurring: Bool(true), Amount: AmountFromWhole(25000), DueDay: 10})
	if err != nil || !u.Amount.Equal(AmountFromWhole(25000)) || *u.DueDay != 10 {
		t.Fatalf("Update = %+v, %v", u, err)
	}
	if err := c.Subscriptions.Delete(ctx, "sub_1"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for s, err := range c.Subscriptions.All(ctx, "cus_1", &ListParams{PageSize: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		amt := "nil"
		if s.Amount != nil {
			amt = s.Amount.String()
		}
		got = append(got, s.ID+"/"+s.ProductID+"="+amt)
	}
	if diff := cmp.Diff([]string{"sub_1/92792=25000.0000", "sub_2/contract-7=nil"}, got); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	pg, err := c.Subscriptions.List(ctx, "cus_2", nil)
	if err != nil || len(pg.Data) != 1 || pg.Data[0].ID != "sub_3" || pg.NextCursor != "" {
		t.Fatalf("List bare array = %+v, %v", pg, err)
	}
}

// PUT and DELETE set the same state when repeated, so a 503 is retried.
func TestSubscriptionsUpdateAndDeleteRetried(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var puts, deletes atomic.Int32
	mux.HandleFunc("/subscriptions/sub_1", func(w http.ResponseWriter, r *http.Request) {
		n := &puts
		if r.Method == "DELETE" {
			n = &deletes
		}
		if n.Add(1) == 1 {
			respond(w, 503, `{"error":{"message":"down","code":"TK50300"}}`)
			return
		}
		if r.Method == "PUT" {
			wire(t, r, "PUT", "", `{"metadata":{"plan":"silver"}}`)
		}
		respond(w, 200, `{"id":"sub_1","metadata":{"plan":"silver"}}`)
	})
	s, err := c.Subscriptions.Update(t.Context(), "sub_1", &SubscriptionParams{Metadata: Metadata{"plan": "silver"}})
	if err != nil || s.Metadata["plan"] != "silver" || puts.Load() != 2 {
		t.Fatalf("Update = %+v, %v after %d requests", s, err, puts.Load())
	}
	if err := c.Subscriptions.Delete(t.Context(), "sub_1"); err != nil || deletes.Load() != 2 {
		t.Fatalf("Delete = %v after %d requests", err, deletes.Load())
	}
}
