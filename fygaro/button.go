package fygaro

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/check"
)

// ErrInvalidRequest is matched by every *ParamError: input refused before a
// link was built. It is pagos.ErrInvalidRequest, the value every provider
// package shares.
var ErrInvalidRequest = pagos.ErrInvalidRequest

// ParamError reports input refused before a link was built. It matches
// ErrInvalidRequest and names the field to fix.
type ParamError = pagos.ParamError

// Host is Fygaro's web host, the only one a real button URL may name.
const Host = "www.fygaro.com"

// Lang is the language of Fygaro's checkout page: the first path segment of a
// button URL.
type Lang string

// Checkout page languages.
const (
	LangSpanish Lang = "es"
	LangEnglish Lang = "en"
)

func (l Lang) check(field string) error {
	if l != "" && l != LangSpanish && l != LangEnglish {
		return check.Invalid("fygaro", field, "is %q; use fygaro.LangSpanish (\"es\"), fygaro.LangEnglish (\"en\") or leave it empty for the button URL's", l)
	}
	return nil
}

// ButtonURL is a payment button's address as copied from Fygaro's dashboard,
// https://www.fygaro.com/{es|en}/pb/<uuid>/. Build it with ParseButtonURL.
// Its PrefilledLink serves buttons without the Pro plan; a Button adds the
// signed dynamic links of the Pro plan.
type ButtonURL struct {
	origin string // "https://www.fygaro.com", or a loopback fake's origin
	lang   Lang
	id     string // the button's UUID, lower case
}

// ParseButtonURL validates a button URL: https on www.fygaro.com, the path
// /es/pb/<uuid>/ or /en/pb/<uuid>/ (the final slash may be omitted), and no
// query, fragment or credentials. Plain http and any port are accepted on a
// loopback host only, for fakes such as fygarotest.
func ParseButtonURL(raw string) (ButtonURL, error) {
	bad := func(format string, args ...any) (ButtonURL, error) {
		return ButtonURL{}, check.Invalid("fygaro", "button URL", format, args...)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return bad("%q is not an absolute URL; copy the button's link from Fygaro's dashboard, such as https://www.fygaro.com/es/pb/<uuid>/", truncate(raw))
	}
	switch {
	case u.Scheme == "https" && strings.EqualFold(u.Host, Host):
	case (u.Scheme == "http" || u.Scheme == "https") && isLoopback(u.Hostname()):
	default:
		return bad("must be on https://%s (plain http only on a loopback host, for fakes)", Host)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return bad("must not carry credentials, a query string or a fragment: pagos adds the link's parameters itself")
	}
	parts := strings.Split(strings.TrimSuffix(u.Path, "/"), "/")
	if len(parts) != 4 || parts[0] != "" || parts[2] != "pb" {
		return bad("path %q is not /es/pb/<uuid>/ or /en/pb/<uuid>/", truncate(u.Path))
	}
	lang := Lang(parts[1])
	if lang != LangSpanish && lang != LangEnglish {
		return bad("language %q is not es or en", truncate(parts[1]))
	}
	id := strings.ToLower(parts[3])
	if !isUUID(id) {
		return bad("button id %q is not a UUID such as 3f2b8c1e-6a4d-4f0b-9c2e-8d7a1b5e4f60", truncate(parts[3]))
	}
	origin := u.Scheme + "://" + strings.ToLower(u.Host)
	return ButtonURL{origin: origin, lang: lang, id: id}, nil
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case (c < '0' || c > '9') && (c < 'a' || c > 'f'):
			return false
		}
	}
	return true
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ID returns the button's UUID.
func (u ButtonURL) ID() string { return u.id }

// Lang returns the language of the checkout page the URL opens.
func (u ButtonURL) Lang() Lang { return u.lang }

// String returns the canonical URL, with its final slash; "" for the zero
// ButtonURL.
func (u ButtonURL) String() string {
	if u.id == "" {
		return ""
	}
	return u.origin + "/" + string(u.lang) + "/pb/" + u.id + "/"
}

