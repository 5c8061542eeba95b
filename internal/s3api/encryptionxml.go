package s3api

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"

	"github.com/coffer-s3/coffer/internal/object"
)

// maxEncryptionConfigSize bounds a ServerSideEncryptionConfiguration
// body; a valid one is a few hundred bytes.
const maxEncryptionConfigSize = 16 << 10

// encryptionConfigurationDoc renders a bucket's default encryption with
// the rule's elements in the order of S3's ServerSideEncryptionRule:
// ApplyServerSideEncryptionByDefault, BucketKeyEnabled,
// BlockedEncryptionTypes. BucketKeyEnabled is always written, as S3
// writes it.
type encryptionConfigurationDoc struct {
	XMLName xml.Name          `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ServerSideEncryptionConfiguration"`
	Rule    encryptionRuleDoc `xml:"Rule"`
}

type encryptionRuleDoc struct {
	Default          encryptionDefaultDoc `xml:"ApplyServerSideEncryptionByDefault"`
	BucketKeyEnabled bool                 `xml:"BucketKeyEnabled"`
	Blocked          *blockedTypesDoc     `xml:"BlockedEncryptionTypes,omitempty"`
}

type encryptionDefaultDoc struct {
	SSEAlgorithm   string `xml:"SSEAlgorithm"`
	KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
}

type blockedTypesDoc struct {
	Types []string `xml:"EncryptionType"`
}

func encryptionConfigurationXML(cfg object.BucketEncryption) encryptionConfigurationDoc {
	doc := encryptionConfigurationDoc{Rule: encryptionRuleDoc{
		Default:          encryptionDefaultDoc{SSEAlgorithm: cfg.SSEAlgorithm, KMSMasterKeyID: cfg.KMSMasterKeyID},
		BucketKeyEnabled: cfg.BucketKeyEnabled,
	}}
	if len(cfg.BlockedEncryptionTypes) > 0 {
		doc.Rule.Blocked = &blockedTypesDoc{}
		for _, t := range cfg.BlockedEncryptionTypes {
			doc.Rule.Blocked.Types = append(doc.Rule.Blocked.Types, string(t))
		}
	}
	return doc
}

