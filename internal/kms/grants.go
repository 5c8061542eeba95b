package kms

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/coffer-s3/coffer/internal/meta"
)

// grantOperations are the operations a grant may allow ("Grant
// operations"); those in contextOperations take an encryption context,
// which a grant's constraints may test.
var (
	grantOperations = []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
		"ReEncryptFrom", "ReEncryptTo", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair",
		"GenerateDataKeyPairWithoutPlaintext", "Sign", "Verify", "GetPublicKey", "GenerateMac", "VerifyMac",
		"DeriveSharedSecret"}
	contextOperations = []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
		"ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"}
)

// Grant is a grant on a key, as CreateGrant takes it and ListGrants
// returns it.
type Grant struct {
	GrantID, Name, KeyARN   string
	GranteePrincipal        string
	RetiringPrincipal       string
	IssuingAccount          string
	Operations              []string
	EncryptionContextEquals map[string]string
	EncryptionContextSubset map[string]string
	CreationDate            time.Time
}

// CreateGrantRequest is CreateGrant's input.
type CreateGrantRequest struct {
	Caller Caller
	KeyID  string
	Grant  Grant
}

// allows reports whether g lets caller perform op with context ec.
func (g *grantRecord) allows(caller Caller, op string, ec map[string]string) bool {
	p := caller.Principal
	if !slices.Contains(g.Operations, op) || (g.Grantee != p.ARN && (p.RoleARN == "" || g.Grantee != p.RoleARN)) {
		return false
	}
	if g.ContextEquals != nil && !maps.Equal(g.ContextEquals, ec) {
		return false
	}
	for k, v := range g.ContextSubset {
		if got, ok := ec[k]; !ok || got != v {
			return false
		}
	}
	return true
}

func readGrants(r meta.Reader, account, keyID string) ([]grantRecord, error) {
	prefix := scope(subGrant, account, keyID)
	it := r.Scan(prefix, prefixEnd(prefix), meta.ScanOptions{})
	defer it.Close()
	var out []grantRecord
	for it.Next() {
		var g grantRecord
		if err := decodeRecord(it.Value(), &g); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, it.Err()
}

func validPrincipalARN(s string) bool {
	return (strings.HasPrefix(s, "arn:aws:iam::") || strings.HasPrefix(s, "arn:aws:sts::")) && len(s) <= 256
}

func checkGrant(g *Grant) error {
	switch {
	case !validPrincipalARN(g.GranteePrincipal):
		return invalid("1 validation error detected: Value '%s' at 'granteePrincipal' failed to satisfy constraint: Member must be an IAM principal ARN", g.GranteePrincipal)
	case g.RetiringPrincipal != "" && !validPrincipalARN(g.RetiringPrincipal):
		return invalid("1 validation error detected: Value '%s' at 'retiringPrincipal' failed to satisfy constraint: Member must be an IAM principal ARN", g.RetiringPrincipal)
	case len(g.Operations) == 0:
		return invalid("1 validation error detected: Value null at 'operations' failed to satisfy constraint: Member must not be null")
	case len(g.Name) > 256:
		return invalid("1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length less than or equal to 256")
	}
	constrained := g.EncryptionContextEquals != nil || g.EncryptionContextSubset != nil
	for _, op := range g.Operations {
		if !slices.Contains(grantOperations, op) {
			return invalid("1 validation error detected: Value '%s' at 'operations' failed to satisfy constraint: Member must satisfy enum value set: %v", op, grantOperations)
		}
		if constrained && !slices.Contains(contextOperations, op) {
			return invalid("Grant constraints are not supported with the %s operation", op)
		}
	}
	return nil
}

// CreateGrant adds a grant to a key; it returns the grant's id and token.
func (s *Service) CreateGrant(ctx context.Context, req CreateGrantRequest) (id, token string, err error) {
	c := s.begin("CreateGrant", req.Caller, false)
	g := req.Grant
	c.params["keyId"], c.params["granteePrincipal"], c.params["retiringPrincipal"] = req.KeyID, g.GranteePrincipal, g.RetiringPrincipal
	c.params["operations"], c.params["name"] = g.Operations, g.Name
	defer func() {
		if err == nil {
			c.response = map[string]any{"grantId": id}
		}
		s.end(ctx, c, err)
	}()
	if err := checkGrant(&g); err != nil {
		return "", "", err
	}
	caller := req.Caller
	caller.Conditions = maps.Clone(caller.Conditions)
	if caller.Conditions == nil {
		caller.Conditions = map[string][]string{}
	}
	caller.Conditions["kms:GranteePrincipal"] = []string{g.GranteePrincipal}
	caller.Conditions["kms:GrantOperations"] = g.Operations
	if g.RetiringPrincipal != "" {
		caller.Conditions["kms:RetiringPrincipal"] = []string{g.RetiringPrincipal}
	}
	c.caller = caller
	k, err := s.useKey(ctx, c, req.KeyID, "CreateGrant", nil)
	if err != nil {
		return "", "", err
	}
	if k.State == StatePendingDeletion {
		return "", "", errorf(ErrInvalidState, "%s is pending deletion.", k.arn())
	}
	rec := grantRecord{KeyID: k.ID, Name: g.Name, Grantee: g.GranteePrincipal, Retiring: g.RetiringPrincipal,
		Operations: slices.Compact(slices.Sorted(slices.Values(g.Operations))), ContextEquals: g.EncryptionContextEquals,
		ContextSubset: g.EncryptionContextSubset, IssuingAccount: req.Caller.Principal.AccountID, Created: s.clock.Now().UTC()}
	err = s.opts.Meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := readKey(tx, k.Account, k.ID); err != nil {
			return err
		}
		if rec.Name != "" {
			// A grant with the same name and the same parameters is
			// the same grant: CreateGrant is idempotent by name.
			grants, err := readGrants(tx, k.Account, k.ID)
			if err != nil {
				return err
			}
			for _, old := range grants {
				if old.Name == rec.Name && sameGrant(&old, &rec) {
					rec = old
					return nil
				}
			}
		}
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		rec.ID = hex.EncodeToString(b[:])
		rec.Token = grantToken(k.ID, rec.ID)
		return put(tx, metaKey(subGrant, k.Account, k.ID, rec.ID), rec)
	})
	if err != nil {
		return "", "", err
	}
	return rec.ID, rec.Token, nil
}

