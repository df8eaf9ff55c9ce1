package conekta

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The spec's customer_shipping_contacts_response example.
const shippingContactJSON = `{"address":{"city":"Ciudad de Mexico","country":"MX","object":"shipping_address","postal_code":"06100","residential":true,
	"state":"Ciudad de Mexico","street1":"Nuevo Leon 254","street2":"Departamento 404"},"between_streets":"Ackerman Crescent","created_at":1675715413,
	"default":false,"deleted":false,"id":"adr_1234567890","metadata":{"piso":"4"},"object":"shipping_contact","parent_id":"cus_2tKcHxhTz7xU5SymF",
	"phone":"+525511223344","receiver":"Marvin Fuller"}`

func TestShippingContacts(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/customers/cus_2tKcHxhTz7xU5SymF/shipping_contacts", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"address":{"street1":"Nuevo Leon 254","street2":"Departamento 404","city":"Ciudad de Mexico","state":"Ciudad de Mexico",
			"postal_code":"06100","country":"MX","residential":true},"receiver":"Marvin Fuller","phone":"+525511223344","between_streets":"Ackerman Crescent",
			"metadata":{"piso":"4"}}`)
		respond(w, 200, shippingContactJSON)
	})
	mux.HandleFunc("/customers/cus_2tKcHxhTz7xU5SymF/shipping_contacts/adr_1234567890", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "PUT" {
			wire(t, r, "PUT", "", `{"receiver":"Ana López","default":true}`)
			respond(w, 200, strings.NewReplacer(`"Marvin Fuller"`, `"Ana López"`, `"default":false`, `"default":true`).Replace(shippingContactJSON))
			return
		}
		wire(t, r, "DELETE", "", "")
		respond(w, 200, strings.Replace(shippingContactJSON, `"deleted":false`, `"deleted":true`, 1))
	})
	ctx := t.Context()
	got, err := c.ShippingContacts.Create(ctx, "cus_2tKcHxhTz7xU5SymF", &ShippingContactParams{
		Address: &ShippingContactAddress{Street1: "Nuevo Leon 254", Street2: "Departamento 404", City: "Ciudad de Mexico", State: "Ciudad de Mexico",
			PostalCode: "06100", Country: "MX", Residential: Bool(true)},
		Receiver: "Marvin Fuller", Phone: "+525511223344", BetweenStreets: "Ackerman Crescent", Metadata: Metadata{"piso": "4"}})
	if err != nil {
		t.Fatal(err)
	}
	want := &CustomerShippingContact{ID: "adr_1234567890", Object: "shipping_contact", ParentID: "cus_2tKcHxhTz7xU5SymF", Receiver: "Marvin Fuller",
		Phone: "+525511223344", BetweenStreets: "Ackerman Crescent", CreatedAt: Unix(1675715413), Metadata: Metadata{"piso": "4"},
		Address: &ShippingContactAddress{Street1: "Nuevo Leon 254", Street2: "Departamento 404", City: "Ciudad de Mexico", State: "Ciudad de Mexico",
			PostalCode: "06100", Country: "MX", Residential: Bool(true)}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(CustomerShippingContact{}, "Raw")); diff != "" {
		t.Errorf("Create (-want +got):\n%s", diff)
	}
	if u, err := c.ShippingContacts.Update(ctx, "cus_2tKcHxhTz7xU5SymF", "adr_1234567890", &ShippingContactParams{Receiver: "Ana López", Default: Bool(true)}); err != nil ||
		u.Receiver != "Ana López" || !u.Default {
		t.Errorf("Update = %+v, %v", u, err)
	}
	if d, err := c.ShippingContacts.Delete(ctx, "cus_2tKcHxhTz7xU5SymF", "adr_1234567890"); err != nil || !d.Deleted {
		t.Errorf("Delete = %+v, %v", d, err)
	}
}

func TestShippingContactsValidateBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	ctx := t.Context()
	addr := ShippingContactAddress{Street1: "Nuevo Leon 254", PostalCode: "06100", Country: "MX"}
	with := func(f func(*ShippingContactAddress)) *ShippingContactParams {
		a := addr
		f(&a)
		return &ShippingContactParams{Address: &a}
	}
	for field, p := range map[string]*ShippingContactParams{
		"ShippingContactParams":                    nil,
		"ShippingContactParams.Address":            {Receiver: "Ana"},
		"ShippingContactParams.Address.Street1":    with(func(a *ShippingContactAddress) { a.Street1 = "N" }),
		"ShippingContactParams.Address.PostalCode": with(func(a *ShippingContactAddress) { a.PostalCode = "" }),
		"ShippingContactParams.Address.Country":    with(func(a *ShippingContactAddress) { a.Country = "" }),
		"ShippingContactParams.Address.City":       with(func(a *ShippingContactAddress) { a.City = strings.Repeat("x", 250) }),
		"ShippingContactParams.Metadata":           {Address: &addr, Metadata: Metadata{"": "x"}},
	} {
		got, err := c.ShippingContacts.Create(ctx, "cus_1", p)
		var pe *ParamError
		if got != nil || !errors.As(err, &pe) || pe.Field != field {
			t.Errorf("%s: %+v, %v", field, got, err)
		}
	}
	for field, p := range map[string]*ShippingContactParams{
		"ShippingContactParams":          {},
		"ShippingContactParams.Metadata": {Receiver: "Ana", Metadata: Metadata{"a": "b"}},
	} {
		got, err := c.ShippingContacts.Update(ctx, "cus_1", "adr_1", p)
		var pe *ParamError
		if got != nil || !errors.As(err, &pe) || pe.Field != field {
			t.Errorf("update %s: %+v, %v", field, got, err)
		}
	}
	for _, ids := range [][2]string{{"", "adr_1"}, {"cus_1", ""}, {"..", "adr_1"}, {"cus_1", "."}} {
		if _, err := c.ShippingContacts.Delete(ctx, ids[0], ids[1]); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Delete(%q, %q): %v", ids[0], ids[1], err)
		}
	}
	if _, err := c.ShippingContacts.Create(ctx, "", &ShippingContactParams{Address: &addr}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty customer: %v", err)
	}
}
