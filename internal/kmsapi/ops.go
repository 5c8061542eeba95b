package kmsapi

import (
	"net/http"

	"github.com/coffer-s3/coffer/internal/kms"
)

// operations are the served operations, by X-Amz-Target name.
var operations = map[string]func(*call) (any, error){
	"CreateKey": createKey, "DescribeKey": describeKey, "ListKeys": listKeys,
	"EnableKey": enableKey, "DisableKey": disableKey,
	"ScheduleKeyDeletion": scheduleKeyDeletion, "CancelKeyDeletion": cancelKeyDeletion,
	"UpdateKeyDescription": updateKeyDescription,
	"TagResource":          tagResource, "UntagResource": untagResource, "ListResourceTags": listResourceTags,
	"CreateAlias": createAlias, "UpdateAlias": updateAlias, "DeleteAlias": deleteAlias, "ListAliases": listAliases,
	"Encrypt": encrypt, "Decrypt": decrypt, "ReEncrypt": reEncrypt,
	"GenerateDataKey": generateDataKey, "GenerateDataKeyWithoutPlaintext": generateDataKeyWithoutPlaintext,
	"GenerateRandom":    generateRandom,
	"EnableKeyRotation": enableKeyRotation, "DisableKeyRotation": disableKeyRotation,
	"GetKeyRotationStatus": getKeyRotationStatus, "RotateKeyOnDemand": rotateKeyOnDemand,
	"ListKeyRotations": listKeyRotations,
	"GetKeyPolicy":     getKeyPolicy, "PutKeyPolicy": putKeyPolicy, "ListKeyPolicies": listKeyPolicies,
	"CreateGrant": createGrant, "ListGrants": listGrants, "RetireGrant": retireGrant, "RevokeGrant": revokeGrant,
	"ListRetirableGrants": listRetirableGrants,
	"GenerateMac":         generateMac, "VerifyMac": verifyMac,
}

// unsupported are AWS KMS operations coffer does not serve: they answer
// UnsupportedOperationException rather than UnknownOperationException.
var unsupported = map[string]bool{
	"Sign": true, "Verify": true, "GetPublicKey": true, "GenerateDataKeyPair": true,
	"GenerateDataKeyPairWithoutPlaintext": true,
	"DeriveSharedSecret":                  true, "GetParametersForImport": true, "ImportKeyMaterial": true,
	"DeleteImportedKeyMaterial": true, "CreateCustomKeyStore": true, "ConnectCustomKeyStore": true,
	"DeleteCustomKeyStore": true, "DescribeCustomKeyStores": true, "DisconnectCustomKeyStore": true,
	"UpdateCustomKeyStore": true, "ReplicateKey": true, "UpdatePrimaryRegion": true,
}

// symmetric is the only encryption algorithm served.
const symmetric = "SYMMETRIC_DEFAULT"

// checkAlgorithm refuses an EncryptionAlgorithm other than the
// symmetric one: asymmetric algorithms are AWS's, for keys coffer does
// not have.
func checkAlgorithm(a string) error {
	switch a {
	case "", symmetric:
		return nil
	case "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE":
		return &wireError{Code: "InvalidKeyUsageException", Status: http.StatusBadRequest,
			Message: "The encryption algorithm " + a + " is not compatible with the key's key spec"}
	}
	return &wireError{Code: "ValidationException", Status: http.StatusBadRequest,
		Message: "1 validation error detected: Value '" + a + "' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]"}
}

func validation(msg string) error {
	return &wireError{Code: "ValidationException", Status: http.StatusBadRequest, Message: msg}
}

