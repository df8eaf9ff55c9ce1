package webhook

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/internal/jsonx"
)

// Fygaro's hook headers. Fygaro-Signature is "t=<unix seconds>,v1=<hex
// HMAC-SHA256>[,v1=…]"; Fygaro-Key-ID names the credential whose secret
// signed it.
const (
	FygaroSignatureHeader = "Fygaro-Signature"
	FygaroKeyIDHeader     = "Fygaro-Key-ID"
)

// DefaultFygaroMaxAge is how old a JWT-only hook may be (by its createdAt)
// under WithFygaroJWTOnly.
const DefaultFygaroMaxAge = 72 * time.Hour

// FygaroKeys is the keyring Fygaro hooks are verified with: the API key of
// each hook credential (Fygaro's "default credential for hooks", sent in
// Fygaro-Key-ID) mapped to its secret. Keep the old credential beside the new
// one while you rotate.
type FygaroKeys map[string]string

// WithFygaroJWTOnly accepts Fygaro hooks that come without a Fygaro-Signature
// header, as Fygaro's hook guide describes them, authenticated by the JWT in
// the body alone. A Fygaro-Signature that is present is still verified.
//
// Such a hook carries no signed delivery time, so anyone who captured one can
// replay it. The handler refuses one whose createdAt is older than maxAge
// (use DefaultFygaroMaxAge, 72 h, unless you know better), and its dedupe
// store refuses a reference it has processed: that memory is the only other
// defence. The default MemoryStore forgets on restart and is not shared
// between replicas; use a shared Store (webhook/pgstore) whose retention
// exceeds maxAge.
func WithFygaroJWTOnly(maxAge time.Duration) FygaroVerifyOption {
	return fygaroVerifyOption(func(c *fygaroVerifyConfig) error {
		if maxAge <= 0 {
			return fmt.Errorf("WithFygaroJWTOnly: max age %s must be positive; use webhook.DefaultFygaroMaxAge", maxAge)
		}
		c.jwtOnly, c.maxAge = true, maxAge
		return nil
	})
}

// fygaroVerifier checks Fygaro hooks against a keyring.
type fygaroVerifier struct {
	s      *fygaroVerifyConfig
	keys   map[string][]byte
	ids    []string // key ids, sorted, for a deterministic try order
	parser *jwt.Parser
}

func newFygaroVerifier(where string, s *fygaroVerifyConfig, keys FygaroKeys) (*fygaroVerifier, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("webhook: %s: the keyring is empty; add the hook credential's API key and secret from Fygaro", where)
	}
	v := &fygaroVerifier{s: s, keys: make(map[string][]byte, len(keys))}
	for id, secret := range keys {
		if strings.TrimSpace(id) == "" || strings.TrimSpace(id) != id {
			return nil, fmt.Errorf("webhook: %s: a key id is empty or has surrounding whitespace; use the hook credential's API key exactly", where)
		}
		if err := checkSecret(where, secret); err != nil {
			return nil, err
		}
		v.keys[id] = []byte(secret)
		v.ids = append(v.ids, id)
	}
	slices.Sort(v.ids)
	// HMAC only: neither "none" nor a public-key algorithm can be
	// substituted (algorithm confusion).
	v.parser = jwt.NewParser(jwt.WithValidMethods([]string{"HS256", "HS384", "HS512"}), jwt.WithLeeway(s.tolerance),
		jwt.WithTimeFunc(s.now), jwt.WithIssuedAt())
	return v, nil
}

// fygaroClaims are the JWT claims the verifier reads: the registered time
// claims and the envelope the body repeats. The rest is left for
// fygaro.Hook.Claims to decode on demand.
type fygaroClaims struct {
	jwt.RegisteredClaims
	CustomReference      jsonx.Loose `json:"customReference"`
	Reference            fygaro.Text `json:"reference"`
	TransactionReference fygaro.Text `json:"transactionReference"`
	CreatedAt            fygaro.Time `json:"createdAt"`
}

