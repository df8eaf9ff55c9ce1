package conektatest

import (
	"reflect"
	"testing"
)

// saved marks a field SaveState writes and LoadState restores.
const saved = "saved"

// stateFields lists every field of every struct holding the fake's state,
// each saved or not saved with the reason. A field added to one of these
// structs fails TestStateCoversEveryField until it is handled in state.go
// and listed here: a forgotten field would be lost at every restart.
var stateFields = map[reflect.Type]map[string]string{
	reflect.TypeFor[Server](): {
		"URL":           "not saved: the listener's address (WithListener keeps it)",
		"APIKey":        "not saved: an option of NewServer",
		"srv":           "not saved: the running server",
		"ln":            "not saved: the listener WithListener gave",
		"ids":           saved + " (its count)",
		"now":           "not saved: WithClock's clock; Advance's offset is saved with billing",
		"newID":         "not saved: WithIDs's source, or ids.New",
		"sleep":         "not saved: an option of NewServer",
		"maxAttempts":   "not saved: an option of NewServer",
		"syncLimit":     "not saved: an option of NewServer",
		"hc":            "not saved: the delivery client",
		"tb":            "not saved: the test",
		"hooks":         "not saved: Subscribe's in-process servers",
		"ctx":           "not saved: ends at Close",
		"cancel":        "not saved: ends at Close",
		"mu":            "not saved: the lock",
		"customers":     saved,
		"customerIDs":   saved,
		"tokens":        saved,
		"orders":        saved,
		"orderIDs":      saved,
		"cashOrders":    saved,
		"recurring":     saved + " (linked again to the customers' sources)",
		"events":        saved,
		"eventIDs":      saved,
		"logs":          saved,
		"inflight":      "not saved: deliveries in progress (SaveState after Settle includes their records)",
		"outboxes":      "not saved: deliveries in progress",
		"idle":          "not saved: deliveries in progress",
		"webhooks":      saved,
		"webhookIDs":    saved,
		"keys":          saved + " (private keys as PKCS #8)",
		"keyIDs":        saved,
		"approval":      saved,
		"deliveries":    saved + " (Err as its text)",
		"syncCalls":     saved + " (Err as its text)",
		"references":    saved,
		"refundReasons": saved,
		"billing":       saved,
		"admin":         saved,
		"checkouts":     saved,
	},
	reflect.TypeFor[customer]():    {"Customer": saved, "sources": saved},
	reflect.TypeFor[source]():      {"obj": saved, "customerID": saved, "card": saved},
	reflect.TypeFor[card]():        {"last4": saved, "brand": saved, "outcome": saved},
	reflect.TypeFor[token]():       {"card": saved, "used": saved},
	reflect.TypeFor[signingKey]():  {"WebhookKey": saved, "private": saved},
	reflect.TypeFor[approvalURL](): {"url": saved, "user": saved, "pass": saved},
	reflect.TypeFor[Delivery](): {"EventID": saved, "EventType": saved, "WebhookID": saved, "URL": saved, "Attempts": saved,
		"StatusCode": saved, "Err": saved},
	reflect.TypeFor[SyncCall](): {"EventID": saved, "Type": saved, "Reference": saved, "Amount": saved, "StatusCode": saved,
		"Answer": saved, "Err": saved, "Elapsed": saved},
	reflect.TypeFor[billing](): {"offset": saved, "plans": saved, "planIDs": saved, "subs": saved, "subIDs": saved,
		"portals": saved, "payouts": saved, "payoutIDs": saved, "transfers": saved, "transferIDs": saved,
		"transferred": saved, "transactions": saved},
	reflect.TypeFor[subscription](): {"Subscription": saved, "charges": saved, "failures": saved, "nextRetry": saved, "events": saved},
	reflect.TypeFor[admin](): {"rules": saved, "keys": saved, "keyIDs": saved, "companies": saved, "companyIDs": saved,
		"shipping": saved, "fiscal": saved, "reqLogs": saved, "reqLogIDs": saved, "logCount": saved},
	reflect.TypeFor[ruleList](): {"rules": saved, "ids": saved},
	reflect.TypeFor[apiKey]():   {"obj": saved, "token": saved},
	reflect.TypeFor[company]():  {"obj": saved, "docs": saved},
	reflect.TypeFor[commerce](): {"checkouts": saved, "checkoutIDs": saved},
	reflect.TypeFor[checkout](): {"obj": saved, "template": saved, "orders": saved},
}

func TestStateCoversEveryField(t *testing.T) {
	for typ, fields := range stateFields {
		seen := map[string]bool{}
		for i := range typ.NumField() {
			f := typ.Field(i)
			seen[f.Name] = true
			if _, ok := fields[f.Name]; !ok {
				t.Errorf("%s.%s is neither saved by SaveState nor listed as deliberately not saved: handle it in state.go and list it here",
					typ.Name(), f.Name)
			}
		}
		for name := range fields {
			if !seen[name] {
				t.Errorf("%s has no field %s any more: remove it from stateFields", typ.Name(), name)
			}
		}
	}
}
