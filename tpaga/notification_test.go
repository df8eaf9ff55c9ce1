package tpaga

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	want := &Notification{Reference: "575657589293", Amount: 20000, IdempotencyToken: "c348e1578b91e2f03db5e15a401b99",
		EfectyOrderID: "999777555", Raw: json.RawMessage(guideNotification)}
	if diff := cmp.Diff(want, n); diff != "" {
		t.Errorf("notification (-want +got):\n%s", diff)
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
	}
	for _, tc := range cases {
		n, err := ParseNotification([]byte(tc.body))
		if err != nil {
			t.Errorf("%s: %v", tc.description, err)
			continue
		}
		if n.Amount != tc.amount || n.EfectyOrderID != tc.orderID || n.IdempotencyToken != tc.token || string(n.Raw) != tc.body {
			t.Errorf("%s: got %+v", tc.description, n)
		}
		b, _ := json.Marshal(n)
		testutil.JSONEqual(t, b, tc.body) // as received, unknown fields included
	}
}

func TestParseNotificationRefusesWhatCannotBeCredited(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"amount":20000,"efecty_order_id":"1"}`,                     // no reference
		`{"reference":"","amount":20000,"efecty_order_id":"1"}`,      // empty reference
		`{"reference":5,"amount":20000,"efecty_order_id":"1"}`,       // reference not a string
		`{"reference":"R1","amount":20000}`,                          // no order id: the deposit cannot be told apart
		`{"reference":"R1","amount":20000,"efecty_order_id":""}`,     // empty order id
		`{"reference":"R1","amount":20000,"efecty_order_id":[1]}`,    // order id of another shape
		`{"reference":"R1","efecty_order_id":"1"}`,                   // no amount
		`{"reference":"R1","amount":null,"efecty_order_id":"1"}`,     // null amount
		`{"reference":"R1","amount":200.5,"efecty_order_id":"1"}`,    // a fraction of a peso
		`{"reference":"R1","amount":-5,"efecty_order_id":"1"}`,       // negative
		`{"reference":"R1","amount":2e4,"efecty_order_id":"1"}`,      // exponent
		`{"reference":"R1","amount":"veinte","efecty_order_id":"1"}`, // not a number
		`{"reference":"R1","amount":99999999999999999999,"efecty_order_id":"1"}`,
		`[]`, `nope`, ``,
	} {
		if _, err := ParseNotification([]byte(body)); !errors.Is(err, ErrMalformedNotification) {
			t.Errorf("ParseNotification(%s) err = %v, want ErrMalformedNotification", body, err)
		}
	}
}

func TestNotificationBuiltInCodeEncodesAsTpagaSends(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(&Notification{Reference: "TSREYSANTANA", Amount: 15000, EfectyOrderID: "42"})
	if err != nil || string(b) != `{"reference":"TSREYSANTANA","amount":15000,"idempotency_token":null,"efecty_order_id":"42"}` {
		t.Fatalf("encoded %s, %v", b, err)
	}
	n, err := ParseNotification(b)
	if err != nil || n.Reference != "TSREYSANTANA" || n.Amount != 15000 {
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
		if n.Reference == "" || n.EfectyOrderID == "" || n.Amount < 0 {
			t.Fatalf("accepted a notification that cannot be credited: %+v", n)
		}
	})
}
