package jsonx

import (
	"bytes"
	"encoding/json"
)

// Page is what a provider's list answer holds, whichever shape it came in.
// The provider packages copy it into their own List type, so the public
// type shows its fields in go doc.
type Page[T any] struct {
	Data    []T
	HasMore bool
	// NextCursor is the next_cursor the answer carried, "" when none.
	NextCursor string
}

// DecodePage reads a list answer: a bare array, or an object holding the
// items under "data" or "items" with optional "has_more" and "next_cursor"
// (null reads as ""). Toku and Conekta answer in these shapes, and some
// event payloads embed a bare array where the docs show a list object.
func DecodePage[T any](b []byte) (Page[T], error) {
	var p Page[T]
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		err := json.Unmarshal(b, &p.Data)
		return p, err
	}
	var v struct {
		Data       []T     `json:"data"`
		Items      []T     `json:"items"`
		HasMore    bool    `json:"has_more"`
		NextCursor *string `json:"next_cursor"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return Page[T]{}, err
	}
	p.Data, p.HasMore = v.Data, v.HasMore
	if p.Data == nil {
		p.Data = v.Items
	}
	if v.NextCursor != nil {
		p.NextCursor = *v.NextCursor
	}
	return p, nil
}