// in returns the URL in lang ("" keeps the URL's own).
func (u ButtonURL) in(lang Lang) (string, error) {
	if u.id == "" {
		return "", check.Invalid("fygaro", "ButtonURL", "is the zero value; build it with fygaro.ParseButtonURL")
	}
	if lang != "" {
		u.lang = lang
	}
	return u.String(), nil
}

// PrefillParams are the fields of a plain pre-filled link. The payer can
// change all of them on the checkout page, so never trust them: check what
// the payment reports.
type PrefillParams struct {
	// Amount pre-fills the amount, in the currency's major unit: positive,
	// with at most two decimal places. Zero leaves the field empty.
	Amount Amount
	// ClientNote pre-fills the payer's note (client_note).
	ClientNote string
	// ClientReference pre-fills the payer's reference (client_reference).
	ClientReference string
	// Lang selects the checkout page's language; "" keeps the button URL's.
	Lang Lang
}

// PrefilledLink returns the button URL with the pre-fill query Fygaro reads
// on every plan: ?amount=10.00&client_note=…&client_reference=…. A nil p
// returns the bare button URL.
func (u ButtonURL) PrefilledLink(p *PrefillParams) (string, error) {
	if p == nil {
		p = &PrefillParams{}
	}
	if err := p.Lang.check("PrefillParams.Lang"); err != nil {
		return "", err
	}
	base, err := u.in(p.Lang)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	if !p.Amount.IsZero() {
		amount, err := amountText("PrefillParams.Amount", p.Amount)
		if err != nil {
			return "", err
		}
		q.Set("amount", amount)
	}
	for _, f := range []struct{ field, key, v string }{
		{"PrefillParams.ClientNote", "client_note", p.ClientNote},
		{"PrefillParams.ClientReference", "client_reference", p.ClientReference},
	} {
		if err := checkText(f.field, f.v); err != nil {
			return "", err
		}
		if f.v != "" {
			q.Set(f.key, f.v)
		}
	}
	if len(q) == 0 {
		return base, nil
	}
	return base + "?" + q.Encode(), nil
}

// amountText renders a positive amount with exactly two decimal places, the
// form Fygaro documents ("100.01").
func amountText(field string, a Amount) (string, error) {
	if a.Sign() <= 0 {
		return "", check.Invalid("fygaro", field, "is %s; it must be positive", a)
	}
	s, err := a.Fixed(2)
	if err != nil {
		return "", check.Invalid("fygaro", field, "is %s; Fygaro takes at most two decimal places, so round it first", a)
	}
	return s, nil
}

// checkText refuses control characters, which no Fygaro field can show.
func checkText(field, v string) error {
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return check.Invalid("fygaro", field, "contains a control character such as a newline or tab; remove it")
	}
	return nil
}

// Button makes links for one payment button: the plain pre-filled link
// (PrefilledLink, any plan) and the signed dynamic link (Link, Pro plan and
// up), signed with an API credential. It is safe for concurrent use, and it
// never prints its secret.
type Button struct {
	ButtonURL
	apiKey string
	secret Secret
	now    func() time.Time
}

// Option configures a Button in NewButton.
type Option func(*Button) error

// WithClock sets the clock Link uses to refuse an ExpiresAt already past
// (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(b *Button) error {
		if now == nil {
			return errors.New("WithClock: the clock is nil")
		}
		b.now = now
		return nil
	}
}

// NewButton returns a Button for the button URL copied from Fygaro's
// dashboard, signing dynamic links with an API credential from Settings →
// API Credentials: the API key (public; sent as the JWT's kid) and its
// secret (shown once by Fygaro; keep it out of source control).
func NewButton(buttonURL, apiKey, apiSecret string, opts ...Option) (*Button, error) {
	u, err := ParseButtonURL(buttonURL)
	if err != nil {
		return nil, err
	}
	if err := checkCredential(apiKey, apiSecret); err != nil {
		return nil, err
	}
	b := &Button{ButtonURL: u, apiKey: apiKey, secret: Secret(apiSecret), now: time.Now}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(b); err != nil {
			return nil, errors.New("fygaro: " + err.Error())
		}
	}
	return b, nil
}

