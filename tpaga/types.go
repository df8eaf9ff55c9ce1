package tpaga

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/pagos-go/pagos/internal/check"
)

// MaxAmount is the most whole pesos pagos sends as a Tpaga amount:
// 2,147,483,647 COP, the largest 32-bit integer, far above any cash deposit
// at a kiosk. Tpaga documents its amounts as integers with no range; the
// bound is pagos's own, chosen so that an amount fits even a 32-bit integer
// column. Larger amounts are refused before sending with a *ParamError
// naming the field.
const MaxAmount = 1<<31 - 1

// DocumentType is the kind of Colombian identity document a requester
// holds. Tpaga accepts only the two below; an unknown value from Tpaga is
// kept as it arrives.
type DocumentType string

// Document types.
const (
	DocumentCC DocumentType = "CC" // cédula de ciudadanía, for Colombian citizens
	DocumentCE DocumentType = "CE" // cédula de extranjería, for foreign residents
)

// Requester is the person a reference belongs to: whoever deposits with it.
// Its fields travel as Tpaga's requester_* fields.
type Requester struct {
	FirstNames     string       `json:"requester_first_names,omitempty"`  // required for single-use references
	LastNames      string       `json:"requester_last_names,omitempty"`   // required for single-use references
	DocumentType   DocumentType `json:"requester_document_type"`          // required: DocumentCC or DocumentCE
	DocumentNumber string       `json:"requester_document_number"`        // required: digits for CC
	PhoneNumber    string       `json:"requester_phone_number,omitempty"` // such as "+573000000000"
	Email          string       `json:"requester_email,omitempty"`
}

// check validates the requester. Tpaga's swagger requires only the
// document type and number of a permanent reference's requester, so names
// are checked only where namesRequired (single-use references, whose
// required fields are undocumented: the guide always sends names).
func (r *Requester) check(parent string, namesRequired bool) error {
	f := parent + ".Requester."
	switch {
	case namesRequired && strings.TrimSpace(r.FirstNames) == "":
		return check.Invalid("tpaga", f+"FirstNames", "is required: the depositor's first names, such as \"Noa\"")
	case namesRequired && strings.TrimSpace(r.LastNames) == "":
		return check.Invalid("tpaga", f+"LastNames", "is required: the depositor's last names, such as \"Tamayo Carreño\"")
	case r.DocumentType != DocumentCC && r.DocumentType != DocumentCE:
		return check.Invalid("tpaga", f+"DocumentType", "is %q; use tpaga.DocumentCC (cédula de ciudadanía) or tpaga.DocumentCE (cédula de extranjería)", r.DocumentType)
	}
	if err := checkDocumentNumber(f+"DocumentNumber", r.DocumentType, r.DocumentNumber); err != nil {
		return err
	}
	if r.PhoneNumber != "" && !looksLikePhone(r.PhoneNumber) {
		return check.Invalid("tpaga", f+"PhoneNumber", "%q is not a phone number; give digits with an optional leading +, such as \"+573000000000\"", r.PhoneNumber)
	}
	if r.Email != "" && !check.LooksLikeEmail(r.Email) {
		return check.Invalid("tpaga", f+"Email", "%q is not an email address such as ana@example.com", r.Email)
	}
	return nil
}

// checkDocumentNumber: a cédula de ciudadanía is all digits; a cédula de
// extranjería may carry letters. Neither has spaces, dots or dashes.
func checkDocumentNumber(field string, t DocumentType, n string) error {
	if n == "" {
		return check.Invalid("tpaga", field, "is required: the number of the depositor's document, such as \"111222333\"")
	}
	if len(n) > 20 || !alphanumeric(n) || (t == DocumentCC && !digits(n)) {
		return check.Invalid("tpaga", field, "%q is not a document number; give its digits (letters only for a CE) without dots, dashes or spaces", n)
	}
	return nil
}

func looksLikePhone(v string) bool {
	d := strings.TrimPrefix(v, "+")
	return len(d) >= 7 && len(d) <= 15 && digits(d)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func alphanumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

// checkReference refuses a reference that cannot be one of Tpaga's before it
// is put in a path or query: they are letters and digits.
func checkReference(field, ref string) error {
	if ref == "" {
		return check.Invalid("tpaga", field, "is empty; give the reference Tpaga returned, such as \"575657589293\" or \"TSREYSANTANA\"")
	}
	if len(ref) > 64 || !alphanumeric(ref) {
		return check.Invalid("tpaga", field, "%q is not a Tpaga reference: references are letters and digits", ref)
	}
	return nil
}

func checkDescription(field, d string) error {
	if strings.TrimSpace(d) == "" {
		return check.Invalid("tpaga", field, "is required: say what the deposit is for, such as \"Recarga de saldo\"")
	}
	return nil
}

// NewIdempotencyToken returns a fresh random token for
// ReferenceParams.IdempotencyToken: 30 hex digits, like the example in
// Tpaga's guide. Make one per deposit your user asks for, store it with
// your order, and send it on every try of that create.
func NewIdempotencyToken() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b) // never fails (crypto/rand since Go 1.24)
	return hex.EncodeToString(b)
}

// checkToken accepts what can travel unchanged in JSON and in a log-free
// error: letters, digits, '-' and '_'.
func checkToken(field, tok string) error {
	if len(tok) > 255 {
		return check.Invalid("tpaga", field, "has %d characters; use at most 255, such as tpaga.NewIdempotencyToken()", len(tok))
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '_') {
			return check.Invalid("tpaga", field, "may hold only letters, digits, '-' and '_'; use tpaga.NewIdempotencyToken() or your order id")
		}
	}
	return nil
}

// jsonValue holds one JSON value's text as sent, for fields whose type
// varies (a number or a string); null stays "null", absence "".
type jsonValue string

// UnmarshalJSON keeps the value's text.
func (v *jsonValue) UnmarshalJSON(b []byte) error {
	*v = jsonValue(b)
	return nil
}

// pesos reads an amount of whole pesos sent as a JSON number or a string:
// 20000, 20000.0 or "20000.00" (a decimal part of zeros only). Anything
// else, a fraction of a peso included, is an error: an amount that cannot
// be read exactly is never guessed.
func (v jsonValue) pesos() (int64, error) {
	text := string(v)
	if s, ok := unquote(text); ok {
		text = s
	}
	whole, frac, _ := strings.Cut(text, ".")
	if strings.Trim(frac, "0") != "" || !digits(whole) {
		return 0, errors.New("amount " + strconv.Quote(truncate(text)) + " is not a whole number of pesos")
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, errors.New("amount " + strconv.Quote(truncate(text)) + " is out of range")
	}
	return n, nil
}

// text reads a value sent as a string or a number, keeping a number's
// digits exactly as sent; null and absence give "".
func (v jsonValue) text() (string, error) {
	if s, ok := unquote(string(v)); ok {
		return s, nil
	}
	switch {
	case v == "" || v == "null":
		return "", nil
	case v[0] == '-' || '0' <= v[0] && v[0] <= '9':
		return string(v), nil
	}
	return "", errors.New("want a string or a number")
}

// unquote returns the content of a JSON string, or false for any other
// value. Strings without escapes, the usual case, are not decoded again.
func unquote(text string) (string, bool) {
	if len(text) < 2 || text[0] != '"' {
		return "", false
	}
	if !strings.ContainsRune(text, '\\') {
		return text[1 : len(text)-1], true
	}
	var s string
	err := json.Unmarshal([]byte(text), &s)
	return s, err == nil
}

func truncate(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}
