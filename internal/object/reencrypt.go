package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/coffer-s3/coffer/internal/blob"
	"github.com/coffer-s3/coffer/internal/checksum"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// Re-encryption of data stored in plaintext: versions written before
// encryption at rest, or while it was off. A version is walked as the
// scrubber walks it (ScrubBatch); ReencryptVersion reads its plaintext,
// checks it against the MD5s and checksum stored with it (so damaged
// bytes are never sealed into an authentic-looking stream), writes it
// sealed under a fresh SSE-S3 data key to new blobs (or a new inline
// value), and then, in one meta transaction that first checks the
// version still holds the bytes it read, switches the records to the new
// bytes. Nothing a client sees changes but the encryption reported: the
// DataID, ETag, checksums, Last-Modified, version id, metadata, tags,
// ACL and lock settings all stay. The old blobs lose their references in
// that transaction; the caller deletes them after a grace period
// (DeleteUnreferencedBlobs), and a crash before then leaves them to the
// garbage collection at start.

// ReencryptOutcome says what ReencryptVersion did with a version.
type ReencryptOutcome int

// The outcomes of ReencryptVersion.
const (
	// ReencryptNotNeeded: the version's bytes are already encrypted
	// (SSE-S3 or SSE-C), or it has none.
	ReencryptNotNeeded ReencryptOutcome = iota
	// Reencrypted: the version's bytes are now stored encrypted.
	Reencrypted
	// ReencryptSkipped: the version changed (overwritten, deleted, its
	// bytes replaced) since it was walked, or it is marked damaged; a
	// later pass looks at it again.
	ReencryptSkipped
	// ReencryptFailed: the stored plaintext failed its checks (Problem
	// says how); the version is left as it is for the scrubber to report.
	ReencryptFailed
)

// ReencryptResult is what ReencryptVersion did.
type ReencryptResult struct {
	Outcome ReencryptOutcome
	// Bytes counts the plaintext bytes sealed (Reencrypted only).
	Bytes int64
	// Problem is why the version failed (ReencryptFailed only).
	Problem string
	// Garbage lists the blobs that held the old plaintext: no longer
	// referenced, to delete once reads that opened them are done.
	Garbage []string
}

// NeedsReencryption reports whether any of v's bytes are stored in
// plaintext. A version whose records could not be read does not: its
// damage is the scrubber's to report.
func NeedsReencryption(v *ScrubVersion) bool {
	if v.rec == nil || v.recErr != nil || v.rec.DeleteMarker {
		return false
	}
	if v.rec.PartsCount == 0 {
		return v.rec.SSE == nil
	}
	if v.segsErr != nil {
		return false
	}
	for i := range v.segs {
		if v.segs[i].SSE == nil {
			return true
		}
	}
	return false
}

// sealedPiece is the new, encrypted form of one piece of a version.
type sealedPiece struct {
	// index is the segment index (1..N), 0 for a single-blob or inline
	// version.
	index  int
	old    blob.ID // "" for inline data
	blob   blob.ID // "" for inline data
	inline []byte
	sse    *sseRecord
}

// ReencryptVersion stores v's plaintext bytes encrypted under SSE-S3,
// as the package comment above describes. wait is called before every
// chunk read, as CheckVersion's is. An error means the attempt could not
// be made (cancelled, a store failing, no keyring); nothing was changed
// and any new blob was removed.
func (s *Service) ReencryptVersion(ctx context.Context, v *ScrubVersion, wait Throttle) (ReencryptResult, error) {
	if !NeedsReencryption(v) {
		return ReencryptResult{Outcome: ReencryptNotNeeded}, nil
	}
	if v.Marked || v.rec.Inline && v.inlineErr != nil {
		return ReencryptResult{Outcome: ReencryptSkipped}, nil
	}
	if s.keyring == nil {
		return ReencryptResult{}, errNoKeyring
	}
	sealed, f, err := s.sealVersion(ctx, v, wait)
	if err != nil || f != nil {
		s.abortSealed(ctx, sealed)
		if ctx.Err() == nil {
			// A version overwritten or deleted since the walk read it
			// lost its bytes on purpose: no failure of its own.
			if same, serr := s.stillStored(ctx, v); serr == nil && !same {
				return ReencryptResult{Outcome: ReencryptSkipped}, nil
			}
		}
		if err != nil {
			return ReencryptResult{}, fmt.Errorf("re-encrypt %s/%s %s: %w", v.Bucket, v.Key, v.VersionID, err)
		}
		return ReencryptResult{Outcome: ReencryptFailed, Problem: f.Problem}, nil
	}
	var garbage []blob.ID
	changed := false
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		var err error
		changed, garbage, err = s.switchSealed(tx, v, sealed)
		return err
	})
	if err != nil || changed {
		s.abortSealed(ctx, sealed)
		if err != nil {
			return ReencryptResult{}, fmt.Errorf("re-encrypt %s/%s %s: %w", v.Bucket, v.Key, v.VersionID, err)
		}
		return ReencryptResult{Outcome: ReencryptSkipped}, nil
	}
	res := ReencryptResult{Outcome: Reencrypted}
	for _, p := range sealed {
		if p.index == 0 {
			res.Bytes += v.rec.Size
		} else {
			res.Bytes += v.segs[p.index-1].Size
		}
	}
	for _, id := range garbage {
		res.Garbage = append(res.Garbage, string(id))
	}
	return res, nil
}

