package object

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// damageGets counts the reads of damage marks.
type damageGets struct {
	meta.Store
	n atomic.Int64
}

func (c *damageGets) View(ctx context.Context, fn func(meta.Reader) error) error {
	return c.Store.View(ctx, func(r meta.Reader) error { return fn(damageGetReader{r, c}) })
}

type damageGetReader struct {
	meta.Reader
	c *damageGets
}

func (r damageGetReader) Get(k []byte) ([]byte, error) {
	if len(k) > 0 && k[0] == tableDamage {
		r.c.n.Add(1)
	}
	return r.Reader.Get(k)
}

// TestDamageHint: while no version is marked damaged, a GET or a copy
// looks up no damage mark; once one is marked through this Service, the
// next read of it is refused; a mark made through another Service on
// the same store is honoured here within damageHintTTL; and once no mark
// is left, reads stop looking again after the TTL.
func TestDamageHint(t *testing.T) {
	ctx := context.Background()
	var dg *damageGets
	e := newEnv(t, noInline, func(o *Options) {
		dg = &damageGets{Store: o.Meta}
		o.Meta = dg
	})
	e.bucket(t, "bkt")
	e.put(t, "bkt", "a", "alpha")
	e.put(t, "bkt", "b", "bravo")
	read := func(key string) error {
		out, err := e.s.GetObject(ctx, GetInput{Bucket: "bkt", Key: key})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		_, err = io.Copy(io.Discard, out.Body)
		return err
	}
	before := dg.n.Load()
	for range 3 {
		checkErr(t, "GetObject a", read("a"), nil)
	}
	_, err := e.s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "a", DstBucket: "bkt", DstKey: "c"})
	checkErr(t, "CopyObject", err, nil)
	if n := dg.n.Load() - before; n != 0 {
		t.Errorf("reads with no damage marked looked up %d marks, want 0", n)
	}

	mark := func(s *Service, key string) *ScrubVersion {
		t.Helper()
		v := scrubVersionOf(t, e, key)
		if ok, err := s.MarkDamaged(ctx, v, Finding{Problem: "test"}); err != nil || !ok {
			t.Fatalf("MarkDamaged(%s) = %v, %v", key, ok, err)
		}
		return v
	}
	va := mark(e.s, "a")
	if err := read("a"); !errors.Is(err, errDamaged) {
		t.Errorf("GetObject of a version marked here = %v, want errDamaged", err)
	}
	checkErr(t, "GetObject b", read("b"), nil)

	// Another node on the same store marks b: seen here within the TTL.
	other, err := New(Options{Meta: e.meta, Blob: e.blob, Clock: e.clock})
	checkErr(t, "New", err, nil)
	checkErr(t, "ClearDamaged a", e.s.ClearDamaged(ctx, va), nil)
	e.clock.Advance(damageHintTTL + time.Millisecond)
	checkErr(t, "GetObject a after its mark was cleared", read("a"), nil) // no mark left: trusted for a TTL
	mark(other, "b")
	e.clock.Advance(damageHintTTL + time.Millisecond)
	if err := read("b"); !errors.Is(err, errDamaged) {
		t.Errorf("GetObject of a version marked through another node, after the TTL = %v, want errDamaged", err)
	}
}

// scrubVersionOf returns the ScrubVersion of key's current version.
func scrubVersionOf(t *testing.T, e *env, key string) *ScrubVersion {
	t.Helper()
	var v *ScrubVersion
	err := e.meta.View(context.Background(), func(r meta.Reader) error {
		loc, err := findVersion(r, "bkt", key, "")
		if err != nil {
			return err
		}
		v = &ScrubVersion{Bucket: "bkt", Key: key, VersionID: displayVersion(loc.rec, true), DataID: loc.rec.DataID}
		return nil
	})
	checkErr(t, "findVersion", err, nil)
	return v
}
