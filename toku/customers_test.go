package toku

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The create response of Toku's guide.
const customerResponse = `{
  "external_id": "18579878K",
  "government_id": "18579878K",
  "name": "Jon Snow",
  "mail": "jon@snow.got",
  "phone_number": "+56987654321",
  "metadata": {},
  "id": "cus_XmSyV8QTlDOj3EPPHd7wsnfhEJJptg7r"
}`

func TestCustomersCreate(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/customers", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"goverment_id":"18579878K","mail":"jon@snow.got","name":"Jon Snow","phone_number":"+56987654321","send_mail":false,"metadata":{"plan":"gold"}}`)
		respond(w, 201, customerResponse)
	})
	got, err := c.Customers.Create(t.Context(), &CustomerParams{
		GovernmentID: "18579878K", Mail: "jon@snow.got", Name: "Jon Snow", PhoneNumber: "+56987654321",
		SendMail: Bool(false), Metadata: Metadata{"plan": "gold"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &Customer{ID: "cus_XmSyV8QTlDOj3EPPHd7wsnfhEJJptg7r", GovernmentID: "18579878K", ExternalID: "18579878K",
		Name: "Jon Snow", Mail: "jon@snow.got", PhoneNumber: "+56987654321", Metadata: Metadata{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("customer (-want +got):\n%s", diff)
	}
}

func TestCustomerDecodesBothSpellings(t *testing.T) {
	t.Parallel()
	var c Customer
	if err := c.UnmarshalJSON([]byte(`{"id":"cus_1","goverment_id":"11111111-1","email":"a@b.cl"}`)); err != nil {
		t.Fatal(err)
	}
	if c.GovernmentID != "11111111-1" || c.Mail != "a@b.cl" {
		t.Fatalf("decoded %+v", c)
	}
}

func TestCustomersCreateValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t) // any request would hit the trap
	cases := []struct {
		p     *CustomerParams
		field string
	}{
		{nil, "CustomerParams"},
		{&CustomerParams{Mail: "a@b.cl"}, "CustomerParams.GovernmentID"},
		{&CustomerParams{GovernmentID: "1-9", Mail: "not-an-email"}, "CustomerParams.Mail"},
		{&CustomerParams{GovernmentID: "1-9", SecondaryEmails: []string{"ok@x.cl", "bad"}}, "CustomerParams.SecondaryEmails[1]"},
		{&CustomerParams{GovernmentID: "1-9", Metadata: Metadata{"k": strings.Repeat("é", 257)}}, "CustomerParams.Metadata"},
		{&CustomerParams{GovernmentID: "1-9", DefaultReceiptType: "boleta"}, "CustomerParams.DefaultReceiptType"},
	}
	for _, tc := range cases {
		_, err := c.Customers.Create(t.Context(), tc.p)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != tc.field || !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Create(%+v) err = %v, want ParamError on %s", tc.p, err, tc.field)
		}
	}
	// 256 characters is allowed, counted as characters, not bytes.
	if err := (&CustomerParams{GovernmentID: "1", Metadata: Metadata{"k": strings.Repeat("é", 256)}}).check(true); err != nil {
		t.Errorf("256-character metadata value refused: %v", err)
	}
	// ExternalID alone is accepted where Toku enabled it.
	if err := (&CustomerParams{ExternalID: "user-42"}).check(true); err != nil {
		t.Errorf("ExternalID-only create refused: %v", err)
	}
}

func TestCustomersGetListAllUpdateDelete(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/customers/cus_a%2Fb", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "GET":
			wire(t, r, "GET", "", "")
			respond(w, 200, `{"id":"cus_a/b","government_id":"1-9"}`)
		case "PUT":
			wire(t, r, "PUT", "", `{"name":"Ana","silenced_until":"2026-12-01T00:00:00Z"}`)
			respond(w, 200, `{"id":"cus_a/b","name":"Ana","silenced_until":"2026-12-01T00:00:00"}`)
		case "DELETE":
			wire(t, r, "DELETE", "", "")
			w.WriteHeader(204)
		}
	})
	var pages atomic.Int32
	mux.HandleFunc("/customers", func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		switch r.URL.Query().Get("cursor") {
		case "":
			wire(t, r, "GET", "page_size=2", "")
			respond(w, 200, `{"items":[{"id":"cus_1"},{"id":"cus_2"}],"next_cursor":"c2"}`)
		case "c2":
			wire(t, r, "GET", "cursor=c2&page_size=2", "")
			respond(w, 200, `{"items":[{"id":"cus_3"}],"next_cursor":null}`)
		}
	})
	ctx := t.Context()
	if cus, err := c.Customers.Get(ctx, "cus_a/b"); err != nil || cus.GovernmentID != "1-9" {
		t.Fatalf("Get = %+v, %v", cus, err)
	}
	page, err := c.Customers.List(ctx, &ListParams{PageSize: 2})
	if err != nil || len(page.Data) != 2 || !page.HasMore || page.NextCursor != "c2" {
		t.Fatalf("List = %+v, %v", page, err)
	}
	var ids []string
	params := &ListParams{PageSize: 2}
	for cus, err := range c.Customers.All(ctx, params) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cus.ID)
	}
	if diff := cmp.Diff([]string{"cus_1", "cus_2", "cus_3"}, ids); diff != "" {
		t.Errorf("All ids (-want +got):\n%s", diff)
	}
	if params.Cursor != "" {
		t.Error("All modified the caller's params")
	}
	until := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	upd, err := c.Customers.Update(ctx, "cus_a/b", &CustomerParams{Name: "Ana", SilencedUntil: &until})
	if err != nil || upd.Name != "Ana" || !upd.SilencedUntil.Equal(until) {
		t.Fatalf("Update = %+v, %v", upd, err)
	}
	if _, err := c.Customers.Update(ctx, "cus_a/b", &CustomerParams{}); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("empty update err = %v", err)
	}
	if err := c.Customers.Delete(ctx, "cus_a/b"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Customers.Get(ctx, " "); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("blank id err = %v", err)
	}
	if pages.Load() != 3 {
		t.Fatalf("list requests = %d, want 3", pages.Load())
	}
}

func TestCustomersCreateIsNeverRetriedAfterReachingToku(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var n atomic.Int32
	mux.HandleFunc("/customers", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		respond(w, 502, `<html>bad gateway</html>`)
	})
	_, err := c.Customers.Create(t.Context(), &CustomerParams{GovernmentID: "1-9"})
	if n.Load() != 1 {
		t.Fatalf("a create answered 502 was sent %d times; a retry could duplicate the customer", n.Load())
	}
	var te *Error
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &te) || te.StatusCode != 502 || string(te.Body) != `<html>bad gateway</html>` {
		t.Fatalf("err = %v", err)
	}
}
