package conekta

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The spec's update_customer_fiscal_entities_response example, filled in.
const fiscalEntityJSON = `{"address":{"city":"Ciudad de Mexico","country":"MX","external_number":"254","postal_code":"06100","state":"Ciudad de Mexico",
	"street1":"Nuevo Leon 254","street2":"Departamento 404"},"company_name":"conekta","email":"facturas@example.com","phone":"+525511223344",
	"tax_id":"CON121008MU7","metadata":{},"created_at":1675715413,"default":true,"id":"fis_ent_2tKZsTYcsryyu7Ah8","object":"fiscal_entities",
	"parent_id":"cus_2tKcHxhTz7xU5SymF"}`

func TestFiscalEntities(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/customers/cus_2tKcHxhTz7xU5SymF/fiscal_entities", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"address":{"street1":"Nuevo Leon 254","street2":"Departamento 404","external_number":"254","city":"Ciudad de Mexico",
			"state":"Ciudad de Mexico","postal_code":"06100","country":"MX"},"tax_id":"CON121008MU7","company_name":"conekta",
			"email":"facturas@example.com","phone":"+525511223344"}`)
		respond(w, 200, fiscalEntityJSON)
	})
	mux.HandleFunc("/customers/cus_2tKcHxhTz7xU5SymF/fiscal_entities/fis_ent_2tKZsTYcsryyu7Ah8", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "PUT", "", `{"company_name":"Conekta SAPI","metadata":{"erp":"17"}}`)
		respond(w, 200, strings.Replace(fiscalEntityJSON, `"company_name":"conekta"`, `"company_name":"Conekta SAPI"`, 1))
	})
	ctx := t.Context()
	addr := &FiscalAddress{Street1: "Nuevo Leon 254", Street2: "Departamento 404", ExternalNumber: "254", City: "Ciudad de Mexico",
		State: "Ciudad de Mexico", PostalCode: "06100", Country: "MX"}
	got, err := c.FiscalEntities.Create(ctx, "cus_2tKcHxhTz7xU5SymF", &FiscalEntityParams{Address: addr, TaxID: "CON121008MU7", CompanyName: "conekta",
		Email: "facturas@example.com", Phone: "+525511223344"})
	if err != nil {
		t.Fatal(err)
	}
	want := &CustomerFiscalEntity{ID: "fis_ent_2tKZsTYcsryyu7Ah8", Object: "fiscal_entities", ParentID: "cus_2tKcHxhTz7xU5SymF", TaxID: "CON121008MU7",
		CompanyName: "conekta", Email: "facturas@example.com", Phone: "+525511223344", Address: addr, Default: true, CreatedAt: Unix(1675715413),
		Metadata: Metadata{}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(CustomerFiscalEntity{}, "Raw")); diff != "" {
		t.Errorf("Create (-want +got):\n%s", diff)
	}
	if u, err := c.FiscalEntities.Update(ctx, "cus_2tKcHxhTz7xU5SymF", got.ID, &FiscalEntityParams{CompanyName: "Conekta SAPI", Metadata: Metadata{"erp": "17"}}); err != nil ||
		u.CompanyName != "Conekta SAPI" {
		t.Errorf("Update = %+v, %v", u, err)
	}
}

func TestFiscalEntitiesValidateBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	ctx := t.Context()
	addr := FiscalAddress{Street1: "Nuevo Leon 254", City: "Ciudad de Mexico", PostalCode: "06100"}
	with := func(f func(*FiscalAddress)) *FiscalEntityParams {
		a := addr
		f(&a)
		return &FiscalEntityParams{Address: &a}
	}
	for field, p := range map[string]*FiscalEntityParams{
		"FiscalEntityParams":                    nil,
		"FiscalEntityParams.Address":            {TaxID: "X"},
		"FiscalEntityParams.Address.Street1":    with(func(a *FiscalAddress) { a.Street1 = "" }),
		"FiscalEntityParams.Address.City":       with(func(a *FiscalAddress) { a.City = "" }),
		"FiscalEntityParams.Address.PostalCode": with(func(a *FiscalAddress) { a.PostalCode = "" }),
		"FiscalEntityParams.Email":              {Address: &addr, Email: "facturas"},
	} {
		got, err := c.FiscalEntities.Create(ctx, "cus_1", p)
		var pe *ParamError
		if got != nil || !errors.As(err, &pe) || pe.Field != field {
			t.Errorf("%s: %+v, %v", field, got, err)
		}
	}
	if _, err := c.FiscalEntities.Update(ctx, "cus_1", "fis_ent_1", &FiscalEntityParams{}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty update: %v", err)
	}
	// Conekta's update_fiscal_entity_request takes only a whole address.
	var pe *ParamError
	if _, err := c.FiscalEntities.Update(ctx, "cus_1", "fis_ent_1", &FiscalEntityParams{Address: &FiscalAddress{Street2: "Depto 4"}}); !errors.As(err, &pe) ||
		pe.Field != "FiscalEntityParams.Address.Street1" {
		t.Errorf("partial address on update: %v", err)
	}
	for _, ids := range [][2]string{{"", "fis_ent_1"}, {"cus_1", ".."}} {
		if _, err := c.FiscalEntities.Update(ctx, ids[0], ids[1], &FiscalEntityParams{TaxID: "X"}); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Update(%q, %q): %v", ids[0], ids[1], err)
		}
	}
}
