package conekta

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The create response of Conekta's recurring cash guide.
const oxxoCustomerResponse = `{
"livemode":false, "name":"Oxxo recc", "email":"oxxo@example.com", "phone":"52134659439",
"id":"cus_2jP5P8huCTWqcTtrn", "object":"customer", "created_at":1538686075, "corporate":false, "custom_id":"",
"payment_sources":{"object":"list", "has_more":false, "total":1,
 "data":[{"id":"off_ref_2jP5P8huCTWqcTtro", "object":"payment_source", "type":"oxxo_recurrent", "provider":"Oxxo",
  "reference":"CUSTOM_REFERENCE_RETURNED", "barcode":"CUSTOM_REFERENCE_RETURNED", "barcode_url":"https://sandbox_reference.png",
  "expires_at":0, "created_at":1538686075, "parent_id":"cus_2jP5P8huCTWqcTtrn"}]}}`

func TestCustomersCreateWithRecurringCash(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/customers", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"name":"Fulanito","email":"oxxo@example.com","phone":"+5218181818181","custom_reference":"user-7",
			"metadata":{"plan":"gold","n":3},"payment_sources":[{"type":"cash_recurrent"}]}`)
		respond(w, 200, oxxoCustomerResponse)
	})
	got, err := c.Customers.Create(t.Context(), &CustomerParams{Name: "Fulanito", Email: "oxxo@example.com", Phone: "+5218181818181",
		CustomReference: "user-7", Metadata: Metadata{"plan": "gold", "n": 3}, PaymentSources: []*PaymentSourceParams{c.RecurringCashSource()}})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "cus_2jP5P8huCTWqcTtrn" || got.CreatedAt.Unix() != 1538686075 || got.PaymentSources == nil || len(got.PaymentSources.Data) != 1 {
		t.Fatalf("customer %+v", got)
	}
	src := got.PaymentSources.Data[0]
	want := &CashReference{Reference: "CUSTOM_REFERENCE_RETURNED", Barcode: "CUSTOM_REFERENCE_RETURNED", BarcodeURL: "https://sandbox_reference.png", Provider: "Oxxo"}
	if src.Type != SourceOxxoRecurrent || src.ParentID != got.ID || src.Card != nil || src.SPEI != nil {
		t.Fatalf("source %+v", src)
	}
	if diff := cmp.Diff(want, src.Cash); diff != "" {
		t.Errorf("cash reference (-want +got):\n%s", diff)
	}
}

// The spec's cash_recurrent example: provider "Cash", agreements, store names.
func TestPaymentSourceDecodesByType(t *testing.T) {
	t.Parallel()
	var cash, card, spei, other PaymentSource
	for _, tc := range []struct {
		v    *PaymentSource
		body string
	}{
		{&cash, `{"id":"off_ref_1","object":"payment_source","type":"cash_recurrent","created_at":1,"parent_id":"cus_1","reference":93000262276908,"barcode":"93000262276908","barcode_url":"https://b/1.png","expires_at":0,"provider":"Cash","store_names":["OXXO","7 Eleven"],"agreements":[{"agreement":"2409992","provider":"bbva_cash_in"}]}`},
		{&card, `{"id":"src_1","object":"payment_source","type":"card","created_at":1,"parent_id":"cus_1","last4":"4242","bin":"424242","card_type":"credit","exp_month":"12","exp_year":"30","brand":"visa","name":"Ana","default":true,"payment_source_status":"active"}`},
		{&spei, `{"id":"src_2","object":"payment_source","type":"spei_recurrent","created_at":1,"bank":"STP","reference":"646180111812345678","expires_at":"1700000000"}`},
		{&other, `{"id":"src_3","object":"payment_source","type":"bnpl","created_at":1,"x":1}`},
	} {
		if err := tc.v.UnmarshalJSON([]byte(tc.body)); err != nil {
			t.Fatal(err)
		}
		if string(tc.v.Raw) != tc.body {
			t.Errorf("Raw not kept for %s", tc.v.ID)
		}
	}
	if cash.Cash == nil || cash.Cash.Reference != "93000262276908" || cash.Cash.Agreements[0].Provider != "bbva_cash_in" || len(cash.Cash.StoreNames) != 2 || !cash.Cash.ExpiresAt.IsZero() {
		t.Errorf("cash %+v", cash.Cash)
	}
	if card.Card == nil || card.Card.Last4 != "4242" || !card.Card.Default || card.Cash != nil {
		t.Errorf("card %+v", card.Card)
	}
	if spei.SPEI == nil || spei.SPEI.Bank != "STP" || spei.SPEI.ExpiresAt.Unix() != 1700000000 {
		t.Errorf("spei %+v", spei.SPEI)
	}
	if other.Card != nil || other.Cash != nil || other.SPEI != nil || other.Type != "bnpl" {
		t.Errorf("unknown type decoded as %+v", other)
	}
}

func TestCustomersCreateValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t) // any request would hit the trap
	ok := CustomerParams{Name: "Ana", Email: "ana@example.com", Phone: "+5215555555555"}
	mod := func(f func(*CustomerParams)) *CustomerParams { p := ok; f(&p); return &p }
	cases := []struct {
		field string
		p     *CustomerParams
	}{
		{"CustomerParams", nil},
		{"CustomerParams.Name", mod(func(p *CustomerParams) { p.Name = "" })},
		{"CustomerParams.Email", mod(func(p *CustomerParams) { p.Email = "" })},
		{"CustomerParams.Email", mod(func(p *CustomerParams) { p.Email = "ana" })},
		{"CustomerParams.Phone", mod(func(p *CustomerParams) { p.Phone = "" })},
		{"CustomerParams.PaymentSources[0].TokenID", mod(func(p *CustomerParams) { p.PaymentSources = []*PaymentSourceParams{{Type: SourceCard}} })},
		{"CustomerParams.PaymentSources[0].Type", mod(func(p *CustomerParams) { p.PaymentSources = []*PaymentSourceParams{{}} })},
		{"CustomerParams.PaymentSources[0].TokenID", mod(func(p *CustomerParams) {
			p.PaymentSources = []*PaymentSourceParams{{Type: SourceCashRecurrent, TokenID: "tok_1"}}
		})},
	}
	for _, tc := range cases {
		_, err := c.Customers.Create(t.Context(), tc.p)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != tc.field || !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("%s: err = %v", tc.field, err)
		}
	}
	// API 2.0.0, as in the on-demand card guide, creates a customer without a phone.
	old, _ := NewClient("key_x", WithAPIVersion(APIVersion200))
	if err := mod(func(p *CustomerParams) { p.Phone = "" }).check(true, old.phoneRequired()); err != nil {
		t.Errorf("2.0.0 without phone: %v", err)
	}
}

func TestCustomersGetListAllUpdateDelete(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/customers/cus_a%2Fb", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "GET":
			wire(t, r, "GET", "", "")
			respond(w, 200, `{"id":"cus_a/b","name":"Ana","livemode":false,"created_at":1700000000,"object":"customer"}`)
		case "PUT":
			wire(t, r, "PUT", "", `{"name":"Ana María","corporate":false}`)
			respond(w, 200, `{"id":"cus_a/b","name":"Ana María"}`)
		case "DELETE":
			wire(t, r, "DELETE", "", "")
			respond(w, 200, `{"id":"cus_a/b","deleted":true}`)
		}
	})
	var pages atomic.Int32
	mux.HandleFunc("/customers", func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		switch r.URL.Query().Get("next") {
		case "":
			wire(t, r, "GET", "limit=2&search=ana", "")
			respond(w, 200, `{"object":"list","has_more":true,"next_page_url":"https://evil.example/customers?next=cus_2","data":[{"id":"cus_1"},{"id":"cus_2"}]}`)
		case "cus_2":
			wire(t, r, "GET", "limit=2&next=cus_2&search=ana", "")
			respond(w, 200, `{"object":"list","has_more":false,"next_page_url":null,"data":[{"id":"cus_3"}]}`)
		}
	})
	ctx := t.Context()
	if cus, err := c.Customers.Get(ctx, "cus_a/b"); err != nil || cus.Name != "Ana" || cus.CreatedAt.Year() != 2023 {
		t.Fatalf("Get = %+v, %v", cus, err)
	}
	params := &ListParams{Limit: 2, Search: "ana"}
	page, err := c.Customers.List(ctx, params)
	if err != nil || len(page.Data) != 2 || !page.HasMore || page.NextCursor != "cus_2" {
		t.Fatalf("List = %+v, %v", page, err)
	}
	var ids []string
	for cus, err := range c.Customers.All(ctx, params) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cus.ID)
	}
	if diff := cmp.Diff([]string{"cus_1", "cus_2", "cus_3"}, ids); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	if params.Next != "" {
		t.Error("All modified the caller's params")
	}
	if u, err := c.Customers.Update(ctx, "cus_a/b", &CustomerParams{Name: "Ana María", Corporate: Bool(false)}); err != nil || u.Name != "Ana María" {
		t.Fatalf("Update = %+v, %v", u, err)
	}
	if _, err := c.Customers.Update(ctx, "cus_a/b", &CustomerParams{}); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("empty update: %v", err)
	}
	if d, err := c.Customers.Delete(ctx, "cus_a/b"); err != nil || !d.Deleted {
		t.Fatalf("Delete = %+v, %v", d, err)
	}
	if pages.Load() != 3 {
		t.Fatalf("list requests = %d, want 3", pages.Load())
	}
	for _, bad := range []*ListParams{{Limit: 251}, {Limit: -1}, {Next: "a", Previous: "b"}} {
		if _, err := c.Customers.List(ctx, bad); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("List(%+v) err = %v", bad, err)
		}
	}
	if _, err := c.Customers.Get(ctx, " "); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("blank id: %v", err)
	}
}

func TestPaymentSources(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/customers/cus_1/payment_sources", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			wire(t, r, "POST", "", `{"type":"card","token_id":"tok_2q6cyio5sDqCyvYh7"}`)
			respond(w, 200, `{"id":"src_1","object":"payment_source","type":"card","created_at":1,"parent_id":"cus_1","last4":"4242","brand":"visa"}`)
			return
		}
		wire(t, r, "GET", "limit=1", "")
		respond(w, 200, `{"object":"list","has_more":false,"data":[{"id":"src_1","type":"card","last4":"4242"}]}`)
	})
	mux.HandleFunc("/customers/cus_1/payment_sources/src_1", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "PUT" {
			wire(t, r, "PUT", "", `{"name":"Ana P"}`)
			respond(w, 200, `{"id":"src_1","type":"card","name":"Ana P"}`)
			return
		}
		wire(t, r, "DELETE", "", "")
		respond(w, 200, `{"id":"src_1","type":"card","deleted":true}`)
	})
	ctx := t.Context()
	src, err := c.PaymentSources.Create(ctx, "cus_1", CardSourceParams("tok_2q6cyio5sDqCyvYh7"))
	if err != nil || src.Card == nil || src.Card.Last4 != "4242" {
		t.Fatalf("Create = %+v, %v", src, err)
	}
	n := 0
	for s, err := range c.PaymentSources.All(ctx, "cus_1", &ListParams{Limit: 1}) {
		if err != nil || s.ID != "src_1" {
			t.Fatal(s, err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("All yielded %d", n)
	}
	if u, err := c.PaymentSources.Update(ctx, "cus_1", "src_1", &PaymentSourceUpdateParams{Name: "Ana P"}); err != nil || u.Card.Name != "Ana P" {
		t.Fatalf("Update = %+v, %v", u, err)
	}
	if d, err := c.PaymentSources.Delete(ctx, "cus_1", "src_1"); err != nil || !d.Deleted {
		t.Fatalf("Delete = %+v, %v", d, err)
	}
	for _, err := range []error{
		func() error { _, err := c.PaymentSources.Create(ctx, "", CardSourceParams("tok_1")); return err }(),
		func() error {
			_, err := c.PaymentSources.Create(ctx, "cus_1", &PaymentSourceParams{Type: SourceCard})
			return err
		}(),
		func() error {
			_, err := c.PaymentSources.Update(ctx, "cus_1", "src_1", &PaymentSourceUpdateParams{})
			return err
		}(),
		func() error { _, err := c.PaymentSources.Delete(ctx, "cus_1", ""); return err }(),
	} {
		if !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("err = %v, want ErrInvalidRequest", err)
		}
	}
}

func TestMetadataLimits(t *testing.T) {
	t.Parallel()
	big := Metadata{}
	for i := range 101 {
		big[strings.Repeat("k", i+1)] = i
	}
	for _, m := range []Metadata{big, {"k": strings.Repeat("é", 250)}, {"k": map[string]any{}}, {"k": []string{"a"}}, {"": "x"}} {
		if err := m.check("M"); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("metadata with %d keys accepted: %v", len(m), err)
		}
	}
	if err := (Metadata{"s": strings.Repeat("é", 249), "i": int64(7), "b": true}).check("M"); err != nil {
		t.Errorf("valid metadata refused: %v", err)
	}
	var m Metadata
	if err := m.UnmarshalJSON([]byte(`{"big":12345678901234567890123,"s":"x"}`)); err != nil || m["big"].(interface{ String() string }).String() != "12345678901234567890123" {
		t.Fatalf("numbers not kept exact: %v %v", m, err)
	}
}

func TestTimeDecoding(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{`1700000000`: 1700000000, `"1700000000"`: 1700000000, `null`: 0, `0`: 0, `""`: 0, `-5`: -5} {
		var tm Time
		if err := tm.UnmarshalJSON([]byte(in)); err != nil || (want == 0) != tm.IsZero() || (want != 0 && tm.Unix() != want) {
			t.Errorf("%s: %v, %v", in, tm, err)
		}
	}
	for _, in := range []string{`12.5`, `"soon"`, `-`, `true`, `99999999999999999999`} {
		var tm Time
		if err := tm.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("%s decoded as %v", in, tm)
		}
	}
	if b, _ := Unix(1700000000).MarshalJSON(); string(b) != "1700000000" {
		t.Errorf("MarshalJSON = %s", b)
	}
	if b, _ := (Time{}).MarshalJSON(); string(b) != "0" {
		t.Errorf("zero MarshalJSON = %s", b)
	}
}