// parseEncryptionXML decodes a ServerSideEncryptionConfiguration strictly,
// as S3 validates it against its schema: exactly one Rule; in it at most
// one of ApplyServerSideEncryptionByDefault (which must name an
// SSEAlgorithm), BucketKeyEnabled (true or false) and
// BlockedEncryptionTypes (one or more EncryptionType); algorithms and
// types only from S3's enumerations. Anything else is MalformedXML. A
// rule without ApplyServerSideEncryptionByDefault means SSE-S3; one
// without BlockedEncryptionTypes leaves BlockedEncryptionTypes nil (the
// bucket keeps its list). Semantic checks (a KMS key with AES256, NONE
// with another type) are object.BucketEncryption.Validate's.
func parseEncryptionXML(data []byte) (object.BucketEncryption, error) {
	var cfg object.BucketEncryption
	if len(data) > maxEncryptionConfigSize {
		return cfg, fmt.Errorf("%w: encryption configuration of %d bytes", errMalformedXML, len(data))
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	root, err := nextElement(d)
	if err != nil {
		return cfg, err
	}
	if root == nil || root.Name.Local != "ServerSideEncryptionConfiguration" {
		return cfg, fmt.Errorf("%w: root is not ServerSideEncryptionConfiguration", errMalformedXML)
	}
	rules := 0
	for {
		el, err := nextElement(d)
		if err != nil {
			return cfg, err
		}
		if el == nil {
			break
		}
		if el.Name.Local != "Rule" {
			return cfg, fmt.Errorf("%w: %s in ServerSideEncryptionConfiguration", errMalformedXML, el.Name.Local)
		}
		if rules++; rules > 1 {
			return cfg, fmt.Errorf("%w: more than one Rule", errMalformedXML)
		}
		if cfg, err = parseEncryptionRule(d); err != nil {
			return cfg, err
		}
	}
	if rules == 0 {
		return cfg, fmt.Errorf("%w: no Rule", errMalformedXML)
	}
	if tok, err := nextElement(d); tok != nil || !errors.Is(err, errXMLEOF) {
		return cfg, fmt.Errorf("%w: content after the root element", errMalformedXML)
	}
	return cfg, nil
}

func parseEncryptionRule(d *xml.Decoder) (object.BucketEncryption, error) {
	cfg := object.BucketEncryption{SSEAlgorithm: object.SSEAlgorithmAES256}
	seen := map[string]bool{}
	for {
		el, err := nextElement(d)
		if err != nil {
			return cfg, err
		}
		if el == nil {
			return cfg, nil
		}
		name := el.Name.Local
		if seen[name] {
			return cfg, fmt.Errorf("%w: %s twice in Rule", errMalformedXML, name)
		}
		seen[name] = true
		switch name {
		case "ApplyServerSideEncryptionByDefault":
			cfg.SSEAlgorithm, cfg.KMSMasterKeyID, err = parseEncryptionDefault(d)
		case "BucketKeyEnabled":
			cfg.BucketKeyEnabled, err = parseXMLBool(d, name)
		case "BlockedEncryptionTypes":
			cfg.BlockedEncryptionTypes, err = parseBlockedTypes(d)
		default:
			err = fmt.Errorf("%w: %s in Rule", errMalformedXML, name)
		}
		if err != nil {
			return cfg, err
		}
	}
}

func parseEncryptionDefault(d *xml.Decoder) (alg, keyID string, err error) {
	var haveAlg, haveKey bool
	for {
		el, err := nextElement(d)
		if err != nil {
			return "", "", err
		}
		if el == nil {
			break
		}
		v, err := elementText(d)
		if err != nil {
			return "", "", err
		}
		switch {
		case el.Name.Local == "SSEAlgorithm" && !haveAlg:
			alg, haveAlg = v, true
		case el.Name.Local == "KMSMasterKeyID" && !haveKey:
			keyID, haveKey = v, true
		default:
			return "", "", fmt.Errorf("%w: %s in ApplyServerSideEncryptionByDefault", errMalformedXML, el.Name.Local)
		}
	}
	switch alg {
	case object.SSEAlgorithmAES256, object.SSEAlgorithmKMS, object.SSEAlgorithmKMSDSSE:
	default:
		return "", "", fmt.Errorf("%w: SSEAlgorithm %q", errMalformedXML, alg)
	}
	return alg, keyID, nil
}

func parseBlockedTypes(d *xml.Decoder) ([]object.EncryptionType, error) {
	var types []object.EncryptionType
	for {
		el, err := nextElement(d)
		if err != nil {
			return nil, err
		}
		if el == nil {
			break
		}
		if el.Name.Local != "EncryptionType" {
			return nil, fmt.Errorf("%w: %s in BlockedEncryptionTypes", errMalformedXML, el.Name.Local)
		}
		v, err := elementText(d)
		if err != nil {
			return nil, err
		}
		switch t := object.EncryptionType(v); t {
		case object.EncryptionSSEC, object.EncryptionNone:
			if len(types) == 8 {
				return nil, fmt.Errorf("%w: too many EncryptionType", errMalformedXML)
			}
			types = append(types, t)
		default:
			return nil, fmt.Errorf("%w: EncryptionType %q", errMalformedXML, v)
		}
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("%w: BlockedEncryptionTypes without EncryptionType", errMalformedXML)
	}
	return types, nil
}

// parseXMLBool reads the text of a boolean element: true or false.
func parseXMLBool(d *xml.Decoder, name string) (bool, error) {
	v, err := elementText(d)
	if err != nil {
		return false, err
	}
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%w: %s %q", errMalformedXML, name, v)
}
