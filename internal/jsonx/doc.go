// Package jsonx holds the lenient JSON decoding the providers need where
// their documents say "string" but the wire sometimes carries a number:
// ids, references and codes.
package jsonx
