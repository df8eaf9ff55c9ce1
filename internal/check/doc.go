// Package check holds the parameter checks every provider package runs
// before a request is built: ids that go into paths, email syntax,
// credentials, and the *pagos.ParamError that names the field to fix. It
// imports no HTTP client, so fygaro (which has no API) can use it.
package check