// checkGrantTokens accepts at most 10 tokens: grants take effect at once
// here, so a token adds nothing but is allowed.
func checkGrantTokens(tokens []string) error {
	if len(tokens) > 10 {
		return validation("1 validation error detected: Value at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	return nil
}

func (c *call) keyRequest(id string) kms.KeyRequest {
	return kms.KeyRequest{Caller: c.caller, KeyID: id}
}

func createKey(c *call) (any, error) {
	var in struct {
		Description                    string `json:"Description"`
		KeyUsage                       string `json:"KeyUsage"`
		KeySpec                        string `json:"KeySpec"`
		CustomerMasterKeySpec          string `json:"CustomerMasterKeySpec"`
		Policy                         string `json:"Policy"`
		BypassPolicyLockoutSafetyCheck bool   `json:"BypassPolicyLockoutSafetyCheck"`
		Tags                           []tag  `json:"Tags"`
		Origin                         string `json:"Origin"`
		MultiRegion                    bool   `json:"MultiRegion"`
		CustomKeyStoreID               string `json:"CustomKeyStoreId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	switch {
	case in.KeySpec != "" && in.CustomerMasterKeySpec != "":
		return nil, validation("You cannot specify KeySpec and CustomerMasterKeySpec in the same request.")
	case in.KeySpec == "":
		in.KeySpec = in.CustomerMasterKeySpec
	}
	if (in.Origin != "" && in.Origin != "AWS_KMS") || in.MultiRegion || in.CustomKeyStoreID != "" {
		return nil, &wireError{Code: "UnsupportedOperationException", Status: http.StatusBadRequest,
			Message: "coffer creates only single-Region keys with Origin AWS_KMS"}
	}
	md, err := c.keys.CreateKey(c.ctx, kms.CreateKeyRequest{Caller: c.caller, Description: in.Description,
		KeyUsage: in.KeyUsage, KeySpec: in.KeySpec, Policy: in.Policy,
		BypassPolicyLockoutSafetyCheck: in.BypassPolicyLockoutSafetyCheck, Tags: tagsIn(in.Tags)})
	if err != nil {
		return nil, err
	}
	return map[string]any{"KeyMetadata": metadataOut(md)}, nil
}

func describeKey(c *call) (any, error) {
	var in struct {
		KeyID       string   `json:"KeyId"`
		GrantTokens []string `json:"GrantTokens"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkGrantTokens(in.GrantTokens); err != nil {
		return nil, err
	}
	md, err := c.keys.DescribeKey(c.ctx, c.keyRequest(in.KeyID))
	if err != nil {
		return nil, err
	}
	return map[string]any{"KeyMetadata": metadataOut(md)}, nil
}

func listKeys(c *call) (any, error) {
	var in paging
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	l, err := c.keys.ListKeys(c.ctx, c.caller, in.page())
	if err != nil {
		return nil, err
	}
	type entry struct {
		KeyID  string `json:"KeyId"`
		KeyArn string `json:"KeyArn"`
	}
	keys := make([]entry, len(l.Keys))
	for i, k := range l.Keys {
		keys[i] = entry{k.KeyID, k.ARN}
	}
	return struct {
		Keys       []entry `json:"Keys"`
		NextMarker string  `json:"NextMarker,omitempty"`
		Truncated  bool    `json:"Truncated"`
	}{keys, l.NextMarker, l.NextMarker != ""}, nil
}

func keyOp(c *call, fn func(kms.KeyRequest) error) (any, error) {
	var in keyOnly
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, fn(c.keyRequest(in.KeyID))
}

func enableKey(c *call) (any, error) {
	return keyOp(c, func(r kms.KeyRequest) error { return c.keys.EnableKey(c.ctx, r) })
}

func disableKey(c *call) (any, error) {
	return keyOp(c, func(r kms.KeyRequest) error { return c.keys.DisableKey(c.ctx, r) })
}

func scheduleKeyDeletion(c *call) (any, error) {
	var in struct {
		KeyID               string `json:"KeyId"`
		PendingWindowInDays *int   `json:"PendingWindowInDays"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	days := 30
	if in.PendingWindowInDays != nil {
		days = *in.PendingWindowInDays
		if days == 0 {
			days = -1 // 0 is out of range, not "the default"
		}
	}
	md, err := c.keys.ScheduleKeyDeletion(c.ctx, c.keyRequest(in.KeyID), days)
	if err != nil {
		return nil, err
	}
	return map[string]any{"KeyId": md.ARN, "DeletionDate": epoch(md.DeletionDate), "KeyState": md.KeyState,
		"PendingWindowInDays": md.PendingDeletionDays}, nil
}

func cancelKeyDeletion(c *call) (any, error) {
	var in keyOnly
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	md, err := c.keys.CancelKeyDeletion(c.ctx, c.keyRequest(in.KeyID))
	if err != nil {
		return nil, err
	}
	return map[string]any{"KeyId": md.ARN}, nil
}

func updateKeyDescription(c *call) (any, error) {
	var in struct {
		KeyID       string  `json:"KeyId"`
		Description *string `json:"Description"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.Description == nil {
		return nil, validation("1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null")
	}
	return nil, c.keys.UpdateKeyDescription(c.ctx, c.keyRequest(in.KeyID), *in.Description)
}

func tagResource(c *call) (any, error) {
	var in struct {
		KeyID string `json:"KeyId"`
		Tags  []tag  `json:"Tags"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, c.keys.TagResource(c.ctx, c.keyRequest(in.KeyID), tagsIn(in.Tags))
}

func untagResource(c *call) (any, error) {
	var in struct {
		KeyID   string   `json:"KeyId"`
		TagKeys []string `json:"TagKeys"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, c.keys.UntagResource(c.ctx, c.keyRequest(in.KeyID), in.TagKeys)
}

func listResourceTags(c *call) (any, error) {
	var in keyOnly
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	tags, err := c.keys.ListResourceTags(c.ctx, c.keyRequest(in.KeyID))
	if err != nil {
		return nil, err
	}
	out := make([]tag, len(tags))
	for i, t := range tags {
		out[i] = tag{t.Key, t.Value}
	}
	return map[string]any{"Tags": out, "Truncated": false}, nil
}

type aliasInput struct {
	AliasName   string `json:"AliasName"`
	TargetKeyID string `json:"TargetKeyId"`
}

func createAlias(c *call) (any, error) {
	var in aliasInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, c.keys.CreateAlias(c.ctx, c.caller, in.AliasName, in.TargetKeyID)
}

func updateAlias(c *call) (any, error) {
	var in aliasInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, c.keys.UpdateAlias(c.ctx, c.caller, in.AliasName, in.TargetKeyID)
}

func deleteAlias(c *call) (any, error) {
	var in aliasInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, c.keys.DeleteAlias(c.ctx, c.caller, in.AliasName)
}

func listAliases(c *call) (any, error) {
	var in struct {
		paging
		KeyID string `json:"KeyId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	l, err := c.keys.ListAliases(c.ctx, c.caller, in.KeyID, in.page())
	if err != nil {
		return nil, err
	}
	type entry struct {
		AliasName       string `json:"AliasName"`
		AliasArn        string `json:"AliasArn"`
		TargetKeyID     string `json:"TargetKeyId"`
		CreationDate    epoch  `json:"CreationDate"`
		LastUpdatedDate epoch  `json:"LastUpdatedDate"`
	}
	out := make([]entry, len(l.Aliases))
	for i, a := range l.Aliases {
		out[i] = entry{a.Name, a.ARN, a.TargetKeyID, epoch(a.Created), epoch(a.Updated)}
	}
	return struct {
		Aliases    []entry `json:"Aliases"`
		NextMarker string  `json:"NextMarker,omitempty"`
		Truncated  bool    `json:"Truncated"`
	}{out, l.NextMarker, l.NextMarker != ""}, nil
}
