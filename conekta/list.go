package conekta

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strconv"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
	"github.com/pagos-go/pagos/internal/jsonx"
)

// List is one page of a Conekta list, the same shape as toku.List:
// {"object":"list","has_more":…,"data":[…]} on the wire. Some event payloads
// carry a bare array instead, which decodes too.
type List[T any] struct {
	Data []T
	// HasMore reports whether a page follows this one.
	HasMore bool
	// NextCursor fetches the next page when passed as ListParams.Next: the
	// id of this page's last object while HasMore, "" on the last page. A
	// service's List method sets it; a list embedded in another object (an
	// order's charges) leaves it "".
	NextCursor string
}

// UnmarshalJSON accepts a list object or a bare array.
func (l *List[T]) UnmarshalJSON(b []byte) error {
	p, err := jsonx.DecodePage[T](b)
	if err != nil {
		return err
	}
	*l = List[T]{Data: p.Data, HasMore: p.HasMore}
	return nil
}

// MarshalJSON writes the list object.
func (l List[T]) MarshalJSON() ([]byte, error) {
	data := l.Data
	if data == nil {
		data = []T{}
	}
	return json.Marshal(struct {
		Object  string `json:"object"`
		HasMore bool   `json:"has_more"`
		Data    []T    `json:"data"`
	}{"list", l.HasMore, data})
}

// list fetches one page and sets its NextCursor from the id of its last
// object, since Conekta pages by object id.
func list[T any](ctx context.Context, c *Client, r *httpcore.Request, opts []RequestOption, id func(T) string) (*List[T], error) {
	l, err := call[List[T]](ctx, c, r, opts)
	if err != nil {
		return nil, err
	}
	if l.HasMore && len(l.Data) > 0 {
		l.NextCursor = id(l.Data[len(l.Data)-1])
	}
	return l, nil
}

// allPages walks a list by NextCursor for as long as Conekta says has_more.
func allPages[T any](ctx context.Context, page func(ctx context.Context, cursor string) (*List[T], error)) iter.Seq2[T, error] {
	return httpcore.Pages(ctx, func(ctx context.Context, cursor string) ([]T, string, error) {
		l, err := page(ctx, cursor)
		if err != nil {
			return nil, "", err
		}
		if l.HasMore && l.NextCursor == "" {
			return nil, "", fmt.Errorf("conekta: a list page says has_more but its last object has no id to page from")
		}
		return l.Data, l.NextCursor, nil
	})
}

// ListParams pages through a list. Conekta pages by object id: Next asks for
// the objects after that id, Previous for those before it. All sets Next
// itself; pagos never follows the next_page_url Conekta sends.
type ListParams struct {
	Limit    int    // 1 to 250 per page; 0 leaves Conekta's default (20)
	Search   string // Conekta's general search, such as an email or reference
	Next     string // an object id: the page after it
	Previous string // an object id: the page before it
}

// MaxLimit is the largest page Conekta serves.
const MaxLimit = 250

func (p *ListParams) query(q url.Values) (url.Values, error) {
	if p == nil {
		return q, nil
	}
	if p.Limit < 0 || p.Limit > MaxLimit {
		return nil, check.Invalid(provider, "ListParams.Limit", "is %d; give 1 to %d, or 0 for Conekta's default of 20", p.Limit, MaxLimit)
	}
	if p.Next != "" && p.Previous != "" {
		return nil, check.Invalid(provider, "ListParams", "sets both Next and Previous; page one way at a time")
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	for k, v := range map[string]string{"search": p.Search, "next": p.Next, "previous": p.Previous} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q, nil
}

// after returns a copy of p positioned after the object id cursor; the
// caller's p is not modified.
func (p *ListParams) after(cursor string) *ListParams {
	var lp ListParams
	if p != nil {
		lp = *p
	}
	if cursor != "" {
		lp.Next, lp.Previous = cursor, ""
	}
	return &lp
}
