// Package spectest holds conektatest's own tests: every flow the Conekta
// fake serves, with every request it accepts and every answer it gives
// checked against Conekta's official OpenAPI file.
//
// It is a module of its own because the OpenAPI validator it uses
// (pb33f's libopenapi-validator) needs Go 1.26 and brings a large
// dependency tree; kept here, none of it reaches the module graph of a
// program that imports pagos. Run it with
//
//	cd conekta/conektatest/spectest && go test -race ./...
package spectest