func (v *fygaroVerifier) verify(body []byte, h http.Header) (*fygaro.Hook, error) {
	signed, keyID := fygaro.SignedJWT, ""
	if sig := h.Get(FygaroSignatureHeader); sig != "" || !v.s.jwtOnly {
		var err error
		if keyID, err = v.checkSignature(body, sig, h.Get(FygaroKeyIDHeader)); err != nil {
			return nil, err
		}
		signed = fygaro.SignedBody
	}
	hook, err := fygaro.ParseHook(body)
	if err != nil {
		if signed == fygaro.SignedBody {
			return nil, fmt.Errorf("%w: %v", ErrMalformedPayload, err)
		}
		// Without a readable jwt a JWT-only hook cannot be authenticated.
		return nil, fmt.Errorf("%w: no verifiable jwt: %v", ErrNoSignature, err)
	}

	claims, kid, err := v.parseJWT(hook.JWT, keyID)
	if err != nil {
		return nil, err
	}

	// The body repeats the claims; a body the token does not vouch for is refused.
	ref := string(claims.Reference)
	if ref == "" {
		ref = string(claims.TransactionReference)
	}
	switch {
	case ref == "":
		return nil, fmt.Errorf("%w: the verified jwt carries no reference or transactionReference", ErrMalformedPayload)
	case ref != hook.Reference:
		return nil, fmt.Errorf("%w: the jwt's transaction reference differs from the body's", ErrSignatureMismatch)
	case string(claims.CustomReference) != hook.CustomReference:
		return nil, fmt.Errorf("%w: the jwt's customReference differs from the body's", ErrSignatureMismatch)
	case !claims.CreatedAt.IsZero() && !hook.CreatedAt.IsZero() && !claims.CreatedAt.Equal(hook.CreatedAt.Time):
		return nil, fmt.Errorf("%w: the jwt's createdAt differs from the body's", ErrSignatureMismatch)
	}
	if signed == fygaro.SignedJWT {
		if err := v.checkAge(claims); err != nil {
			return nil, err
		}
	}
	switch {
	case keyID == "" && kid != "":
		keyID = kid
	case keyID == "" && len(v.ids) == 1:
		keyID = v.ids[0]
	}
	hook.Signed, hook.KeyID = signed, keyID
	return hook, nil
}

// parseJWT verifies a hook's token with the secret its kid names, or else
// any keyring secret (first the one of sigKeyID), and checks exp, nbf and iat.
// It returns the claims and the kid when it named a keyring entry.
func (v *fygaroVerifier) parseJWT(token, sigKeyID string) (claims *fygaroClaims, kid string, err error) {
	claims = new(fygaroClaims)
	_, err = v.parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		if kid, _ = t.Header["kid"].(string); v.keys[kid] != nil {
			return v.keys[kid], nil
		}
		kid = ""
		return v.keySet(sigKeyID), nil
	})
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, "", fmt.Errorf("%w: the hook's jwt expired: %v", ErrTooOld, err)
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return nil, "", fmt.Errorf("%w: the hook's jwt is not valid yet: %v", ErrTooNew, err)
	case err != nil:
		return nil, "", fmt.Errorf("%w: the hook's jwt does not verify with the keyring: %v", ErrSignatureMismatch, err)
	}
	return claims, kid, nil
}

// checkSignature verifies a Fygaro-Signature over the raw body with the
// secret Fygaro-Key-ID names (any keyring secret when it names none), and
// returns the id of the key that matched.
func (v *fygaroVerifier) checkSignature(body []byte, header, keyID string) (string, error) {
	if header == "" {
		return "", fmt.Errorf("%w: no %s header; if your hooks come without one, accept JWT-only hooks with WithFygaroJWTOnly", ErrNoSignature, FygaroSignatureHeader)
	}
	ts, sigs, err := parseSignedHeader(header, "v1")
	if err != nil {
		return "", err
	}
	ids := v.ids
	if keyID != "" {
		if v.keys[keyID] == nil {
			return "", fmt.Errorf("%w: %s names no key of the keyring; add the hook credential to FygaroKeys under the id Fygaro sends in that header (its API key)", ErrSignatureMismatch, FygaroKeyIDHeader)
		}
		ids = []string{keyID}
	}
	for _, id := range ids {
		if anyMAC(v.keys[id], sigs, ts, body) {
			return id, checkTimestamp(ts, v.s.now(), v.s.tolerance)
		}
	}
	return "", ErrSignatureMismatch
}

// keySet returns every keyring secret, first the one that verified the
// Fygaro-Signature: Fygaro signs the JWT with the hook credential too.
func (v *fygaroVerifier) keySet(first string) jwt.VerificationKeySet {
	set := jwt.VerificationKeySet{Keys: make([]jwt.VerificationKey, 0, len(v.ids))}
	if first != "" {
		set.Keys = append(set.Keys, v.keys[first])
	}
	for _, id := range v.ids {
		if id != first {
			set.Keys = append(set.Keys, v.keys[id])
		}
	}
	return set
}

