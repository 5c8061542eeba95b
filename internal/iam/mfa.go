package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/sse"
)

// maxMFADevicesPerUser is IAM's limit of MFA devices assigned to one user
// (or to the root user) since 2022.
const maxMFADevicesPerUser = 8

// maxMFADeviceName is IAM's limit on VirtualMFADeviceName.
const maxMFADeviceName = 226

// VirtualMFADevice is a virtual MFA device.
type VirtualMFADevice struct {
	// SerialNumber is the device's ARN, arn:aws:iam::ACCOUNT:mfa/PATH/NAME.
	SerialNumber string
	Path         string
	Name         string
	// Base32StringSeed is the seed in Base32 and QRCodePNG a QR code of
	// its otpauth:// URI. Only CreateVirtualMFADevice returns them; the
	// wire base64-encodes both, as AWS does.
	Base32StringSeed []byte
	QRCodePNG        []byte
	// EnableDate is zero while the device is not assigned.
	EnableDate time.Time
	// User is the user the device is assigned to, nil when unassigned.
	// For the account's root user, Name and Path are "", ARN is
	// arn:aws:iam::ACCOUNT:root and ID the account id.
	User *User
	Tags []Tag
}

// MFADevice is a device assigned to a user, as ListMFADevices lists it.
type MFADevice struct {
	// UserName is the user's name, "" for the account's root user.
	UserName     string
	SerialNumber string
	EnableDate   time.Time
}

// AssignmentStatus filters ListVirtualMFADevices.
type AssignmentStatus string

// ListVirtualMFADevices's filters, as IAM spells them; "" means Any.
const (
	AssignmentAssigned   AssignmentStatus = "Assigned"
	AssignmentUnassigned AssignmentStatus = "Unassigned"
	AssignmentAny        AssignmentStatus = "Any"
)

// mfaSealContext binds a sealed seed to its device, so a seed copied to
// another device's record does not open.
func mfaSealContext(account, device string) []byte {
	return sse.Context("coffer iam mfa seed", account, device)
}

// deviceID is the key name of a device: its path without the leading
// slash, then its name.
func deviceID(path, name string) string { return lower(path[1:] + name) }

// parseSerial returns the account and device id of a virtual device's
// serial number, arn:aws:iam::ACCOUNT:mfa/PATH/NAME.
func parseSerial(serial string) (account, device string, ok bool) {
	rest, ok := strings.CutPrefix(serial, "arn:aws:iam::")
	if !ok {
		return "", "", false
	}
	account, device, ok = strings.Cut(rest, ":mfa/")
	if !ok || len(account) != 12 || device == "" || strings.HasSuffix(device, "/") || strings.ContainsRune(device, 0) {
		return "", "", false
	}
	return account, lower(device), true
}

func noSuchDevice(serial string) error {
	return errorf(ErrNoSuchEntity, "VirtualMFADevice with serial number %s doesn't exist.", serial)
}

// readDevice reads the device serial of account, or NoSuchEntity.
func readDevice(r meta.Reader, account, serial string) (mfaRecord, string, error) {
	var rec mfaRecord
	acct, id, ok := parseSerial(serial)
	if !ok || acct != account {
		return rec, "", noSuchDevice(serial)
	}
	found, err := get(r, key(subMFA, account, id), &rec)
	if err == nil && !found {
		err = noSuchDevice(serial)
	}
	return rec, id, err
}

func (r *mfaRecord) serial(account string) string {
	return entityARN(account, "mfa", r.Path, r.Name)
}

func (r *mfaRecord) assigned() bool { return !r.Enabled.IsZero() }

// CreateVirtualMFADevice creates an unassigned virtual MFA device with a
// fresh 320-bit seed. The seed (and the QR code that holds it) is
// returned only here; it is stored only sealed.
func (s *Store) CreateVirtualMFADevice(ctx context.Context, account, name, path string, tags []Tag) (VirtualMFADevice, error) {
	if err := validName("virtualMFADeviceName", name, maxMFADeviceName); err != nil {
		return VirtualMFADevice{}, err
	}
	path, err := normPath(path)
	if err != nil {
		return VirtualMFADevice{}, err
	}
	tags, err = mergeTags(nil, tags)
	if err != nil {
		return VirtualMFADevice{}, err
	}
	id := deviceID(path, name)
	seed := newSeed()
	defer clear(seed)
	sealed, err := s.keyring.Seal(seed, mfaSealContext(account, id))
	if err != nil {
		return VirtualMFADevice{}, err
	}
	rec := mfaRecord{Name: name, Path: path, Seed: sealed, Created: s.now(), Tags: tags}
	var label string // the account alias, or the id without one
	err = s.update(ctx, func(tx meta.Txn) error {
		label = account
		if _, err := readAccount(tx, account); err != nil {
			return err
		}
		if alias, err := tx.Get(key(subAlias, account)); err == nil && len(alias) > 1 {
			label = string(alias[1:])
		} else if err != nil && !errors.Is(err, meta.ErrNotFound) {
			return err
		}
		if found, err := get(tx, key(subMFA, account, id), &mfaRecord{}); err != nil {
			return err
		} else if found {
			return errorf(ErrEntityAlreadyExists, "MFADevice entity at the same path and name already exists.")
		}
		return put(tx, key(subMFA, account, id), &rec)
	})
	if err != nil {
		return VirtualMFADevice{}, err
	}
	qr, err := qrPNG(otpauthURI(name, label, seed))
	if err != nil {
		return VirtualMFADevice{}, err
	}
	return VirtualMFADevice{SerialNumber: rec.serial(account), Path: path, Name: name,
		Base32StringSeed: []byte(base32Seed(seed)), QRCodePNG: qr, Tags: tags}, nil
}

