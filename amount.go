package pagos

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// maxDigits bounds how many digits an Amount may hold, so that input such as
// "1e999999999" cannot make the parser allocate without limit.
const maxDigits = 64

// ErrInvalidAmount is returned (wrapped) by ParseAmount and by JSON decoding
// for text that is not a decimal number.
var ErrInvalidAmount = errors.New("pagos: invalid amount")

// Amount is an exact decimal amount of money, used wherever a provider sends
// money as a decimal number or string (Toku, Fygaro); the field holding it
// names its unit. It never goes through a binary float, so "0.1" stays one
// tenth. It keeps its canonical decimal text: an optional minus sign, the
// integer digits without leading zeros, and the fraction digits exactly as
// given (so "10000.0000" keeps its four places). The zero value is 0.
//
// Build one with ParseAmount, AmountFromWhole or AmountFromCents (each
// provider package has the same names). Add and Sub are exact; an Amount
// carries no currency, so add only amounts of one currency. Compare amounts
// with Cmp or Equal, not ==: "100" and "100.0" are equal numbers with
// different text.
type Amount struct {
	s string // canonical text; "" means zero
}

// ParseAmount reads a decimal number such as "1000", "-12.50", "100.0" or
// "1.5e3", in whatever unit the field it is for names. It never goes through
// a binary float; text that is not a decimal number, or has more than 64
// digits, is an error matching ErrInvalidAmount.
func ParseAmount(s string) (Amount, error) {
	neg, intPart, frac, err := split(s)
	if err != nil {
		return Amount{}, err
	}
	return build(neg, intPart, frac), nil
}

// AmountFromWhole returns n whole currency units: AmountFromWhole(19990) is
// 19990 pesos, not 199.90. Use AmountFromCents for hundredths.
func AmountFromWhole(n int64) Amount {
	return build(n < 0, strings.TrimPrefix(strconv.FormatInt(n, 10), "-"), "")
}

// AmountFromCents returns cents hundredths of a currency unit, exactly:
// AmountFromCents(10001) is 100.01. Use AmountFromWhole for whole units.
func AmountFromCents(cents int64) Amount { return amountFromMinor(cents, 2) }

// amountFromMinor returns units / 10^scale exactly: amountFromMinor(12345, 2)
// is 123.45. A negative scale is treated as 0.
func amountFromMinor(units int64, scale int) Amount {
	digits := strings.TrimPrefix(strconv.FormatInt(units, 10), "-")
	if scale <= 0 {
		return build(units < 0, digits, "")
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	cut := len(digits) - scale
	return build(units < 0, digits[:cut], digits[cut:])
}

// split validates s and returns its sign, integer digits and fraction digits
// with any exponent applied.
func split(s string) (neg bool, intPart, frac string, err error) {
	orig := s
	bad := func(why string) (bool, string, string, error) {
		return false, "", "", fmt.Errorf("%w %q: %s", ErrInvalidAmount, truncate(orig), why)
	}
	if s == "" {
		return bad("empty")
	}
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, perr := strconv.Atoi(s[i+1:])
		if perr != nil || e > maxDigits || e < -maxDigits {
			return bad("bad exponent")
		}
		exp, s = e, s[:i]
	}
	intPart, frac, _ = strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return bad("no digits")
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return bad("not a decimal number")
	}
	// Apply the exponent by moving the decimal point.
	switch {
	case exp > 0:
		if exp > len(frac) {
			frac += strings.Repeat("0", exp-len(frac))
		}
		intPart, frac = intPart+frac[:exp], frac[exp:]
	case exp < 0:
		n := -exp
		if n > len(intPart) {
			intPart = strings.Repeat("0", n-len(intPart)) + intPart
		}
		cut := len(intPart) - n
		intPart, frac = intPart[:cut], intPart[cut:]+frac
	}
	if len(strings.TrimLeft(intPart, "0"))+len(frac) > maxDigits {
		return bad("too many digits")
	}
	return neg, intPart, frac, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// build assembles the canonical text.
func build(neg bool, intPart, frac string) Amount {
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	if intPart == "0" && strings.Trim(frac, "0") == "" {
		neg = false // no negative zero
	}
	var b strings.Builder
	b.Grow(len(intPart) + len(frac) + 2)
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(intPart)
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	if b.Len() == 1 && intPart == "0" {
		return Amount{}
	}
	return Amount{s: b.String()}
}

// String returns the canonical decimal text, "0" for the zero value.
func (a Amount) String() string {
	if a.s == "" {
		return "0"
	}
	return a.s
}

// parts splits the canonical text.
func (a Amount) parts() (neg bool, intPart, frac string) {
	s := a.String()
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	intPart, frac, _ = strings.Cut(s, ".")
	return neg, intPart, frac
}

