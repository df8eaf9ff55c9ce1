package httpcore

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// scrubPlaceholder replaces a credential found in provider text.
const scrubPlaceholder = "[redacted]"

// secretForms returns the spellings under which secret may come back in a
// provider's answer: as sent, JSON-escaped, URL-escaped, and base64-encoded
// (alone and as a Basic user name), so that an echo in any of them is found.
func secretForms(secret string) [][]byte {
	if secret == "" {
		return nil
	}
	forms := []string{secret}
	if js, err := json.Marshal(secret); err == nil {
		forms = append(forms, string(js[1:len(js)-1]))
	}
	forms = append(forms, strings.ReplaceAll(secret, "/", `\/`), url.QueryEscape(secret), url.PathEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)), base64.StdEncoding.EncodeToString([]byte(secret+":")))
	out := make([][]byte, 0, len(forms))
	for _, f := range forms {
		dup := false
		for _, o := range out {
			dup = dup || string(o) == f
		}
		if !dup {
			out = append(out, []byte(f))
		}
	}
	return out
}

// scrubBytes replaces every form of every secret in b. It returns b itself
// when nothing matched, so the common case allocates nothing.
func scrubBytes(b []byte, secrets [][]byte) []byte {
	for _, s := range secrets {
		if len(s) > 0 && bytes.Contains(b, s) {
			b = bytes.ReplaceAll(b, s, []byte(scrubPlaceholder))
		}
	}
	return b
}

// scrubString is scrubBytes for strings.
func scrubString(v string, secrets [][]byte) string {
	for _, s := range secrets {
		if len(s) > 0 && strings.Contains(v, string(s)) {
			v = strings.ReplaceAll(v, string(s), scrubPlaceholder)
		}
	}
	return v
}

// scrubHeader returns h, or a copy with every secret replaced when any value
// carries one (a provider may echo a key in a request-id header).
func scrubHeader(h http.Header, secrets [][]byte) http.Header {
	var out http.Header
	for k, vs := range h {
		for i, v := range vs {
			if sv := scrubString(v, secrets); sv != v {
				if out == nil {
					out = h.Clone()
				}
				out[k][i] = sv
			}
		}
	}
	if out == nil {
		return h
	}
	return out
}

// scrubbedError keeps an error's chain (errors.Is and errors.As still see
// the transport error) while its text loses the client's credentials.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrubErr returns err, or a wrapper with the same chain whose text has no
// credential.
func scrubErr(err error, secrets [][]byte) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if s := scrubString(msg, secrets); s != msg {
		return &scrubbedError{msg: s, err: err}
	}
	return err
}
