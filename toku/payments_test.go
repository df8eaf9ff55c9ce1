package toku

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The published transaction object, as a payments-list item.
const transactionItem = `{
  "transaction": {"id": "trs_A", "type": "PAYMENT", "amount": 210.0, "currency": "CLP",
                  "transaction_date": "2026-11-23T14:03:39.410000", "status": "SUCCESS", "response_code": 0,
                  "voucher": "v1", "id_checkout_session": "cs_1", "transaction_metadata": {"k": "v"}},
  "customer": {"id": "cus_1", "external_id": "e1", "email": "ana@example.com", "government_id": "1-9", "name": "Ana", "phone_number": "+56911111111"},
  "payment_intents": [{"id": "pi_1", "amount": "210", "currency": "CLP", "id_invoice": "in_1", "id_subscription": "sub_1",
                       "invoice_external_id": "x", "id_account": "acc_1", "gateway": "toku_pac", "product_id": "p1", "status": "AUTHORIZED", "type": "x"}],
  "payment_instrument": {"type": "card", "card": {"bin": "424242", "card_type": "credit", "card_brand": "VISA", "country": "CL", "last_digits": "4242"}}
}`

func TestTransactionDecodesPublishedShape(t *testing.T) {
	t.Parallel()
	var tr Transaction
	if err := tr.UnmarshalJSON([]byte(transactionItem)); err != nil {
		t.Fatal(err)
	}
	if tr.ID != "trs_A" || tr.Amount.String() != "210.0" || tr.Status != TransactionSuccess || tr.ResponseCode != "0" ||
		tr.Customer == nil || tr.Customer.Mail != "ana@example.com" || len(tr.PaymentIntents) != 1 ||
		tr.PaymentIntents[0].Invoice != "in_1" || !tr.PaymentIntents[0].Amount.Equal(AmountFromWhole(210)) ||
		tr.Instrument == nil || tr.Instrument.Card.LastDigits != "4242" ||
		!tr.TransactionDate.Equal(time.Date(2026, 11, 23, 14, 3, 39, 410000000, time.UTC)) {
		t.Fatalf("decoded %+v", tr)
	}
	if string(tr.Raw) != transactionItem {
		t.Fatal("Raw does not keep the item")
	}
}

func TestTransactionDecodesFlatShapes(t *testing.T) {
	t.Parallel()
	var a, b Transaction
	if err := a.UnmarshalJSON([]byte(`{"id":"trs_B","amount":"5000.0000","status":"SUCCESS","customer":"cus_9"}`)); err != nil {
		t.Fatal(err)
	}
	if err := b.UnmarshalJSON([]byte(`{"id":"pay_1","payment_amount":"1000","payment_date":"2022-01-01","invoice":"in_1"}`)); err != nil {
		t.Fatal(err)
	}
	if a.ID != "trs_B" || !a.Amount.Equal(AmountFromWhole(5000)) || a.Customer.ID != "cus_9" {
		t.Fatalf("flat transaction %+v", a)
	}
	if b.ID != "pay_1" || !b.Amount.Equal(AmountFromWhole(1000)) || b.TransactionDate == nil || b.TransactionDate.Year() != 2022 {
		t.Fatalf("flat payment %+v", b)
	}
}

func TestPaymentsListAndAll(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/organization/payments", func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		wire(t, r, "GET", "end_date=2026-11-23&page="+page+"&page_size=2&start_date=2026-11-23&status=SUCCESS", "")
		switch page {
		case "1":
			respond(w, 200, `{"items":[`+transactionItem+`,{"id":"trs_B","amount":1}]}`)
		case "2":
			respond(w, 200, `[{"id":"trs_C","amount":"2"}]`)
		case "3":
			respond(w, 200, `{"items":[]}`) // the walk ends at the first empty page
		default:
			t.Errorf("page %s requested after an empty page", page)
		}
	})
	ctx := t.Context()
	day := Date{2026, time.November, 23}
	page, err := c.Payments.List(ctx, &PaymentListParams{StartDate: day, EndDate: day, Status: TransactionSuccess, PageSize: 2})
	if err != nil || page.Page != 1 || len(page.Data) != 2 {
		t.Fatalf("List = %+v, %v", page, err)
	}
	var ids []string
	for tr, err := range c.Payments.All(ctx, &PaymentListParams{StartDate: day, EndDate: day, Status: TransactionSuccess, PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tr.ID)
	}
	if diff := cmp.Diff([]string{"trs_A", "trs_B", "trs_C"}, ids); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	for _, bad := range []*PaymentListParams{nil, {StartDate: day}, {StartDate: day, EndDate: day.AddDays(-1)}, {StartDate: day, EndDate: day, PageSize: -1}} {
		if _, err := c.Payments.List(ctx, bad); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("List(%+v) err = %v", bad, err)
		}
	}
}

