package conekta

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The spec's company_response example, and getCurrentCompany's.
const (
	companyJSON = `{"account_status":"signed_up","active":false,"created_at":1748968241,"documents":[{"file_classification":"deposit_account_cover","file_name":null,"status":"pending"}],
		"id":"6827305a1ec60400015eb116","name":"test","object":"company","onboarding_status":"pending",
		"onboarding_url":"https://onboarding.conekta.com/resume/6827305a1ec60400015eb116","parent_company_id":"680bf1da38716d00013543bc","three_ds_enabled":true,"three_ds_mode":"strict"}`
	currentCompanyJSON = `{"id": "2a1b3c4d5e6f7g8h9i0j1k2l", "name": "Mi Empresa S.A. de C.V.", "mcc": "5311", "active": true, "account_status": "activated", "antifraud_vertical": "physical_goods", "created_at": 1510699009, "payment_link_enabled": true, "commercial_info": {"web_page": "https://miempresa.mx", "facebook": "", "category": "Venta al menudeo", "average_sale": "Range10KPlus", "monthly_sales": "Range0To100K", "shipping": false, "physical": false, "already_selling": true, "tos_page": "https://miempresa.com/terminos", "website_instructions": "", "object": "commercial_info"}, "legal_info": {"name": "MARIA GONZALEZ", "email": "maria.gonzalez@miempresa.com", "identification_type": "ife", "signed_contract_uploaded": false, "curp": "GOMA930207MSLNZR00", "object": "legal_info"}, "fiscal_info": {"tax_id": "EMP121008MU7", "legal_entity_name": "Mi Empresa S.A. de C.V.", "business_type": "Persona moral", "phone": "5563794965", "address": {"street1": "AVENIDA INSURGENTES", "street2": "ROMA NORTE", "street3": "Cuauhtémoc", "city": "México", "state": "CIUDAD DE MEXICO", "country": "MEX", "zip": "06700", "external_number": "123", "internal_number": "201", "object": "address"}, "bank_account": {"account_number": "123456789012345678", "account_holder_name": "Mi Empresa S.A. de C.V.", "bank": "Sistema de Transferencias y Pagos STP, S.A. de C.V., SOFOM E.N.R.", "object": "fiscal_info_bank_account"}, "files": [{"id": "1239z8y7x6w5v4u3t2s1r0q9p8o", "file_name": "constancia_fiscal.pdf", "file_type": "fiscal_id", "url": "https://example.com/documents/constancia-fiscal.pdf", "object": "file"}], "object": "fiscal_info"}, "user_accounts": [{"role": "owner", "token": "1234567890", "livemode": true, "object": "user_account"}], "capture_fees": {"oxxo_commission": 0.035, "banorte_commission": 0.01, "spei_commission": 0.01, "amex_commission": 0.029, "credit_commission": 0.029, "debit_commission": 0.029, "oxxo_fixed_cost": 0, "banorte_fixed_cost": 1200, "spei_fixed_cost": 800, "amex_fixed_cost": 250, "credit_fixed_cost": 250, "debit_fixed_cost": 250, "credit_three_month_installments_commission": 0.049, "credit_six_month_installments_commission": 0.079, "credit_nine_month_installments_commission": 0.109, "credit_twelve_month_installments_commission": 0.139, "amex_three_month_installments_commission": 0.039, "amex_six_month_installments_commission": 0.059, "amex_nine_month_installments_commission": 0.079, "amex_twelve_month_installments_commission": 0.099}, "webhooks": [{"id": "1234567890", "url": "https://miempresa.com/api/webhook", "subscribed_events": ["charge.created", "charge.paid", "order.paid"], "status": "listening", "object": "webhook", "production_enabled": true, "development_enabled": false}], "object": "company", "oxxo_payments_enabled": true, "spei_payments_enabled": true, "card_payments_enabled": true, "bnpl_payments_enabled": true, "direct_debit_payments_enabled": true, "voucher_card_enabled": false, "card_max_limit": 10000000, "voucher_card_categories": [], "internal_scopes": ["orders"], "retention": true, "three_ds_enabled": true, "three_ds_mode": "strict"}`
	documentJSON       = `{"file_classification":"id_legal_representative","file_name":"prueba3.pdf","status":"uploaded"}`
)

