package kms

import (
	"context"
	"strconv"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// Rotation limits ("Rotating AWS KMS keys").
const (
	minRotationDays     = 90
	maxRotationDays     = 2560
	defaultRotationDays = 365
	maxOnDemand         = 10
)

func nextRotation(from time.Time, days int) time.Time {
	return from.UTC().Add(time.Duration(days) * 24 * time.Hour)
}

// rotatable checks that k's rotation may be changed or run by its owner.
func rotatable(k *keyRecord) error {
	if k.Manager == ManagerAWS {
		return errorf(ErrUnsupported, "%s is an AWS managed key, whose rotation cannot be changed", k.arn())
	}
	if k.Spec != SpecSymmetric {
		return errorf(ErrUnsupported, "%s has key spec %s, which does not support rotation", k.arn(), k.Spec)
	}
	return usable(k)
}

// EnableKeyRotation turns on automatic rotation every periodDays (90 to
// 2560, 0 meaning 365); the first rotation is one period from now.
func (s *Service) EnableKeyRotation(ctx context.Context, req KeyRequest, periodDays int) (err error) {
	c := s.begin("EnableKeyRotation", req.Caller, false)
	c.params["keyId"], c.params["rotationPeriodInDays"] = req.KeyID, periodDays
	defer func() { s.end(ctx, c, err) }()
	if periodDays == 0 {
		periodDays = defaultRotationDays
	}
	if periodDays < minRotationDays || periodDays > maxRotationDays {
		return invalid("1 validation error detected: Value '%d' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between %d and %d", periodDays, minRotationDays, maxRotationDays)
	}
	return s.changeRotation(ctx, c, req.KeyID, "EnableKeyRotation", func(k *keyRecord) {
		k.Rotation.Enabled, k.Rotation.PeriodDays = true, periodDays
		k.Rotation.Next = nextRotation(s.clock.Now(), periodDays)
	})
}

// DisableKeyRotation turns automatic rotation off.
func (s *Service) DisableKeyRotation(ctx context.Context, req KeyRequest) (err error) {
	c := s.begin("DisableKeyRotation", req.Caller, false)
	c.params["keyId"] = req.KeyID
	defer func() { s.end(ctx, c, err) }()
	return s.changeRotation(ctx, c, req.KeyID, "DisableKeyRotation", func(k *keyRecord) {
		k.Rotation.Enabled, k.Rotation.Next = false, time.Time{}
	})
}

func (s *Service) changeRotation(ctx context.Context, c *call, keyID, op string, change func(*keyRecord)) error {
	k, err := s.useKey(ctx, c, keyID, op, nil)
	if err != nil {
		return err
	}
	if err := rotatable(k); err != nil {
		return err
	}
	_, err = s.mutate(ctx, keyRef{k.Account, k.ID}, func(_ meta.Txn, k *keyRecord) error {
		if err := rotatable(k); err != nil {
			return err
		}
		change(k)
		return nil
	})
	return err
}

// RotationStatus is GetKeyRotationStatus's result.
type RotationStatus struct {
	KeyARN          string
	Enabled         bool
	PeriodDays      int
	Next            time.Time // zero when disabled
	OnDemandStarted time.Time // zero when never
}

// GetKeyRotationStatus reports the key's rotation schedule.
func (s *Service) GetKeyRotationStatus(ctx context.Context, req KeyRequest) (st *RotationStatus, err error) {
	c := s.begin("GetKeyRotationStatus", req.Caller, true)
	c.params["keyId"] = req.KeyID
	defer func() { s.end(ctx, c, err) }()
	k, err := s.useKey(ctx, c, req.KeyID, "GetKeyRotationStatus", nil)
	if err != nil {
		return nil, err
	}
	if k.State == StatePendingDeletion {
		return nil, errorf(ErrInvalidState, "%s is pending deletion.", k.arn())
	}
	st = &RotationStatus{KeyARN: k.arn(), Enabled: k.Rotation.Enabled, OnDemandStarted: k.Rotation.OnDemandStarted}
	if k.Rotation.Enabled {
		st.PeriodDays, st.Next = k.Rotation.PeriodDays, k.Rotation.Next
	}
	return st, nil
}

// RotateKeyOnDemand adds new material to the key now, whatever its
// schedule; at most 10 times per key. It returns the key's ARN.
func (s *Service) RotateKeyOnDemand(ctx context.Context, req KeyRequest) (arn string, err error) {
	c := s.begin("RotateKeyOnDemand", req.Caller, false)
	c.params["keyId"] = req.KeyID
	defer func() { s.end(ctx, c, err) }()
	k, err := s.useKey(ctx, c, req.KeyID, "RotateKeyOnDemand", nil)
	if err != nil {
		return "", err
	}
	if err := rotatable(k); err != nil {
		return "", err
	}
	k, err = s.mutate(ctx, keyRef{k.Account, k.ID}, func(_ meta.Txn, k *keyRecord) error {
		if err := rotatable(k); err != nil {
			return err
		}
		n := 0
		for _, m := range k.Material {
			if m.OnDemand {
				n++
			}
		}
		if n >= maxOnDemand {
			return errorf(ErrLimitExceeded, "%s has reached the limit of %d on-demand rotations", k.arn(), maxOnDemand)
		}
		now := s.clock.Now().UTC()
		k.Rotation.OnDemandStarted = now
		return s.addMaterial(k, now, true)
	})
	if err != nil {
		return "", err
	}
	return k.arn(), nil
}

// Rotation is one completed rotation of ListKeyRotations.
type Rotation struct {
	KeyARN   string
	Date     time.Time
	OnDemand bool
}

// RotationList is a page of ListKeyRotations.
type RotationList struct {
	Rotations  []Rotation
	NextMarker string
}

// ListKeyRotations lists the key's completed rotations, oldest first.
func (s *Service) ListKeyRotations(ctx context.Context, req KeyRequest, page Page) (out *RotationList, err error) {
	c := s.begin("ListKeyRotations", req.Caller, true)
	c.params["keyId"], c.params["limit"], c.params["marker"] = req.KeyID, page.Limit, page.Marker
	defer func() { s.end(ctx, c, err) }()
	if err := page.check(); err != nil {
		return nil, err
	}
	start := 1 // the first material is the key's creation, not a rotation
	if page.Marker != "" {
		n, err := strconv.Atoi(page.Marker)
		if err != nil || n < 1 {
			return nil, errorf(ErrInvalidMarker, "Invalid marker")
		}
		start = n
	}
	k, err := s.useKey(ctx, c, req.KeyID, "ListKeyRotations", nil)
	if err != nil {
		return nil, err
	}
	if k.State == StatePendingDeletion {
		return nil, errorf(ErrInvalidState, "%s is pending deletion.", k.arn())
	}
	out = &RotationList{}
	for i := start; i < len(k.Material); i++ {
		if len(out.Rotations) == page.Limit {
			out.NextMarker = strconv.Itoa(i)
			break
		}
		m := k.Material[i]
		out.Rotations = append(out.Rotations, Rotation{KeyARN: k.arn(), Date: m.Created, OnDemand: m.OnDemand})
	}
	return out, nil
}
