package iam

import (
	"fmt"

	"github.com/coffer-s3/coffer/internal/meta"
	"github.com/coffer-s3/coffer/internal/policy"
)

// EntityKind says which kind of identity a policy belongs to.
type EntityKind int

// The identities that hold policies.
const (
	EntityUser EntityKind = iota + 1
	EntityGroup
	EntityRole
)

func (k EntityKind) String() string {
	switch k {
	case EntityUser:
		return "user"
	case EntityGroup:
		return "group"
	case EntityRole:
		return "role"
	}
	return fmt.Sprintf("EntityKind(%d)", int(k))
}

// inlineKind is the policy kind of k's inline policies.
func (k EntityKind) inlineKind() policy.Kind {
	switch k {
	case EntityGroup:
		return policy.GroupInline
	case EntityRole:
		return policy.RoleInline
	}
	return policy.UserInline
}

// Entity names a user, group or role of an account.
type Entity struct {
	Account string
	Kind    EntityKind
	Name    string
}

// loadedEntity is an entity's record, read in a transaction, with a way
// to write it back.
type loadedEntity struct {
	rec  *entityRecord
	save func(tx meta.Txn) error
}

func loadEntity(r meta.Reader, e Entity) (loadedEntity, error) {
	switch e.Kind {
	case EntityUser:
		rec, err := readUser(r, e.Account, e.Name)
		return loadedEntity{&rec.entityRecord, func(tx meta.Txn) error { return put(tx, userKey(e.Account, e.Name), &rec) }}, err
	case EntityGroup:
		rec, err := readGroup(r, e.Account, e.Name)
		return loadedEntity{&rec.entityRecord, func(tx meta.Txn) error { return put(tx, groupKey(e.Account, e.Name), &rec) }}, err
	case EntityRole:
		rec, err := readRole(r, e.Account, e.Name)
		return loadedEntity{&rec.entityRecord, func(tx meta.Txn) error { return put(tx, roleKey(e.Account, e.Name), &rec) }}, err
	}
	return loadedEntity{}, errorf(ErrInvalidInput, "unknown entity kind %d", e.Kind)
}
