package spectest

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/conekta"
)

// The account-level operations and a customer's shipping contacts and
// fiscal entities, each called through the client so that the OpenAPI
// check sees every request and answer, and their state checked.
func TestAccountOperationsKeepToTheSpec(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, c := newFake(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// Antifraud lists: what is added is listed, what is deleted is gone.
	for _, l := range []struct {
		name   string
		create func(*conekta.RiskRuleParams, ...conekta.RequestOption) (*conekta.RiskRule, error)
		list   func(*conekta.ListParams, ...conekta.RequestOption) (*conekta.List[*conekta.RiskRule], error)
		del    func(string, ...conekta.RequestOption) (*conekta.RiskRule, error)
	}{
		{"whitelist", func(p *conekta.RiskRuleParams, o ...conekta.RequestOption) (*conekta.RiskRule, error) {
			return c.Whitelist.Create(ctx, p, o...)
		},
			func(p *conekta.ListParams, o ...conekta.RequestOption) (*conekta.List[*conekta.RiskRule], error) {
				return c.Whitelist.List(ctx, p, o...)
			},
			func(id string, o ...conekta.RequestOption) (*conekta.RiskRule, error) {
				return c.Whitelist.Delete(ctx, id, o...)
			}},
		{"blacklist", func(p *conekta.RiskRuleParams, o ...conekta.RequestOption) (*conekta.RiskRule, error) {
			return c.Blacklist.Create(ctx, p, o...)
		},
			func(p *conekta.ListParams, o ...conekta.RequestOption) (*conekta.List[*conekta.RiskRule], error) {
				return c.Blacklist.List(ctx, p, o...)
			},
			func(id string, o ...conekta.RequestOption) (*conekta.RiskRule, error) {
				return c.Blacklist.Delete(ctx, id, o...)
			}},
	} {
		rule, err := l.create(&conekta.RiskRuleParams{Field: conekta.RiskFieldEmail, Value: "ana@example.com", Description: l.name + " by review 7"})
		must(err)
		got, err := l.list(nil)
		must(err)
		if len(got.Data) != 1 || got.Data[0].ID != rule.ID || got.Data[0].Value != "ana@example.com" || got.Data[0].CreatedAt == "" {
			t.Fatalf("%s after create: %+v", l.name, got.Data)
		}
		_, err = l.del(rule.ID)
		must(err)
		if got, err = l.list(nil); err != nil || len(got.Data) != 0 {
			t.Fatalf("%s after delete: %+v, %v", l.name, got, err)
		}
		if _, err := l.del(rule.ID); !errors.Is(err, conekta.ErrNotFound) {
			t.Errorf("%s delete twice: %v", l.name, err)
		}
	}

	// API keys: the new key authenticates until it is deactivated.
	key, err := c.APIKeys.Create(ctx, &conekta.APIKeyParams{Role: conekta.APIKeyPrivate, Description: "tienda en línea"})
	must(err)
	if !strings.HasPrefix(string(key.AuthenticationToken), "key_") || !key.Active {
		t.Fatalf("new key %+v", key)
	}
	second, err := conekta.NewClient(string(key.AuthenticationToken), conekta.WithBaseURL(srv.URL), conekta.WithHTTPClient(&http.Client{Transport: newSpecTransport(t)}))
	must(err)
	if _, err := second.Companies.Current(ctx); err != nil {
		t.Fatalf("the new key does not authenticate: %v", err)
	}
	got, err := c.APIKeys.Get(ctx, key.ID)
	must(err)
	if got.AuthenticationToken != "" || got.LastUsedAt.IsZero() || got.Prefix != string(key.AuthenticationToken)[:6] {
		t.Errorf("Get = %+v", got)
	}
	keys, err := c.APIKeys.List(ctx, &conekta.ListParams{Search: "tienda"})
	must(err)
	if len(keys.Data) != 1 || keys.Data[0].ID != key.ID {
		t.Errorf("List = %+v", keys.Data)
	}
	_, err = c.APIKeys.Update(ctx, key.ID, &conekta.APIKeyUpdateParams{Active: conekta.Bool(false), Description: "retirada"})
	must(err)
	if _, err := second.Companies.Current(ctx); !errors.Is(err, conekta.ErrUnauthorized) {
		t.Errorf("a deactivated key still authenticates: %v", err)
	}
	del, err := c.APIKeys.Delete(ctx, key.ID)
	must(err)
	if !del.Deleted {
		t.Errorf("Delete = %+v", del)
	}

	// Companies: a child company and its documents.
	cur, err := c.Companies.Current(ctx)
	must(err)
	child, err := c.Companies.Create(ctx, &conekta.CompanyParams{Name: "Sucursal Norte", TypeCompany: "owner",
		CommercialInfo: &conekta.CompanyCommercialInfo{MCC: "5812", Website: "https://norte.example.com"}})
	must(err)
	if child.ParentCompanyID != cur.ID || child.OnboardingStatus != "pending" {
		t.Errorf("child %+v", child)
	}
	_, err = c.Companies.Get(ctx, child.ID)
	must(err)
	companies, err := c.Companies.List(ctx, &conekta.ListParams{Limit: 10})
	must(err)
	if len(companies.Data) != 2 {
		t.Errorf("companies %+v", companies.Data)
	}
	doc := &conekta.CompanyDocumentParams{FileClassification: conekta.DocumentProofOfAddress, FileName: "recibo.pdf", ContentType: "application/pdf",
		Data: []byte("%PDF-1.4 recibo")}
	_, err = c.Companies.UploadDocument(ctx, child.ID, doc)
	must(err)
	doc.FileName = "recibo-2.pdf"
	_, err = c.Companies.UpdateDocument(ctx, child.ID, doc)
	must(err)
	docs, err := c.Companies.Documents(ctx, child.ID)
	must(err)
	if len(docs) != 1 || docs[0].FileName != "recibo-2.pdf" || docs[0].FileClassification != conekta.DocumentProofOfAddress {
		t.Errorf("documents %+v", docs)
	}

	// Shipping contacts and fiscal entities of a customer.
	cus, err := c.Customers.Create(ctx, &conekta.CustomerParams{Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555"})
	must(err)
	sc, err := c.ShippingContacts.Create(ctx, cus.ID, &conekta.ShippingContactParams{Receiver: "Felipe Gómez", Phone: "+525511223344",
		Address: &conekta.ShippingContactAddress{Street1: "Nuevo Leon 254", City: "Ciudad de Mexico", PostalCode: "06100", Country: "MX"}})
	must(err)
	if !sc.Default || sc.ParentID != cus.ID || sc.Address.Residential == nil || !*sc.Address.Residential {
		t.Errorf("first shipping contact %+v", sc)
	}
	sc, err = c.ShippingContacts.Update(ctx, cus.ID, sc.ID, &conekta.ShippingContactParams{Receiver: "Ana López"})
	must(err)
	if sc.Receiver != "Ana López" || sc.Address.Street1 != "Nuevo Leon 254" {
		t.Errorf("updated shipping contact %+v", sc)
	}
	fe, err := c.FiscalEntities.Create(ctx, cus.ID, &conekta.FiscalEntityParams{TaxID: "GOMF800101AB1", CompanyName: "Felipe Gómez",
		Address: &conekta.FiscalAddress{Street1: "Nuevo Leon 254", City: "Ciudad de Mexico", PostalCode: "06100", Country: "MX"}})
	must(err)
	fe, err = c.FiscalEntities.Update(ctx, cus.ID, fe.ID, &conekta.FiscalEntityParams{Email: "facturas@example.com",
		Address: &conekta.FiscalAddress{Street1: "Nuevo Leon 254", Street2: "Departamento 404", City: "Ciudad de Mexico", PostalCode: "06100"}})
	must(err)
	if fe.Email != "facturas@example.com" || fe.Address.Street1 != "Nuevo Leon 254" || fe.Address.Street2 != "Departamento 404" || !fe.Default {
		t.Errorf("updated fiscal entity %+v", fe)
	}
	withDefaults, err := c.Customers.Get(ctx, cus.ID)
	must(err)
	if withDefaults.DefaultShippingContactID != sc.ID || withDefaults.DefaultFiscalEntityID != fe.ID {
		t.Errorf("customer defaults %+v", withDefaults)
	}
	deleted, err := c.ShippingContacts.Delete(ctx, cus.ID, sc.ID)
	must(err)
	if !deleted.Deleted {
		t.Errorf("deleted %+v", deleted)
	}
	if _, err := c.ShippingContacts.Delete(ctx, cus.ID, sc.ID); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	if _, err := c.FiscalEntities.Update(ctx, "cus_missing", fe.ID, &conekta.FiscalEntityParams{TaxID: "X"}); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("unknown customer: %v", err)
	}

	// Logs: every request above is there, newest first, without secrets;
	// an error's log_id names its log.
	_, notFound := c.Customers.Get(ctx, "cus_missing")
	var ce *conekta.Error
	if !errors.As(notFound, &ce) || ce.LogID == "" {
		t.Fatalf("error %v", notFound)
	}
	lg, err := c.Logs.Get(ctx, ce.LogID)
	must(err)
	if lg.Method != "GET" || lg.URL != "/customers/cus_missing" || lg.Status != "404" || lg.Version != conekta.APIVersion230 {
		t.Errorf("log of the error %+v", lg)
	}
	page, err := c.Logs.List(ctx, &conekta.ListParams{Limit: 2})
	must(err)
	if len(page.Data) != 2 || page.Data[0].ID != ce.LogID || !page.HasMore {
		t.Errorf("newest logs %+v", page.Data)
	}
	var n int
	for l, err := range c.Logs.All(ctx, &conekta.ListParams{Limit: 50}) {
		must(err)
		n++
		if strings.Contains(string(l.Raw), string(key.AuthenticationToken)) || strings.Contains(string(l.Raw), srv.APIKey) {
			t.Fatalf("a log keeps a key: %s", l.Raw)
		}
		if l.Method == "POST" && l.URL == "/api_keys" && !strings.Contains(string(l.ResponseBody), "[filtered]") {
			t.Errorf("the API key create is logged as %s", l.ResponseBody)
		}
	}
	if n < 30 {
		t.Errorf("All gave %d logs", n)
	}
	creates, err := c.Logs.List(ctx, &conekta.ListParams{Search: "/api_keys", Limit: 250})
	must(err)
	if !slices.ContainsFunc(creates.Data, func(l *conekta.RequestLog) bool { return l.Method == "DELETE" }) {
		t.Errorf("search /api_keys: %d logs", len(creates.Data))
	}
}

// The fake refuses what Conekta refuses in these operations, in Conekta's
// error body.
func TestAccountOperationsRefuseLikeConekta(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	_, c := newFake(t)
	if _, err := c.Companies.Get(ctx, "company_missing"); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("unknown company: %v", err)
	}
	if _, err := c.APIKeys.Get(ctx, "api_key_missing"); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := c.Logs.Get(ctx, "log_missing"); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("unknown log: %v", err)
	}
	doc := &conekta.CompanyDocumentParams{FileClassification: conekta.DocumentCFDI, FileName: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}
	cur, err := c.Companies.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Companies.UpdateDocument(ctx, cur.ID, doc); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("replacing a document never uploaded: %v", err)
	}
	if _, err := c.ShippingContacts.Create(ctx, "cus_missing", &conekta.ShippingContactParams{
		Address: &conekta.ShippingContactAddress{Street1: "Calle 1", PostalCode: "06100", Country: "MX"}}); !errors.Is(err, conekta.ErrNotFound) {
		t.Errorf("unknown customer: %v", err)
	}
}