func TestReconcileReportsWhatTheMerchantMissed(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/organization/payments", func(w http.ResponseWriter, r *http.Request) {
		// One day of overlap on each side of the merchant's 2026-11-23.
		q := r.URL.Query()
		if q.Get("start_date") != "2026-11-22" || q.Get("end_date") != "2026-11-24" || q.Get("status") != "SUCCESS" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		switch q.Get("page") {
		case "1":
			respond(w, 200, `{"data":[{"id":"trs_1","amount":100},{"id":"trs_2","amount":200}]}`)
		case "2":
			respond(w, 200, `{"data":[{"id":"trs_2","amount":200},{"id":"trs_3","amount":"300.00"},{"amount":5}]}`)
		}
	})
	day := Date{2026, time.November, 23}
	var asked []string
	seen := SeenIDs("trs_1")
	rep, err := c.Payments.Reconcile(t.Context(), &ReconcileParams{From: day, To: day, PageSize: 2,
		Seen: func(ctx context.Context, id string) (bool, error) { asked = append(asked, id); return seen(ctx, id) }})
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, m := range rep.Missing {
		missing = append(missing, m.ID+":"+m.Amount.String())
	}
	if diff := cmp.Diff([]string{"trs_2:200", "trs_3:300.00", ":5"}, missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
	if rep.Checked != 5 || rep.QueriedFrom != day.AddDays(-1) || rep.QueriedTo != day.AddDays(1) {
		t.Errorf("report %+v", rep)
	}
	if diff := cmp.Diff([]string{"trs_1", "trs_2", "trs_3"}, asked); diff != "" {
		t.Errorf("Seen asked (-want +got):\n%s", diff)
	}
}

func TestReconcileNothingMissing(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/organization/payments", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "1" {
			respond(w, 200, `[{"id":"trs_1","amount":1}]`)
			return
		}
		respond(w, 200, `[]`)
	})
	day := Date{2026, 1, 1}
	rep, err := c.Payments.Reconcile(t.Context(), &ReconcileParams{From: day, To: day, Seen: SeenIDs("trs_1")})
	if err != nil || len(rep.Missing) != 0 || rep.Checked != 1 {
		t.Fatalf("rep = %+v, err = %v", rep, err)
	}
	boom := errors.New("db down")
	_, err = c.Payments.Reconcile(t.Context(), &ReconcileParams{From: day, To: day,
		Seen: func(context.Context, string) (bool, error) { return false, boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("Seen error not returned: %v", err)
	}
	if _, err := c.Payments.Reconcile(t.Context(), &ReconcileParams{From: day, To: day}); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("missing Seen: %v", err)
	}
}