// sealVersion reads and checks every piece of v (as CheckVersion does)
// and writes each plaintext one sealed to a new blob or inline value.
// On a Finding or an error the caller removes what it returned.
func (s *Service) sealVersion(ctx context.Context, v *ScrubVersion, wait Throttle) ([]sealedPiece, *Finding, error) {
	c := &check{s: s, ctx: ctx, wait: wait}
	if ck := v.rec.Checksum; ck != nil && ck.Type != checksum.Composite && ck.Alg != "" {
		c.full, c.fullWant = ck.Alg.New(), ck.Value
	}
	var out []sealedPiece
	if v.rec.PartsCount == 0 {
		if v.rec.Inline {
			if len(v.inline) != int(v.rec.Size) {
				return nil, &Finding{Problem: fmt.Sprintf("inline data has %d bytes, want %d", len(v.inline), v.rec.Size)}, nil
			}
		}
		p := piece{blob: v.rec.Blob, inline: v.inline, size: v.rec.Size}
		sp, f, err := s.sealPiece(c, p, objectKeyContext(v.rec.DataID), etagMD5(v.rec.ETag))
		if sp == nil {
			return nil, f, err
		}
		out = append(out, *sp)
		if f != nil || err != nil {
			return out, f, err
		}
	} else {
		if len(v.segs) != v.rec.PartsCount {
			return nil, &Finding{Problem: fmt.Sprintf("%d part records, want %d", len(v.segs), v.rec.PartsCount)}, nil
		}
		for i := range v.segs {
			sg := &v.segs[i]
			p := sg.piece(v.rec.DataID, sg.number(i+1))
			if sg.SSE != nil {
				// Already sealed (an upload completed from parts of
				// both kinds): read only to check the whole object.
				if f, err := c.piece(p, sg.MD5); f != nil || err != nil {
					return out, f, err
				}
				continue
			}
			sp, f, err := s.sealPiece(c, p, partKeyContext(v.rec.DataID, sg.number(i+1)), sg.MD5)
			if sp != nil {
				sp.index = i + 1
				out = append(out, *sp)
			}
			if f != nil || err != nil {
				return out, f, err
			}
		}
	}
	if c.full != nil && !bytes.Equal(c.full.Sum(nil), c.fullWant) {
		return out, &Finding{Problem: fmt.Sprintf("the data does not match its stored %s checksum", v.rec.Checksum.Alg)}, nil
	}
	return out, nil, nil
}

