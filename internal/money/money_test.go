package money

import (
	"encoding/json"
	"errors"
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
		a, err := Parse(c.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.in, err)
		}
		if got := a.String(); got != c.want {
			t.Errorf("Parse(%q).String() = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "-", ".", "1.2.3", "abc", "1,5", "0x10", "NaN", "Inf", "1e", "1e999", " 1", "1 ", "--1", strings.Repeat("9", 65), "1e-64x", "9e65"} {
		if _, err := Parse(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) err = %v, want ErrInvalid", in, err)
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
	if !v.A.Equal(MustParse("1000.00")) || !v.B.Equal(FromInt(10000)) {
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
	b, err := json.Marshal(map[string]Amount{"amount": MustParse("0.1"), "big": MustParse("12345678901234567890.05")})
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
		if got := MustParse(c.a).Cmp(MustParse(c.b)); got != c.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestFixedAndMinor(t *testing.T) {
	t.Parallel()
	if s, err := MustParse("100.1").Fixed(2); err != nil || s != "100.10" {
		t.Fatalf("Fixed = %q, %v", s, err)
	}
	if s, err := MustParse("7.500").Fixed(2); err != nil || s != "7.50" {
		t.Fatalf("Fixed trailing zeros = %q, %v", s, err)
	}
	if _, err := MustParse("7.505").Fixed(2); err == nil {
		t.Fatal("Fixed rounded instead of failing")
	}
	if n, err := MustParse("123.45").Minor(2); err != nil || n != 12345 {
		t.Fatalf("Minor = %d, %v", n, err)
	}
	if n, err := MustParse("-0.5").Minor(2); err != nil || n != -50 {
		t.Fatalf("Minor negative = %d, %v", n, err)
	}
	if _, err := MustParse("99999999999999999999").Minor(2); err == nil {
		t.Fatal("Minor overflow not reported")
	}
	if got := FromMinor(5, 2).String(); got != "0.05" {
		t.Fatalf("FromMinor(5,2) = %s", got)
	}
	if got := FromMinor(-12345, 2).String(); got != "-123.45" {
		t.Fatalf("FromMinor(-12345,2) = %s", got)
	}
	if got := FromInt(math.MinInt64).String(); got != strconv.FormatInt(math.MinInt64, 10) {
		t.Fatalf("FromInt(min) = %s", got)
	}
}

func TestZeroValue(t *testing.T) {
	t.Parallel()
	var z Amount
	if z.String() != "0" || !z.IsZero() || z.Sign() != 0 || z.Scale() != 0 || !z.Equal(MustParse("0.000")) {
		t.Fatal("zero value misbehaves")
	}
}

// FuzzParse checks that parsing untrusted text never panics and that what it
// accepts round-trips through its own text and JSON.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1000", "10000.0000", "100.0", "-1.5e3", ".5", "1e-64", "", "abc", "9e64"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		b, err := Parse(a.String())
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
