package s3api

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"

	"github.com/coffer-s3/coffer/internal/acl"
)

// Wire errors of ACL requests.
var (
	// errMalformedACL: an AccessControlPolicy that does not parse or
	// validate (MalformedACLError).
	errMalformedACL = errors.New("s3api: malformed acl")
	// errACLHeaderAndBody: a PutBucketAcl or PutObjectAcl with both
	// ACL headers and a body (UnexpectedContent).
	errACLHeaderAndBody = errors.New("s3api: acl in both headers and body")
	// errCannedAndGrants: x-amz-acl together with x-amz-grant-* headers.
	errCannedAndGrants = errors.New("s3api: canned acl and grant headers")
	// errMissingACL: a Put*Acl with neither headers nor body.
	errMissingACL = errors.New("s3api: no acl given")
)

// grantHeaders maps each x-amz-grant-* header to its permission.
var grantHeaders = []struct {
	name string
	perm acl.Permission
}{
	{"X-Amz-Grant-Read", acl.Read},
	{"X-Amz-Grant-Write", acl.Write},
	{"X-Amz-Grant-Read-Acp", acl.ReadACP},
	{"X-Amz-Grant-Write-Acp", acl.WriteACP},
	{"X-Amz-Grant-Full-Control", acl.FullControl},
}

// aclRequest is the ACL a request asks for in its headers: a canned ACL
// name or explicit grants (grantees by email still unresolved).
type aclRequest struct {
	canned string
	grants []acl.Grant
	// explicit is true when a grant header was present.
	explicit bool
}

// given reports whether the request asked for an ACL at all.
func (a aclRequest) given() bool { return a.canned != "" || a.explicit }

// parseACLHeaders reads x-amz-acl and the x-amz-grant-* headers.
func parseACLHeaders(h http.Header) (aclRequest, error) {
	var out aclRequest
	if vs := h.Values("X-Amz-Acl"); len(vs) > 0 {
		out.canned = strings.TrimSpace(vs[0])
		if !knownCanned(out.canned) {
			return aclRequest{}, errInvalidArgument
		}
	}
	for _, gh := range grantHeaders {
		vs := h.Values(gh.name)
		if len(vs) == 0 {
			continue
		}
		out.explicit = true
		for _, v := range vs {
			gs, err := parseGrantHeader(v, gh.perm)
			if err != nil {
				return aclRequest{}, err
			}
			out.grants = append(out.grants, gs...)
		}
	}
	if out.canned != "" && out.explicit {
		return aclRequest{}, errCannedAndGrants
	}
	if len(out.grants) > acl.MaxGrants {
		return aclRequest{}, errMalformedACL
	}
	return out, nil
}

func knownCanned(name string) bool {
	for _, n := range acl.CannedNames {
		if n == name {
			return true
		}
	}
	return false
}

// parseGrantHeader parses one x-amz-grant-* value: a comma-separated list
// of type="value" pairs, the type one of id, emailAddress and uri.
func parseGrantHeader(v string, p acl.Permission) ([]acl.Grant, error) {
	var out []acl.Grant
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		typ, val, ok := strings.Cut(item, "=")
		if !ok {
			return nil, errInvalidGrantHeader
		}
		typ = strings.TrimSpace(typ)
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		if val == "" || strings.ContainsAny(val, "\"") {
			return nil, errInvalidGrantHeader
		}
		var g acl.Grantee
		switch strings.ToLower(typ) {
		case "id":
			g = acl.Grantee{Type: acl.CanonicalUser, ID: val}
		case "emailaddress":
			g = acl.Grantee{Type: acl.Email, Email: val}
		case "uri":
			g = acl.Grantee{Type: acl.Group, URI: val}
		default:
			return nil, errInvalidGrantHeader
		}
		out = append(out, acl.Grant{Grantee: g, Permission: p})
	}
	if len(out) == 0 {
		return nil, errInvalidGrantHeader
	}
	return out, nil
}

// errInvalidGrantHeader is a grant header S3 cannot read.
var errInvalidGrantHeader = withMessage(errInvalidArgument, "Invalid grant header")

// accessControlPolicy is the AccessControlPolicy body of GetBucketAcl,
// GetObjectAcl, PutBucketAcl and PutObjectAcl.
type accessControlPolicy struct {
	XMLName xml.Name `xml:"AccessControlPolicy"`
	Owner   *owner   `xml:"Owner"`
	Grants  []grantXML
}

type grantXML struct {
	Grantee    granteeXML
	Permission string
}

type granteeXML struct {
	Type        string
	ID          string
	DisplayName string
	Email       string
	URI         string
}