// sealPiece reads plaintext piece p through c (checking it against md5)
// and writes it sealed under a fresh data key wrapped for keyCtx: to a
// new blob, or to memory for inline data. It returns the piece written
// so far even with a Finding or an error, so that the caller removes it.
func (s *Service) sealPiece(c *check, p piece, keyCtx, md5 []byte) (*sealedPiece, *Finding, error) {
	if p.blob != "" {
		if err := s.admit(sse.EncryptedSize(p.size)); err != nil {
			return nil, nil, err
		}
	}
	key, rec, err := s.newDataKey(keyCtx, nil, "")
	if err != nil {
		return nil, nil, err
	}
	defer key.Zero()
	sp := &sealedPiece{old: p.blob, sse: rec}
	var (
		w   blob.Writer
		buf *bytes.Buffer
		dst io.Writer
	)
	if p.blob == "" {
		buf = bytes.NewBuffer(make([]byte, 0, sse.EncryptedSize(p.size)))
		dst = buf
	} else {
		// The sealed copy goes to the store (main or tier) that holds
		// the plaintext.
		tier, _ := splitLocated(p.blob)
		if w, err = s.createIn(c.ctx, tier, blob.FlagEncrypted); err != nil {
			return nil, nil, fmt.Errorf("create blob: %w", err)
		}
		defer w.Abort() // no-op after Commit
		dst = w
	}
	enc, err := sse.NewWriter(dst, key)
	if err != nil {
		return nil, nil, err
	}
	c.out = enc
	f, err := c.piece(p, md5)
	c.out = nil
	if f != nil || err != nil {
		return nil, f, spaceError(err)
	}
	if err := enc.Close(); err != nil {
		return nil, nil, spaceError(fmt.Errorf("encrypt: %w", err))
	}
	if buf != nil {
		sp.inline = buf.Bytes()
		return sp, nil, nil
	}
	id, err := w.Commit(c.ctx)
	if err != nil {
		return nil, nil, spaceError(fmt.Errorf("commit blob: %w", err))
	}
	tier, _ := splitLocated(p.blob)
	sp.blob = locatedID(tier, id)
	return sp, nil, nil
}

// abortSealed deletes the new blobs of pieces that were not recorded.
func (s *Service) abortSealed(ctx context.Context, ps []sealedPiece) {
	var ids []blob.ID
	for _, p := range ps {
		if p.blob != "" {
			ids = append(ids, p.blob)
		}
	}
	s.deleteBlobs(ctx, ids)
}

