package toku

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The subscription.* payloads of Toku's webhook reference (webhooks-3).
func TestSubscriptionEvents(t *testing.T) {
	t.Parallel()
	created := `{"id":"whe_2","event_type":"subscription.created","subscription":{"id":"sub_1","customer":"cus_1","product_id":"92792","pac_mandate_id":"500196","is_recurring":true,"amount":19990.0,"due_day":5,"receipt_product_code":"84111506","metadata":{"plan":"gold"},"new_field":1}}`
	e, err := ParseEvent([]byte(created))
	if err != nil {
		t.Fatal(err)
	}
	if e.Type != EventSubscriptionCreated || !e.Type.IsSubscriptionEvent() {
		t.Fatalf("type %q", e.Type)
	}
	s, err := e.Subscription()
	if err != nil {
		t.Fatal(err)
	}
	want := &Subscription{ID: "sub_1", Customer: "cus_1", ProductID: "92792", PACMandateID: "500196", IsRecurring: true,
		Amount: ptrAmount(mustAmount(t, "19990.0")), DueDay: ptrInt(5), ReceiptProductCode: "84111506", Metadata: Metadata{"plan": "gold"}}
	if diff := cmp.Diff(want, s, cmpopts.IgnoreFields(Subscription{}, "Raw")); diff != "" {
		t.Errorf("subscription (-want +got):\n%s", diff)
	}
	if string(s.Raw) != created[len(`{"id":"whe_2","event_type":"subscription.created","subscription":`):len(created)-1] {
		t.Errorf("Raw = %s", s.Raw)
	}

	// subscription.deleted carries the id only.
	del, err := ParseEvent([]byte(`{"id":"whe_3","event_type":"subscription.deleted","subscription":{"id":"sub_1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := del.Subscription(); err != nil || s.ID != "sub_1" || s.Amount != nil || s.DueDay != nil || del.Type != EventSubscriptionDeleted {
		t.Fatalf("deleted: %+v, %v", s, err)
	}

	// An unknown subscription event is kept, with its type as sent.
	future, err := ParseEvent([]byte(`{"id":"whe_4","event_type":"subscription.paused","subscription":{"id":"sub_1"}}`))
	if err != nil || future.Type != "subscription.paused" || !future.Type.IsSubscriptionEvent() {
		t.Fatalf("unknown type: %+v, %v", future, err)
	}
	if EventInvoiceCreated.IsSubscriptionEvent() {
		t.Error("invoice.created counted as a subscription event")
	}
	if diff := cmp.Diff([]EventType{"subscription.created", "subscription.updated", "subscription.deleted"}, SubscriptionEventTypes()); diff != "" {
		t.Errorf("SubscriptionEventTypes (-want +got):\n%s", diff)
	}
}

func TestBankAccountVerificationEvent(t *testing.T) {
	t.Parallel()
	e, err := ParseEvent([]byte(`{"id":"wheve_7","event_type":"bank_account_verification.result","id_account":"acc_1","bank_account_verification":{"id":"bav_1","account_number":"032180000118359719","customer_identifier":"GODE561231GR8","status":"completed","result":"valid","holder_name":"EMILIO GOMEZ"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if e.Type != EventBankAccountVerificationResult || e.AccountID != "acc_1" {
		t.Fatalf("envelope %+v", e)
	}
	v, err := e.BankAccountVerification()
	if err != nil {
		t.Fatal(err)
	}
	want := &BankAccountVerification{ID: "bav_1", AccountNumber: "032180000118359719", CustomerIdentifier: "GODE561231GR8", Status: "completed", Result: "valid"}
	if diff := cmp.Diff(want, v, cmpopts.IgnoreFields(BankAccountVerification{}, "Raw")); diff != "" {
		t.Errorf("verification (-want +got):\n%s", diff)
	}
	var extra struct {
		HolderName string `json:"holder_name"`
	}
	if err := json.Unmarshal(v.Raw, &extra); err != nil || extra.HolderName != "EMILIO GOMEZ" {
		t.Errorf("Raw lost a field: %s", v.Raw)
	}
	other, _ := ParseEvent([]byte(`{"id":"x","event_type":"invoice.created","invoice":{"id":"in_1"}}`))
	if got, err := other.BankAccountVerification(); got != nil || err == nil {
		t.Errorf("BankAccountVerification on an invoice event = %v, %v", got, err)
	}
}

// FuzzSubscriptionPayloads feeds untrusted bodies to the new decoders: they
// must never panic, and a decoded object keeps the bytes it came from.
func FuzzSubscriptionPayloads(f *testing.F) {
	f.Add([]byte(`{"id":"sub_1","amount":"10.5","due_day":5,"metadata":{"a":1}}`))
	f.Add([]byte(`{"amount":1e999}`))
	f.Add([]byte(`[{"id":"cus_1"}]`))
	f.Add([]byte(`{"items":[],"next_cursor":null}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Subscription
		if err := json.Unmarshal(b, &s); err == nil && len(s.Raw) == 0 {
			t.Errorf("decoded %q without keeping Raw", b)
		}
		var v BankAccountVerification
		_ = json.Unmarshal(b, &v)
		if c, err := firstCustomer(b); (c == nil) == (err == nil) {
			t.Errorf("firstCustomer(%q) = %v, %v", b, c, err)
		}
		_ = CheckCLABE(string(b))
	})
}