// aclBodyXML is how the body is read: xsi:type is matched by its local
// name, so that a client's namespace prefix does not matter.
type aclBodyXML struct {
	XMLName xml.Name `xml:"AccessControlPolicy"`
	Owner   *struct {
		ID          string `xml:"ID"`
		DisplayName string `xml:"DisplayName"`
	} `xml:"Owner"`
	List *struct {
		Grants []struct {
			Grantee *struct {
				Attrs        []xml.Attr `xml:",any,attr"`
				ID           *string    `xml:"ID"`
				EmailAddress *string    `xml:"EmailAddress"`
				URI          *string    `xml:"URI"`
			} `xml:"Grantee"`
			Permission *string `xml:"Permission"`
		} `xml:"Grant"`
	} `xml:"AccessControlList"`
}

// parseACLBody reads an AccessControlPolicy: its owner's canonical id and
// its grants (grantees by email unresolved). Anything S3 would not accept
// is errMalformedACL, or errMalformedXML for a body that is not XML.
func parseACLBody(data []byte) (ownerID string, grants []acl.Grant, err error) {
	if len(data) > maxXMLBody {
		return "", nil, errMalformedACL
	}
	var body aclBodyXML
	dec := xml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&body); err != nil {
		return "", nil, errors.Join(errMalformedACL, err)
	}
	if body.Owner == nil || body.Owner.ID == "" || body.List == nil {
		return "", nil, errMalformedACL
	}
	grants = []acl.Grant{}
	for _, g := range body.List.Grants {
		if g.Grantee == nil || g.Permission == nil {
			return "", nil, errMalformedACL
		}
		p, ok := acl.ParsePermission(strings.TrimSpace(*g.Permission))
		if !ok {
			return "", nil, errMalformedACL
		}
		typ := ""
		for _, a := range g.Grantee.Attrs {
			if a.Name.Local == "type" {
				typ = a.Value
			}
		}
		var ge acl.Grantee
		switch acl.GranteeType(typ) {
		case acl.CanonicalUser:
			if g.Grantee.ID == nil {
				return "", nil, errMalformedACL
			}
			ge = acl.Grantee{Type: acl.CanonicalUser, ID: strings.TrimSpace(*g.Grantee.ID)}
		case acl.Email:
			if g.Grantee.EmailAddress == nil {
				return "", nil, errMalformedACL
			}
			ge = acl.Grantee{Type: acl.Email, Email: strings.TrimSpace(*g.Grantee.EmailAddress)}
		case acl.Group:
			if g.Grantee.URI == nil {
				return "", nil, errMalformedACL
			}
			ge = acl.Grantee{Type: acl.Group, URI: strings.TrimSpace(*g.Grantee.URI)}
		default:
			return "", nil, errMalformedACL
		}
		grants = append(grants, acl.Grant{Grantee: ge, Permission: p})
	}
	if len(grants) > acl.MaxGrants {
		return "", nil, errMalformedACL
	}
	return strings.TrimSpace(body.Owner.ID), grants, nil
}

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// appendXML renders the policy as S3 does: each Grantee declares the xsi
// namespace and names its xsi:type; a CanonicalUser carries ID and
// DisplayName, a Group its URI.
func (p accessControlPolicy) appendXML(b []byte) []byte {
	b = append(b, `<AccessControlPolicy xmlns="`+s3NS+`">`...)
	if p.Owner != nil {
		b = append(b, "<Owner>"...)
		b = appendElem(b, "ID", p.Owner.ID)
		b = appendElemOmitEmpty(b, "DisplayName", p.Owner.DisplayName)
		b = append(b, "</Owner>"...)
	}
	b = append(b, "<AccessControlList>"...)
	for _, g := range p.Grants {
		b = append(b, `<Grant><Grantee xmlns:xsi="`+xsiNS+`" xsi:type="`...)
		b = appendEscaped(b, g.Grantee.Type)
		b = append(b, `">`...)
		switch acl.GranteeType(g.Grantee.Type) {
		case acl.Group:
			b = appendElem(b, "URI", g.Grantee.URI)
		case acl.Email:
			b = appendElem(b, "EmailAddress", g.Grantee.Email)
		default:
			b = appendElem(b, "ID", g.Grantee.ID)
			b = appendElemOmitEmpty(b, "DisplayName", g.Grantee.DisplayName)
		}
		b = append(b, "</Grantee>"...)
		b = appendElem(b, "Permission", g.Permission)
		b = append(b, "</Grant>"...)
	}
	return append(b, "</AccessControlList></AccessControlPolicy>"...)
}
