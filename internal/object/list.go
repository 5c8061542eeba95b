package object

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/coffer-s3/coffer/internal/meta"
)

// pageSize turns a requested page size into the one used: 0 means def,
// larger than maxListKeys is capped, negative is invalid.
func pageSize(n, def int) (int, error) {
	switch {
	case n < 0:
		return 0, fmt.Errorf("%w: negative page size %d", ErrInvalidArgument, n)
	case n == 0:
		return def, nil
	case n > maxListKeys:
		return maxListKeys, nil
	}
	return n, nil
}

// cursor is a forward scan that can jump ahead. Jumping closes the current
// iterator and opens a new one at the target, so that skipping a common
// prefix costs one seek instead of a walk over its members.
type cursor struct {
	r    meta.Reader
	it   meta.Iterator
	end  []byte
	held bool // the iterator is on an entry that next must return
	done bool // the iterator is exhausted
}

// skipSteps is how many entries skipPrefix steps over before it seeks:
// stepping is much cheaper than opening an iterator, and most common
// prefixes ("directories") hold few keys.
const skipSteps = 8

// next advances to the next entry.
func (c *cursor) next() bool {
	if c.held {
		c.held = false
		return true
	}
	if c.done || !c.it.Next() {
		c.done = true
		return false
	}
	return true
}

// skipPrefix moves past every key that starts with p.
func (c *cursor) skipPrefix(p []byte) error {
	for i := 0; i < skipSteps; i++ {
		if !c.it.Next() {
			c.done = true
			return nil
		}
		if !bytes.HasPrefix(c.it.Key(), p) {
			c.held = true
			return nil
		}
	}
	end := prefixEnd(p)
	if end == nil {
		c.done = true
		return nil
	}
	return c.seek(end)
}

func newCursor(r meta.Reader, start, end []byte) *cursor {
	return &cursor{r: r, it: r.Scan(start, end, meta.ScanOptions{}), end: end}
}

// seek restarts the scan at start.
func (c *cursor) seek(start []byte) error {
	err := c.it.Err()
	c.it.Close()
	c.it = c.r.Scan(start, c.end, meta.ScanOptions{})
	c.held, c.done = false, false
	return err
}

// close releases the scan; it is safe to call twice.
func (c *cursor) close() error {
	if c.it == nil {
		return nil
	}
	err := c.it.Err()
	c.it.Close()
	c.it = nil
	return err
}

// ListObjects lists the current objects of a bucket in key order, with
// Prefix, Delimiter (common prefixes count against MaxKeys and appear once)
// and the exclusive After. It is one ordered range scan starting at the
// right key; each common prefix is skipped with one seek, so a page costs
// O(MaxKeys) records read whatever the bucket holds.
func (s *Service) ListObjects(ctx context.Context, in ListInput) (*ListOutput, error) {
	out, err := s.listObjects(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", in.Bucket, err)
	}
	return out, nil
}

func (s *Service) listObjects(ctx context.Context, in ListInput) (*ListOutput, error) {
	if err := checkBucketName(in.Bucket); err != nil {
		return nil, err
	}
	if in.MaxKeys < 0 {
		return nil, fmt.Errorf("%w: negative max-keys %d", ErrInvalidArgument, in.MaxKeys)
	}
	limit := min(in.MaxKeys, maxListKeys)
	base := bucketPrefix(tableObject, in.Bucket)
	start := objectKey(in.Bucket, in.Prefix)
	if in.After != "" {
		if after := append(objectKey(in.Bucket, in.After), 0); bytes.Compare(after, start) > 0 {
			start = after
		}
	}
	end := prefixEnd(objectKey(in.Bucket, in.Prefix))
	now := s.clock.Now() // restores are shown as of now

	var out *ListOutput
	err := s.meta.View(ctx, func(r meta.Reader) error {
		out = &ListOutput{}
		if _, err := getBucket(r, in.Bucket); err != nil {
			return err
		}
		if limit == 0 {
			return nil
		}
		c := newCursor(r, start, end)
		defer c.close()
		count := 0
		for c.next() {
			key := string(c.it.Key()[len(base):])
			if in.Delimiter != "" {
				if i := strings.Index(key[len(in.Prefix):], in.Delimiter); i >= 0 {
					cp := key[:len(in.Prefix)+i+len(in.Delimiter)]
					if cp > in.After {
						if count == limit {
							out.Truncated = true
							return nil
						}
						out.CommonPrefixes = append(out.CommonPrefixes, cp)
						out.Next = cp
						count++
					}
					if err := c.skipPrefix(objectKey(in.Bucket, cp)); err != nil {
						return err
					}
					continue
				}
			}
			if count == limit {
				out.Truncated = true
				return nil
			}
			var rec objectRecord
			if err := decodeObject(c.it.Value(), &rec); err != nil {
				return fmt.Errorf("object %s: %w", key, err)
			}
			info := rec.info(in.Bucket, key)
			info.Restore = rec.Restore.statusAt(now)
			out.Objects = append(out.Objects, info)
			out.Next = key
			count++
		}
		return c.close()
	})
	if err != nil {
		return nil, err
	}
	if !out.Truncated {
		out.Next = ""
	}
	return out, nil
}
