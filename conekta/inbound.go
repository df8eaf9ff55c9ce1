package conekta

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// InboundPayment is what a till reports when a customer pays a recurring
// cash reference. Amount is centavos: 0 in a lookup (the customer has not
// said how much yet), the amount handed over in a payment attempt.
type InboundPayment struct {
	Object        string       `json:"object"` // "inbound_payment"
	ChargeID      string       `json:"charge_id"`
	CustomerID    string       `json:"customer_id"`
	Amount        int64        `json:"amount"`
	Currency      string       `json:"currency"`
	Livemode      bool         `json:"livemode"`
	CreatedAt     Time         `json:"created_at"`
	PaymentMethod *CashPayment `json:"payment_method"`
}

// Reference returns the cash reference being paid, or "".
func (p *InboundPayment) Reference() string {
	if p.PaymentMethod == nil {
		return ""
	}
	return string(p.PaymentMethod.Reference)
}

// FailureCode tells the till why a recurring cash payment is declined
// (Conekta's "códigos de rechazo"). Conekta sends it as a two-digit string.
type FailureCode string

// Failure codes of Conekta's recurring cash guide.
const (
	FailureReferenceNotFound    FailureCode = "01" // Referencia no encontrada
	FailureInvalidAmount        FailureCode = "02" // Cantidad inválida
	FailureReferenceExpired     FailureCode = "03" // Referencia expirada
	FailureNoDebt               FailureCode = "10" // Referencia sin deuda
	FailureReferenceInactive    FailureCode = "13" // Referencia inactiva
	FailureReferenceCanceled    FailureCode = "14" // Referencia cancelada
	FailureUserBlocked          FailureCode = "15" // Usuario bloqueado
	FailureAmountNotAllowed     FailureCode = "16" // Cantidad no permitida
	FailureOutsideHours         FailureCode = "18" // Comercio fuera de horario
	FailureNotAuthorized        FailureCode = "19" // No autorizado
	FailureAmountOutOfRange     FailureCode = "35" // Monto fuera del rango permitido
	FailureReferenceAlreadyPaid FailureCode = "36" // Referencia ya pagada
)

// Meaning returns what the code tells the till, in English, or "" for a
// code outside Conekta's table.
func (c FailureCode) Meaning() string {
	switch c {
	case FailureReferenceNotFound:
		return "reference not found"
	case FailureInvalidAmount:
		return "invalid amount"
	case FailureReferenceExpired:
		return "reference expired"
	case FailureNoDebt:
		return "reference without debt"
	case FailureReferenceInactive:
		return "reference inactive"
	case FailureReferenceCanceled:
		return "reference cancelled"
	case FailureUserBlocked:
		return "user blocked"
	case FailureAmountNotAllowed:
		return "amount not allowed"
	case FailureOutsideHours:
		return "merchant outside business hours"
	case FailureNotAuthorized:
		return "not authorised"
	case FailureAmountOutOfRange:
		return "amount outside the permitted range"
	case FailureReferenceAlreadyPaid:
		return "reference already paid"
	}
	return ""
}

// Known reports whether c is in Conekta's table.
func (c FailureCode) Known() bool { return c.Meaning() != "" }

// String returns the code and its meaning, such as "15 (user blocked)".
func (c FailureCode) String() string {
	if m := c.Meaning(); m != "" {
		return string(c) + " (" + m + ")"
	}
	return string(c)
}

// InboundAnswer is the merchant's answer to an inbound_payment.lookup or
// .payment_attempt: {"payable":true,"min_amount":…,"max_amount":…},
// {"payable":true} or {"payable":false,"failure_code":"15"}. Build it with
// ApproveLookup, ApprovePayment or Decline.
type InboundAnswer struct {
	Payable bool
	// MinAmount and MaxAmount bound, in centavos, what the customer may pay:
	// set on an approved lookup only.
	MinAmount, MaxAmount int64
	// FailureCode says why a payment is declined.
	FailureCode FailureCode
}

// ApproveLookup makes a lookup payable for min to max centavos.
func ApproveLookup(minAmount, maxAmount int64) InboundAnswer {
	return InboundAnswer{Payable: true, MinAmount: minAmount, MaxAmount: maxAmount}
}

// ApprovePayment accepts a payment attempt.
func ApprovePayment() InboundAnswer { return InboundAnswer{Payable: true} }

// Decline refuses a lookup or a payment attempt with code.
func Decline(code FailureCode) InboundAnswer { return InboundAnswer{FailureCode: code} }

// Check reports what is wrong with a as the answer to a request of type t:
// an approved lookup needs 0 < MinAmount <= MaxAmount, an approved attempt
// carries no range, a decline needs a two-digit FailureCode.
func (a InboundAnswer) Check(t EventType) error {
	switch {
	case !a.Payable && !isTwoDigits(string(a.FailureCode)):
		return fmt.Errorf("conekta: a decline needs a two-digit failure code such as %q, not %q", FailureNotAuthorized, a.FailureCode)
	case !a.Payable:
		return nil
	case a.FailureCode != "":
		return errors.New("conekta: an approval carries no failure code")
	case t == EventInboundPaymentLookup && (a.MinAmount <= 0 || a.MaxAmount < a.MinAmount):
		return fmt.Errorf("conekta: an approved lookup needs 0 < MinAmount <= MaxAmount (centavos), not %d..%d", a.MinAmount, a.MaxAmount)
	case t != EventInboundPaymentLookup && (a.MinAmount != 0 || a.MaxAmount != 0):
		return errors.New("conekta: only a lookup's approval carries an amount range")
	}
	return nil
}

func isTwoDigits(s string) bool {
	return len(s) == 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'
}

// MarshalJSON writes the answer in the shape of Conekta's guide.
func (a InboundAnswer) MarshalJSON() ([]byte, error) {
	switch {
	case !a.Payable:
		return []byte(`{"payable":false,"failure_code":"` + string(a.FailureCode) + `"}`), nil
	case a.MinAmount != 0 || a.MaxAmount != 0:
		b := append(make([]byte, 0, 64), `{"payable":true,"min_amount":`...)
		b = strconv.AppendInt(b, a.MinAmount, 10)
		b = append(b, `,"max_amount":`...)
		b = strconv.AppendInt(b, a.MaxAmount, 10)
		return append(b, '}'), nil
	}
	return []byte(`{"payable":true}`), nil
}

// UnmarshalJSON reads an answer, as the conektatest fake does.
func (a *InboundAnswer) UnmarshalJSON(b []byte) error {
	var v struct {
		Payable     *bool       `json:"payable"`
		MinAmount   int64       `json:"min_amount"`
		MaxAmount   int64       `json:"max_amount"`
		FailureCode FailureCode `json:"failure_code"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.Payable == nil {
		return errors.New("conekta: answer has no payable field")
	}
	*a = InboundAnswer{Payable: *v.Payable, MinAmount: v.MinAmount, MaxAmount: v.MaxAmount, FailureCode: v.FailureCode}
	return nil
}
