package iam

import (
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// chain applies role chaining to rec, a role session that the temporary
// credentials caller asked for. As AWS documents (IAM User Guide, "Pass
// session tags in AWS STS", "Monitor and control actions taken with
// assumed roles"):
//   - the caller's transitive session tags pass on, stay transitive, and
//     cannot be set again in the request;
//   - a source identity, once set, passes on and cannot be changed.
//
// A session-token caller (GetSessionToken) has neither; its chained
// session is only capped at one hour.
func chain(r meta.Reader, caller string, rec *sessionRecord) error {
	var parent sessionRecord
	found, err := get(r, key(subSession, caller), &parent)
	if err != nil {
		return err
	}
	if !found {
		return unknownKey(caller)
	}
	inherited := transitiveTags(parent)
	for _, t := range rec.Tags {
		for _, it := range inherited {
			if strings.EqualFold(t.Key, it.Key) {
				return errorf(ErrValidation, "Session tag %s is already set by an inherited transitive session tag and cannot be set again.", t.Key)
			}
		}
	}
	if len(inherited) > 0 {
		rec.Tags = append(append([]Tag(nil), inherited...), rec.Tags...)
		keys := make([]string, 0, len(inherited)+len(rec.Transitive))
		for _, t := range inherited {
			keys = append(keys, t.Key)
		}
		rec.Transitive = append(keys, rec.Transitive...)
	}
	switch {
	case parent.SourceIdentity == "":
	case rec.SourceIdentity == "":
		rec.SourceIdentity = parent.SourceIdentity
	case rec.SourceIdentity != parent.SourceIdentity:
		return errorf(ErrSessionRefused, "The source identity %s cannot be changed to %s in a role chain.", parent.SourceIdentity, rec.SourceIdentity)
	}
	return nil
}

// transitiveTags returns the tags of rec that pass to chained sessions.
func transitiveTags(rec sessionRecord) []Tag {
	var out []Tag
	for _, t := range rec.Tags {
		for _, k := range rec.Transitive {
			if strings.EqualFold(t.Key, k) {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// Packed size limits. AWS packs a session's policy, policy ARNs and tags
// into a compressed binary form with a limit of its own, whose format it
// does not document; coffer compresses the same inputs with DEFLATE and
// allows packedLimit bytes. The plaintext of the policies (inline and
// ARNs) may not exceed plaintextLimit characters either, as AssumeRole's
// reference states. PackedPolicySize is the larger share, in percent.
const (
	packedLimit    = 1024
	plaintextLimit = 2048
)

// packedPolicySize returns, in percent rounded up, how much of the
// packed limit a session's policy, policy ARNs and tags use.
func packedPolicySize(doc string, arns []string, tags []Tag) int {
	if doc == "" && len(arns) == 0 && len(tags) == 0 {
		return 0
	}
	var plain bytes.Buffer
	plain.WriteString(doc)
	for _, a := range arns {
		plain.WriteString("\x00" + a)
	}
	plaintext := plain.Len()
	for _, t := range tags {
		plain.WriteString("\x00" + t.Key + "=" + t.Value)
	}
	var packed bytes.Buffer
	w, _ := flate.NewWriter(&packed, flate.BestCompression)
	w.Write(plain.Bytes())
	w.Close()
	return max(percent(packed.Len(), packedLimit), percent(plaintext, plaintextLimit))
}

func percent(n, limit int) int { return (n*100 + limit - 1) / limit }

// sessionGrace is how long a session's record outlives its expiry, so
// that its credentials answer ExpiredToken rather than an unknown key.
const sessionGrace = 24 * time.Hour

// expiryKey is the index entry of a session by expiry:
// 'I' 'x' expiry (16 hex digits of Unix seconds) 0x00 accessKeyID.
func expiryKey(expires time.Time, accessKey string) []byte {
	return key(subSessionExpiry, fmt.Sprintf("%016x", expires.Unix()), accessKey)
}

// collectBatch bounds the sessions one transaction deletes.
const collectBatch = 500

// CollectExpiredSessions deletes the records of sessions that expired
// more than a day ago (their credentials answer an unknown key from then
// on) and returns how many it deleted. It walks the expiry index in
// transactions of at most collectBatch sessions, so it may run while
// requests are served; a later run continues where an interrupted one
// stopped. Sessions of a deleted role or user are collected the same way.
func (s *Store) CollectExpiredSessions(ctx context.Context) (int, error) {
	end := key(subSessionExpiry, fmt.Sprintf("%016x", s.clock.Now().Add(-sessionGrace).Unix()))
	total := 0
	for {
		n := 0
		err := s.meta.Update(ctx, func(tx meta.Txn) error {
			n = 0
			it := tx.Scan(key(subSessionExpiry), end, meta.ScanOptions{})
			var keys [][]byte
			for len(keys) < collectBatch && it.Next() {
				keys = append(keys, bytes.Clone(it.Key()))
			}
			if err := it.Err(); err != nil {
				it.Close()
				return err
			}
			it.Close()
			for _, k := range keys {
				accessKey := k[bytes.LastIndexByte(k, 0)+1:]
				if err := tx.Delete(key(subSession, string(accessKey))); err != nil {
					return err
				}
				if err := tx.Delete(k); err != nil {
					return err
				}
			}
			n = len(keys)
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < collectBatch {
			return total, nil
		}
	}
}

// CollectSessionsEvery runs CollectExpiredSessions now and then every
// interval until ctx ends. Its work lives in meta (the expiry index), so
// a restart loses nothing; failures are logged and retried next time.
func (s *Store) CollectSessionsEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.CollectExpiredSessions(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.log.WarnContext(ctx, "iam: collecting expired sessions failed", "err", err, "deleted", n)
		case n > 0:
			s.log.InfoContext(ctx, "iam: expired sessions collected", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
