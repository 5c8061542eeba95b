package object

import (
	"context"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/acl"
	"github.com/coffer-s3/coffer/internal/meta"
)

// configACL names a bucket's ACL record under tableBucketConfig.
const configACL = "acl"

// Values of bucketRecord.Ownership besides the three settings.
const (
	// ownershipLegacy (absent) is a bucket made before Object Ownership
	// existed here. coffer refused every ACL then, so it is
	// BucketOwnerEnforced: the reading that changes nothing for it.
	ownershipLegacy = ""
	// ownershipDeleted is a bucket whose ownership controls were
	// deleted: it has none to report and behaves as ObjectWriter, as an
	// S3 bucket without ownership controls does.
	ownershipDeleted = "none"
)

// ErrNoOwnershipControls: the bucket has no ownership controls
// (OwnershipControlsNotFoundError).
var ErrNoOwnershipControls = errors.New("object: bucket has no ownership controls")

// aclRecord is the value of an ACL record: a bucket's ("acl" under
// tableBucketConfig) or an object version's (tableACL). Grantees have
// their own JSON names so that the on-disk format does not follow the
// acl package's Go types. An absent record is the owner's FULL_CONTROL.
type aclRecord struct {
	Grants []grantRecord `json:"g"`
}

type grantRecord struct {
	Type string `json:"t"`
	ID   string `json:"id,omitempty"`
	URI  string `json:"u,omitempty"`
	Perm string `json:"p"`
}

func aclRecordOf(grants []acl.Grant) (*aclRecord, error) {
	rec := &aclRecord{Grants: make([]grantRecord, len(grants))}
	for i, g := range grants {
		if g.Grantee.Type == acl.Email {
			// The wire resolves addresses to canonical ids first.
			return nil, acl.ErrUnresolvableEmail
		}
		rec.Grants[i] = grantRecord{Type: string(g.Grantee.Type), ID: g.Grantee.ID, URI: g.Grantee.URI, Perm: string(g.Permission)}
	}
	return rec, nil
}

func (rec *aclRecord) grants() []acl.Grant {
	grants := make([]acl.Grant, len(rec.Grants))
	for i, g := range rec.Grants {
		grants[i] = acl.Grant{Grantee: acl.Grantee{Type: acl.GranteeType(g.Type), ID: g.ID, URI: g.URI}, Permission: acl.Permission(g.Perm)}
	}
	return grants
}

func encodeACL(grants []acl.Grant) ([]byte, error) {
	rec, err := aclRecordOf(grants)
	if err != nil {
		return nil, err
	}
	return encodeRecord(rec)
}

func decodeACL(v []byte) ([]acl.Grant, error) {
	var rec aclRecord
	if err := decodeRecord(v, &rec); err != nil {
		return nil, fmt.Errorf("acl record: %w", err)
	}
	return rec.grants(), nil
}

// readACL reads the ACL record at k: nil grants when there is none.
func readACL(r meta.Reader, k []byte) ([]acl.Grant, error) {
	v, err := r.Get(k)
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeACL(v)
}

// setACL stores grants at k; nil grants delete the record (the owner's
// FULL_CONTROL).
func setACL(tx meta.Txn, k []byte, grants []acl.Grant) error {
	if grants == nil {
		return tx.Delete(k)
	}
	v, err := encodeACL(grants)
	if err != nil {
		return err
	}
	return tx.Set(k, v)
}

// ownership is the bucket's effective Object Ownership.
func (r bucketRecord) ownership() acl.Ownership {
	switch r.Ownership {
	case ownershipLegacy:
		return acl.BucketOwnerEnforced
	case ownershipDeleted:
		return acl.ObjectWriter
	}
	return acl.Ownership(r.Ownership)
}

