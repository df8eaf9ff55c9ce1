// Package pagos holds what the provider packages of this SDK (toku,
// conekta, fygaro, tpaga) share and you may want to read about in one
// place: the error sentinels and error types, the exact decimal Amount, the
// redacted Secret, the string-or-number Text and the per-call RequestOption.
// You rarely import it: each provider package re-exports these names (as
// variables with the same values, or as type aliases), so toku.Amount is
// pagos.Amount and toku.ErrNotFound is pagos.ErrNotFound.
//
// # Errors
//
// The sentinels are shared by every provider: errors.Is(err,
// pagos.ErrNotFound) is true for a 404 from any provider, and
// errors.Is(tokuErr, conekta.ErrNotFound) is true as well, since both names
// hold one value. Tell providers apart by the client that returned the error,
// or with errors.As on the provider's *Error type (toku.Error,
// conekta.Error, tpaga.Error). Parameters refused before anything was sent
// are a *ParamError (matching ErrInvalidRequest) that names the field to fix;
// a write that may have taken effect without an answer is an
// *OutcomeUnknownError (matching ErrOutcomeUnknown).
//
// # Money
//
// Amount is an exact decimal: it decodes JSON numbers and strings alike,
// adds, subtracts and compares exactly, and never goes through a float.
// Its constructors name the unit: AmountFromWhole(19990) is 19990 currency
// units, AmountFromCents(19990) is 199.90. Conekta and Tpaga send integer
// amounts instead (int64 centavos and int64 whole pesos); each field's doc
// names its unit.
package pagos
