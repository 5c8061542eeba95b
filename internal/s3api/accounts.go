package s3api

import (
	"context"
	"errors"
	"strings"

	"github.com/coffer-s3/coffer/internal/iam"
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

// IdentityStore is what IdentityAccounts reads of the identity store;
// *iam.Store satisfies it.
type IdentityStore interface {
	GetAccount(ctx context.Context, id string) (iam.Account, error)
	ListAccounts(ctx context.Context) ([]iam.Account, error)
}

// IdentityAccounts adapts the identity store to Accounts. Lookups by
// canonical id or email scan the accounts, which are few; ACL requests
// and denied requests on buckets with ACLs enabled make them.
func IdentityAccounts(s IdentityStore) Accounts { return identityAccounts{s} }

type identityAccounts struct{ s IdentityStore }

func accountOf(a iam.Account) Account {
	return Account{ID: a.ID, CanonicalID: a.CanonicalID, Name: a.Name, Email: a.Email}
}

func (d identityAccounts) AccountByID(ctx context.Context, id string) (Account, bool, error) {
	a, err := d.s.GetAccount(ctx, id)
	switch {
	case errors.Is(err, iam.ErrNoSuchEntity):
		return Account{}, false, nil
	case err != nil:
		return Account{}, false, err
	}
	return accountOf(a), true, nil
}

func (d identityAccounts) find(ctx context.Context, match func(iam.Account) bool) (Account, bool, error) {
	accts, err := d.s.ListAccounts(ctx)
	if err != nil {
		return Account{}, false, err
	}
	for _, a := range accts {
		if match(a) {
			return accountOf(a), true, nil
		}
	}
	return Account{}, false, nil
}

func (d identityAccounts) AccountByCanonicalID(ctx context.Context, id string) (Account, bool, error) {
	return d.find(ctx, func(a iam.Account) bool { return a.CanonicalID == id })
}

func (d identityAccounts) AccountByEmail(ctx context.Context, email string) (Account, bool, error) {
	return d.find(ctx, func(a iam.Account) bool { return a.Email != "" && strings.EqualFold(a.Email, email) })
}
