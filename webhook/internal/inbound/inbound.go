// Package inbound holds the first steps every webhook handler takes before
// authentication, shared by package webhook's delivery engine and by
// webhook/conektasync, which does not use that engine.
package inbound

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Refusal is a request a handler answers without processing it: the status
// to answer, the short reason sent to the client, and the error to log.
type Refusal struct {
	Status int
	Reason string
	Err    error
}

// ReadPost reads the body of a POST within max bytes. Otherwise it returns
// the refusal to answer (405 with an Allow header set, 413 or 400).
func ReadPost(w http.ResponseWriter, r *http.Request, max int64) ([]byte, *Refusal) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return nil, &Refusal{http.StatusMethodNotAllowed, "method not allowed", fmt.Errorf("method %s; only POST is accepted", r.Method)}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &Refusal{http.StatusRequestEntityTooLarge, "body too large", err}
		}
		return nil, &Refusal{http.StatusBadRequest, "unreadable body", err}
	}
	return body, nil
}

// Unaccepted is the refusal of a request that failed authentication (401),
// or whose authentic envelope cannot be read (400: err matches malformed).
func Unaccepted(err, malformed error) *Refusal {
	if errors.Is(err, malformed) {
		return &Refusal{http.StatusBadRequest, "malformed payload", err}
	}
	return &Refusal{http.StatusUnauthorized, "unauthorized", err}
}
