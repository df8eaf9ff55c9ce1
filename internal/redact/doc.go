// Package redact holds Secret, the string type provider packages re-export
// (toku.Secret, fygaro.Secret) for credentials that must never reach a log
// line by accident.
package redact
