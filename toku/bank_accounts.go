package toku

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// BankAccountsService checks Mexican bank accounts (CLABE) against their
// holder's RFC (Mexico only).
//
// The path, POST /bank-account-verification with account_number and
// customer_identifier, comes from third-party clients; Toku's reference
// lists the feature and its bank_account_verification.result event but no
// request or result fields were found. Everything else about the answer and
// the event is pagos's assumption, listed on BankAccountVerification.
type BankAccountsService service

// BankAccountVerificationParams asks Toku to check that a CLABE belongs to
// the holder of an RFC.
type BankAccountVerificationParams struct {
	// CLABE is the 18-digit Mexican interbank account number, sent as
	// account_number. pagos checks its length and check digit before
	// sending.
	CLABE string `json:"account_number"`
	// RFC is the account holder's Registro Federal de Contribuyentes, sent
	// as customer_identifier: 13 characters for a person, 12 for a company,
	// in capitals.
	RFC string `json:"customer_identifier"`
}

func (p *BankAccountVerificationParams) check() error {
	if p == nil {
		return check.Invalid("toku", "BankAccountVerificationParams", "is nil")
	}
	if why := clabeProblem(p.CLABE); why != "" {
		return check.Invalid("toku", "BankAccountVerificationParams.CLABE", "%s", why)
	}
	if !looksLikeRFC(p.RFC) {
		return check.Invalid("toku", "BankAccountVerificationParams.RFC",
			"is not an RFC: give 4 letters (3 for a company), the 6-digit date YYMMDD and the 3-character homoclave, in capitals, such as \"GODE561231GR8\"")
	}
	return nil
}

// CheckCLABE reports whether s is a well-formed CLABE: exactly 18 digits
// whose last is the check digit of the first 17 (weights 3, 7, 1 repeated,
// each product taken modulo 10). It says nothing about whether the account
// exists; that is what Verify asks Toku. The error is a *ParamError
// matching ErrInvalidRequest.
func CheckCLABE(s string) error {
	if why := clabeProblem(s); why != "" {
		return check.Invalid("toku", "CLABE", "%s", why)
	}
	return nil
}

// clabeProblem says what is wrong with a CLABE, or "" when nothing is. It
// never echoes the number: an account number stays out of error text.
func clabeProblem(s string) string {
	if len(s) != 18 {
		return fmt.Sprintf("has %d characters; a CLABE has exactly 18 digits, without spaces", len(s))
	}
	weights := [3]int{3, 7, 1}
	sum := 0
	for i := 0; i < 18; i++ {
		if s[i] < '0' || s[i] > '9' {
			return fmt.Sprintf("has a character other than a digit at position %d", i+1)
		}
		if i < 17 {
			sum += int(s[i]-'0') * weights[i%3] % 10
		}
	}
	if (10-sum%10)%10 != int(s[17]-'0') {
		return "fails its check digit; look for a mistyped digit"
	}
	return ""
}

// looksLikeRFC checks the shape of a Mexican RFC: 3 (company) or 4 (person)
// letters, Ñ and & included, six digits of date and a three-character
// homoclave, all in capitals.
func looksLikeRFC(s string) bool {
	r := []rune(s)
	if len(r) != 12 && len(r) != 13 {
		return false
	}
	n := len(r) - 9
	for _, c := range r[:n] {
		if (c < 'A' || c > 'Z') && c != 'Ñ' && c != '&' {
			return false
		}
	}
	for _, c := range r[n : n+6] {
		if c < '0' || c > '9' {
			return false
		}
	}
	month := (r[n+2]-'0')*10 + r[n+3] - '0'
	day := (r[n+4]-'0')*10 + r[n+5] - '0'
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return false
	}
	for _, c := range r[n+6:] {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// BankAccountVerification is Toku's answer to a verification request and
// the payload of bank_account_verification.result.
//
// Unconfirmed: Toku publishes neither shape. pagos reads account_number and
// customer_identifier (the request's field names) and assumes id, status
// and result; everything Toku sends is kept in Raw, which is the place to
// look first.
type BankAccountVerification struct {
	ID                 string `json:"id,omitempty"`
	AccountNumber      string `json:"account_number,omitempty"`      // the CLABE
	CustomerIdentifier string `json:"customer_identifier,omitempty"` // the RFC
	// Status of the check, such as "pending" on request; kept as sent.
	Status string `json:"status,omitempty"`
	// Result of the check in the event, such as "valid" or "invalid"; kept
	// as sent.
	Result string `json:"result,omitempty"`

	// Raw is the object as Toku sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON reads the object tolerantly and keeps Raw.
func (v *BankAccountVerification) UnmarshalJSON(b []byte) error {
	type plain BankAccountVerification
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*v = BankAccountVerification(p)
	v.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON writes the object as Toku sent it, when it came from Toku.
func (v *BankAccountVerification) MarshalJSON() ([]byte, error) {
	if len(v.Raw) > 0 {
		return v.Raw, nil
	}
	type plain BankAccountVerification
	return json.Marshal((*plain)(v))
}

// Verify asks Toku to check that a CLABE belongs to the holder of an RFC
// (POST /bank-account-verification). The answer arrives later, as a
// bank_account_verification.result event (Event.BankAccountVerification);
// what Verify returns is only Toku's acknowledgement.
//
// A request that fails after it may have reached Toku is not repeated
// (ErrOutcomeUnknown). Asking again moves no money; at worst Toku sends a
// second result event (an inference: Toku does not say).
func (s *BankAccountsService) Verify(ctx context.Context, p *BankAccountVerificationParams, opts ...RequestOption) (*BankAccountVerification, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	return call[BankAccountVerification](ctx, s.client, &httpcore.Request{Method: http.MethodPost, Path: "/bank-account-verification", Body: p}, opts)
}
