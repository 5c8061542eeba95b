package object

import "fmt"

// The storage classes a general purpose bucket accepts, as S3 spells them
// on the wire. A class is stored, listed and returned; its bytes live in
// the class's tier when Options.Tiers has one (tier.go), else in the main
// store; GLACIER and DEEP_ARCHIVE versions read only while restored
// (restore.go).
const (
	StorageStandard           = "STANDARD"
	StorageReducedRedundancy  = "REDUCED_REDUNDANCY"
	StorageStandardIA         = "STANDARD_IA"
	StorageOneZoneIA          = "ONEZONE_IA"
	StorageIntelligentTiering = "INTELLIGENT_TIERING"
	StorageGlacierIR          = "GLACIER_IR"
	StorageGlacier            = "GLACIER"
	StorageDeepArchive        = "DEEP_ARCHIVE"
)

// canonicalStorageClass checks a requested storage class and returns it as
// stored: "" for STANDARD (and for no class, S3's default), else one of
// the constants above, so that records share the constants' memory.
// Names are case-sensitive, as S3's enumeration is. EXPRESS_ONEZONE
// (directory buckets only), OUTPOSTS, SNOW and the FSX_* classes belong
// to other kinds of bucket and are ErrInvalidStorageClass here, as on a
// general purpose bucket of S3.
func canonicalStorageClass(sc string) (string, error) {
	switch sc {
	case "", StorageStandard:
		return "", nil
	case StorageReducedRedundancy, StorageStandardIA, StorageOneZoneIA,
		StorageIntelligentTiering, StorageGlacierIR, StorageGlacier, StorageDeepArchive:
		return sc, nil
	}
	return "", fmt.Errorf("%w: %q", ErrInvalidStorageClass, sc)
}

// CheckStorageClass reports whether a general purpose bucket accepts the
// storage class sc ("" meaning none given); it returns
// ErrInvalidStorageClass if not. The wire layer calls it while parsing a
// request, so that the error comes in S3's order; the service checks again.
func CheckStorageClass(sc string) error {
	_, err := canonicalStorageClass(sc)
	return err
}

// storedStorageClass returns the class of a record read from meta, sharing
// the constants' memory for the known names so that decoding a record
// does not allocate for it.
func storedStorageClass(b []byte) string {
	switch string(b) {
	case "":
		return ""
	case StorageReducedRedundancy:
		return StorageReducedRedundancy
	case StorageStandardIA:
		return StorageStandardIA
	case StorageOneZoneIA:
		return StorageOneZoneIA
	case StorageIntelligentTiering:
		return StorageIntelligentTiering
	case StorageGlacierIR:
		return StorageGlacierIR
	case StorageGlacier:
		return StorageGlacier
	case StorageDeepArchive:
		return StorageDeepArchive
	}
	return string(b)
}

// storageClassName is the class as the API shows it: STANDARD for "".
func storageClassName(stored string) string {
	if stored == "" {
		return StorageStandard
	}
	return stored
}
