package kmsapi

import (
	"github.com/coffer-s3/coffer/internal/kms"
)

func enableKeyRotation(c *call) (any, error) {
	var in struct {
		KeyID                string `json:"KeyId"`
		RotationPeriodInDays *int   `json:"RotationPeriodInDays"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	days := 0
	if in.RotationPeriodInDays != nil {
		if days = *in.RotationPeriodInDays; days == 0 {
			days = -1 // out of range, not "the default"
		}
	}
	return nil, c.keys.EnableKeyRotation(c.ctx, c.keyRequest(in.KeyID), days)
}

func disableKeyRotation(c *call) (any, error) {
	return keyOp(c, func(r kms.KeyRequest) error { return c.keys.DisableKeyRotation(c.ctx, r) })
}

func getKeyRotationStatus(c *call) (any, error) {
	var in keyOnly
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	st, err := c.keys.GetKeyRotationStatus(c.ctx, c.keyRequest(in.KeyID))
	if err != nil {
		return nil, err
	}
	return struct {
		KeyRotationEnabled        bool   `json:"KeyRotationEnabled"`
		KeyID                     string `json:"KeyId"`
		RotationPeriodInDays      int    `json:"RotationPeriodInDays,omitempty"`
		NextRotationDate          *epoch `json:"NextRotationDate,omitempty"`
		OnDemandRotationStartDate *epoch `json:"OnDemandRotationStartDate,omitempty"`
	}{st.Enabled, st.KeyARN, st.PeriodDays, epochPtr(st.Next), epochPtr(st.OnDemandStarted)}, nil
}

func rotateKeyOnDemand(c *call) (any, error) {
	var in keyOnly
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	arn, err := c.keys.RotateKeyOnDemand(c.ctx, c.keyRequest(in.KeyID))
	if err != nil {
		return nil, err
	}
	return map[string]any{"KeyId": arn}, nil
}

func listKeyRotations(c *call) (any, error) {
	var in struct {
		paging
		KeyID string `json:"KeyId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	l, err := c.keys.ListKeyRotations(c.ctx, c.keyRequest(in.KeyID), in.page())
	if err != nil {
		return nil, err
	}
	type entry struct {
		KeyID        string `json:"KeyId"`
		RotationDate epoch  `json:"RotationDate"`
		RotationType string `json:"RotationType"`
	}
	out := make([]entry, len(l.Rotations))
	for i, r := range l.Rotations {
		typ := "AUTOMATIC"
		if r.OnDemand {
			typ = "ON_DEMAND"
		}
		out[i] = entry{r.KeyARN, epoch(r.Date), typ}
	}
	return struct {
		Rotations  []entry `json:"Rotations"`
		NextMarker string  `json:"NextMarker,omitempty"`
		Truncated  bool    `json:"Truncated"`
	}{out, l.NextMarker, l.NextMarker != ""}, nil
}

func getKeyPolicy(c *call) (any, error) {
	var in struct {
		KeyID      string `json:"KeyId"`
		PolicyName string `json:"PolicyName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	doc, err := c.keys.GetKeyPolicy(c.ctx, c.keyRequest(in.KeyID), in.PolicyName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Policy": doc, "PolicyName": "default"}, nil
}

func putKeyPolicy(c *call) (any, error) {
	var in struct {
		KeyID                          string `json:"KeyId"`
		PolicyName                     string `json:"PolicyName"`
		Policy                         string `json:"Policy"`
		BypassPolicyLockoutSafetyCheck bool   `json:"BypassPolicyLockoutSafetyCheck"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, c.keys.PutKeyPolicy(c.ctx, c.keyRequest(in.KeyID), in.PolicyName, in.Policy, in.BypassPolicyLockoutSafetyCheck)
}

func listKeyPolicies(c *call) (any, error) {
	var in keyOnly
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	names, err := c.keys.ListKeyPolicies(c.ctx, c.keyRequest(in.KeyID))
	if err != nil {
		return nil, err
	}
	return map[string]any{"PolicyNames": names, "Truncated": false}, nil
}

func createGrant(c *call) (any, error) {
	var in struct {
		KeyID             string            `json:"KeyId"`
		GranteePrincipal  string            `json:"GranteePrincipal"`
		RetiringPrincipal string            `json:"RetiringPrincipal"`
		Operations        []string          `json:"Operations"`
		Constraints       *grantConstraints `json:"Constraints"`
		Name              string            `json:"Name"`
		GrantTokens       []string          `json:"GrantTokens"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkGrantTokens(in.GrantTokens); err != nil {
		return nil, err
	}
	g := kms.Grant{GranteePrincipal: in.GranteePrincipal, RetiringPrincipal: in.RetiringPrincipal,
		Operations: in.Operations, Name: in.Name}
	if in.Constraints != nil {
		g.EncryptionContextEquals, g.EncryptionContextSubset = in.Constraints.EncryptionContextEquals, in.Constraints.EncryptionContextSubset
	}
	id, token, err := c.keys.CreateGrant(c.ctx, kms.CreateGrantRequest{Caller: c.caller, KeyID: in.KeyID, Grant: g})
	if err != nil {
		return nil, err
	}
	return map[string]any{"GrantId": id, "GrantToken": token}, nil
}

func listGrants(c *call) (any, error) {
	var in struct {
		paging
		KeyID            string `json:"KeyId"`
		GrantID          string `json:"GrantId"`
		GranteePrincipal string `json:"GranteePrincipal"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	l, err := c.keys.ListGrants(c.ctx, c.keyRequest(in.KeyID), in.GrantID, in.GranteePrincipal, in.page())
	if err != nil {
		return nil, err
	}
	return grantsOut(l), nil
}

func listRetirableGrants(c *call) (any, error) {
	var in struct {
		paging
		RetiringPrincipal string `json:"RetiringPrincipal"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	l, err := c.keys.ListRetirableGrants(c.ctx, c.caller, in.RetiringPrincipal, in.page())
	if err != nil {
		return nil, err
	}
	return grantsOut(l), nil
}

func retireGrant(c *call) (any, error) {
	var in struct {
		GrantToken string `json:"GrantToken"`
		KeyID      string `json:"KeyId"`
		GrantID    string `json:"GrantId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, c.keys.RetireGrant(c.ctx, c.caller, in.GrantToken, in.KeyID, in.GrantID)
}

func revokeGrant(c *call) (any, error) {
	var in struct {
		KeyID   string `json:"KeyId"`
		GrantID string `json:"GrantId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, c.keys.RevokeGrant(c.ctx, c.keyRequest(in.KeyID), in.GrantID)
}