func sameGrant(a, b *grantRecord) bool {
	return a.Grantee == b.Grantee && a.Retiring == b.Retiring && slices.Equal(a.Operations, b.Operations) &&
		maps.Equal(a.ContextEquals, b.ContextEquals) && maps.Equal(a.ContextSubset, b.ContextSubset)
}

// grantToken is the token of a grant: it names the key and the grant, so
// that RetireGrant can find the grant from the token alone, and adds
// randomness so that it cannot be derived from the grant id.
func grantToken(keyID, grantID string) string {
	var r [16]byte
	_, _ = rand.Read(r[:])
	return base64.RawURLEncoding.EncodeToString([]byte(keyID + "." + grantID + "." + hex.EncodeToString(r[:])))
}

// parseGrantToken returns the key id and grant id a token names.
func parseGrantToken(token string) (keyID, grantID string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	parts := strings.Split(string(b), ".")
	if err != nil || len(parts) != 3 || len(parts[1]) != 64 {
		return "", "", errorf(ErrInvalidGrantToken, "Invalid grant token")
	}
	if _, ok := parseUUID(parts[0]); !ok {
		return "", "", errorf(ErrInvalidGrantToken, "Invalid grant token")
	}
	return parts[0], parts[1], nil
}

// GrantList is a page of ListGrants or ListRetirableGrants.
type GrantList struct {
	Grants     []Grant
	NextMarker string
}

func (s *Service) grantOut(g *grantRecord, account string) Grant {
	return Grant{GrantID: g.ID, Name: g.Name, KeyARN: keyARN(s.opts.Region, account, g.KeyID),
		GranteePrincipal: g.Grantee, RetiringPrincipal: g.Retiring, IssuingAccount: "arn:aws:iam::" + g.IssuingAccount + ":root",
		Operations: g.Operations, EncryptionContextEquals: g.ContextEquals, EncryptionContextSubset: g.ContextSubset,
		CreationDate: g.Created}
}

// ListGrants lists the key's grants, optionally one grant or one
// grantee's.
func (s *Service) ListGrants(ctx context.Context, req KeyRequest, grantID, grantee string, page Page) (out *GrantList, err error) {
	c := s.begin("ListGrants", req.Caller, true)
	c.params["keyId"], c.params["grantId"], c.params["granteePrincipal"] = req.KeyID, grantID, grantee
	defer func() { s.end(ctx, c, err) }()
	if err := page.check(); err != nil {
		return nil, err
	}
	k, err := s.useKey(ctx, c, req.KeyID, "ListGrants", nil)
	if err != nil {
		return nil, err
	}
	var grants []grantRecord
	if err := s.opts.Meta.View(ctx, func(r meta.Reader) error {
		grants, err = readGrants(r, k.Account, k.ID)
		return err
	}); err != nil {
		return nil, err
	}
	out = &GrantList{}
	for i := range grants {
		g := &grants[i]
		if (grantID != "" && g.ID != grantID) || (grantee != "" && g.Grantee != grantee) || (page.Marker != "" && g.ID <= page.Marker) {
			continue
		}
		if len(out.Grants) == page.Limit {
			out.NextMarker = out.Grants[len(out.Grants)-1].GrantID
			break
		}
		out.Grants = append(out.Grants, s.grantOut(g, k.Account))
	}
	return out, nil
}