func checkCredential(apiKey, secret string) error {
	if strings.TrimSpace(apiKey) == "" || strings.TrimSpace(apiKey) != apiKey || strings.ContainsAny(apiKey, "\r\n") {
		return check.Invalid("fygaro", "API key", "is empty or has surrounding whitespace; copy it from Settings → API Credentials in Fygaro")
	}
	if secret == "" || strings.TrimSpace(secret) != secret {
		return check.Invalid("fygaro", "API secret", "is empty or has surrounding whitespace; copy the secret Fygaro showed when the credential was generated")
	}
	return nil
}

// APIKey returns the API key the Button signs with (the public half of the
// credential).
func (b *Button) APIKey() string { return b.apiKey }

// String describes the Button by its URL and API key, never its secret.
func (b *Button) String() string {
	return "fygaro.Button(" + b.ButtonURL.String() + ", key " + b.apiKey + ")"
}

// GoString is String, so %#v cannot print the secret either.
func (b *Button) GoString() string { return b.String() }

// LinkParams are the claims of a dynamic link. Fygaro marks every claim
// optional; pagos requires Amount, Currency and CustomReference, since a
// link without them lets the payer choose what to pay, or makes a hook no
// order can be matched to.
type LinkParams struct {
	// Amount is the total to charge in the currency's major unit: positive,
	// at most two decimal places. It is sent as a string ("100.01").
	Amount Amount
	// Currency is the ISO 4217 code in capitals, such as "USD" or "CRC".
	Currency string
	// CustomReference is your reference for the payment, such as the order
	// id; the hook carries it back as customReference.
	CustomReference string
	// ExpiresAt ends the link's validity (exp); zero: it never expires.
	ExpiresAt time.Time
	// NotBefore starts its validity (nbf); zero: valid at once.
	NotBefore time.Time
	// TaxAmount is sent as tax_amount, which Fygaro reads for Banco General
	// (Panama) only: non-negative, at most two decimal places; zero is not sent.
	TaxAmount Amount
	// Client pre-fills the customer's name, email and phone (clientData).
	Client ClientData
	// Lang selects the checkout page's language; "" keeps the button URL's.
	Lang Lang
}

// linkClaims is the JWT payload of a dynamic link, in Fygaro's order.
type linkClaims struct {
	Amount          string     `json:"amount"`
	Currency        string     `json:"currency"`
	CustomReference string     `json:"custom_reference"`
	ExpiresAt       int64      `json:"exp,omitempty"`
	NotBefore       int64      `json:"nbf,omitempty"`
	TaxAmount       string     `json:"tax_amount,omitempty"`
	ClientData      ClientData `json:"clientData,omitzero"`
}

