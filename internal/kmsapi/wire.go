package kmsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/coffer-s3/coffer/internal/kms"
)

// errSerialization answers a body that is not the operation's JSON.
var errSerialization = &wireError{Code: "SerializationException", Status: http.StatusBadRequest,
	Message: "Start of structure or map found where not expected, or the request body is not valid JSON."}

// decodeJSON reads body, one JSON object, into v. Unknown members are
// ignored, as the AWS JSON protocol allows for forward compatibility;
// wrong types, invalid base64 blobs and trailing data are a
// SerializationException.
func decodeJSON(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	if body[0] != '{' {
		return errSerialization
	}
	d := json.NewDecoder(bytes.NewReader(body))
	if err := d.Decode(v); err != nil {
		return errSerialization
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return errSerialization
	}
	return nil
}

// epoch is a timestamp in the JSON protocol's form: seconds since the
// epoch, as a number with a fraction.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	return strconv.AppendFloat(nil, float64(tt.UnixMilli())/1000, 'f', -1, 64), nil
}

// epochPtr is nil (member absent) for the zero time.
func epochPtr(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

type keyMetadata struct {
	AWSAccountID                string   `json:"AWSAccountId"`
	KeyID                       string   `json:"KeyId"`
	Arn                         string   `json:"Arn"`
	CreationDate                epoch    `json:"CreationDate"`
	Enabled                     bool     `json:"Enabled"`
	Description                 string   `json:"Description"`
	KeyUsage                    string   `json:"KeyUsage"`
	KeyState                    string   `json:"KeyState"`
	DeletionDate                *epoch   `json:"DeletionDate,omitempty"`
	PendingDeletionWindowInDays int      `json:"PendingDeletionWindowInDays,omitempty"`
	Origin                      string   `json:"Origin"`
	KeyManager                  string   `json:"KeyManager"`
	CustomerMasterKeySpec       string   `json:"CustomerMasterKeySpec"`
	KeySpec                     string   `json:"KeySpec"`
	EncryptionAlgorithms        []string `json:"EncryptionAlgorithms,omitempty"`
	MacAlgorithms               []string `json:"MacAlgorithms,omitempty"`
	MultiRegion                 bool     `json:"MultiRegion"`
}

func metadataOut(m *kms.KeyMetadata) keyMetadata {
	return keyMetadata{AWSAccountID: m.AccountID, KeyID: m.KeyID, Arn: m.ARN, CreationDate: epoch(m.CreationDate),
		Enabled: m.Enabled, Description: m.Description, KeyUsage: m.KeyUsage, KeyState: m.KeyState,
		DeletionDate: epochPtr(m.DeletionDate), PendingDeletionWindowInDays: m.PendingDeletionDays,
		Origin: "AWS_KMS", KeyManager: m.KeyManager, CustomerMasterKeySpec: m.KeySpec, KeySpec: m.KeySpec,
		EncryptionAlgorithms: m.EncryptionAlgorithms, MacAlgorithms: m.MacAlgorithms}
}

type tag struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

func tagsIn(in []tag) []kms.Tag {
	out := make([]kms.Tag, len(in))
	for i, t := range in {
		out[i] = kms.Tag{Key: t.TagKey, Value: t.TagValue}
	}
	return out
}

// keyOnly is the input of the operations that take only a KeyId.
type keyOnly struct {
	KeyID string `json:"KeyId"`
}

// paging is the Limit and Marker of a listing.
type paging struct {
	Limit  int    `json:"Limit"`
	Marker string `json:"Marker"`
}

func (p paging) page() kms.Page { return kms.Page{Limit: p.Limit, Marker: p.Marker} }

type grantConstraints struct {
	EncryptionContextSubset map[string]string `json:"EncryptionContextSubset,omitempty"`
	EncryptionContextEquals map[string]string `json:"EncryptionContextEquals,omitempty"`
}

type grantEntry struct {
	KeyID             string            `json:"KeyId"`
	GrantID           string            `json:"GrantId"`
	Name              string            `json:"Name,omitempty"`
	CreationDate      epoch             `json:"CreationDate"`
	GranteePrincipal  string            `json:"GranteePrincipal"`
	RetiringPrincipal string            `json:"RetiringPrincipal,omitempty"`
	IssuingAccount    string            `json:"IssuingAccount"`
	Operations        []string          `json:"Operations"`
	Constraints       *grantConstraints `json:"Constraints,omitempty"`
}

type grantList struct {
	Grants     []grantEntry `json:"Grants"`
	NextMarker string       `json:"NextMarker,omitempty"`
	Truncated  bool         `json:"Truncated"`
}

func grantsOut(l *kms.GrantList) grantList {
	out := grantList{Grants: []grantEntry{}, NextMarker: l.NextMarker, Truncated: l.NextMarker != ""}
	for _, g := range l.Grants {
		e := grantEntry{KeyID: g.KeyARN, GrantID: g.GrantID, Name: g.Name, CreationDate: epoch(g.CreationDate),
			GranteePrincipal: g.GranteePrincipal, RetiringPrincipal: g.RetiringPrincipal, IssuingAccount: g.IssuingAccount,
			Operations: g.Operations}
		if g.EncryptionContextEquals != nil || g.EncryptionContextSubset != nil {
			e.Constraints = &grantConstraints{EncryptionContextSubset: g.EncryptionContextSubset, EncryptionContextEquals: g.EncryptionContextEquals}
		}
		out.Grants = append(out.Grants, e)
	}
	return out
}