// checkAge bounds the replay window of a JWT-only hook by its signed
// createdAt (or iat): at most maxAge old, and not ahead of the clock by more
// than the tolerance.
func (v *fygaroVerifier) checkAge(c *fygaroClaims) error {
	created := c.CreatedAt.Time
	if created.IsZero() && c.IssuedAt != nil {
		created = c.IssuedAt.Time
	}
	if created.IsZero() {
		return fmt.Errorf("%w: the jwt of a JWT-only hook carries no createdAt or iat, so its age cannot be checked", ErrMalformedPayload)
	}
	age := v.s.now().Sub(created)
	switch {
	case age > v.s.maxAge:
		return fmt.Errorf("%w: JWT-only hook created %s ago, past the max age %s (WithFygaroJWTOnly)", ErrTooOld, age.Round(time.Second), v.s.maxAge)
	case -age > v.s.tolerance:
		return fmt.Errorf("%w: JWT-only hook created %s ahead of now, tolerance %s", ErrTooNew, (-age).Round(time.Second), v.s.tolerance)
	}
	return nil
}

// VerifyFygaro checks a Fygaro hook delivery and returns it. payload is the
// raw request body exactly as received; header holds the request headers;
// keys is the keyring of hook credentials.
//
// By default the Fygaro-Signature header is required: an HMAC-SHA256 with
// the secret Fygaro-Key-ID names, over "t.<raw body>", any of several v1=
// values matching (rotation), t within the tolerance of now in both
// directions (WithTolerance, default 5 minutes). WithFygaroJWTOnly accepts
// hooks without it.
//
// The body's jwt must verify too: HS256, HS384 or HS512 with a keyring secret
// (the one its kid names, if any), exp, nbf and iat within the tolerance,
// and its customReference, transaction reference and createdAt equal to the
// body's. Hook.Claims decodes the verified claims.
//
// Options: WithClock, WithTolerance, WithFygaroJWTOnly.
func VerifyFygaro(payload []byte, header http.Header, keys FygaroKeys, opts ...FygaroVerifyOption) (*fygaro.Hook, error) {
	c := &fygaroVerifyConfig{clock: newClock()}
	if err := configure(opts, func(o FygaroVerifyOption) error { return o.applyFygaroVerify(c) }); err != nil {
		return nil, err
	}
	v, err := newFygaroVerifier("VerifyFygaro", c, keys)
	if err != nil {
		return nil, err
	}
	return v.verify(payload, header)
}

// SignFygaro returns a Fygaro-Signature header value for payload signed at t
// with secret, as Fygaro sends it: "t=<unix>,v1=<hex>". Send the key's id in
// Fygaro-Key-ID beside it. For tests and fakes; mint the body's jwt with
// fygaro.SignJWT.
func SignFygaro(payload []byte, secret string, t time.Time) (string, error) {
	if err := checkSecret("SignFygaro", secret); err != nil {
		return "", err
	}
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(signHMAC([]byte(secret), ts, payload)), nil
}

// FygaroHandlerFunc is user code for Fygaro hooks. Return nil only once the
// payment is safely recorded: nil answers 200, the only status Fygaro counts
// as delivered; an error answers 500 so Fygaro retries (up to 4 attempts in
// all, after which it may suspend the button's hook).
type FygaroHandlerFunc func(ctx context.Context, h *fygaro.Hook) error

// NewFygaroHandler returns an http.Handler for Fygaro hooks. It accepts POST
// only, verifies the delivery as VerifyFygaro does (401 when that fails; 400
// for an authentic body without a transaction reference), processes each
// transaction reference once (a repeat gets 200 without calling fn), and
// calls fn under a timeout. Success is answered with exactly 200.
//
// Options: WithStore, WithNamespace, WithMaxBodyBytes, WithTimeout,
// WithLease, WithBusyWait, WithLogger, WithClock, WithTolerance,
// WithFygaroJWTOnly.
func NewFygaroHandler(keys FygaroKeys, fn FygaroHandlerFunc, opts ...FygaroOption) (http.Handler, error) {
	c := &fygaroConfig{engineConfig: newEngineConfig("fygaro"), fygaroVerifyConfig: fygaroVerifyConfig{clock: newClock()}}
	if err := configure(opts, func(o FygaroOption) error { return o.applyFygaro(c) }); err != nil {
		return nil, err
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	v, err := newFygaroVerifier("NewFygaroHandler", &c.fygaroVerifyConfig, keys)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, errors.New("webhook: NewFygaroHandler: the handler func is nil")
	}
	return &engine{engineConfig: &c.engineConfig, accept: func(body []byte, h http.Header) (*delivery, error) {
		hook, err := v.verify(body, h)
		if err != nil {
			return nil, err
		}
		return &delivery{key: hook.Reference, run: func(ctx context.Context) error { return fn(ctx, hook) }}, nil
	}}, nil
}