// PutBucketOwnership sets a bucket's Object Ownership. Moving to
// BucketOwnerEnforced needs a bucket ACL that grants nothing to anyone
// but ownerID, the owner's canonical id (acl.ErrOwnershipConflict); the
// bucket's and objects' ACLs are kept, and count again if ACLs are
// enabled later, as in S3.
func (s *Service) PutBucketOwnership(ctx context.Context, bucket string, o acl.Ownership, ownerID string) error {
	if _, err := acl.ParseOwnership(string(o)); err != nil {
		return err
	}
	err := s.updateAccess(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		grants, err := readACL(tx, bucketConfigKey(bucket, configACL))
		if err != nil {
			return err
		}
		if err := acl.CheckSwitch(o, grants, ownerID); err != nil {
			return err
		}
		b.Ownership = string(o)
		return putBucketRecord(tx, bucket, b)
	})
	if err != nil {
		return fmt.Errorf("put ownership controls %s: %w", bucket, err)
	}
	return nil
}

// GetBucketOwnership returns a bucket's Object Ownership setting, or
// ErrNoOwnershipControls after DeleteBucketOwnership.
func (s *Service) GetBucketOwnership(ctx context.Context, bucket string) (acl.Ownership, error) {
	b, err := s.HeadBucket(ctx, bucket)
	if err != nil {
		return "", err
	}
	if b.NoOwnershipControls {
		return "", fmt.Errorf("get ownership controls %s: %w", bucket, ErrNoOwnershipControls)
	}
	return b.Ownership, nil
}

// DeleteBucketOwnership removes a bucket's ownership controls: it then
// behaves as ObjectWriter.
func (s *Service) DeleteBucketOwnership(ctx context.Context, bucket string) error {
	err := s.updateAccess(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		b.Ownership = ownershipDeleted
		return putBucketRecord(tx, bucket, b)
	})
	if err != nil {
		return fmt.Errorf("delete ownership controls %s: %w", bucket, err)
	}
	return nil
}

func putBucketRecord(tx meta.Txn, bucket string, b bucketRecord) error {
	v, err := encodeRecord(b)
	if err != nil {
		return err
	}
	return tx.Set(bucketKey(bucket), v)
}

// PutBucketACL replaces a bucket's ACL. ownerOnly says grants give
// nothing to anyone but the bucket owner: only such an ACL is accepted
// while ACLs are disabled (acl.ErrNotSupported), and then nothing is
// stored.
func (s *Service) PutBucketACL(ctx context.Context, bucket string, grants []acl.Grant, ownerOnly bool) error {
	if err := acl.Validate(grants); err != nil {
		return err
	}
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		if !b.ownership().ACLsEnabled() {
			if !ownerOnly {
				return acl.ErrNotSupported
			}
			grants = nil
		}
		return setACL(tx, bucketConfigKey(bucket, configACL), grants)
	})
	if err != nil {
		return fmt.Errorf("put bucket acl %s: %w", bucket, err)
	}
	return nil
}

// GetBucketACL returns a bucket and its ACL: nil grants for a bucket
// without one or with ACLs disabled, which the caller reports as the
// owner's FULL_CONTROL.
func (s *Service) GetBucketACL(ctx context.Context, bucket string) (Bucket, []acl.Grant, error) {
	if err := checkBucketName(bucket); err != nil {
		return Bucket{}, nil, err
	}
	var (
		b      bucketRecord
		grants []acl.Grant
	)
	err := s.meta.View(ctx, func(r meta.Reader) error {
		var err error
		if b, err = s.bucket(r, bucket); err != nil {
			return err
		}
		if !b.ownership().ACLsEnabled() {
			return nil
		}
		grants, err = readACL(r, bucketConfigKey(bucket, configACL))
		return err
	})
	if err != nil {
		return Bucket{}, nil, fmt.Errorf("get bucket acl %s: %w", bucket, err)
	}
	return b.bucket(bucket), grants, nil
}

// ObjectACL is an object version's ACL with what a caller needs to
// render or check it.
type ObjectACL struct {
	Bucket Bucket
	// Owner is the version's owner account; VersionID its id as S3
	// shows it.
	Owner     string
	VersionID string
	// Grants is nil for a version without an ACL or in a bucket with
	// ACLs disabled: the owner's FULL_CONTROL.
	Grants []acl.Grant
}