func (p *LinkParams) claims(now time.Time) (*linkClaims, error) {
	if p == nil {
		return nil, check.Invalid("fygaro", "LinkParams", "is nil")
	}
	if p.Amount.IsZero() {
		return nil, check.Invalid("fygaro", "LinkParams.Amount", "is required: set the order total; a dynamic link without it lets the payer choose the amount")
	}
	amount, err := amountText("LinkParams.Amount", p.Amount)
	if err != nil {
		return nil, err
	}
	if !isCurrency(p.Currency) {
		return nil, check.Invalid("fygaro", "LinkParams.Currency", "is %q; give an ISO 4217 code in capitals, such as \"USD\" or \"CRC\"", truncate(p.Currency))
	}
	if strings.TrimSpace(p.CustomReference) == "" {
		return nil, check.Invalid("fygaro", "LinkParams.CustomReference", "is required: set your order id, which the hook carries back so you can match the payment")
	}
	c := &linkClaims{Amount: amount, Currency: p.Currency, CustomReference: p.CustomReference, ClientData: p.Client}
	if !p.ExpiresAt.IsZero() {
		if !p.ExpiresAt.After(now) {
			return nil, check.Invalid("fygaro", "LinkParams.ExpiresAt", "is %s, already past; give a time in the future, or zero for a link that does not expire", p.ExpiresAt.UTC().Format(time.RFC3339))
		}
		c.ExpiresAt = p.ExpiresAt.Unix()
	}
	if !p.NotBefore.IsZero() {
		if !p.ExpiresAt.IsZero() && !p.NotBefore.Before(p.ExpiresAt) {
			return nil, check.Invalid("fygaro", "LinkParams.NotBefore", "is not before ExpiresAt; the link would never be valid")
		}
		c.NotBefore = p.NotBefore.Unix()
	}
	if p.TaxAmount.Sign() < 0 {
		return nil, check.Invalid("fygaro", "LinkParams.TaxAmount", "is %s; it must not be negative", p.TaxAmount)
	}
	if !p.TaxAmount.IsZero() {
		if c.TaxAmount, err = amountText("LinkParams.TaxAmount", p.TaxAmount); err != nil {
			return nil, err
		}
	}
	if p.Client.Email != "" && !check.LooksLikeEmail(p.Client.Email) {
		return nil, check.Invalid("fygaro", "LinkParams.Client.Email", "%q is not an email address such as ana@example.com", truncate(p.Client.Email))
	}
	for _, f := range [][2]string{
		{"LinkParams.CustomReference", p.CustomReference}, {"LinkParams.Client.Name", p.Client.Name}, {"LinkParams.Client.Phone", p.Client.Phone},
	} {
		if err := checkText(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	return c, p.Lang.check("LinkParams.Lang")
}

func isCurrency(s string) bool {
	return len(s) == 3 && strings.IndexFunc(s, func(r rune) bool { return r < 'A' || r > 'Z' }) < 0
}

// Link returns a dynamic link: the button URL with ?jwt=<token>, the claims
// of p signed with HS256 by the API secret and the API key as the token's
// kid, as Fygaro's Pro plan requires. Bad input is refused with a
// *ParamError naming the field to fix.
//
// Anyone holding the link can pay it, as often as the button allows, until
// ExpiresAt; set one, and match each hook to your order by CustomReference
// and amount.
func (b *Button) Link(p *LinkParams) (string, error) {
	c, err := p.claims(b.now())
	if err != nil {
		return "", err
	}
	base, err := b.in(p.Lang)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	token, err := SignJWT(payload, b.apiKey, string(b.secret))
	if err != nil {
		return "", err
	}
	return base + "?jwt=" + token, nil
}

// jwtHeader is the JOSE header Fygaro documents, in its order.
type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

// SignJWT signs claims, a JSON object, the way Fygaro's dynamic buttons
// expect: a compact JWS with the header {"alg":"HS256","typ":"JWT","kid":
// apiKey}, HMAC-SHA256 keyed by the secret's bytes. Button.Link uses it;
// use it yourself for a claim pagos does not model, and in tests to mint the
// JWT of a hook, which Fygaro signs the same way with the hook credential.
func SignJWT(claims []byte, apiKey, secret string) (string, error) {
	if err := checkCredential(apiKey, secret); err != nil {
		return "", err
	}
	trimmed := strings.TrimSpace(string(claims))
	if !strings.HasPrefix(trimmed, "{") || !json.Valid(claims) {
		return "", check.Invalid("fygaro", "claims", "must be a JSON object")
	}
	header, err := json.Marshal(jwtHeader{Alg: jwt.SigningMethodHS256.Alg(), Typ: "JWT", Kid: apiKey})
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	sig, err := jwt.SigningMethodHS256.Sign(input, []byte(secret))
	if err != nil {
		return "", err
	}
	return input + "." + enc.EncodeToString(sig), nil
}
