package kmsapi

import (
	"github.com/coffer-s3/coffer/internal/kms"
)

func encrypt(c *call) (any, error) {
	var in struct {
		KeyID               string            `json:"KeyId"`
		Plaintext           []byte            `json:"Plaintext"`
		EncryptionContext   map[string]string `json:"EncryptionContext"`
		EncryptionAlgorithm string            `json:"EncryptionAlgorithm"`
		GrantTokens         []string          `json:"GrantTokens"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	defer clear(in.Plaintext)
	if err := checkAlgorithm(in.EncryptionAlgorithm); err != nil {
		return nil, err
	}
	if err := checkGrantTokens(in.GrantTokens); err != nil {
		return nil, err
	}
	out, err := c.keys.Encrypt(c.ctx, kms.EncryptRequest{Caller: c.caller, KeyID: in.KeyID, Plaintext: in.Plaintext,
		EncryptionContext: in.EncryptionContext})
	if err != nil {
		return nil, err
	}
	return map[string]any{"CiphertextBlob": out.CiphertextBlob, "KeyId": out.KeyARN, "EncryptionAlgorithm": symmetric}, nil
}

func decrypt(c *call) (any, error) {
	var in struct {
		KeyID               string            `json:"KeyId"`
		CiphertextBlob      []byte            `json:"CiphertextBlob"`
		EncryptionContext   map[string]string `json:"EncryptionContext"`
		EncryptionAlgorithm string            `json:"EncryptionAlgorithm"`
		GrantTokens         []string          `json:"GrantTokens"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkAlgorithm(in.EncryptionAlgorithm); err != nil {
		return nil, err
	}
	if err := checkGrantTokens(in.GrantTokens); err != nil {
		return nil, err
	}
	if len(in.CiphertextBlob) == 0 {
		return nil, validation("1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null")
	}
	out, err := c.keys.Decrypt(c.ctx, kms.DecryptRequest{Caller: c.caller, CiphertextBlob: in.CiphertextBlob,
		EncryptionContext: in.EncryptionContext, KeyID: in.KeyID})
	if err != nil {
		return nil, err
	}
	return plaintextAnswer{KeyID: out.KeyARN, Plaintext: out.Plaintext, EncryptionAlgorithm: symmetric}, nil
}

// plaintextAnswer carries plaintext to the client; it is encoded once
// and not kept.
type plaintextAnswer struct {
	KeyID               string `json:"KeyId"`
	Plaintext           []byte `json:"Plaintext"`
	EncryptionAlgorithm string `json:"EncryptionAlgorithm,omitempty"`
	CiphertextBlob      []byte `json:"CiphertextBlob,omitempty"`
}

func reEncrypt(c *call) (any, error) {
	var in struct {
		CiphertextBlob                 []byte            `json:"CiphertextBlob"`
		SourceEncryptionContext        map[string]string `json:"SourceEncryptionContext"`
		SourceKeyID                    string            `json:"SourceKeyId"`
		DestinationKeyID               string            `json:"DestinationKeyId"`
		DestinationEncryptionContext   map[string]string `json:"DestinationEncryptionContext"`
		SourceEncryptionAlgorithm      string            `json:"SourceEncryptionAlgorithm"`
		DestinationEncryptionAlgorithm string            `json:"DestinationEncryptionAlgorithm"`
		GrantTokens                    []string          `json:"GrantTokens"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	for _, a := range []string{in.SourceEncryptionAlgorithm, in.DestinationEncryptionAlgorithm} {
		if err := checkAlgorithm(a); err != nil {
			return nil, err
		}
	}
	if err := checkGrantTokens(in.GrantTokens); err != nil {
		return nil, err
	}
	if len(in.CiphertextBlob) == 0 {
		return nil, validation("1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null")
	}
	out, err := c.keys.ReEncrypt(c.ctx, kms.ReEncryptRequest{Caller: c.caller, CiphertextBlob: in.CiphertextBlob,
		SourceEncryptionContext: in.SourceEncryptionContext, SourceKeyID: in.SourceKeyID,
		DestinationKeyID: in.DestinationKeyID, DestinationEncryptionContext: in.DestinationEncryptionContext})
	if err != nil {
		return nil, err
	}
	return map[string]any{"CiphertextBlob": out.CiphertextBlob, "KeyId": out.KeyARN, "SourceKeyId": out.SourceKeyARN,
		"SourceEncryptionAlgorithm": symmetric, "DestinationEncryptionAlgorithm": symmetric}, nil
}

// dataKeyInput is GenerateDataKey's and
// GenerateDataKeyWithoutPlaintext's input.
type dataKeyInput struct {
	KeyID             string            `json:"KeyId"`
	KeySpec           string            `json:"KeySpec"`
	NumberOfBytes     *int              `json:"NumberOfBytes"`
	EncryptionContext map[string]string `json:"EncryptionContext"`
	GrantTokens       []string          `json:"GrantTokens"`
}

// request checks the key size parameters: exactly one of KeySpec
// (AES_256, AES_128) and NumberOfBytes.
func (in *dataKeyInput) request(c *call) (kms.DataKeyRequest, error) {
	req := kms.DataKeyRequest{Caller: c.caller, KeyID: in.KeyID, EncryptionContext: in.EncryptionContext}
	if err := checkGrantTokens(in.GrantTokens); err != nil {
		return req, err
	}
	switch {
	case in.KeySpec != "" && in.NumberOfBytes != nil:
		return req, validation("Please specify either number of bytes or key spec.")
	case in.KeySpec == "AES_256":
		req.NumberOfBytes = 32
	case in.KeySpec == "AES_128":
		req.NumberOfBytes = 16
	case in.KeySpec != "":
		return req, validation("1 validation error detected: Value '" + in.KeySpec + "' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]")
	case in.NumberOfBytes == nil:
		return req, validation("Please specify either number of bytes or key spec.")
	default:
		req.NumberOfBytes = *in.NumberOfBytes
		if req.NumberOfBytes == 0 {
			req.NumberOfBytes = -1 // out of range, not "the default"
		}
	}
	return req, nil
}

func generateDataKey(c *call) (any, error) {
	var in dataKeyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	req, err := in.request(c)
	if err != nil {
		return nil, err
	}
	dk, err := c.keys.GenerateDataKey(c.ctx, req)
	if err != nil {
		return nil, err
	}
	return plaintextAnswer{KeyID: dk.KeyARN, Plaintext: dk.Plaintext, CiphertextBlob: dk.CiphertextBlob}, nil
}

func generateDataKeyWithoutPlaintext(c *call) (any, error) {
	var in dataKeyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	req, err := in.request(c)
	if err != nil {
		return nil, err
	}
	dk, err := c.keys.GenerateDataKeyWithoutPlaintext(c.ctx, req)
	if err != nil {
		return nil, err
	}
	return map[string]any{"KeyId": dk.KeyARN, "CiphertextBlob": dk.CiphertextBlob}, nil
}

func generateRandom(c *call) (any, error) {
	var in struct {
		NumberOfBytes    *int   `json:"NumberOfBytes"`
		CustomKeyStoreID string `json:"CustomKeyStoreId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	n := -1
	if in.NumberOfBytes != nil {
		n = *in.NumberOfBytes
	}
	b, err := c.keys.GenerateRandom(c.ctx, c.caller, n)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Plaintext": b}, nil
}

// macInput is GenerateMac's and VerifyMac's input.
type macInput struct {
	KeyID        string   `json:"KeyId"`
	Message      []byte   `json:"Message"`
	MacAlgorithm string   `json:"MacAlgorithm"`
	Mac          []byte   `json:"Mac"`
	GrantTokens  []string `json:"GrantTokens"`
}

func (in *macInput) request(c *call) (kms.MacRequest, error) {
	return kms.MacRequest{Caller: c.caller, KeyID: in.KeyID, Message: in.Message, Algorithm: in.MacAlgorithm, Mac: in.Mac},
		checkGrantTokens(in.GrantTokens)
}

func generateMac(c *call) (any, error) {
	var in macInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	defer clear(in.Message)
	req, err := in.request(c)
	if err != nil {
		return nil, err
	}
	out, err := c.keys.GenerateMac(c.ctx, req)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Mac": out.Mac, "MacAlgorithm": in.MacAlgorithm, "KeyId": out.KeyARN}, nil
}

func verifyMac(c *call) (any, error) {
	var in macInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	defer clear(in.Message)
	req, err := in.request(c)
	if err != nil {
		return nil, err
	}
	arn, err := c.keys.VerifyMac(c.ctx, req)
	if err != nil {
		return nil, err
	}
	return map[string]any{"KeyId": arn, "MacValid": true, "MacAlgorithm": in.MacAlgorithm}, nil
}
