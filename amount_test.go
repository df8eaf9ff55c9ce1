package pagos

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestParseCanonical(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"1000", "1000"},
		{"10000.0000", "10000.0000"},
		{"100.0", "100.0"},
		{"007.50", "7.50"},
		{"+3", "3"},
		{"-0.00", "0.00"},
		{"-0", "0"},
		{".5", "0.5"},
		{"5.", "5"},
		{"1.5e3", "1500"},
		{"15E-3", "0.015"},
		{"-2.5e1", "-25"},
		{"0", "0"},
		{"0.1", "0.1"},
		{"123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"},
	}
	for _, c := range cases {
		a, err := ParseAmount(c.in)
		if err != nil {
			t.Fatalf("ParseAmount(%q): %v", c.in, err)
		}
		if got := a.String(); got != c.want {
			t.Errorf("ParseAmount(%q).String() = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "-", ".", "1.2.3", "abc", "1,5", "0x10", "NaN", "Inf", "1e", "1e999", " 1", "1 ", "--1", strings.Repeat("9", 65), "1e-64x", "9e65"} {
		if _, err := ParseAmount(in); !errors.Is(err, ErrInvalidAmount) {
			t.Errorf("ParseAmount(%q) err = %v, want ErrInvalidAmount", in, err)
		}
	}
}

func TestUnmarshalJSONNumbersAndStrings(t *testing.T) {
	t.Parallel()
	var v struct {
		A Amount `json:"a"`
		B Amount `json:"b"`
		C Amount `json:"c"`
		D Amount `json:"d"`
	}
	if err := json.Unmarshal([]byte(`{"a":1000,"b":"10000.0000","c":100.0,"d":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A.String() != "1000" || v.B.String() != "10000.0000" || v.C.String() != "100.0" || !v.D.IsZero() {
		t.Fatalf("decoded %s %s %s %s", v.A, v.B, v.C, v.D)
	}
	if !v.A.Equal(mustParse("1000.00")) || !v.B.Equal(AmountFromWhole(10000)) {
		t.Fatal("numeric equality across scales failed")
	}
	for _, bad := range []string{`{"a":"ten"}`, `{"a":true}`, `{"a":"1e"}`, `{"a":{}}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("Unmarshal(%s) succeeded, want error", bad)
		}
	}
}

func TestMarshalJSONKeepsDigits(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(map[string]Amount{"amount": mustParse("0.1"), "big": mustParse("12345678901234567890.05")})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"amount":0.1,"big":12345678901234567890.05}` {
		t.Fatalf("got %s", b)
	}
}

func TestCmp(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want int
	}{
		{"1", "1.000", 0},
		{"0.1", "0.10", 0},
		{"0.1", "0.09", 1},
		{"-1", "1", -1},
		{"-2", "-1", -1},
		{"-1.5", "-1.50", 0},
		{"100", "99.999", 1},
		{"0", "-0.0", 0},
		{"12345678901234567890", "12345678901234567891", -1},
	}
	for _, c := range cases {
		if got := mustParse(c.a).Cmp(mustParse(c.b)); got != c.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestFixedAndMinor(t *testing.T) {
	t.Parallel()
	if s, err := mustParse("100.1").Fixed(2); err != nil || s != "100.10" {
		t.Fatalf("Fixed = %q, %v", s, err)
	}
	if s, err := mustParse("7.500").Fixed(2); err != nil || s != "7.50" {
		t.Fatalf("Fixed trailing zeros = %q, %v", s, err)
	}
	if _, err := mustParse("7.505").Fixed(2); err == nil {
		t.Fatal("Fixed rounded instead of failing")
	}
	if n, err := mustParse("123.45").Minor(2); err != nil || n != 12345 {
		t.Fatalf("Minor = %d, %v", n, err)
	}
	if n, err := mustParse("-0.5").Minor(2); err != nil || n != -50 {
		t.Fatalf("Minor negative = %d, %v", n, err)
	}
	if _, err := mustParse("99999999999999999999").Minor(2); err == nil {
		t.Fatal("Minor overflow not reported")
	}
	if got := AmountFromCents(5).String(); got != "0.05" {
		t.Fatalf("AmountFromCents(5) = %s", got)
	}
	if got := AmountFromCents(-12345).String(); got != "-123.45" {
		t.Fatalf("AmountFromCents(-12345) = %s", got)
	}
	if got := AmountFromWhole(math.MinInt64).String(); got != strconv.FormatInt(math.MinInt64, 10) {
		t.Fatalf("AmountFromWhole(min) = %s", got)
	}
}

func TestZeroValue(t *testing.T) {
	t.Parallel()
	var z Amount
	if z.String() != "0" || !z.IsZero() || z.Sign() != 0 || z.Scale() != 0 || !z.Equal(mustParse("0.000")) {
		t.Fatal("zero value misbehaves")
	}
}

// FuzzParse checks that parsing untrusted text never panics and that what it
// accepts round-trips through its own text and JSON.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1000", "10000.0000", "100.0", "-1.5e3", ".5", "1e-64", "", "abc", "9e64"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if err != nil {
			return
		}
		b, err := ParseAmount(a.String())
		if err != nil || b.String() != a.String() {
			t.Fatalf("round trip %q -> %q -> %v %v", s, a.String(), b, err)
		}
		var c Amount
		if err := json.Unmarshal([]byte(strconv.Quote(a.String())), &c); err != nil || !c.Equal(a) {
			t.Fatalf("JSON string round trip of %q: %v", a, err)
		}
		js, _ := json.Marshal(a)
		if !json.Valid(js) {
			t.Fatalf("MarshalJSON(%q) produced invalid JSON %s", a, js)
		}
	})
}

// mustParse is ParseAmount for the constants these tests write.
func mustParse(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// Add, Sub and Neg are exact and keep the larger scale: no float, no
// rounding, digits past int64 kept.
func TestAddSubNeg(t *testing.T) {
	t.Parallel()
	cases := []struct{ a, b, sum, diff string }{
		{"10.50", "1", "11.50", "9.50"},
		{"0.1", "0.2", "0.3", "-0.1"},
		{"10", "0.25", "10.25", "9.75"},
		{"-5", "5", "0", "-10"},
		{"1.00", "-1", "0.00", "2.00"},
		{"0", "0", "0", "0"},
		{"99999999999999999999.99", "0.01", "100000000000000000000.00", "99999999999999999999.98"},
		{"-0.005", "0.005", "0.000", "-0.010"},
		{"1e3", "1.5", "1001.5", "998.5"},
	}
	for _, c := range cases {
		a, b := mustParse(c.a), mustParse(c.b)
		if got := a.Add(b).String(); got != c.sum {
			t.Errorf("%s + %s = %s, want %s", c.a, c.b, got, c.sum)
		}
		if got := a.Sub(b).String(); got != c.diff {
			t.Errorf("%s - %s = %s, want %s", c.a, c.b, got, c.diff)
		}
		if !a.Add(b).Sub(b).Equal(a) {
			t.Errorf("(%s + %s) - %s != %s", c.a, c.b, c.b, c.a)
		}
	}
	for in, want := range map[string]string{"1.50": "-1.50", "-2": "2", "0.00": "0.00", "0": "0"} {
		if got := mustParse(in).Neg().String(); got != want {
			t.Errorf("Neg(%s) = %s, want %s", in, got, want)
		}
	}
	var zero Amount
	if got := zero.Add(AmountFromCents(1)).String(); got != "0.01" {
		t.Errorf("0 + AmountFromCents(1) = %s", got)
	}
}

// The constructors name their unit: whole units and hundredths differ by
// a factor of a hundred, never by a guess.
func TestConstructorsNameTheUnit(t *testing.T) {
	t.Parallel()
	if got := AmountFromWhole(19990).String(); got != "19990" {
		t.Errorf("AmountFromWhole(19990) = %s", got)
	}
	if got := AmountFromCents(19990).String(); got != "199.90" {
		t.Errorf("AmountFromCents(19990) = %s", got)
	}
	if !AmountFromWhole(100).Equal(AmountFromCents(10000)) {
		t.Error("100 whole units differ from 10000 cents")
	}
}

// The type a user meets in %T and the error text carry the public package
// name, never an internal one.
func TestPublicNames(t *testing.T) {
	t.Parallel()
	for _, got := range []string{fmt.Sprintf("%T %T %T", Amount{}, Text(""), Secret("")), fmt.Sprint(func() error { _, err := ParseAmount("x"); return err }())} {
		if strings.Contains(got, "money") || strings.Contains(got, "jsonx") || strings.Contains(got, "redact") || !strings.Contains(got, "pagos") {
			t.Errorf("%q names an internal package", got)
		}
	}
}
