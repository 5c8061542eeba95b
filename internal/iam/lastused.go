package iam

import (
	"context"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// keyUse is the last use of an access key seen in memory.
type keyUse struct {
	at      time.Time
	service string
	region  string
	// written is when this key's use was last written to meta.
	written time.Time
}

// noteUse records that accessKey was used for service. The use is kept in
// memory and written to meta at most once per key per s.interval, so
// that requests do not each cost a meta write; GetAccessKeyLastUsed
// merges the two. A crash loses at most one interval of last-used dates,
// which AWS reports coarsely too.
func (s *Store) noteUse(ctx context.Context, accessKey, service string) {
	if accessKey == "" {
		return
	}
	now := s.clock.Now().UTC()
	s.usedMu.Lock()
	u := s.used[accessKey]
	u.at, u.service, u.region = now, service, s.region
	due := now.Sub(u.written) >= s.interval
	if due {
		u.written = now
	}
	s.used[accessKey] = u
	s.usedMu.Unlock()
	if !due {
		return
	}
	// Written without invalidating the caches: the last-used date is
	// not part of any credential or policy.
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		var rec keyRecord
		found, err := get(tx, key(subKey, accessKey), &rec)
		if err != nil || !found {
			return err
		}
		rec.LastUsed, rec.LastUsedService, rec.LastUsedRegion = now.Truncate(time.Second), service, s.region
		return put(tx, key(subKey, accessKey), &rec)
	})
	if err != nil {
		s.log.WarnContext(ctx, "recording access key use failed", "access_key", accessKey, "err", err)
	}
}

func (s *Store) pendingUse(accessKey string) (keyUse, bool) {
	s.usedMu.Lock()
	defer s.usedMu.Unlock()
	u, ok := s.used[accessKey]
	return u, ok
}

// serviceOf returns the service of an action, "s3" for "s3:GetObject".
func serviceOf(action string) string {
	svc, _, _ := strings.Cut(action, ":")
	return svc
}
