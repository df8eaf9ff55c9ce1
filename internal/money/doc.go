// Package money holds Amount, the exact decimal type pagos uses wherever a
// provider sends money as a decimal number or string (Toku, Fygaro).
//
// Amount is string-backed: it keeps the digits it was given, decodes JSON
// numbers and JSON strings alike (1000, "10000.0000", 100.0), compares
// numerically, and never converts through binary floating point, so "0.1"
// stays exactly one tenth. Provider packages re-export it by alias (toku.Amount) together
// with the constructors users need.
package money
