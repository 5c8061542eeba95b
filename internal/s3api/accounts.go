package s3api

import (
	"context"
)

// Account is what the S3 wire shows of an account: Owner elements carry
// its canonical user id and name, and ACL grants name it by canonical
// id or email address.
type Account struct {
	ID          string // the 12-digit account id buckets and objects record
	CanonicalID string
	Name        string
	Email       string // "" when the account has none
}

// Accounts finds accounts for Owner elements and ACL grants. ok is false
// when there is no such account. The identity store satisfies it
// through a small adapter.
type Accounts interface {
	AccountByID(ctx context.Context, id string) (Account, bool, error)
	AccountByCanonicalID(ctx context.Context, canonicalID string) (Account, bool, error)
	AccountByEmail(ctx context.Context, email string) (Account, bool, error)
}

// ownerNames resolves account ids to Owner elements for one response,
// reading each account once.
type ownerNames struct {
	ctx  context.Context
	h    *Handler
	seen map[string]owner
}

func (h *Handler) ownerNames(req *request) *ownerNames {
	return &ownerNames{ctx: req.r.Context(), h: h}
}

// of returns the Owner element of account id: its canonical id and name,
// or the bare id when there is no directory or no such account.
func (n *ownerNames) of(id string) owner {
	if n.h.accounts == nil || id == "" {
		return owner{ID: id}
	}
	if o, ok := n.seen[id]; ok {
		return o
	}
	o := owner{ID: id}
	a, ok, err := n.h.accounts.AccountByID(n.ctx, id)
	if err != nil {
		n.h.log.WarnContext(n.ctx, "owner lookup failed", "account", id, "err", err)
	} else if ok {
		o = owner{ID: a.CanonicalID, DisplayName: a.Name}
	}
	if n.seen == nil {
		n.seen = map[string]owner{}
	}
	n.seen[id] = o
	return o
}

// canonicalID is the canonical user id of account id (id itself without
// a directory).
func (n *ownerNames) canonicalID(id string) string { return n.of(id).ID }

// ptr is of for the optional Owner elements of listings.
func (n *ownerNames) ptr(id string) *owner {
	o := n.of(id)
	return &o
}

// canonicalOf is the canonical user id of account id for an ACL: unlike
// of, a failed lookup is an error, so that no grant is computed for the
// wrong id.
func (h *Handler) canonicalOf(ctx context.Context, id string) (string, error) {
	if h.accounts == nil || id == "" {
		return id, nil
	}
	a, ok, err := h.accounts.AccountByID(ctx, id)
	if err != nil || !ok {
		return id, err
	}
	return a.CanonicalID, nil
}
