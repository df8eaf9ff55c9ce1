package tpaga

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/pagos-go/pagos/internal/httpcore"
)

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
	FirstNames     string       `json:"requester_first_names"`            // required
	LastNames      string       `json:"requester_last_names"`             // required
	DocumentType   DocumentType `json:"requester_document_type"`          // required: DocumentCC or DocumentCE
	DocumentNumber string       `json:"requester_document_number"`        // required: digits for CC
	PhoneNumber    string       `json:"requester_phone_number,omitempty"` // such as "+573000000000"
	Email          string       `json:"requester_email,omitempty"`
}

func (r *Requester) check(parent string) error {
	f := parent + ".Requester."
	switch {
	case strings.TrimSpace(r.FirstNames) == "":
		return httpcore.Invalid("tpaga", f+"FirstNames", "is required: the depositor's first names, such as \"Noa\"")
	case strings.TrimSpace(r.LastNames) == "":
		return httpcore.Invalid("tpaga", f+"LastNames", "is required: the depositor's last names, such as \"Tamayo Carreño\"")
	case r.DocumentType != DocumentCC && r.DocumentType != DocumentCE:
		return httpcore.Invalid("tpaga", f+"DocumentType", "is %q; use tpaga.DocumentCC (cédula de ciudadanía) or tpaga.DocumentCE (cédula de extranjería)", r.DocumentType)
	}
	if err := checkDocumentNumber(f+"DocumentNumber", r.DocumentType, r.DocumentNumber); err != nil {
		return err
	}
	if r.PhoneNumber != "" && !looksLikePhone(r.PhoneNumber) {
		return httpcore.Invalid("tpaga", f+"PhoneNumber", "%q is not a phone number; give digits with an optional leading +, such as \"+573000000000\"", r.PhoneNumber)
	}
	if r.Email != "" && !httpcore.LooksLikeEmail(r.Email) {
		return httpcore.Invalid("tpaga", f+"Email", "%q is not an email address such as ana@example.com", r.Email)
	}
	return nil
}

// checkDocumentNumber: a cédula de ciudadanía is all digits; a cédula de
// extranjería may carry letters. Neither has spaces, dots or dashes.
func checkDocumentNumber(field string, t DocumentType, n string) error {
	if n == "" {
		return httpcore.Invalid("tpaga", field, "is required: the number of the depositor's document, such as \"111222333\"")
	}
	if len(n) > 20 || !alphanumeric(n) || (t == DocumentCC && !digits(n)) {
		return httpcore.Invalid("tpaga", field, "%q is not a document number; give its digits (letters only for a CE) without dots, dashes or spaces", n)
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
		return httpcore.Invalid("tpaga", field, "is empty; give the reference Tpaga returned, such as \"575657589293\" or \"TSREYSANTANA\"")
	}
	if len(ref) > 64 || !alphanumeric(ref) {
		return httpcore.Invalid("tpaga", field, "%q is not a Tpaga reference: references are letters and digits", ref)
	}
	return nil
}

func checkDescription(field, d string) error {
	if strings.TrimSpace(d) == "" {
		return httpcore.Invalid("tpaga", field, "is required: say what the deposit is for, such as \"Recarga de saldo\"")
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
		return httpcore.Invalid("tpaga", field, "has %d characters; use at most 255, such as tpaga.NewIdempotencyToken()", len(tok))
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '_') {
			return httpcore.Invalid("tpaga", field, "may hold only letters, digits, '-' and '_'; use tpaga.NewIdempotencyToken() or your order id")
		}
	}
	return nil
}

// parsePesos reads an amount of whole pesos sent as a JSON number or a
// string: 20000, 20000.0 or "20000.00" (a decimal part of zeros only).
// Anything else, a fraction of a peso included, is an error: an amount
// that cannot be read exactly is never guessed.
func parsePesos(raw json.RawMessage) (int64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		raw = []byte(s)
	}
	whole, frac, _ := bytes.Cut(raw, []byte{'.'})
	if strings.Trim(string(frac), "0") != "" || !digits(string(whole)) {
		return 0, errors.New("amount " + strconv.Quote(truncate(string(raw))) + " is not a whole number of pesos")
	}
	n, err := strconv.ParseInt(string(whole), 10, 64)
	if err != nil {
		return 0, errors.New("amount " + strconv.Quote(truncate(string(raw))) + " is out of range")
	}
	return n, nil
}

// jsonText reads a value sent as a string or a number, keeping a number's
// digits exactly as sent; null and absence give "".
func jsonText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9':
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return "", err
		}
		return string(raw), nil
	}
	return "", errors.New("want a string or a number")
}

func truncate(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}