// Sign returns -1, 0 or +1.
func (a Amount) Sign() int {
	neg, intPart, frac := a.parts()
	if intPart == "0" && strings.Trim(frac, "0") == "" {
		return 0
	}
	if neg {
		return -1
	}
	return 1
}

// IsZero reports whether a equals 0 (in any scale, such as "0.00").
func (a Amount) IsZero() bool { return a.Sign() == 0 }

// Scale returns the number of digits after the decimal point as written:
// 2 for "10.50", 0 for "10".
func (a Amount) Scale() int {
	_, _, frac := a.parts()
	return len(frac)
}

// Cmp compares a and b numerically: -1 if a < b, 0 if equal, +1 if a > b.
func (a Amount) Cmp(b Amount) int {
	sa, sb := a.Sign(), b.Sign()
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	c := cmpAbs(a, b)
	if sa < 0 {
		return -c
	}
	return c
}

func cmpAbs(a, b Amount) int {
	_, ai, af := a.parts()
	_, bi, bf := b.parts()
	if len(ai) != len(bi) {
		if len(ai) < len(bi) {
			return -1
		}
		return 1
	}
	if c := strings.Compare(ai, bi); c != 0 {
		return c
	}
	n := max(len(af), len(bf))
	af += strings.Repeat("0", n-len(af))
	bf += strings.Repeat("0", n-len(bf))
	return strings.Compare(af, bf)
}

// Equal reports whether a and b are the same number.
func (a Amount) Equal(b Amount) bool { return a.Cmp(b) == 0 }

// Add returns a + b exactly, keeping the larger of the two scales: 10.50
// plus 1 is 11.50. It never rounds and never overflows.
func (a Amount) Add(b Amount) Amount {
	scale := max(a.Scale(), b.Scale())
	x, y := a.scaled(scale), b.scaled(scale)
	return fromScaled(x.Add(x, y), scale)
}

// Sub returns a - b exactly, keeping the larger of the two scales: 10 minus
// 0.25 is 9.75.
func (a Amount) Sub(b Amount) Amount { return a.Add(b.Neg()) }

// Neg returns -a, with a's scale (0.00 stays 0.00).
func (a Amount) Neg() Amount {
	switch {
	case a.Sign() == 0:
		return a
	case a.s[0] == '-':
		return Amount{s: a.s[1:]}
	}
	return Amount{s: "-" + a.s}
}

// scaled returns a * 10^scale as an integer; scale must be >= a.Scale().
func (a Amount) scaled(scale int) *big.Int {
	neg, intPart, frac := a.parts()
	n, _ := new(big.Int).SetString(intPart+frac+strings.Repeat("0", scale-len(frac)), 10) // digits only, by construction
	if neg {
		n.Neg(n)
	}
	return n
}

// fromScaled returns n / 10^scale.
func fromScaled(n *big.Int, scale int) Amount {
	digits := new(big.Int).Abs(n).String()
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	cut := len(digits) - scale
	return build(n.Sign() < 0, digits[:cut], digits[cut:])
}

// Fixed renders a with exactly places digits after the decimal point. It
// fails rather than round when a has non-zero digits beyond places.
func (a Amount) Fixed(places int) (string, error) {
	neg, intPart, frac := a.parts()
	if places < 0 {
		places = 0
	}
	if len(frac) > places {
		if strings.Trim(frac[places:], "0") != "" {
			return "", fmt.Errorf("pagos: %s has more than %d decimal places", a, places)
		}
		frac = frac[:places]
	}
	frac += strings.Repeat("0", places-len(frac))
	out := intPart
	if frac != "" {
		out += "." + frac
	}
	if neg && a.Sign() != 0 {
		out = "-" + out
	}
	return out, nil
}

// Minor returns a as an integer count of 10^-scale units, exactly:
// 123.45 with scale 2 is 12345. It fails if a needs more decimal places or
// does not fit in an int64.
func (a Amount) Minor(scale int) (int64, error) {
	text, err := a.Fixed(scale)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.Replace(text, ".", "", 1), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("pagos: %s is out of range for %d-place minor units", a, scale)
	}
	return n, nil
}

// MarshalJSON writes a as a JSON number with its exact digits.
func (a Amount) MarshalJSON() ([]byte, error) {
	return []byte(a.String()), nil
}

// UnmarshalJSON accepts a JSON number (1000, 100.0) or a JSON string holding
// one ("10000.0000"). null leaves a unchanged.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		unq, err := strconv.Unquote(s)
		if err != nil {
			return fmt.Errorf("%w: bad JSON string", ErrInvalidAmount)
		}
		s = strings.TrimSpace(unq)
	}
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalText writes the canonical decimal text.
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses decimal text.
func (a *Amount) UnmarshalText(b []byte) error {
	v, err := ParseAmount(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