// openSeed unseals a device's seed; the caller clears it after use.
func (s *Store) openSeed(account, id string, rec *mfaRecord) ([]byte, error) {
	return s.keyring.Open(rec.Seed, mfaSealContext(account, id))
}

// checkCodes validates the form of two authentication codes.
func checkCodes(code1, code2 string) error {
	for i, c := range []string{code1, code2} {
		if !validCode(c) {
			return errorf(ErrValidation, "1 validation error detected: Value at 'authenticationCode%d' failed to satisfy constraint: Member must have length 6 and satisfy regular expression pattern: [\\d]+", i+1)
		}
	}
	return nil
}

func invalidCodes() error {
	return errorf(ErrInvalidAuthenticationCode, "Authentication code for device is not valid.")
}

// syncDevice finds code1 and code2 as two consecutive codes of the
// device within ten minutes of now, after any step already used, and
// records the device's clock offset and the step used. As AWS warns,
// codes submitted long after they were shown leave the device out of
// sync; ResyncMFADevice repairs it.
func (s *Store) syncDevice(account, id string, rec *mfaRecord, now int64, code1, code2 string) error {
	seed, err := s.openSeed(account, id, rec)
	if err != nil {
		return err
	}
	defer clear(seed)
	from := max(now-totpSearchSteps, rec.LastStep+2)
	step, ok := findPair(seed, from, now+totpSearchSteps, code1, code2)
	if !ok {
		return invalidCodes()
	}
	rec.Drift, rec.LastStep = step-now, step
	return nil
}

// EnableMFADevice assigns the virtual MFA device serial to a user (user
// "" for the account's root user) after checking two consecutive codes of
// it, code1 the earlier.
func (s *Store) EnableMFADevice(ctx context.Context, account, user, serial, code1, code2 string) error {
	if err := checkCodes(code1, code2); err != nil {
		return err
	}
	now := totpStep(s.clock.Now())
	return s.update(ctx, func(tx meta.Txn) error {
		if user != "" {
			if _, err := readUser(tx, account, user); err != nil {
				return err
			}
		}
		rec, id, err := readDevice(tx, account, serial)
		if err != nil {
			return err
		}
		if rec.assigned() {
			return errorf(ErrEntityAlreadyExists, "MFA Device is already in use.")
		}
		n := 0
		if err := scanKeys(tx, scope(subUserMFA, account, lower(user)), func(string) error { n++; return nil }); err != nil {
			return err
		}
		if n >= maxMFADevicesPerUser {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for MFADevicesPerUser: %d", maxMFADevicesPerUser)
		}
		if err := s.syncDevice(account, id, &rec, now, code1, code2); err != nil {
			return err
		}
		rec.Enabled, rec.User = s.now(), lower(user)
		if err := put(tx, key(subMFA, account, id), &rec); err != nil {
			return err
		}
		return tx.Set(key(subUserMFA, account, lower(user), id), marker)
	})
}

// readUserDevice reads the device serial assigned to user ("" for the
// root user), or NoSuchEntity.
func readUserDevice(r meta.Reader, account, user, serial string) (mfaRecord, string, error) {
	if user != "" {
		if _, err := readUser(r, account, user); err != nil {
			return mfaRecord{}, "", err
		}
	}
	rec, id, err := readDevice(r, account, serial)
	if err == nil && (!rec.assigned() || rec.User != lower(user)) {
		err = errorf(ErrNoSuchEntity, "MFA Device with serial number %s is not assigned to this user.", serial)
	}
	return rec, id, err
}

// ResyncMFADevice re-aligns a user's device with the clock from two
// consecutive codes of it, searched for ten minutes either side of now.
func (s *Store) ResyncMFADevice(ctx context.Context, account, user, serial, code1, code2 string) error {
	if err := checkCodes(code1, code2); err != nil {
		return err
	}
	now := totpStep(s.clock.Now())
	return s.update(ctx, func(tx meta.Txn) error {
		rec, id, err := readUserDevice(tx, account, user, serial)
		if err != nil {
			return err
		}
		if err := s.syncDevice(account, id, &rec, now, code1, code2); err != nil {
			return err
		}
		return put(tx, key(subMFA, account, id), &rec)
	})
}

