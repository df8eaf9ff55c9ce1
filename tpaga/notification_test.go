package tpaga

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pagos-go/pagos/internal/testutil"
)

// The notification of Tpaga's guide.
const guideNotification = `{
  "reference": "575657589293",
  "amount": 20000,
  "idempotency_token": "c348e1578b91e2f03db5e15a401b99",
  "efecty_order_id": "999777555"
}`

func TestParseNotification(t *testing.T) {
	t.Parallel()
	n, err := ParseNotification([]byte(guideNotification))
	if err != nil {
		t.Fatal(err)
	}
	want := &Notification{Reference: "575657589293", IdempotencyToken: "c348e1578b91e2f03db5e15a401b99",
		EfectyOrderID: "999777555", Raw: json.RawMessage(guideNotification)}
	if diff := cmp.Diff(want, n, cmpopts.IgnoreUnexported(Notification{})); diff != "" {
		t.Errorf("notification (-want +got):\n%s", diff)
	}
	if a, err := n.Amount(); a != 20000 || err != nil {
		t.Errorf("Amount() = %d, %v", a, err)
	}
	b, _ := json.Marshal(n)
	testutil.JSONEqual(t, b, guideNotification)
}

func TestParseNotificationTolerance(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body        string
		amount      int64
		orderID     string
		token       string
		description string
	}{
		{`{"reference":"TSREYSANTANA","amount":15000,"efecty_order_id":999777556}`, 15000, "999777556", "", "numeric order id, no token (permanent reference)"},
		{`{"reference":"R1","amount":"20000","efecty_order_id":"1","idempotency_token":null}`, 20000, "1", "", "amount as a string, null token"},
		{`{"reference":"R1","amount":20000.0,"efecty_order_id":"1","idempotency_token":7}`, 20000, "1", "7", "amount with zero decimals"},
		{`{"reference":"R1","amount":"20000.00","efecty_order_id":"1","idempotency_token":{}}`, 20000, "1", "", "decimal string; a token of another shape is left empty"},
		{`{"reference":"R1","amount":1,"efecty_order_id":12345678901234567890123,"extra":{"new":true}}`, 1, "12345678901234567890123", "", "a long numeric id keeps its digits; unknown fields are kept in Raw"},
		{`{"reference":575657589293,"amount":1,"efecty_order_id":"9"}`, 1, "9", "", "a numeric reference keeps its digits"},
	}
	for _, tc := range cases {
		n, err := ParseNotification([]byte(tc.body))
		if err != nil {
			t.Errorf("%s: %v", tc.description, err)
			continue
		}
		if a, err := n.Amount(); a != tc.amount || err != nil || n.EfectyOrderID != tc.orderID || n.IdempotencyToken != tc.token || string(n.Raw) != tc.body {
			t.Errorf("%s: got %+v", tc.description, n)
		}
		b, _ := json.Marshal(n)
		testutil.JSONEqual(t, b, tc.body) // as received, unknown fields included
	}
}

// Only what identifies the deposit (reference and efecty_order_id) can make
// an authentic notification unreadable.
func TestParseNotificationRefusesWhatCannotBeIdentified(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"amount":20000,"efecty_order_id":"1"}`,                  // no reference
		`{"reference":"","amount":20000,"efecty_order_id":"1"}`,   // empty reference
		`{"reference":{},"amount":20000,"efecty_order_id":"1"}`,   // reference of another shape
		`{"reference":"R1","amount":20000}`,                       // no order id: the deposit cannot be told apart
		`{"reference":"R1","amount":20000,"efecty_order_id":""}`,  // empty order id
		`{"reference":"R1","amount":20000,"efecty_order_id":[1]}`, // order id of another shape
		`[]`, `nope`, ``,
	} {
		if _, err := ParseNotification([]byte(body)); !errors.Is(err, ErrMalformedNotification) {
			t.Errorf("ParseNotification(%s) err = %v, want ErrMalformedNotification", body, err)
		}
	}
}

// An amount that cannot be read exactly as whole pesos is not refused at
// parse time (the notification is authentic and would be retried for
// ever): Amount returns an error, never a guess.
func TestNotificationAmountErrors(t *testing.T) {
	t.Parallel()
	for _, amount := range []string{
		``, `null`, `200.5`, `"20000.50"`, `-5`, `2e4`, `"veinte"`, `99999999999999999999`, `{"value":20000}`, `[20000]`, `true`,
	} {
		body := `{"reference":"R1","efecty_order_id":"1"` + map[bool]string{true: "", false: `,"amount":` + amount}[amount == ""] + `}`
		n, err := ParseNotification([]byte(body))
		if err != nil {
			t.Errorf("ParseNotification(%s) = %v, want the notification", body, err)
			continue
		}
		if a, err := n.Amount(); err == nil || a != 0 {
			t.Errorf("%s: Amount() = %d, %v; want an error", body, a, err)
		}
	}
}

func TestNotificationBuiltInCodeEncodesAsTpagaSends(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(NewNotification("TSREYSANTANA", 15000, "42", ""))
	if err != nil || string(b) != `{"reference":"TSREYSANTANA","amount":15000,"idempotency_token":null,"efecty_order_id":"42"}` {
		t.Fatalf("encoded %s, %v", b, err)
	}
	n, err := ParseNotification(b)
	if a, aerr := n.Amount(); err != nil || n.Reference != "TSREYSANTANA" || a != 15000 || aerr != nil {
		t.Fatalf("round trip %+v, %v", n, err)
	}
}

// FuzzParseNotification: notification bodies come from the network.
func FuzzParseNotification(f *testing.F) {
	f.Add([]byte(guideNotification))
	f.Add([]byte(`{"reference":"R","amount":"1.000","efecty_order_id":-1}`))
	f.Add([]byte(`{"reference":"R","amount":".0","efecty_order_id":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := ParseNotification(b)
		if err != nil {
			if !errors.Is(err, ErrMalformedNotification) {
				t.Fatalf("error %v does not match ErrMalformedNotification", err)
			}
			return
		}
		if n.Reference == "" || n.EfectyOrderID == "" {
			t.Fatalf("accepted a notification that cannot be identified: %+v", n)
		}
		if a, err := n.Amount(); (err == nil && a < 0) || (err != nil && a != 0) {
			t.Fatalf("Amount() = %d, %v", a, err)
		}
	})
}