func TestErrorFormats(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/customers/", func(w http.ResponseWriter, r *http.Request) {
		status, _ := strconv.Atoi(r.URL.Path[len("/customers/"):])
		w.Header().Set("X-Request-Id", "req-9")
		switch status {
		case 422:
			respond(w, 422, `{"error":{"code":"TK30000","details":[{"loc":["body","goverment_id"],"msg":"field required","type":"value_error.missing"},{"loc":["body","items",0],"msg":"bad","type":"x"}]}}`)
		default:
			respond(w, status, `{"error":{"message":"Recurso no encontrado","code":"TK40400"}}`)
		}
	})
	cases := []struct {
		status   int
		sentinel error
	}{
		{401, ErrUnauthorized}, {403, ErrForbidden}, {404, ErrNotFound}, {422, ErrInvalidRequest}, {429, ErrRateLimited}, {500, ErrServer},
	}
	for _, tc := range cases {
		_, err := c.Customers.Get(t.Context(), strconv.Itoa(tc.status))
		var te *Error
		if !errors.Is(err, tc.sentinel) || !errors.As(err, &te) || te.StatusCode != tc.status || te.RequestID != "req-9" {
			t.Errorf("status %d: err = %v", tc.status, err)
			continue
		}
		if tc.status == 422 {
			want := []ErrorDetail{{Loc: []string{"body", "goverment_id"}, Msg: "field required", Type: "value_error.missing"}, {Loc: []string{"body", "items", "0"}, Msg: "bad", Type: "x"}}
			if diff := cmp.Diff(want, te.Details); diff != "" || te.Code != "TK30000" {
				t.Errorf("422 details (-want +got):\n%s", diff)
			}
			if te.Error() != "toku: 422 TK30000: body.goverment_id: field required (value_error.missing); body.items.0: bad (x)" {
				t.Errorf("422 text %q", te.Error())
			}
		} else if te.Code != "TK40400" || te.Message != "Recurso no encontrado" {
			t.Errorf("status %d decoded %+v", tc.status, te)
		}
	}
}

// FuzzDecodeError: error bodies come from the network and must never panic.
func FuzzDecodeError(f *testing.F) {
	f.Add(422, []byte(`{"error":{"code":"TK30000","details":[{"loc":["body",0],"msg":"m","type":"t"}]}}`))
	f.Add(404, []byte(`{"error":{"message":"x","code":"TK1"}}`))
	f.Add(500, []byte(`<html>`))
	f.Add(400, []byte(`{"detail":"nope"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := decodeError(status, http.Header{}, body)
		var te *Error
		if !errors.As(err, &te) || te.StatusCode != status {
			t.Fatalf("decodeError lost the status: %v", err)
		}
		_ = err.Error()
	})
}

// FuzzTransaction: payments-list items and list pages come from the network.
func FuzzTransaction(f *testing.F) {
	f.Add([]byte(transactionItem))
	f.Add([]byte(`{"id":"pay_1","payment_amount":"1000","customer":"cus_1"}`))
	f.Add([]byte(`{"transaction":null,"customer":5}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var tr Transaction
		_ = tr.UnmarshalJSON(b)
		var p PaymentPage
		_ = p.UnmarshalJSON(b)
		var page List[*Customer]
		_ = page.UnmarshalJSON(b)
	})
}

// Toku may cap the page size below what was asked: the walk goes on past a
// short page, so reconciliation misses nothing.
func TestPaymentsAllPastACappedPageSize(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/organization/payments", func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		var items []string
		for i := (page - 1) * 50; i < min(page*50, 120); i++ {
			items = append(items, `{"id":"trs_`+strconv.Itoa(i)+`","amount":1}`)
		}
		respond(w, 200, "["+strings.Join(items, ",")+"]")
	})
	day := Date{2026, 1, 1}
	rep, err := c.Payments.Reconcile(t.Context(), &ReconcileParams{From: day, To: day, Seen: SeenIDs()})
	if err != nil || rep.Checked != 120 || len(rep.Missing) != 120 {
		t.Fatalf("rep checked %v, err %v; want all 120 across capped pages", rep, err)
	}
}

// If Toku ignored the page number, every page would be the first: the walk
// stops with an error instead of looping.
func TestPaymentsAllStopsOnARepeatedPage(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var n atomic.Int32
	mux.HandleFunc("/organization/payments", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		respond(w, 200, `[{"id":"trs_1","amount":1},{"id":"trs_2","amount":2}]`)
	})
	day := Date{2026, 1, 1}
	_, err := c.Payments.Reconcile(t.Context(), &ReconcileParams{From: day, To: day, Seen: SeenIDs()})
	if err == nil || !strings.Contains(err.Error(), "repeats") || n.Load() != 2 {
		t.Fatalf("after %d requests err = %v; want a repeated-page error after 2", n.Load(), err)
	}
}
