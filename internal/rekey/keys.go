package rekey

import (
	"context"
	"maps"
	"slices"

	"github.com/coffer-s3/coffer/internal/sse"
)

// Rotate adds a new master key version, writes the key file (atomically,
// synced) and then makes the version current; the re-wrap job starts a
// pass for it. Old versions keep unwrapping.
func (m *Manager) Rotate(ctx context.Context) (uint32, error) {
	if m.keyFile == "" {
		return 0, ErrNotPersistable
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var v uint32
	err := m.changeKeyFile(ctx, func() (err error) {
		v, err = sse.RotateKeyringFile(m.keyFile, m.keyring)
		return err
	})
	if err != nil {
		return 0, err
	}
	m.log.InfoContext(ctx, "master key rotated: new keys and secrets are wrapped under the new version; back up the key file",
		"master_key_version", v, "path", m.keyFile)
	m.metrics.pending.Set(1)
	m.poke()
	return v, nil
}

// Status is the state of the master key and of the re-wrap job.
type Status struct {
	// Current is the version new wraps use; Versions every version held.
	Current  uint32
	Versions []uint32
	// Counts are the keys and secrets wrapped under each version, from a
	// full walk. Version 0 counts unreadable records.
	Counts map[uint32]int64
	// JobTarget is the version of the last pass, JobDone whether it
	// finished, JobSource the source it is at ("" when done).
	JobTarget uint32
	JobDone   bool
	JobSource string
	// Rewrapped and Failed count the keys and secrets of the last pass.
	Rewrapped, Failed int64
}

// InUse returns the versions other than the current one that still
// wrap something, in ascending order.
func (s Status) InUse() []uint32 {
	var out []uint32
	for _, v := range slices.Sorted(maps.Keys(s.Counts)) {
		if v != 0 && v != s.Current && s.Counts[v] > 0 {
			out = append(out, v)
		}
	}
	return out
}

// Status counts the keys and secrets under each version (a full walk of
// the sources) and reports the job's progress.
func (m *Manager) Status(ctx context.Context) (Status, error) {
	s := Status{Current: m.keyring.Current(), Versions: m.keyring.Versions(), Counts: map[uint32]int64{}}
	if err := m.count(ctx, s.Counts); err != nil {
		return Status{}, err
	}
	st, _, err := loadState(ctx, m.meta)
	if err != nil {
		return Status{}, err
	}
	s.JobTarget, s.JobDone, s.Rewrapped, s.Failed = st.Target, st.Done, st.Rewrapped, st.Failed
	if !st.Done && st.Source < len(m.sources) {
		s.JobSource = m.sources[st.Source].Name
	}
	return s, nil
}

func (m *Manager) count(ctx context.Context, counts map[uint32]int64) error {
	for _, src := range m.sources {
		if err := src.Count(ctx, counts); err != nil {
			return err
		}
	}
	return nil
}

// Retire removes master key version from the key file and the keyring,
// after a full count finds nothing wrapped under it (else an
// *InUseError).
func (m *Manager) Retire(ctx context.Context, version uint32) error {
	if m.keyFile == "" {
		return ErrNotPersistable
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// Checked and counted after the keyring caught up with the file
	// (changeKeyFile), so that a version another node made current is
	// not retired.
	err := m.changeKeyFile(ctx, func() error {
		switch {
		case !m.keyring.Has(version):
			return ErrNoSuchVersion
		case version == m.keyring.Current():
			return ErrCurrentVersion
		}
		counts := map[uint32]int64{}
		if err := m.count(ctx, counts); err != nil {
			return err
		}
		if n := counts[version]; n > 0 {
			return &InUseError{Version: version, Count: n}
		}
		return sse.RetireKeyringFile(m.keyFile, m.keyring, version)
	})
	if err != nil {
		return err
	}
	m.log.InfoContext(ctx, "master key version retired; back up the key file", "master_key_version", version, "path", m.keyFile)
	return nil
}
