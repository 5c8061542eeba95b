package kms

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
)

// maxMacMessage is the largest message GenerateMac and VerifyMac take.
const maxMacMessage = 4096

// MacRequest is GenerateMac's and VerifyMac's input.
type MacRequest struct {
	Caller  Caller
	KeyID   string
	Message []byte
	// Algorithm is the MacAlgorithm; only HMAC_SHA_256 (for HMAC_256
	// keys) is served.
	Algorithm string
	// Mac is, for VerifyMac, the MAC to check.
	Mac []byte
}

// Mac is GenerateMac's result.
type Mac struct {
	Mac    []byte
	KeyARN string
}

// macKey loads and checks an HMAC key for op.
func (s *Service) macKey(ctx context.Context, c *call, op string, req *MacRequest) (*keyRecord, error) {
	if len(req.Message) == 0 || len(req.Message) > maxMacMessage {
		return nil, invalid("1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length between 1 and %d", maxMacMessage)
	}
	switch req.Algorithm {
	case macAlgorithm256:
	case "HMAC_SHA_224", "HMAC_SHA_384", "HMAC_SHA_512":
	default:
		return nil, invalid("1 validation error detected: Value '%s' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]", req.Algorithm)
	}
	k, err := s.useKey(ctx, c, req.KeyID, op, nil)
	if err != nil {
		return nil, err
	}
	if k.Usage != UsageMac || req.Algorithm != macAlgorithm256 {
		return nil, errorf(ErrInvalidKeyUsage, "%s key usage is %s which is not valid for %s with %s.", k.arn(), k.Usage, op, req.Algorithm)
	}
	return k, usable(k)
}

// mac computes the HMAC of msg under k's current material.
func (s *Service) mac(k *keyRecord, msg []byte) ([]byte, error) {
	m := k.current()
	raw, err := s.opts.Keyring.Open(m.Sealed, materialContext(k.arn(), m.Version))
	if err != nil {
		return nil, err
	}
	defer clear(raw)
	h := hmac.New(sha256.New, raw)
	h.Write(msg)
	return h.Sum(nil), nil
}

// GenerateMac returns the HMAC of a message under an HMAC_256 key.
func (s *Service) GenerateMac(ctx context.Context, req MacRequest) (out *Mac, err error) {
	c := s.begin("GenerateMac", req.Caller, true)
	c.params["keyId"], c.params["macAlgorithm"] = req.KeyID, req.Algorithm
	defer func() { s.end(ctx, c, err) }()
	k, err := s.macKey(ctx, c, "GenerateMac", &req)
	if err != nil {
		return nil, err
	}
	sum, err := s.mac(k, req.Message)
	if err != nil {
		return nil, err
	}
	return &Mac{Mac: sum, KeyARN: k.arn()}, nil
}

// VerifyMac checks, in constant time, that req.Mac is the HMAC of the
// message under the key; ErrInvalidMac when it is not.
func (s *Service) VerifyMac(ctx context.Context, req MacRequest) (arn string, err error) {
	c := s.begin("VerifyMac", req.Caller, true)
	c.params["keyId"], c.params["macAlgorithm"] = req.KeyID, req.Algorithm
	defer func() { s.end(ctx, c, err) }()
	if len(req.Mac) == 0 || len(req.Mac) > 6144 {
		return "", invalid("1 validation error detected: Value at 'mac' failed to satisfy constraint: Member must have length between 1 and 6144")
	}
	k, err := s.macKey(ctx, c, "VerifyMac", &req)
	if err != nil {
		return "", err
	}
	sum, err := s.mac(k, req.Message)
	if err != nil {
		return "", err
	}
	if !hmac.Equal(sum, req.Mac) {
		return "", ErrInvalidMac
	}
	return k.arn(), nil
}