// GetObjectACL returns the ACL of the version versionID names ("" the
// latest).
func (s *Service) GetObjectACL(ctx context.Context, bucket, key, versionID string) (ObjectACL, error) {
	var out ObjectACL
	err := s.meta.View(ctx, func(r meta.Reader) error {
		b, err := s.bucket(r, bucket)
		if err != nil {
			return err
		}
		loc, err := readVersion(r, bucket, key, versionID)
		if err != nil {
			return err
		}
		out = ObjectACL{Bucket: b.bucket(bucket), Owner: loc.rec.Owner, VersionID: displayVersion(loc.rec, b.versioned())}
		if out.Owner == "" {
			out.Owner = b.Owner
		}
		if !b.ownership().ACLsEnabled() {
			out.Owner = b.Owner
			return nil
		}
		out.Grants, err = readACL(r, aclKey(loc.rec.DataID))
		return err
	})
	if err != nil {
		return ObjectACL{}, fmt.Errorf("get object acl %s/%s: %w", bucket, key, err)
	}
	return out, nil
}

// PutObjectACL replaces the ACL of the version versionID names and
// returns its version id. ownerOnly is as for PutBucketACL.
func (s *Service) PutObjectACL(ctx context.Context, bucket, key, versionID string, grants []acl.Grant, ownerOnly bool) (string, error) {
	if err := acl.Validate(grants); err != nil {
		return "", err
	}
	var vid string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		loc, err := readVersion(tx, bucket, key, versionID)
		if err != nil {
			return err
		}
		vid = displayVersion(loc.rec, b.versioned())
		if !b.ownership().ACLsEnabled() {
			if !ownerOnly {
				return acl.ErrNotSupported
			}
			grants = nil
		}
		return setACL(tx, aclKey(loc.rec.DataID), grants)
	})
	if err != nil {
		return "", fmt.Errorf("put object acl %s/%s: %w", bucket, key, err)
	}
	return vid, nil
}

// AccessGrants are the grants that decide access besides policies.
type AccessGrants struct {
	// Enabled is false for a bucket with ACLs disabled: then nothing
	// else is read.
	Enabled bool
	Bucket  []acl.Grant
	// Object holds the addressed version's grants; ObjectOwner its
	// owner account ("" when there is no such version).
	Object      []acl.Grant
	ObjectOwner string
	BucketOwner string
}

// AccessGrants reads what authorization needs of ACLs for a request on
// bucket (and, with object set, on key's version versionID): the
// bucket record alone when ACLs are disabled. A missing object or
// version is no error: its grants are empty.
func (s *Service) AccessGrants(ctx context.Context, bucket, key, versionID string, object bool) (AccessGrants, error) {
	var out AccessGrants
	err := s.meta.View(ctx, func(r meta.Reader) error {
		b, err := s.bucket(r, bucket)
		if err != nil {
			return err
		}
		out = AccessGrants{Enabled: b.ownership().ACLsEnabled(), BucketOwner: b.Owner}
		if !out.Enabled {
			return nil
		}
		if out.Bucket, err = readACL(r, bucketConfigKey(bucket, configACL)); err != nil {
			return err
		}
		if !object || validKey(key) != nil {
			return nil
		}
		loc, err := findVersion(r, bucket, key, versionID)
		if errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchVersion) || errors.Is(err, ErrInvalidVersionID) {
			return nil
		}
		if err != nil || loc.rec.DeleteMarker {
			return err
		}
		out.ObjectOwner = loc.rec.Owner
		out.Object, err = readACL(r, aclKey(loc.rec.DataID))
		return err
	})
	if errors.Is(err, ErrNoSuchBucket) {
		return AccessGrants{}, nil
	}
	if err != nil {
		return AccessGrants{}, fmt.Errorf("access grants %s: %w", bucket, err)
	}
	return out, nil
}