// ListRetirableGrants lists the grants, on keys of the caller's account,
// that name retiring as their retiring principal.
func (s *Service) ListRetirableGrants(ctx context.Context, caller Caller, retiring string, page Page) (out *GrantList, err error) {
	c := s.begin("ListRetirableGrants", caller, true)
	c.params["retiringPrincipal"] = retiring
	defer func() { s.end(ctx, c, err) }()
	if err := page.check(); err != nil {
		return nil, err
	}
	if !validPrincipalARN(retiring) {
		return nil, invalid("1 validation error detected: Value '%s' at 'retiringPrincipal' failed to satisfy constraint: Member must be an IAM principal ARN", retiring)
	}
	if err := s.authorize(ctx, caller, "ListRetirableGrants", nil, nil); err != nil {
		return nil, err
	}
	account := caller.Principal.AccountID
	out = &GrantList{}
	err = s.opts.Meta.View(ctx, func(r meta.Reader) error {
		prefix := scope(subGrant, account)
		it := r.Scan(prefix, prefixEnd(prefix), meta.ScanOptions{})
		defer it.Close()
		for it.Next() {
			var g grantRecord
			if err := decodeRecord(it.Value(), &g); err != nil {
				return err
			}
			if g.Retiring != retiring || (page.Marker != "" && g.ID <= page.Marker) {
				continue
			}
			if len(out.Grants) == page.Limit {
				out.NextMarker = out.Grants[len(out.Grants)-1].GrantID
				return nil
			}
			out.Grants = append(out.Grants, s.grantOut(&g, account))
		}
		return it.Err()
	})
	return out, err
}

// RevokeGrant deletes a grant; the caller needs kms:RevokeGrant on the key.
func (s *Service) RevokeGrant(ctx context.Context, req KeyRequest, grantID string) (err error) {
	c := s.begin("RevokeGrant", req.Caller, false)
	c.params["keyId"], c.params["grantId"] = req.KeyID, grantID
	defer func() { s.end(ctx, c, err) }()
	k, err := s.useKey(ctx, c, req.KeyID, "RevokeGrant", nil)
	if err != nil {
		return err
	}
	return s.deleteGrant(ctx, k, grantID, nil)
}

// RetireGrant deletes a grant named by its token, or by key and grant
// id. As AWS allows, the grant's retiring principal, its grantee when
// the grant allows RetireGrant, and the root of the account that issued
// it may retire it; no policy is asked.
func (s *Service) RetireGrant(ctx context.Context, caller Caller, token, keyID, grantID string) (err error) {
	c := s.begin("RetireGrant", caller, false)
	c.params["keyId"], c.params["grantId"] = keyID, grantID
	defer func() { s.end(ctx, c, err) }()
	var k *keyRecord
	switch {
	case token != "":
		id, gid, err := parseGrantToken(token)
		if err != nil {
			return err
		}
		account, err := s.keyAccount(ctx, id)
		if err != nil {
			return errorf(ErrInvalidGrantToken, "Invalid grant token")
		}
		if k, err = s.load(ctx, caller, keyARN(s.opts.Region, account, id)); err != nil {
			return err
		}
		grantID = gid
	case keyID != "" && grantID != "":
		if k, err = s.load(ctx, caller, keyID); err != nil {
			return err
		}
	default:
		return invalid("Either GrantToken or both KeyId and GrantId are required")
	}
	c.used(k)
	p := caller.Principal
	return s.deleteGrant(ctx, k, grantID, func(g *grantRecord) error {
		if g.Retiring == p.ARN || (p.RoleARN != "" && g.Retiring == p.RoleARN) ||
			(slices.Contains(g.Operations, "RetireGrant") && g.allows(caller, "RetireGrant", nil)) ||
			(p.Root && p.AccountID == g.IssuingAccount) {
			return nil
		}
		return errorf(ErrAccessDenied, "User: %s is not authorized to retire grant %s", p.ARN, g.ID)
	})
}

// deleteGrant removes grantID of k after check allows it.
func (s *Service) deleteGrant(ctx context.Context, k *keyRecord, grantID string, check func(*grantRecord) error) error {
	if _, err := hex.DecodeString(grantID); err != nil || len(grantID) != 64 {
		return errorf(ErrInvalidGrantID, "Invalid grant ID %q", grantID)
	}
	return s.opts.Meta.Update(ctx, func(tx meta.Txn) error {
		key := metaKey(subGrant, k.Account, k.ID, grantID)
		var g grantRecord
		found, err := get(tx, key, &g)
		if err != nil {
			return err
		}
		if !found {
			return errorf(ErrNotFound, "Grant ID %s not found", grantID)
		}
		if check != nil {
			if err := check(&g); err != nil {
				return err
			}
		}
		return tx.Delete(key)
	})
}
