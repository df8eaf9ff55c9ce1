package toku

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"

	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
	"github.com/pagos-go/pagos/internal/jsonx"
)

// List is one page of a Toku list, the same shape as conekta.List.
type List[T any] struct {
	Data []T
	// HasMore reports whether a page follows this one.
	HasMore bool
	// NextCursor fetches the next page when passed as ListParams.Cursor; ""
	// on the last page.
	NextCursor string
}

// UnmarshalJSON accepts {"items": [...], "next_cursor": "..."} as Toku sends
// it, the same under "data", and a bare array as some endpoints answer.
func (l *List[T]) UnmarshalJSON(b []byte) error {
	p, err := jsonx.DecodePage[T](b)
	if err != nil {
		return err
	}
	*l = List[T]{Data: p.Data, HasMore: p.HasMore || p.NextCursor != "", NextCursor: p.NextCursor}
	return nil
}

// allPages walks cursor pages. page fetches the page at a cursor, or the
// caller's own starting page for "".
func allPages[T any](ctx context.Context, page func(ctx context.Context, cursor string) (*List[T], error)) iter.Seq2[T, error] {
	return httpcore.Pages(ctx, func(ctx context.Context, cursor string) ([]T, string, error) {
		l, err := page(ctx, cursor)
		if err != nil {
			return nil, "", err
		}
		if l.HasMore && l.NextCursor == "" {
			return nil, "", fmt.Errorf("toku: a list page says has_more but gives no next_cursor to page from")
		}
		return l.Data, l.NextCursor, nil
	})
}

// ListParams pages through a list: PageSize items per page, starting at
// Cursor (a previous page's NextCursor, or "" for the first page).
//
// Toku's docs do not publish the cursor parameter's name; pagos sends it as
// "cursor" (the name of the response field is next_cursor).
type ListParams struct {
	PageSize int    // 0 leaves Toku's default
	Cursor   string // "" for the first page
}

func (p *ListParams) query(q url.Values) (url.Values, error) {
	if p == nil {
		return q, nil
	}
	if p.PageSize < 0 {
		return nil, check.Invalid("toku", "PageSize", "is %d; give a positive page size or 0 for Toku's default", p.PageSize)
	}
	if p.PageSize > 0 {
		q.Set("page_size", strconv.Itoa(p.PageSize))
	}
	if p.Cursor != "" {
		q.Set("cursor", p.Cursor)
	}
	return q, nil
}

// at returns a copy of p positioned at cursor; the caller's p is not modified.
func (p *ListParams) at(cursor string) *ListParams {
	var lp ListParams
	if p != nil {
		lp = *p
	}
	if cursor != "" {
		lp.Cursor = cursor
	}
	return &lp
}
