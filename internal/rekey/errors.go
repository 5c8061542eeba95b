package rekey

import (
	"errors"
	"fmt"
)

var (
	// ErrNotPersistable reports a rotation or retirement asked of a
	// keyring that did not come from a file ($COFFER_MASTER_KEY): a new
	// version could not be kept across a restart, so none is made.
	ErrNotPersistable = errors.New("rekey: the master key came from the environment and cannot be changed by the server")
	// ErrNoSuchVersion reports a version the keyring does not hold.
	ErrNoSuchVersion = errors.New("rekey: no such master key version")
	// ErrCurrentVersion reports an attempt to retire the current version.
	ErrCurrentVersion = errors.New("rekey: the current master key version cannot be retired")
	// ErrKeyFileBusy reports a rotation or retirement asked while another
	// node sharing the meta store holds the lease under which the key file
	// is changed: nothing was changed, and the caller may try again.
	ErrKeyFileBusy = errors.New("rekey: another node is changing the master key file; try again when it is done")
	// ErrVersionInUse is the sentinel of InUseError.
	ErrVersionInUse = errors.New("rekey: master key version still in use")
)

// InUseError reports a retirement refused because keys or secrets are
// still wrapped under the version.
type InUseError struct {
	Version uint32
	Count   int64
}

// Error implements error.
func (e *InUseError) Error() string {
	return fmt.Sprintf("master key version %d still wraps %d keys or secrets; wait for the re-wrap job (coffer master-key status)", e.Version, e.Count)
}

// Is makes errors.Is(err, ErrVersionInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrVersionInUse }
