package httpcore

import (
	"net/http"

	"github.com/pagos-go/pagos"
)

// SentinelFor returns the shared sentinel for an HTTP status, or nil.
func SentinelFor(status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return pagos.ErrUnauthorized
	case status == http.StatusForbidden:
		return pagos.ErrForbidden
	case status == http.StatusNotFound:
		return pagos.ErrNotFound
	case status == http.StatusBadRequest, status == http.StatusConflict, status == http.StatusUnprocessableEntity:
		return pagos.ErrInvalidRequest
	case status == http.StatusTooManyRequests:
		return pagos.ErrRateLimited
	case status >= 500:
		return pagos.ErrServer
	}
	return nil
}
