package object

import (
	"context"
	"fmt"
	"strings"

	"github.com/coffer-s3/coffer/internal/blob"
)

// Tiers: an operator may keep the bytes of a storage class in a store of
// its own (another disk, another S3 server), given as Options.Tiers. A
// blob in a tier is recorded under a located id, "CLASS:id": blob ids are
// [A-Za-z0-9_-] and class names [A-Z_], so the colon cannot be part of
// either and a plain id always names a blob of the main store. Records,
// references (refKey) and deletions carry the located id, so everything
// that follows a record to its bytes reaches the right store, and no
// record format changed for it.

// tierSep separates a tier's class from the blob id in a located id.
const tierSep = ':'

// locatedID is the id a record stores for blob id of class's tier, or of
// the main store when class is "".
func locatedID(class string, id blob.ID) blob.ID {
	if class == "" {
		return id
	}
	return blob.ID(class + string(tierSep) + string(id))
}

// splitLocated returns the tier class ("" for the main store) and the
// store's own id of a located id.
func splitLocated(id blob.ID) (class string, inner blob.ID) {
	if i := strings.IndexByte(string(id), tierSep); i >= 0 {
		return string(id[:i]), id[i+1:]
	}
	return "", id
}

// errNoTier: a record names a blob of a tier that is not configured
// (the operator removed a --tier whose class still holds bytes).
var errNoTier = fmt.Errorf("object: storage class tier not configured")

// storeOf returns the store that holds the blob with located id id, and
// the id within it.
func (s *Service) storeOf(id blob.ID) (blob.Store, blob.ID, error) {
	class, inner := splitLocated(id)
	if class == "" {
		return s.blob, id, nil
	}
	st, ok := s.tiers[class]
	if !ok {
		return nil, "", fmt.Errorf("%w: %s (blob %s)", errNoTier, class, id)
	}
	return st, inner, nil
}

// openBlob opens the blob with located id id.
func (s *Service) openBlob(ctx context.Context, id blob.ID) (blob.Reader, error) {
	st, inner, err := s.storeOf(id)
	if err != nil {
		return nil, err
	}
	return st.Open(ctx, inner)
}

// deleteBlob deletes the blob with located id id.
func (s *Service) deleteBlob(ctx context.Context, id blob.ID) error {
	st, inner, err := s.storeOf(id)
	if err != nil {
		return err
	}
	return st.Delete(ctx, inner)
}

// tierClass is the tier that keeps the bytes of storage class class
// ("" for STANDARD or a class without a tier: the main store).
func (s *Service) tierClass(class string) string {
	if _, ok := s.tiers[class]; ok {
		return class
	}
	return ""
}

// createIn starts a blob in the tier of class tier ("" for the main
// store), flagged as flags on stores that record flags.
func (s *Service) createIn(ctx context.Context, tier string, flags blob.Flags) (blob.Writer, error) {
	st := s.blob
	if tier != "" {
		st = s.tiers[tier]
	}
	if fc, ok := st.(blob.FlagCreator); ok && flags != 0 {
		return fc.CreateFlagged(ctx, flags)
	}
	return st.Create(ctx)
}

// validateTiers checks Options.Tiers: only the classes of a general
// purpose bucket, never STANDARD, whose bytes are the main store's.
func validateTiers(tiers map[string]blob.Store) error {
	for class, st := range tiers {
		c, err := canonicalStorageClass(class)
		if err != nil || c == "" || c != class {
			return fmt.Errorf("object: Options.Tiers: class %q cannot have a tier", class)
		}
		if st == nil {
			return fmt.Errorf("object: Options.Tiers: class %s has a nil store", class)
		}
	}
	return nil
}