// stillStored reports whether the record at v.Pos still names v's
// bytes (the same DataID).
func (s *Service) stillStored(ctx context.Context, v *ScrubVersion) (bool, error) {
	same := false
	err := s.meta.View(ctx, func(r meta.Reader) error {
		val, err := r.Get(v.Pos)
		if errors.Is(err, meta.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var rec objectRecord
		same = decodeObject(val, &rec) == nil && !rec.DeleteMarker && rec.DataID == v.rec.DataID
		return nil
	})
	return same, err
}

// errReencryptStale is switchSealed's signal that the version changed.
var errReencryptStale = errors.New("object: version changed since it was read")

// switchSealed makes the records of v name the sealed pieces, provided v
// still holds, in tx, exactly the plaintext bytes that were read: the
// record at v.Pos has the same DataID, and every piece replaced is still
// plaintext in the same blob. It reports changed (and writes nothing)
// otherwise. The record is rewritten from what tx reads, so a tag or
// retention change committed since the walk is kept.
func (s *Service) switchSealed(tx meta.Txn, v *ScrubVersion, ps []sealedPiece) (changed bool, garbage []blob.ID, err error) {
	val, err := tx.Get(v.Pos)
	if errors.Is(err, meta.ErrNotFound) {
		return true, nil, nil
	}
	if err != nil {
		return false, nil, err
	}
	rec := &objectRecord{}
	if err := decodeObject(val, rec); err != nil || rec.DeleteMarker || rec.DataID != v.rec.DataID ||
		rec.Inline != v.rec.Inline || rec.PartsCount != v.rec.PartsCount {
		return true, nil, nil
	}
	if damaged, err := isDamaged(tx, rec.DataID); err != nil || damaged {
		return err == nil, nil, err
	}
	ref := refRecord{Bucket: v.Bucket, Key: v.Key, DataID: rec.DataID}
	if rec.PartsCount == 0 {
		garbage, err = s.switchWhole(tx, rec, ps[0], ref)
	} else {
		garbage, err = s.switchSegments(tx, rec, ps, ref)
	}
	if errors.Is(err, errReencryptStale) {
		return true, nil, nil
	}
	if err != nil {
		return false, nil, err
	}
	return false, garbage, tx.Set(v.Pos, encodeObject(rec))
}

// switchWhole switches an inline or single-blob version to p.
func (s *Service) switchWhole(tx meta.Txn, rec *objectRecord, p sealedPiece, ref refRecord) ([]blob.ID, error) {
	if rec.SSE != nil || rec.Blob != p.old {
		return nil, errReencryptStale
	}
	if err := s.currentWrap(p.sse, objectKeyContext(rec.DataID)); err != nil {
		return nil, err
	}
	rec.SSE = p.sse
	if rec.Inline {
		if _, sealed, err := readInline(tx, rec.DataID); err != nil || sealed {
			return nil, errors.Join(err, errReencryptStale)
		}
		return nil, tx.Set(inlineKey(rec.DataID), append([]byte{inlineSealedV1}, p.inline...))
	}
	rec.Blob = p.blob
	if err := moveRef(tx, p.old, p.blob, ref); err != nil {
		return nil, err
	}
	return []blob.ID{p.old}, nil
}

// switchSegments switches the plaintext segments of a multipart version
// to ps, and its record's encryption to what the segments now share.
func (s *Service) switchSegments(tx meta.Txn, rec *objectRecord, ps []sealedPiece, ref refRecord) ([]blob.ID, error) {
	segs, err := readSegments(tx, rec.DataID)
	if err != nil {
		return nil, err
	}
	var garbage []blob.ID
	for _, p := range ps {
		if p.index < 1 || p.index > len(segs) {
			return nil, errReencryptStale
		}
		sg := &segs[p.index-1]
		if sg.SSE != nil || sg.Blob != p.old {
			return nil, errReencryptStale
		}
		if err := s.currentWrap(p.sse, partKeyContext(rec.DataID, sg.number(p.index))); err != nil {
			return nil, err
		}
		sg.Blob, sg.SSE = p.blob, p.sse
		sv, err := encodeRecord(sg)
		if err != nil {
			return nil, err
		}
		if err := tx.Set(segmentKey(rec.DataID, p.index), sv); err != nil {
			return nil, err
		}
		if err := moveRef(tx, p.old, p.blob, ref); err != nil {
			return nil, err
		}
		garbage = append(garbage, p.old)
	}
	rec.SSE = multipartEncryption(segs)
	return garbage, nil
}

// moveRef gives blob to the owner of blob from, whose reference goes.
// A blob without a reference (a store that never wrote one for it) gets
// ref.
func moveRef(tx meta.Txn, from, to blob.ID, ref refRecord) error {
	v, err := tx.Get(refKey(string(from)))
	switch {
	case errors.Is(err, meta.ErrNotFound):
		return setRef(tx, to, ref)
	case err != nil:
		return fmt.Errorf("reference of blob %s: %w", from, err)
	}
	if err := tx.Set(refKey(string(to)), bytes.Clone(v)); err != nil {
		return err
	}
	return tx.Delete(refKey(string(from)))
}

// DeleteUnreferencedBlobs deletes those of ids that no meta record
// references (ReencryptResult.Garbage once its grace period is over); a
// referenced one is kept. Failures are logged; the garbage collection at
// start catches what remains.
func (s *Service) DeleteUnreferencedBlobs(ctx context.Context, ids []string) error {
	var gone []blob.ID
	err := s.meta.View(ctx, func(r meta.Reader) error {
		gone = gone[:0]
		for _, id := range ids {
			_, err := r.Get(refKey(id))
			switch {
			case errors.Is(err, meta.ErrNotFound):
				gone = append(gone, blob.ID(id))
			case err != nil:
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete unreferenced blobs: %w", err)
	}
	s.deleteBlobs(ctx, gone)
	return nil
}

// CountPlaintextUploads counts the multipart uploads in progress whose
// parts are stored in plaintext (started while encryption at rest was
// off, without SSE-C): the objects they complete into are plaintext too,
// so the re-encryption job passes again after they may have completed.
// An upload record that cannot be decoded is not counted.
func (s *Service) CountPlaintextUploads(ctx context.Context) (int, error) {
	n := 0
	err := s.meta.View(ctx, func(r meta.Reader) error {
		n = 0
		it := r.Scan([]byte{tableUpload}, []byte{tableUpload + 1}, meta.ScanOptions{})
		for it.Next() {
			var up uploadRecord
			if decodeRecord(it.Value(), &up) == nil && !up.Encrypt && up.SSEC == "" {
				n++
			}
		}
		return errors.Join(it.Err(), it.Close())
	})
	if err != nil {
		return 0, fmt.Errorf("count plaintext uploads: %w", err)
	}
	return n, nil
}
