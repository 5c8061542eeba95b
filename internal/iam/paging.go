package iam

import (
	"strings"

	"github.com/coffer-s3/coffer/internal/meta"
)

// ListOptions page and filter a list call, as IAM's Marker, MaxItems and
// PathPrefix parameters do.
type ListOptions struct {
	// PathPrefix keeps only entities whose path starts with it ("" or
	// "/" for all).
	PathPrefix string
	// Marker is the Marker of the previous page; "" starts at the
	// beginning. It is opaque to callers.
	Marker string
	// MaxItems is the most items returned, 1-1000; 0 means 100.
	MaxItems int
}

// Page says whether a list was cut short and where to continue.
type Page struct {
	IsTruncated bool
	// Marker is the ListOptions.Marker of the next page when IsTruncated.
	Marker string
}

func (o ListOptions) limit() (int, error) {
	switch {
	case o.MaxItems == 0:
		return 100, nil
	case o.MaxItems < 1 || o.MaxItems > 1000:
		return 0, errorf(ErrValidation, "1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", o.MaxItems)
	}
	return o.MaxItems, nil
}

// listScope pages through the records under prefix (one account's users,
// groups, roles or policies), whose keys end in the lower-case name:
// decode turns a value into an item and its path, and items outside
// o.PathPrefix are skipped.
func listScope[T any](r meta.Reader, prefix []byte, o ListOptions, decode func([]byte) (T, string, error)) ([]T, Page, error) {
	limit, err := o.limit()
	if err != nil {
		return nil, Page{}, err
	}
	start := prefix
	if o.Marker != "" {
		start = append(append([]byte(nil), prefix...), o.Marker...)
		start = append(start, 0) // just after the marker's key
	}
	it := r.Scan(start, prefixEnd(prefix), meta.ScanOptions{})
	defer it.Close()
	var out []T
	var page Page
	last := ""
	for it.Next() {
		v, path, err := decode(it.Value())
		if err != nil {
			return nil, Page{}, err
		}
		if o.PathPrefix != "" && !strings.HasPrefix(path, o.PathPrefix) {
			continue
		}
		if len(out) == limit {
			page = Page{IsTruncated: true, Marker: last}
			break
		}
		out = append(out, v)
		last = string(it.Key()[len(prefix):])
	}
	return out, page, it.Err()
}

// pageSlice pages through an in-memory list whose items have sort keys.
func pageSlice[T any](items []T, keyOf func(T) string, o ListOptions) ([]T, Page, error) {
	limit, err := o.limit()
	if err != nil {
		return nil, Page{}, err
	}
	var out []T
	for _, it := range items {
		if o.Marker != "" && keyOf(it) <= o.Marker {
			continue
		}
		if len(out) == limit {
			return out, Page{IsTruncated: true, Marker: keyOf(out[len(out)-1])}, nil
		}
		out = append(out, it)
	}
	return out, Page{}, nil
}
