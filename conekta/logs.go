package conekta

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// LogsService reads Conekta's log of the API requests the account made:
// the log_id of an error (Error.LogID) is the id to fetch.
type LogsService service

// RequestLog is one API request as Conekta recorded it. The bodies and
// headers are Conekta's record, free-form JSON; Conekta masks card data in
// them, but they may hold personal data, so log them with care.
type RequestLog struct {
	ID        string `json:"id"`
	Livemode  bool   `json:"livemode"`
	CreatedAt Time   `json:"created_at"`
	// UpdatedAt is a date text as Conekta sends it, such as
	// "2022-08-25 16:40:44.887000+00:00".
	UpdatedAt string `json:"updated_at,omitempty"`
	Method    string `json:"method,omitempty"` // such as "POST"
	URL       string `json:"url,omitempty"`    // the path, such as "/orders"
	// Status is the HTTP status answered, as text ("200").
	Status    Text   `json:"status,omitempty"`
	Version   string `json:"version,omitempty"` // the API version, such as "2.3.0"
	IPAddress string `json:"ip_address,omitempty"`
	// LoggableType and LoggableID name the object the request touched,
	// such as "order" and "ord_…".
	LoggableType    string            `json:"loggable_type,omitempty"`
	LoggableID      string            `json:"loggable_id,omitempty"`
	Related         string            `json:"related,omitempty"`
	OAuthTokenID    string            `json:"oauth_token_id,omitempty"`
	UserAccountID   string            `json:"user_account_id,omitempty"`
	SearchableTags  []string          `json:"searchable_tags,omitempty"`
	QueryString     json.RawMessage   `json:"query_string,omitempty"`
	RequestBody     json.RawMessage   `json:"request_body,omitempty"`
	ResponseBody    json.RawMessage   `json:"response_body,omitempty"`
	RequestHeaders  map[string]string `json:"request_headers,omitempty"`
	ResponseHeaders map[string]string `json:"response_headers,omitempty"`
	// Raw is the object as Conekta sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the log and keeps it in Raw.
func (l *RequestLog) UnmarshalJSON(b []byte) error {
	type plain RequestLog
	return keepRaw(b, (*plain)(l), &l.Raw)
}

// Get fetches one request's log (GET /logs/{id}), such as the LogID of an
// *Error.
//
// Conekta API: getLogById.
func (s *LogsService) Get(ctx context.Context, id string, opts ...RequestOption) (*RequestLog, error) {
	if err := check.ID(provider, "log", id); err != nil {
		return nil, err
	}
	return call[RequestLog](ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/logs/" + url.PathEscape(id)}, opts)
}

// List fetches one page of request logs, newest first (GET /logs).
//
// Conekta API: getLogs.
func (s *LogsService) List(ctx context.Context, p *ListParams, opts ...RequestOption) (*List[*RequestLog], error) {
	q, err := p.query(url.Values{})
	if err != nil {
		return nil, err
	}
	return list(ctx, s.client, &httpcore.Request{Method: http.MethodGet, Path: "/logs", Query: q}, opts, func(l *RequestLog) string { return l.ID })
}

// All iterates over every request log matching p.
func (s *LogsService) All(ctx context.Context, p *ListParams, opts ...RequestOption) iter.Seq2[*RequestLog, error] {
	return allPages(ctx, func(ctx context.Context, cursor string) (*List[*RequestLog], error) {
		return s.List(ctx, p.after(cursor), opts...)
	})
}
