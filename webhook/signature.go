package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The signature helpers Toku, Fygaro, Tpaga and Conekta share: the
// "t=…,<key>=…" header, HMAC-SHA256 over "t.<message>", the timestamp
// window, and the checks of configured secrets.

// parseSignedHeader reads "t=…,<sigKey>=…[,<sigKey>=…]", Toku's s= and
// Fygaro's v1= alike. Unknown keys are ignored, so a future scheme can be
// added beside the one read.
func parseSignedHeader(h, sigKey string) (ts string, sigs [][]byte, err error) {
	if h == "" {
		return "", nil, ErrNoSignature
	}
	for part := range strings.SplitSeq(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", nil, fmt.Errorf("%w: an element is not key=value", ErrInvalidHeader)
		}
		switch k {
		case "t":
			if ts != "" {
				return "", nil, fmt.Errorf("%w: more than one t", ErrInvalidHeader)
			}
			ts = v
		case sigKey:
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				return "", nil, fmt.Errorf("%w: %s is not 64 hex digits", ErrInvalidHeader, sigKey)
			}
			sigs = append(sigs, sig)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return "", nil, fmt.Errorf("%w: need t and at least one %s", ErrInvalidHeader, sigKey)
	}
	if !isUnixTime(ts) {
		return "", nil, fmt.Errorf("%w: t is not a Unix time", ErrInvalidHeader)
	}
	return ts, sigs, nil
}

// anyMAC reports whether any sig is HMAC-SHA256(key, ts + "." + msg).
func anyMAC(key []byte, sigs [][]byte, ts string, msg []byte) bool {
	want := signHMAC(key, ts, msg)
	ok := false
	for _, s := range sigs {
		if hmac.Equal(s, want) { // constant time
			ok = true
		}
	}
	return ok
}

// signHMAC returns HMAC-SHA256(key, ts + "." + msg), the scheme Toku and
// Fygaro share.
func signHMAC(key []byte, ts string, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(msg)
	return m.Sum(nil)
}

func isUnixTime(ts string) bool {
	if len(ts) == 0 || len(ts) > 12 {
		return false
	}
	for i := 0; i < len(ts); i++ {
		if ts[i] < '0' || ts[i] > '9' {
			return false
		}
	}
	return true
}

// checkTimestamp enforces |now - ts| <= tolerance.
func checkTimestamp(ts string, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: bad timestamp", ErrInvalidHeader)
	}
	d := now.Sub(time.Unix(sec, 0))
	switch {
	case d > tolerance:
		return fmt.Errorf("%w: signed %s ago, tolerance %s", ErrTooOld, d.Round(time.Second), tolerance)
	case d < -tolerance:
		return fmt.Errorf("%w: signed %s ahead, tolerance %s", ErrTooNew, (-d).Round(time.Second), tolerance)
	}
	return nil
}

// checkSecret refuses an empty secret, and one with stray whitespace (a
// common copy-paste mistake that makes every signature fail).
func checkSecret(where, secret string) error {
	if secret == "" {
		return fmt.Errorf("webhook: %s: the secret is empty; an empty secret would verify nothing", where)
	}
	if strings.TrimSpace(secret) != secret {
		return fmt.Errorf("webhook: %s: the secret has leading or trailing whitespace; copy it exactly", where)
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