func TestCompanies(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/companies", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			wire(t, r, "POST", "", `{"name":"test","type_company":"owner","users":["ana@example.com"],
				"comercial_info":{"mcc":"5812","merchant_support_email":"test@test.com","merchant_support_phone":"5300000000","website":"http://www.test.com"},
				"fiscal_info":{"business_phone":"5300000000","fiscal_type":"moral"},"bank_account_info":{"clabe":"002010077777777771"}}`)
			respond(w, 201, companyJSON)
			return
		}
		wire(t, r, "GET", "limit=1", "")
		respond(w, 200, `{"object":"list","has_more":false,"next_page_url":null,"previous_page_url":null,"data":[`+companyJSON+`]}`)
	})
	mux.HandleFunc("/companies/current", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "", "")
		respond(w, 200, currentCompanyJSON)
	})
	mux.HandleFunc("/companies/6827305a1ec60400015eb116", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "", "")
		respond(w, 200, companyJSON)
	})
	mux.HandleFunc("/companies/6827305a1ec60400015eb116/documents", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "", "")
		respond(w, 200, "["+documentJSON+"]")
	})
	pdf := []byte("This is a test file data in base 64.")
	mux.HandleFunc("/companies/6827305a1ec60400015eb116/document", func(w http.ResponseWriter, r *http.Request) {
		// The spec's CompanyDocumentRequest example: the file as base64 in JSON.
		body := `{"content_type":"application/pdf","file_classification":"id_legal_representative","file_data":"VGhpcyBpcyBhIHRlc3QgZmlsZSBkYXRhIGluIGJhc2UgNjQu","file_name":"example_document.pdf"`
		if r.Method == "POST" {
			wire(t, r, "POST", "", body+`,"international":false}`)
			respond(w, 201, documentJSON)
			return
		}
		wire(t, r, "PATCH", "", body+"}")
		respond(w, 200, documentJSON)
	})
	ctx := t.Context()
	co, err := c.Companies.Create(ctx, &CompanyParams{Name: "test", TypeCompany: "owner", Users: []string{"ana@example.com"},
		CommercialInfo: &CompanyCommercialInfo{MCC: "5812", MerchantSupportEmail: "test@test.com", MerchantSupportPhone: "5300000000", Website: "http://www.test.com"},
		FiscalInfo:     &CompanyFiscalInfo{BusinessPhone: "5300000000", FiscalType: "moral"}, BankAccount: &CompanyBankAccount{CLABE: "002010077777777771"}})
	if err != nil {
		t.Fatal(err)
	}
	want := &Company{ID: "6827305a1ec60400015eb116", Object: "company", Name: "test", AccountStatus: "signed_up", OnboardingStatus: "pending",
		OnboardingURL: "https://onboarding.conekta.com/resume/6827305a1ec60400015eb116", ParentCompanyID: "680bf1da38716d00013543bc",
		ThreeDSEnabled: true, ThreeDSMode: "strict", CreatedAt: Unix(1748968241),
		Documents: []CompanyDocument{{FileClassification: DocumentDepositAccountCover, Status: "pending"}}}
	ignoreRaw := cmpopts.IgnoreFields(Company{}, "Raw")
	if diff := cmp.Diff(want, co, ignoreRaw); diff != "" {
		t.Errorf("Create (-want +got):\n%s", diff)
	}
	if g, err := c.Companies.Get(ctx, co.ID); err != nil || cmp.Diff(want, g, ignoreRaw) != "" {
		t.Errorf("Get = %+v, %v", g, err)
	}
	if l, err := c.Companies.List(ctx, &ListParams{Limit: 1}); err != nil || len(l.Data) != 1 || l.Data[0].ID != co.ID {
		t.Errorf("List = %+v, %v", l, err)
	}
	for got, err := range c.Companies.All(ctx, &ListParams{Limit: 1}) {
		if err != nil || got.ID != co.ID {
			t.Errorf("All: %+v, %v", got, err)
		}
	}
	cur, err := c.Companies.Current(ctx)
	if err != nil || cur.Name != "Mi Empresa S.A. de C.V." || cur.MCC != "5311" || cur.AccountStatus != "activated" || !cur.Active ||
		cur.CreatedAt.Unix() != 1510699009 || !strings.Contains(string(cur.Raw), `"capture_fees"`) {
		t.Errorf("Current = %+v, %v", cur, err)
	}
	p := &CompanyDocumentParams{FileClassification: DocumentIDLegalRepresentative, FileName: "example_document.pdf", ContentType: "application/pdf",
		Data: pdf, International: Bool(false)}
	if base64.StdEncoding.EncodeToString(pdf) != "VGhpcyBpcyBhIHRlc3QgZmlsZSBkYXRhIGluIGJhc2UgNjQu" {
		t.Fatal("the test file is not the spec's example")
	}
	wantDoc := &CompanyDocument{FileClassification: DocumentIDLegalRepresentative, FileName: "prueba3.pdf", Status: "uploaded"}
	if d, err := c.Companies.UploadDocument(ctx, co.ID, p); err != nil || cmp.Diff(wantDoc, d) != "" {
		t.Errorf("UploadDocument = %+v, %v", d, err)
	}
	p.International = nil
	if d, err := c.Companies.UpdateDocument(ctx, co.ID, p); err != nil || cmp.Diff(wantDoc, d) != "" {
		t.Errorf("UpdateDocument = %+v, %v", d, err)
	}
	if docs, err := c.Companies.Documents(ctx, co.ID); err != nil || cmp.Diff([]CompanyDocument{*wantDoc}, docs) != "" {
		t.Errorf("Documents = %+v, %v", docs, err)
	}
}

func TestCompaniesValidateBeforeSending(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	ctx := t.Context()
	for field, p := range map[string]*CompanyParams{
		"CompanyParams":                                     nil,
		"CompanyParams.Name":                                {},
		"CompanyParams.CommercialInfo.Website":              {Name: "x", CommercialInfo: &CompanyCommercialInfo{Website: "www.test.com"}},
		"CompanyParams.CommercialInfo.MerchantSupportEmail": {Name: "x", CommercialInfo: &CompanyCommercialInfo{MerchantSupportEmail: "test"}},
		"CompanyParams.BankAccount.CLABE":                   {Name: "x", BankAccount: &CompanyBankAccount{CLABE: "0020100777"}},
	} {
		got, err := c.Companies.Create(ctx, p)
		var pe *ParamError
		if got != nil || !errors.As(err, &pe) || pe.Field != field {
			t.Errorf("%s: %+v, %v", field, got, err)
		}
	}
	ok := CompanyDocumentParams{FileClassification: DocumentCFDI, FileName: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}
	mod := func(f func(*CompanyDocumentParams)) *CompanyDocumentParams { p := ok; f(&p); return &p }
	for field, p := range map[string]*CompanyDocumentParams{
		"CompanyDocumentParams":                    nil,
		"CompanyDocumentParams.FileClassification": mod(func(p *CompanyDocumentParams) { p.FileClassification = "" }),
		"CompanyDocumentParams.FileName":           mod(func(p *CompanyDocumentParams) { p.FileName = "" }),
		"CompanyDocumentParams.ContentType":        mod(func(p *CompanyDocumentParams) { p.ContentType = "" }),
		"CompanyDocumentParams.Data":               mod(func(p *CompanyDocumentParams) { p.Data = nil }),
	} {
		for _, send := range []func(string, *CompanyDocumentParams, ...RequestOption) (*CompanyDocument, error){
			func(id string, p *CompanyDocumentParams, o ...RequestOption) (*CompanyDocument, error) {
				return c.Companies.UploadDocument(ctx, id, p, o...)
			},
			func(id string, p *CompanyDocumentParams, o ...RequestOption) (*CompanyDocument, error) {
				return c.Companies.UpdateDocument(ctx, id, p, o...)
			},
		} {
			got, err := send("6827305a1ec60400015eb116", p)
			var pe *ParamError
			if got != nil || !errors.As(err, &pe) || pe.Field != field {
				t.Errorf("%s: %+v, %v", field, got, err)
			}
		}
	}
	if _, err := c.Companies.UploadDocument(ctx, "..", &ok); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("dot company id: %v", err)
	}
	if _, err := c.Companies.Documents(ctx, ""); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty company id: %v", err)
	}
	if _, err := c.Companies.Get(ctx, "."); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("dot id: %v", err)
	}
}
