package conekta

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
)

func TestCustomerAndWebhookEventAccessors(t *testing.T) {
	t.Parallel()
	parse := func(typ, object string) *Event {
		t.Helper()
		e, err := ParseEvent([]byte(`{"id":"5b438f82583eb80d50b4652c","type":"` + typ + `","livemode":false,"created_at":1531154306,"data":{"object":` + object + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for _, typ := range []EventType{EventCustomerCreated, EventCustomerUpdated, EventCustomerDeleted} {
		cus, err := parse(string(typ), `{"id":"cus_2tKcHxhTz7xU5SymF","object":"customer","name":"Ana","email":"ana@example.com","created_at":1}`).Customer()
		if err != nil || cus.ID != "cus_2tKcHxhTz7xU5SymF" || cus.Email != "ana@example.com" {
			t.Errorf("%s: %+v, %v", typ, cus, err)
		}
	}
	blocked := parse(string(EventCustomerCardBlocked), `{"id":"src_1","object":"payment_source","type":"card","created_at":1,"parent_id":"cus_1","last4":"4242","payment_source_status":"blocked"}`)
	if src, err := blocked.PaymentSource(); err != nil || src.Card == nil || src.Card.PaymentSourceStatus != "blocked" {
		t.Errorf("card blocked: %+v, %v", src, err)
	}
	if cus, err := blocked.Customer(); cus != nil || err == nil {
		t.Errorf("a payment source event decoded as a customer: %+v", cus)
	}
	for _, typ := range []EventType{EventWebhookCreated, EventWebhookUpdated, EventWebhookDeleted} {
		wh, err := parse(string(typ), `{"id":"6307a5f4b0d4a1000145d3b0","object":"webhook","url":"https://example.com/hook","active":true}`).Webhook()
		if err != nil || wh.URL != "https://example.com/hook" {
			t.Errorf("%s: %+v, %v", typ, wh, err)
		}
	}
	order := parse(string(EventOrderPaid), `{"id":"ord_1"}`)
	if _, err := order.Customer(); err == nil {
		t.Error("Customer() of order.paid")
	}
	if _, err := order.Webhook(); err == nil {
		t.Error("Webhook() of order.paid")
	}
	if _, err := order.PaymentSource(); err == nil {
		t.Error("PaymentSource() of order.paid")
	}
	if cus, err := parse(string(EventCustomerUpdated), `"not an object"`).Customer(); cus != nil || err == nil {
		t.Errorf("a malformed payload gave %+v, %v", cus, err)
	}
}

// Each new create is sent once: an answer of 500 may mean it landed, so it
// is not repeated and the error says the outcome is unknown.
func TestNewCreatesAreNeverRepeated(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var n atomic.Int32
	fail := func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		respond(w, 500, `{"object":"error","type":"api_error","log_id":"641b6f2b3cd9a50001515098","details":[{"code":"conekta.errors.api.system.general_failure","message":"Error"}]}`)
	}
	for _, p := range []string{"/antifraud/whitelists", "/antifraud/blacklists", "/api_keys", "/companies", "/companies/co_1/document",
		"/customers/cus_1/shipping_contacts", "/customers/cus_1/fiscal_entities"} {
		mux.HandleFunc(p, fail)
	}
	ctx := t.Context()
	rule := &RiskRuleParams{Field: RiskFieldPhone, Value: "818081808180", Description: "x"}
	doc := &CompanyDocumentParams{FileClassification: DocumentCFDI, FileName: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}
	creates := map[string]func() error{
		"Whitelist.Create":         func() error { _, err := c.Whitelist.Create(ctx, rule); return err },
		"Blacklist.Create":         func() error { _, err := c.Blacklist.Create(ctx, rule); return err },
		"APIKeys.Create":           func() error { _, err := c.APIKeys.Create(ctx, &APIKeyParams{Role: APIKeyPrivate}); return err },
		"Companies.Create":         func() error { _, err := c.Companies.Create(ctx, &CompanyParams{Name: "x"}); return err },
		"Companies.UploadDocument": func() error { _, err := c.Companies.UploadDocument(ctx, "co_1", doc); return err },
		"Companies.UpdateDocument": func() error { _, err := c.Companies.UpdateDocument(ctx, "co_1", doc); return err },
		"ShippingContacts.Create": func() error {
			_, err := c.ShippingContacts.Create(ctx, "cus_1", &ShippingContactParams{Address: &ShippingContactAddress{Street1: "Calle 1", PostalCode: "06100", Country: "MX"}})
			return err
		},
		"FiscalEntities.Create": func() error {
			_, err := c.FiscalEntities.Create(ctx, "cus_1", &FiscalEntityParams{Address: &FiscalAddress{Street1: "Calle 1", City: "CDMX", PostalCode: "06100"}})
			return err
		},
	}
	for name, create := range creates {
		before := n.Load()
		err := create()
		if sent := n.Load() - before; sent != 1 || !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrServer) {
			t.Errorf("%s: sent %d times, err = %v", name, sent, err)
		}
	}
}
