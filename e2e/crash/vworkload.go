package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// copyPrefix marks the main bucket's copy destinations: one new key per
// copy, removed after the verification that follows its round.
const copyPrefix = "/copy/"

// versionedKeys is how many keys of the versioned bucket a worker writes in
// one round.
const versionedKeys = 3

// wstate is what one worker knows about its own writes in one round.
type wstate struct {
	w      int
	copies int
	// live holds, per versioned key, the acknowledged object versions not
	// yet deleted, so a version delete names one that exists.
	live [versionedKeys][]string
	// done marks a versioned key whose last operation was not acknowledged:
	// the driver leaves it alone, so the unknown outcome stays its newest.
	done [versionedKeys]bool
}

// copyOne copies one of the worker's acknowledged keys to a new key. The
// source belongs to this worker, so nothing changes it during the copy.
func (l *load) copyOne(ctx context.Context, ws *wstate, src string) {
	possible := l.model.current(src)
	if len(possible) != 1 || !possible[0].present {
		return // the source's content is not known exactly
	}
	want := possible[0]
	if strings.Contains(want.etag, "-") {
		// A copy of a multipart object is stored as one part: its ETag
		// is new.
		want.etag = ""
	}
	ws.copies++
	dst := fmt.Sprintf("w%02d%sr%04d/n%04d", ws.w, copyPrefix, l.round, ws.copies)
	started := time.Now()
	octx, cancel := l.opContext(ctx)
	defer cancel()
	out, err := l.client.CopyObject(octx, &s3.CopyObjectInput{
		Bucket:     aws.String(l.bucket),
		Key:        aws.String(dst),
		CopySource: aws.String(copySource(l.bucket, src)),
	})
	if err == nil {
		l.stats.copies.Add(1)
		if r := out.CopyObjectResult; want.etag != "" && (r == nil || aws.ToString(r.ETag) != want.etag) {
			l.violate("round %d: CopyObject %q to %q answered ETag %v, want the source's %s", l.round, src, dst, r, want.etag)
		}
	}
	l.settle(ctx, "CopyObject", dst, want, err, started)
}

// copySource is the x-amz-copy-source value for key: each path segment
// percent-encoded, the slashes kept.
func copySource(bucket, key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return bucket + "/" + strings.Join(parts, "/")
}

// versionedKey names key i of worker w in round r: unique to the round.
func versionedKey(w, round, i int) string {
	return fmt.Sprintf("w%02d/r%04d/v%d", w, round, i)
}

// versionedStep does one operation on one of the worker's versioned keys:
// mostly a new version, sometimes a delete of one of its versions by id or
// a plain DELETE, which leaves a delete marker.
func (l *load) versionedStep(ctx context.Context, ws *wstate, rng *rand.Rand) {
	r := rng.Float64()
	i := rng.IntN(versionedKeys)
	if r >= 0.5 && r < 0.75 {
		// A version delete goes to a key that has a version to delete.
		for j := range versionedKeys {
			if k := (i + j) % versionedKeys; len(ws.live[k]) > 0 && !ws.done[k] {
				i = k
				break
			}
		}
	}
	if ws.done[i] {
		return
	}
	key := versionedKey(ws.w, l.round, i)
	started := time.Now()
	octx, cancel := l.opContext(ctx)
	defer cancel()
	in := &s3.DeleteObjectInput{Bucket: aws.String(l.vbucket), Key: aws.String(key)}
	switch {
	case r < 0.5 || (r < 0.75 && len(ws.live[i]) == 0):
		p := payload{seed: rng.Uint64(), size: rng.Int64N(64 * 1024)}
		st := state{present: true, size: p.size, sum: p.digest()}
		out, err := l.client.PutObject(octx, &s3.PutObjectInput{
			Bucket: aws.String(l.vbucket), Key: aws.String(key),
			Body: p.reader(), ContentLength: aws.Int64(p.size),
		})
		if err == nil && aws.ToString(out.VersionId) == "" {
			l.violate("round %d: versioned PutObject %q answered no version id", l.round, key)
			ws.done[i] = true
			return
		}
		if err != nil {
			l.vmodel.putUncertain(key, st)
			l.unacknowledged(ctx, ws, i, "versioned PutObject", key, err, started)
			return
		}
		st.etag = aws.ToString(out.ETag)
		l.vmodel.put(key, aws.ToString(out.VersionId), st)
		ws.live[i] = append(ws.live[i], aws.ToString(out.VersionId))
		l.stats.vputs.Add(1)
	case r < 0.75:
		j := rng.IntN(len(ws.live[i]))
		id := ws.live[i][j]
		in.VersionId = aws.String(id)
		_, err := l.client.DeleteObject(octx, in)
		l.vmodel.deleteVersion(key, id, err == nil)
		if err != nil {
			l.unacknowledged(ctx, ws, i, "DeleteObject versionId", key, err, started)
			return
		}
		ws.live[i] = append(ws.live[i][:j], ws.live[i][j+1:]...)
		l.stats.vdeletes.Add(1)
	default:
		out, err := l.client.DeleteObject(octx, in)
		if err != nil {
			l.vmodel.markerUncertain(key)
			l.unacknowledged(ctx, ws, i, "versioned DeleteObject", key, err, started)
			return
		}
		if !aws.ToBool(out.DeleteMarker) || aws.ToString(out.VersionId) == "" {
			l.violate("round %d: DeleteObject %q in a versioned bucket answered DeleteMarker=%v VersionId=%q",
				l.round, key, aws.ToBool(out.DeleteMarker), aws.ToString(out.VersionId))
			ws.done[i] = true
			return
		}
		l.vmodel.marker(key, aws.ToString(out.VersionId))
		l.stats.markers.Add(1)
	}
}

// unacknowledged ends the worker's use of versioned key i after an
// operation on it failed.
func (l *load) unacknowledged(ctx context.Context, ws *wstate, i int, op, key string, err error, started time.Time) {
	ws.done[i] = true
	l.stats.failed.Add(1)
	l.checkFailure(ctx, op, key, err, started)
}