// DeactivateMFADevice unassigns a user's device ("" for the root user).
// The device remains, unassigned, until DeleteVirtualMFADevice; codes
// it already gave stay used.
func (s *Store) DeactivateMFADevice(ctx context.Context, account, user, serial string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		rec, id, err := readUserDevice(tx, account, user, serial)
		if err != nil {
			return err
		}
		rec.Enabled, rec.User, rec.Drift = time.Time{}, "", 0
		if err := put(tx, key(subMFA, account, id), &rec); err != nil {
			return err
		}
		return tx.Delete(key(subUserMFA, account, lower(user), id))
	})
}

// DeleteVirtualMFADevice deletes an unassigned virtual MFA device and its
// seed.
func (s *Store) DeleteVirtualMFADevice(ctx context.Context, account, serial string) error {
	return s.update(ctx, func(tx meta.Txn) error {
		rec, id, err := readDevice(tx, account, serial)
		if err != nil {
			return err
		}
		if rec.assigned() {
			return errorf(ErrDeleteConflict, "MFA Device is still in use.")
		}
		return tx.Delete(key(subMFA, account, id))
	})
}

// ListMFADevices lists the devices assigned to a user ("" for the root
// user) in serial number order.
func (s *Store) ListMFADevices(ctx context.Context, account, user string, o ListOptions) ([]MFADevice, Page, error) {
	var out []MFADevice
	err := s.meta.View(ctx, func(r meta.Reader) error {
		name := ""
		if user != "" {
			u, err := readUser(r, account, user)
			if err != nil {
				return err
			}
			name = u.Name
		}
		out = out[:0]
		return scanKeys(r, scope(subUserMFA, account, lower(user)), func(id string) error {
			var rec mfaRecord
			found, err := get(r, key(subMFA, account, id), &rec)
			if err == nil && found {
				out = append(out, MFADevice{UserName: name, SerialNumber: rec.serial(account), EnableDate: rec.Enabled})
			}
			return err
		})
	})
	if err != nil {
		return nil, Page{}, err
	}
	return pageSlice(out, func(d MFADevice) string { return deviceKeyOf(d.SerialNumber) }, o)
}

// deviceKeyOf is the paging key of a listed device: its id.
func deviceKeyOf(serial string) string {
	_, id, _ := parseSerial(serial)
	return id
}

// ListVirtualMFADevices lists an account's virtual MFA devices with the
// given assignment status ("" for Any) in serial number order. Seeds and
// QR codes are never listed.
func (s *Store) ListVirtualMFADevices(ctx context.Context, account string, status AssignmentStatus, o ListOptions) ([]VirtualMFADevice, Page, error) {
	switch status {
	case "", AssignmentAny, AssignmentAssigned, AssignmentUnassigned:
	default:
		return nil, Page{}, errorf(ErrValidation, "1 validation error detected: Value '%s' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Unassigned, Any, Assigned]", status)
	}
	var out []VirtualMFADevice
	err := s.meta.View(ctx, func(r meta.Reader) error {
		acct, err := readAccount(r, account)
		if err != nil {
			return err
		}
		out = out[:0]
		return scanRecords(r, scope(subMFA, account), func(_ []byte, rec *mfaRecord) error {
			if status == AssignmentAssigned && !rec.assigned() || status == AssignmentUnassigned && rec.assigned() {
				return nil
			}
			d := VirtualMFADevice{SerialNumber: rec.serial(account), Path: rec.Path, Name: rec.Name, EnableDate: rec.Enabled, Tags: rec.Tags}
			switch {
			case rec.assigned() && rec.User == "":
				d.User = &User{Account: account, ID: account, ARN: acct.account().ARN(), Created: acct.Created}
			case rec.assigned():
				u, err := readUser(r, account, rec.User)
				if err != nil {
					return err
				}
				user := u.user(account)
				d.User = &user
			}
			out = append(out, d)
			return nil
		})
	})
	if err != nil {
		return nil, Page{}, err
	}
	return pageSlice(out, func(d VirtualMFADevice) string { return deviceKeyOf(d.SerialNumber) }, o)
}

// userHasMFA reports whether user has an MFA device assigned.
func userHasMFA(r meta.Reader, account, user string) (bool, error) {
	has := false
	err := scanKeys(r, scope(subUserMFA, account, lower(user)), func(string) error { has = true; return nil })
	return has, err
}

// renameUserMFA moves a renamed user's devices to the new name.
func renameUserMFA(tx meta.Txn, account, oldName, newName string) error {
	var ids []string
	if err := scanKeys(tx, scope(subUserMFA, account, lower(oldName)), func(id string) error {
		ids = append(ids, id)
		return nil
	}); err != nil {
		return err
	}
	for _, id := range ids {
		var rec mfaRecord
		if found, err := get(tx, key(subMFA, account, id), &rec); err != nil || !found {
			return err
		}
		rec.User = lower(newName)
		if err := put(tx, key(subMFA, account, id), &rec); err != nil {
			return err
		}
		if err := tx.Delete(key(subUserMFA, account, lower(oldName), id)); err != nil {
			return err
		}
		if err := tx.Set(key(subUserMFA, account, lower(newName), id), marker); err != nil {
			return err
		}
	}
	return nil
}
