package rekey

import (
	"context"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/cachesync"
	"github.com/coffer-s3/coffer/internal/lease"
	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// keyFileLease names the lease that serializes changes of the key file
// across nodes.
const keyFileLease = "master-key"

// changeKeyFile runs change, which rewrites the key file, so that every
// node sharing the meta store and the file learns of it: under the
// "master-key" lease when there are Leases, after catching up with the
// file (another node may have changed it), and followed by a bump of the
// keyring change generation, on which the other nodes reload the file
// (KeyFileChanged). Callers hold m.mu.
func (m *Manager) changeKeyFile(ctx context.Context, change func() error) error {
	m.fileMu.Lock()
	defer m.unlockFile()
	if m.leases != nil {
		ls, err := m.leases.Acquire(ctx, keyFileLease)
		if errors.Is(err, lease.ErrHeld) {
			return ErrKeyFileBusy
		}
		if err != nil {
			return fmt.Errorf("rekey: take the master key lease: %w", err)
		}
		defer func() {
			if err := m.leases.Release(context.WithoutCancel(ctx), ls); err != nil {
				m.log.Warn("master key lease release failed; it will expire", "err", err)
			}
		}()
		if _, err := sse.ReloadKeyringFile(m.keyFile, m.keyring); err != nil {
			return fmt.Errorf("rekey: catch up with the key file: %w", err)
		}
	}
	if err := change(); err != nil {
		return err
	}
	// The file is already changed and this node uses it; a failed bump
	// only delays the other nodes until the next change (or a restart),
	// so it is reported, not undone.
	err := m.meta.Update(context.WithoutCancel(ctx), func(tx meta.Txn) error {
		return cachesync.Bump(tx, cachesync.DomainKeyring)
	})
	if err != nil {
		m.log.Error("master key file changed, but the other nodes could not be told; restart them", "err", err)
	}
	return nil
}

// KeyFileChanged reloads the key file after another node rotated or
// retired a master key version, and wakes the re-wrap job for a new
// pass. A cachesync.Syncer calls it on a keyring change; it does not wait
// for a change of the file this node is making, which reloads when it
// ends. A keyring from the environment has no file to reload: every node
// must be restarted with the new value.
func (m *Manager) KeyFileChanged() {
	if m.keyFile == "" {
		return
	}
	m.reloadPending.Store(true)
	if !m.fileMu.TryLock() {
		return
	}
	m.unlockFile()
}

// unlockFile reloads the file if a change was signalled while fileMu was
// held, and unlocks it; it checks again after unlocking, so that a signal
// that found the lock held just before the unlock is not lost.
func (m *Manager) unlockFile() {
	if m.reloadPending.Swap(false) {
		m.reloadFile()
	}
	m.fileMu.Unlock()
	if m.reloadPending.Load() {
		m.KeyFileChanged()
	}
}

// reloadFile catches the keyring up with the file. Callers hold fileMu.
func (m *Manager) reloadFile() {
	changed, err := sse.ReloadKeyringFile(m.keyFile, m.keyring)
	switch {
	case errors.Is(err, sse.ErrKeyFile):
		m.log.Error("master key file diverged from this node's keyring; not reloaded", "err", err, "path", m.keyFile)
	case err != nil:
		m.log.Warn("master key file reload failed", "err", err, "path", m.keyFile)
	case changed:
		m.log.Info("master key file reloaded", "path", m.keyFile, "current_version", m.keyring.Current(),
			"versions", len(m.keyring.Versions()))
		m.metrics.pending.Set(1)
		m.poke()
	}
}
