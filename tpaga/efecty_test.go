package tpaga

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"sync/atomic"
	"testing"
)

func TestEfectyLookup(t *testing.T) {
	t.Parallel()
	_, sim, mux := setup(t)
	mux.HandleFunc("/api/efecty/payment/575657589293", func(w http.ResponseWriter, r *http.Request) {
		wireEfecty(t, r, "GET", "")
		respond(w, 200, `{"reference":"575657589293","amount":null}`)
	})
	got, err := sim.Lookup(t.Context(), "575657589293")
	if err != nil || string(got.Raw) != `{"reference":"575657589293","amount":null}` {
		t.Fatalf("Lookup = %s, %v", got.Raw, err)
	}
}

// The simulator speaks camelCase with the amount as a string, outside the
// cash-in prefix.
func TestEfectyPay(t *testing.T) {
	t.Parallel()
	_, sim, mux := setup(t)
	mux.HandleFunc("/api/efecty/payment", func(w http.ResponseWriter, r *http.Request) {
		wireEfecty(t, r, "POST", `{"reference":"575657589293","amount":"20000","efectyOrderId":"999777555","efectyOfficeId":"001"}`)
		respond(w, 200, `{"status":"ok"}`)
	})
	got, err := sim.Pay(t.Context(), &EfectyPaymentParams{Reference: "575657589293", Amount: 20000, EfectyOrderID: "999777555"})
	if err != nil {
		t.Fatal(err)
	}
	if got.EfectyOrderID != "999777555" || got.EfectyOfficeID != "001" || got.Amount != 20000 || string(got.Raw) != `{"status":"ok"}` {
		t.Fatalf("Pay = %+v", got)
	}
}

// An order id is generated when none is given; a failure after the payment
// may have reached Tpaga is not repeated and names that order id.
func TestEfectyPayGeneratesOrderIDAndIsNotRepeated(t *testing.T) {
	t.Parallel()
	_, sim, mux := setup(t)
	var n atomic.Int32
	var sent atomic.Value
	mux.HandleFunc("/api/efecty/payment", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var v struct {
			OrderID string `json:"efectyOrderId"`
		}
		_ = json.Unmarshal(b, &v)
		sent.Store(v.OrderID)
		if n.Add(1) == 1 {
			respond(w, 200, `{}`)
			return
		}
		respond(w, 502, `bad gateway`)
	})
	got, err := sim.Pay(t.Context(), &EfectyPaymentParams{Reference: "TSREYSANTANA", Amount: 15000})
	if err != nil || !regexp.MustCompile(`^[1-9][0-9]{11}$`).MatchString(got.EfectyOrderID) || sent.Load() != got.EfectyOrderID {
		t.Fatalf("Pay = %+v, %v; sent order id %v", got, err, sent.Load())
	}
	_, err = sim.Pay(t.Context(), &EfectyPaymentParams{Reference: "TSREYSANTANA", Amount: 15000, EfectyOrderID: "42"})
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) || ou.Sent != "efectyOrderId=42" || n.Load() != 2 {
		t.Fatalf("err = %v after %d requests; want one attempt and an unknown outcome naming the order id", err, n.Load())
	}
}

func TestEfectyPayValidates(t *testing.T) {
	t.Parallel()
	_, sim, _ := setup(t)
	cases := []struct {
		field string
		p     *EfectyPaymentParams
	}{
		{"EfectyPaymentParams", nil},
		{"EfectyPaymentParams.Reference", &EfectyPaymentParams{Amount: 1}},
		{"EfectyPaymentParams.Amount", &EfectyPaymentParams{Reference: "R1"}},
		{"EfectyPaymentParams.Amount", &EfectyPaymentParams{Reference: "R1", Amount: -1}},
		{"EfectyPaymentParams.EfectyOrderID", &EfectyPaymentParams{Reference: "R1", Amount: 1, EfectyOrderID: "9 9"}},
	}
	for _, tc := range cases {
		_, err := sim.Pay(t.Context(), tc.p)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != tc.field {
			t.Errorf("Pay(%+v) err = %v, want ParamError on %s", tc.p, err, tc.field)
		}
	}
	if _, err := sim.Lookup(t.Context(), ""); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty reference: %v", err)
	}
}
